//! Key material and the sealed-file format shared by the index and the media store.
//!
//! # Keys
//! One random 256-bit data key per profile. Purpose keys are derived from it with HKDF-SHA256
//! (`dossier-vault/v1/<purpose>`): the SQLCipher raw key, the index key, the media key, the key that
//! names media blobs, and a key-check value stored in the profile file so a wrong key is refused
//! before anything is opened.
//!
//! # Sealed files
//! ```text
//! header (40 bytes, plaintext):
//!   magic "DVS1" | version u8 = 1 | domain u8 | log2(chunk size) u8 | reserved u8 = 0
//!   file id (16 random bytes) | nonce prefix (16 random bytes)
//! then chunks: XChaCha20-Poly1305(ciphertext ‖ 16-byte tag), every chunk `chunk size` bytes of
//! plaintext except the last, which may be shorter (an empty file is one empty last chunk).
//!   file key = HKDF(domain key, salt = file id, info = "dossier-vault/v1/file/" ‖ domain ‖ "/" ‖ name)
//!   nonce    = nonce prefix ‖ chunk index (u64 BE)
//!   AAD      = header ‖ chunk index (u64 BE) ‖ last-chunk flag (u8)
//! ```
//! The name (the tantivy file name or the blob id) is bound into the key, so files cannot be swapped;
//! the index and last flag into every chunk, so chunks cannot be reordered, dropped or truncated; the
//! header into every chunk, so it cannot be edited.

use std::io::{self, Write};

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::IntegrityError;

/// Bytes in a data key.
pub(crate) const KEY_LEN: usize = 32;
/// Header length of a sealed file.
pub(crate) const HEADER_LEN: usize = 40;
/// AEAD tag length.
pub(crate) const TAG_LEN: usize = 16;
const MAGIC: &[u8; 4] = b"DVS1";
const FORMAT_VERSION: u8 = 1;

/// What a sealed file belongs to; part of the header and of the key derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Domain {
    /// A tantivy index file.
    Index = 1,
    /// A media blob or thumbnail.
    Media = 2,
}

impl Domain {
    fn label(self) -> &'static str {
        match self {
            Domain::Index => "index",
            Domain::Media => "media",
        }
    }
}

/// A profile's data key. Wiped from memory on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct DataKey([u8; KEY_LEN]);

