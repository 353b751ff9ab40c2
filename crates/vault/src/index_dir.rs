//! [`EncryptedDirectory`]: a `tantivy::Directory` whose files are sealed on disk (format in
//! [`crate::crypto`]). The search crate builds its index on it; nothing here knows the schema.
//!
//! - `open_write` streams chunks into the final path; the last chunk is sealed on `terminate`.
//!   A file left unterminated by a crash has no last chunk, is never referenced by `meta.json`,
//!   and tantivy's garbage collection removes it.
//! - `get_file_handle` reads the header, checks the last chunk (so truncation is caught at open)
//!   and serves random reads by decrypting only the chunks a range touches, through a small LRU
//!   shared by all handles of the directory.
//! - `atomic_write` seals into a temp file in the same directory, fsyncs it and renames it over
//!   the target (`meta.json`, `.managed.json`), then notifies watchers of `meta.json`.
//! - Locks are delegated to a `MmapDirectory` on the same path (OS file locks, released if the
//!   process dies); lock files are empty.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::num::NonZeroUsize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use lru::LruCache;
use tantivy::HasLen;
use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, TerminatingWrite,
    WatchCallback, WatchCallbackList, WatchHandle, WritePtr,
};
use zeroize::Zeroizing;

use crate::crypto::{self, Domain, FileCipher, HEADER_LEN, KEY_LEN, SealWriter, TAG_LEN};
use crate::error::{IntegrityError, integrity_io};

/// Default chunk size of index files: 16 KiB (2^14).
pub const DEFAULT_CHUNK_LOG2: u8 = 14;
/// Default size of the decrypted-chunk cache, in bytes.
pub const DEFAULT_CACHE_BYTES: usize = 32 << 20;
const META_FILE: &str = "meta.json";
/// Reads spanning at least this many chunks bypass the cache.
const LARGE_READ_CHUNKS: u64 = 16;
const TEMP_PREFIX: &str = ".dv-tmp-";

type ChunkCache = Mutex<LruCache<([u8; 16], u64), Arc<[u8]>>>;

/// Plaintext of multi-chunk ranges as tantivy asked for them (a posting list, a block of the doc
/// store): repeated reads return the same bytes without reassembling them. Bounded in bytes.
struct RangeCache {
    map: LruCache<([u8; 16], usize, usize), Arc<[u8]>>,
    bytes: usize,
    budget: usize,
}

impl RangeCache {
    fn get(&mut self, key: &([u8; 16], usize, usize)) -> Option<Arc<[u8]>> {
        self.map.get(key).cloned()
    }

    fn put(&mut self, key: ([u8; 16], usize, usize), value: Arc<[u8]>) {
        if value.len() > self.budget / 8 {
            return;
        }
        self.bytes += value.len();
        if let Some(old) = self.map.put(key, value) {
            self.bytes -= old.len();
        }
        while self.bytes > self.budget {
            match self.map.pop_lru() {
                Some((_, v)) => self.bytes -= v.len(),
                None => break,
            }
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.bytes = 0;
    }
}

struct Inner {
    root: PathBuf,
    key: Zeroizing<[u8; KEY_LEN]>,
    chunk_log2: u8,
    cache: ChunkCache,
    ranges: Mutex<RangeCache>,
    watchers: WatchCallbackList,
    locks: MmapDirectory,
}

/// An encrypted tantivy directory. Cheap to clone (shared state).
#[derive(Clone)]
pub struct EncryptedDirectory {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for EncryptedDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptedDirectory({:?})", self.inner.root)
    }
}

impl EncryptedDirectory {
    /// Opens (creating if needed) the directory at `root` with the index key.
    pub(crate) fn open(root: &Path, key: Zeroizing<[u8; KEY_LEN]>) -> crate::Result<Self> {
        Self::open_with(root, key, DEFAULT_CHUNK_LOG2, DEFAULT_CACHE_BYTES)
    }

