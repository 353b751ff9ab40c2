//! A tiny ordered JSON object writer: keys come out in the order written (WeCom's own order), whatever
//! features serde_json is built with, and no `Value` trees are allocated per message.

/// Writes one JSON object into a byte buffer.
pub struct Obj<'a> {
    buf: &'a mut Vec<u8>,
    first: bool,
}

/// Appends `s` as a JSON string literal.
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    // Serialising a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, s);
}

impl<'a> Obj<'a> {
    /// Opens an object.
    pub fn new(buf: &'a mut Vec<u8>) -> Self {
        buf.push(b'{');
        Obj { buf, first: true }
    }

    fn key(&mut self, k: &str) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        push_str(self.buf, k);
        self.buf.push(b':');
    }

    /// A string field.
    pub fn s(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        push_str(self.buf, v);
        self
    }

    /// An integer field.
    pub fn n(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        self.buf.extend_from_slice(v.to_string().as_bytes());
        self
    }

    /// An unsigned integer field.
    pub fn u(&mut self, k: &str, v: u64) -> &mut Self {
        self.key(k);
        self.buf.extend_from_slice(v.to_string().as_bytes());
        self
    }

    /// A float field.
    pub fn f(&mut self, k: &str, v: f64) -> &mut Self {
        self.key(k);
        let _ = serde_json::to_writer(&mut *self.buf, &v);
        self
    }

    /// A boolean field.
    pub fn b(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.buf.extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// An array of strings.
    pub fn strs<S: AsRef<str>>(&mut self, k: &str, v: &[S]) -> &mut Self {
        self.key(k);
        self.buf.push(b'[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            push_str(self.buf, s.as_ref());
        }
        self.buf.push(b']');
        self
    }

    /// A nested object.
    pub fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key(k);
        let mut inner = Obj::new(self.buf);
        f(&mut inner);
        inner.close();
        self
    }

    /// An array of objects.
    pub fn arr<T>(&mut self, k: &str, items: &[T], f: impl Fn(&mut Obj<'_>, &T)) -> &mut Self {
        self.key(k);
        self.buf.push(b'[');
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            let mut inner = Obj::new(self.buf);
            f(&mut inner, it);
            inner.close();
        }
        self.buf.push(b']');
        self
    }

    /// Pre-serialised JSON as a field value.
    pub fn raw(&mut self, k: &str, json: &[u8]) -> &mut Self {
        self.key(k);
        self.buf.extend_from_slice(json);
        self
    }

    /// Closes the object.
    pub fn close(&mut self) {
        self.buf.push(b'}');
    }
}

/// Builds an object into a fresh string (for JSON-inside-JSON-string payloads).
pub fn object_string(f: impl FnOnce(&mut Obj<'_>)) -> String {
    let mut buf = Vec::new();
    let mut o = Obj::new(&mut buf);
    f(&mut o);
    o.close();
    String::from_utf8(buf).unwrap_or_default()
}