impl DataKey {
    pub(crate) fn random() -> Self {
        let mut k = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut k);
        Self(k)
    }

    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Self(arr))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Derives a purpose key.
    pub(crate) fn derive(&self, purpose: &str) -> Zeroizing<[u8; KEY_LEN]> {
        let hk = Hkdf::<Sha256>::new(None, &self.0);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        let info = format!("dossier-vault/v1/{purpose}");
        hk.expand(info.as_bytes(), out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        out
    }

    /// The value stored beside the profile to recognise this key (reveals nothing about it).
    pub(crate) fn check_value(&self) -> String {
        hex::encode(*self.derive("key-check"))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// Random bytes.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}

/// The per-file cipher and header of one sealed file.
pub(crate) struct FileCipher {
    cipher: XChaCha20Poly1305,
    header: [u8; HEADER_LEN],
    chunk_size: usize,
}

impl FileCipher {
    /// A new file: fresh id and nonce prefix.
    pub(crate) fn create(domain_key: &[u8; KEY_LEN], domain: Domain, name: &str, chunk_log2: u8) -> Self {
        let mut header = [0u8; HEADER_LEN];
        header[..4].copy_from_slice(MAGIC);
        header[4] = FORMAT_VERSION;
        header[5] = domain as u8;
        header[6] = chunk_log2;
        header[8..24].copy_from_slice(&random_bytes::<16>());
        header[24..40].copy_from_slice(&random_bytes::<16>());
        Self::with_header(domain_key, domain, name, header)
    }

    /// An existing file, from its header. `file` names it in errors.
    pub(crate) fn open(
        domain_key: &[u8; KEY_LEN],
        domain: Domain,
        name: &str,
        header: &[u8],
        file: &std::path::Path,
    ) -> Result<Self, IntegrityError> {
        let header: [u8; HEADER_LEN] = header
            .try_into()
            .map_err(|_| IntegrityError::new(file, "shorter than the header"))?;
        if &header[..4] != MAGIC {
            return Err(IntegrityError::new(file, "not a sealed vault file (bad magic)"));
        }
        if header[4] != FORMAT_VERSION {
            return Err(IntegrityError::new(
                file,
                format!("unknown sealed-file version {}", header[4]),
            ));
        }
        if header[5] != domain as u8 {
            return Err(IntegrityError::new(
                file,
                "file belongs to another part of the vault",
            ));
        }
        if !(10..=20).contains(&header[6]) || header[7] != 0 {
            return Err(IntegrityError::new(file, "header is damaged"));
        }
        Ok(Self::with_header(domain_key, domain, name, header))
    }

    fn with_header(domain_key: &[u8; KEY_LEN], domain: Domain, name: &str, header: [u8; HEADER_LEN]) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(&header[8..24]), domain_key);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        let info = format!("dossier-vault/v1/file/{}/{name}", domain.label());
        hk.expand(info.as_bytes(), key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let cipher = XChaCha20Poly1305::new(key.as_ref().into());
        Self {
            cipher,
            header,
            chunk_size: 1usize << header[6],
        }
    }

    pub(crate) fn header(&self) -> &[u8; HEADER_LEN] {
        &self.header
    }

    /// Random file id (used as a cache key).
    pub(crate) fn file_id(&self) -> [u8; 16] {
        self.header[8..24].try_into().expect("16 bytes")
    }

    pub(crate) fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    fn nonce(&self, index: u64) -> XNonce {
        let mut n = [0u8; 24];
        n[..16].copy_from_slice(&self.header[24..40]);
        n[16..].copy_from_slice(&index.to_be_bytes());
        n.into()
    }

    fn aad(&self, index: u64, last: bool) -> [u8; HEADER_LEN + 9] {
        let mut a = [0u8; HEADER_LEN + 9];
        a[..HEADER_LEN].copy_from_slice(&self.header);
        a[HEADER_LEN..HEADER_LEN + 8].copy_from_slice(&index.to_be_bytes());
        a[HEADER_LEN + 8] = last as u8;
        a
    }

    /// Encrypts `buf` in place and appends the tag.
    pub(crate) fn seal_chunk(&self, index: u64, last: bool, buf: &mut Vec<u8>) -> io::Result<()> {
        let tag = self
            .cipher
            .encrypt_in_place_detached(&self.nonce(index), &self.aad(index, last), buf)
            .map_err(|_| io::Error::other("chunk encryption failed"))?;
        buf.extend_from_slice(&tag);
        Ok(())
    }

    /// Decrypts one chunk (ciphertext ‖ tag) in place; returns the plaintext length.
    pub(crate) fn open_chunk(
        &self,
        index: u64,
        last: bool,
        buf: &mut [u8],
        file: &std::path::Path,
    ) -> Result<usize, IntegrityError> {
        if buf.len() < TAG_LEN {
            return Err(IntegrityError::new(file, format!("chunk {index} is truncated")));
        }
        let (body, tag) = buf.split_at_mut(buf.len() - TAG_LEN);
        let tag = Tag::clone_from_slice(tag);
        self.cipher
            .decrypt_in_place_detached(&self.nonce(index), &self.aad(index, last), body, &tag)
            .map_err(|_| {
                IntegrityError::new(
                    file,
                    format!("chunk {index} does not authenticate (tampered, reordered or truncated)"),
                )
            })?;
        Ok(body.len())
    }

    /// Layout of a sealed file of `file_len` bytes: (number of chunks, plaintext length).
    pub(crate) fn layout(&self, file_len: u64, file: &std::path::Path) -> Result<(u64, u64), IntegrityError> {
        let body = file_len
            .checked_sub(HEADER_LEN as u64)
            .ok_or_else(|| IntegrityError::new(file, "truncated inside the header"))?;
        let stride = (self.chunk_size + TAG_LEN) as u64;
        let chunks = body.div_ceil(stride);
        if chunks == 0 {
            return Err(IntegrityError::new(file, "truncated: no chunks"));
        }
        let last_len = body - (chunks - 1) * stride;
        if last_len < TAG_LEN as u64 {
            return Err(IntegrityError::new(file, "truncated inside a chunk"));
        }
        Ok((chunks, body - chunks * TAG_LEN as u64))
    }

    /// Byte offset of chunk `index` in the file.
    pub(crate) fn chunk_offset(&self, index: u64) -> u64 {
        HEADER_LEN as u64 + index * (self.chunk_size + TAG_LEN) as u64
    }
}

/// Streams plaintext into a sealed file. Call [`SealWriter::finish`]; without it the file has no
/// last chunk and will not open.
pub(crate) struct SealWriter<W: Write> {
    inner: W,
    cipher: FileCipher,
    buf: Vec<u8>,
    index: u64,
    finished: bool,
}

impl<W: Write> SealWriter<W> {
    pub(crate) fn new(mut inner: W, cipher: FileCipher) -> io::Result<Self> {
        inner.write_all(cipher.header())?;
        let cap = cipher.chunk_size() + TAG_LEN;
        Ok(Self {
            inner,
            cipher,
            buf: Vec::with_capacity(cap),
            index: 0,
            finished: false,
        })
    }

    fn seal_buffer(&mut self, last: bool) -> io::Result<()> {
        self.cipher.seal_chunk(self.index, last, &mut self.buf)?;
        self.inner.write_all(&self.buf)?;
        self.buf.zeroize();
        self.buf.clear();
        self.index += 1;
        Ok(())
    }

    /// Seals the last chunk and flushes. Returns the inner writer.
    pub(crate) fn finish(&mut self) -> io::Result<&mut W> {
        if !self.finished {
            self.seal_buffer(true)?;
            self.finished = true;
        }
        self.inner.flush()?;
        Ok(&mut self.inner)
    }
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        if self.finished {
            return Err(io::Error::other("write after the sealed file was finished"));
        }
        let n = data.len();
        let cs = self.cipher.chunk_size();
        while !data.is_empty() {
            if self.buf.len() == cs {
                // More data follows, so this full chunk is not the last one.
                self.seal_buffer(false)?;
            }
            let take = (cs - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for SealWriter<W> {
    fn drop(&mut self) {
        self.buf.zeroize();
    }
}

/// Seals a whole buffer.
pub(crate) fn seal_all(
    domain_key: &[u8; KEY_LEN],
    domain: Domain,
    name: &str,
    chunk_log2: u8,
    data: &[u8],
) -> io::Result<Vec<u8>> {
    let cipher = FileCipher::create(domain_key, domain, name, chunk_log2);
    let cs = cipher.chunk_size();
    let chunks = data.len().div_ceil(cs).max(1);
    let mut out = Vec::with_capacity(HEADER_LEN + data.len() + chunks * TAG_LEN);
    let mut w = SealWriter::new(&mut out, cipher)?;
    w.write_all(data)?;
    w.finish()?;
    drop(w);
    Ok(out)
}

/// Opens a whole sealed buffer read from `file`.
pub(crate) fn open_all(
    domain_key: &[u8; KEY_LEN],
    domain: Domain,
    name: &str,
    bytes: &[u8],
    file: &std::path::Path,
) -> Result<Zeroizing<Vec<u8>>, IntegrityError> {
    if bytes.len() < HEADER_LEN {
        return Err(IntegrityError::new(file, "truncated inside the header"));
    }
    let cipher = FileCipher::open(domain_key, domain, name, &bytes[..HEADER_LEN], file)?;
    let (chunks, plain_len) = cipher.layout(bytes.len() as u64, file)?;
    let mut out = Zeroizing::new(Vec::with_capacity(plain_len as usize));
    let stride = cipher.chunk_size() + TAG_LEN;
    let mut scratch = Vec::with_capacity(stride);
    for i in 0..chunks {
        let start = cipher.chunk_offset(i) as usize;
        let end = (start + stride).min(bytes.len());
        scratch.clear();
        scratch.extend_from_slice(&bytes[start..end]);
        let n = cipher.open_chunk(i, i + 1 == chunks, &mut scratch, file)?;
        out.extend_from_slice(&scratch[..n]);
    }
    scratch.zeroize();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn round_trip_sizes() {
        let key = [7u8; 32];
        for len in [0usize, 1, 1023, 1024, 1025, 4096, 5000] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let sealed = seal_all(&key, Domain::Media, "x", 10, &data).unwrap();
            let back = open_all(&key, Domain::Media, "x", &sealed, Path::new("x")).unwrap();
            assert_eq!(&back[..], &data[..], "len {len}");
            // Another name does not open it.
            assert!(open_all(&key, Domain::Media, "y", &sealed, Path::new("x")).is_err());
        }
    }

    #[test]
    fn truncation_at_a_chunk_boundary_is_caught() {
        let key = [1u8; 32];
        let data = vec![5u8; 3000];
        let sealed = seal_all(&key, Domain::Index, "f", 10, &data).unwrap();
        let cut = HEADER_LEN + 2 * (1024 + TAG_LEN);
        let err = open_all(&key, Domain::Index, "f", &sealed[..cut], Path::new("f")).unwrap_err();
        assert!(err.what.contains("chunk 1"), "{err}");
    }
}