    /// As [`EncryptedDirectory::open`], with a chunk size (2^`chunk_log2` bytes, 10..=20) and cache size.
    // MmapDirectory is used for its OS file locks only; no index bytes go through it.
    #[allow(clippy::disallowed_methods)]
    pub(crate) fn open_with(
        root: &Path,
        key: Zeroizing<[u8; KEY_LEN]>,
        chunk_log2: u8,
        cache_bytes: usize,
    ) -> crate::Result<Self> {
        fs::create_dir_all(root).map_err(|e| crate::Error::io("create index directory", root, e))?;
        let locks = MmapDirectory::open(root).map_err(|e| match e {
            OpenDirectoryError::IoError { io_error, .. } => crate::Error::io(
                "open index directory",
                root,
                io::Error::new(io_error.kind(), io_error.to_string()),
            ),
            other => crate::Error::io("open index directory", root, io::Error::other(other.to_string())),
        })?;
        let chunks = (cache_bytes >> chunk_log2).max(8);
        Ok(Self {
            inner: Arc::new(Inner {
                root: root.to_owned(),
                key,
                chunk_log2,
                cache: Mutex::new(LruCache::new(NonZeroUsize::new(chunks).expect("at least 8"))),
                ranges: Mutex::new(RangeCache {
                    map: LruCache::unbounded(),
                    bytes: 0,
                    budget: cache_bytes / 2,
                }),
                watchers: WatchCallbackList::default(),
                locks,
            }),
        })
    }

    /// The directory on disk.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    /// Drops every cached plaintext chunk (done on lock; handy in benchmarks).
    pub fn clear_cache(&self) {
        self.inner.cache.lock().expect("cache lock").clear();
        self.inner.ranges.lock().expect("cache lock").clear();
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        self.inner.root.join(path)
    }

    fn name(path: &Path) -> String {
        path.to_string_lossy().replace('\\', "/")
    }

    fn cipher_for_new(&self, path: &Path) -> FileCipher {
        FileCipher::create(
            &self.inner.key,
            Domain::Index,
            &Self::name(path),
            self.inner.chunk_log2,
        )
    }

    fn open_handle(&self, path: &Path) -> Result<EncryptedFile, OpenReadError> {
        let full = self.resolve(path);
        let file = File::open(&full).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_owned())
            } else {
                OpenReadError::wrap_io_error(e, path.to_owned())
            }
        })?;
        let wrap = |e: io::Error| OpenReadError::wrap_io_error(e, path.to_owned());
        let file_len = file.metadata().map_err(wrap)?.len();
        let mut header = [0u8; HEADER_LEN];
        if file_len < HEADER_LEN as u64 {
            return Err(wrap(integrity_io(IntegrityError::new(
                self.display_path(path),
                "truncated inside the header",
            ))));
        }
        read_exact_at(&file, &mut header, 0).map_err(wrap)?;
        let shown = self.display_path(path);
        let cipher = FileCipher::open(&self.inner.key, Domain::Index, &Self::name(path), &header, &shown)
            .map_err(|e| wrap(integrity_io(e)))?;
        let (chunks, len) = cipher
            .layout(file_len, &shown)
            .map_err(|e| wrap(integrity_io(e)))?;
        let handle = EncryptedFile {
            dir: self.clone(),
            path: shown,
            file,
            file_len,
            cipher,
            chunks,
            len: len as usize,
        };
        // Authenticate the last chunk now: a truncated file fails at open, not mid-query.
        handle.chunk(chunks - 1).map_err(wrap)?;
        Ok(handle)
    }

    fn display_path(&self, path: &Path) -> PathBuf {
        Path::new("index").join(path)
    }
}

/// One open sealed file.
struct EncryptedFile {
    dir: EncryptedDirectory,
    path: PathBuf,
    file: File,
    file_len: u64,
    cipher: FileCipher,
    chunks: u64,
    len: usize,
}

impl std::fmt::Debug for EncryptedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EncryptedFile({:?}, {} bytes)", self.path, self.len)
    }
}

impl EncryptedFile {
    fn chunk(&self, index: u64) -> io::Result<Arc<[u8]>> {
        self.chunk_with(index, true)
    }

    /// One decrypted chunk, from the cache when there; `remember` puts a miss into the cache
    /// (large sequential reads skip it so they do not flush what random reads need).
    fn chunk_with(&self, index: u64, remember: bool) -> io::Result<Arc<[u8]>> {
        let key = (self.cipher.file_id(), index);
        if let Some(hit) = self.dir.inner.cache.lock().expect("cache lock").get(&key) {
            return Ok(hit.clone());
        }
        let start = self.cipher.chunk_offset(index);
        let end = (start + (self.cipher.chunk_size() + TAG_LEN) as u64).min(self.file_len);
        let mut buf = Zeroizing::new(vec![0u8; (end - start) as usize]);
        read_exact_at(&self.file, &mut buf, start)?;
        let n = self
            .cipher
            .open_chunk(index, index + 1 == self.chunks, &mut buf, &self.path)
            .map_err(integrity_io)?;
        let plain: Arc<[u8]> = Arc::from(&buf[..n]);
        if !remember {
            return Ok(plain);
        }
        self.dir
            .inner
            .cache
            .lock()
            .expect("cache lock")
            .put(key, plain.clone());
        Ok(plain)
    }
}

impl HasLen for EncryptedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for EncryptedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "range {range:?} outside {} ({} bytes)",
                    self.path.display(),
                    self.len
                ),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        let cs = self.cipher.chunk_size();
        let first = (range.start / cs) as u64;
        let last = ((range.end - 1) / cs) as u64;
        if first == last {
            let chunk = self.chunk(first)?;
            let off = first as usize * cs;
            return Ok(OwnedBytes::new(chunk).slice(range.start - off..range.end - off));
        }
        let range_key = (self.cipher.file_id(), range.start, range.end);
        if let Some(hit) = self.dir.inner.ranges.lock().expect("cache lock").get(&range_key) {
            return Ok(OwnedBytes::new(hit));
        }
        let mut out = Vec::with_capacity(range.len());
        let remember = last - first < LARGE_READ_CHUNKS;
        for i in first..=last {
            let chunk = self.chunk_with(i, remember)?;
            let off = i as usize * cs;
            let s = range.start.max(off) - off;
            let e = range.end.min(off + chunk.len()) - off;
            out.extend_from_slice(&chunk[s..e]);
        }
        let out: Arc<[u8]> = Arc::from(out);
        if remember {
            self.dir
                .inner
                .ranges
                .lock()
                .expect("cache lock")
                .put(range_key, out.clone());
        }
        Ok(OwnedBytes::new(out))
    }
}

/// The writer behind `open_write`.
struct EncryptedWriter {
    inner: SealWriter<BufWriter<File>>,
}

impl Write for EncryptedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl TerminatingWrite for EncryptedWriter {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        let w = self.inner.finish()?;
        w.flush()?;
        w.get_ref().sync_data()
    }
}

impl Directory for EncryptedDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        Ok(Arc::new(self.open_handle(path)?))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        fs::remove_file(self.resolve(path)).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                DeleteError::FileDoesNotExist(path.to_owned())
            } else {
                DeleteError::IoError {
                    io_error: Arc::new(e),
                    filepath: path.to_owned(),
                }
            }
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.resolve(path)
            .try_exists()
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_owned()))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let full = self.resolve(path);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    OpenWriteError::FileAlreadyExists(path.to_owned())
                } else {
                    OpenWriteError::wrap_io_error(e, path.to_owned())
                }
            })?;
        let seal = SealWriter::new(
            BufWriter::with_capacity(64 << 10, file),
            self.cipher_for_new(path),
        )
        .map_err(|e| OpenWriteError::wrap_io_error(e, path.to_owned()))?;
        Ok(BufWriter::new(Box::new(EncryptedWriter { inner: seal })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let full = self.resolve(path);
        let bytes = fs::read(&full).map_err(|e| {
            if e.kind() == io::ErrorKind::NotFound {
                OpenReadError::FileDoesNotExist(path.to_owned())
            } else {
                OpenReadError::wrap_io_error(e, path.to_owned())
            }
        })?;
        let plain = crypto::open_all(
            &self.inner.key,
            Domain::Index,
            &Self::name(path),
            &bytes,
            &self.display_path(path),
        )
        .map_err(|e| OpenReadError::wrap_io_error(integrity_io(e), path.to_owned()))?;
        Ok(plain.to_vec())
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        let sealed = crypto::seal_all(
            &self.inner.key,
            Domain::Index,
            &Self::name(path),
            self.inner.chunk_log2,
            data,
        )?;
        let target = self.resolve(path);
        write_atomically(&target, &sealed)?;
        if path == Path::new(META_FILE) {
            drop(self.inner.watchers.broadcast());
        }
        Ok(())
    }

    fn sync_directory(&self) -> io::Result<()> {
        sync_dir(&self.inner.root)
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.locks.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(self.inner.watchers.subscribe(watch_callback))
    }
}

/// Writes `bytes` to a temp file beside `target`, fsyncs, renames over `target`, fsyncs the directory.
pub(crate) fn write_atomically(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        "{TEMP_PREFIX}{}",
        hex::encode(crypto::random_bytes::<8>())
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, target)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes temp files a crash left behind (they are sealed, but useless).
pub(crate) fn remove_stale_temps(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows: directory entries are durable once the file is flushed; there is no handle to sync.
    Ok(())
}

#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
pub(crate) fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
