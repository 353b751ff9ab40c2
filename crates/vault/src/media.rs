//! Encrypted media blobs and thumbnails.
//!
//! A blob is a sealed file (see [`crate::crypto`], 64 KiB chunks) at `media/<2 hex>/<32 hex>`.
//! Its id is a keyed hash of the SDK file id, so file names reveal nothing. Writes are atomic
//! (sealed temp file, fsync, rename). The database row (`media` table) is written after the blob,
//! so a crash leaves at worst an unreferenced blob, never a row without its blob.

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::{self, Domain, KEY_LEN};
use crate::db::MediaRow;
use crate::error::{Error, InternalError, Result, UserError};
use crate::index_dir::{remove_stale_temps, write_atomically};

const MEDIA_CHUNK_LOG2: u8 = 16;
/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

/// The media store of a profile.
pub struct MediaStore {
    root: PathBuf,
    key: Zeroizing<[u8; KEY_LEN]>,
    name_key: Zeroizing<[u8; KEY_LEN]>,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MediaStore({:?})", self.root)
    }
}

/// A thumbnail as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thumbnail {
    /// Its blob id.
    pub blob: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl MediaStore {
    pub(crate) fn open(
        root: &Path,
        key: Zeroizing<[u8; KEY_LEN]>,
        name_key: Zeroizing<[u8; KEY_LEN]>,
    ) -> Result<Self> {
        fs::create_dir_all(root).map_err(|e| Error::io("create media directory", root, e))?;
        if let Ok(entries) = fs::read_dir(root) {
            for e in entries.flatten() {
                remove_stale_temps(&e.path());
            }
        }
        Ok(Self {
            root: root.to_owned(),
            key,
            name_key,
        })
    }

    /// The blob id the store uses for an SDK file id (a keyed hash: names reveal nothing).
    pub fn blob_id(&self, sdkfileid: &str) -> String {
        self.name("blob", sdkfileid)
    }

    fn name(&self, purpose: &str, id: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_key.as_ref());
        h.update(purpose.as_bytes());
        h.update([0u8]);
        h.update(id.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    fn path(&self, blob: &str) -> Result<PathBuf> {
        if blob.len() != 32 || !blob.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(UserError::Invalid("not a media blob id".into()).into());
        }
        Ok(self.root.join(&blob[..2]).join(blob))
    }

    fn shown(blob: &str) -> PathBuf {
        Path::new("media").join(blob.get(..2).unwrap_or("")).join(blob)
    }

    fn write_blob(&self, blob: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(blob)?;
        let dir = path.parent().expect("blob paths have a parent");
        fs::create_dir_all(dir).map_err(|e| Error::io("create media directory", dir, e))?;
        let sealed = crypto::seal_all(&self.key, Domain::Media, blob, MEDIA_CHUNK_LOG2, bytes)
            .map_err(|e| Error::io("seal media", Self::shown(blob), e))?;
        write_atomically(&path, &sealed).map_err(|e| Error::io("write media", Self::shown(blob), e))
    }

    /// Stores `bytes` for `sdkfileid`; returns the row to record with [`crate::Tx::put_media`].
    /// Images also get a thumbnail (see [`MediaStore::put_with_thumbnail`] to learn its size).
    pub fn put(&self, sdkfileid: &str, bytes: &[u8]) -> Result<MediaRow> {
        Ok(self.put_with_thumbnail(sdkfileid, bytes)?.0)
    }

    /// Stores `bytes`, and a JPEG thumbnail when they decode as an image.
    pub fn put_with_thumbnail(&self, sdkfileid: &str, bytes: &[u8]) -> Result<(MediaRow, Option<Thumbnail>)> {
        let blob = self.blob_id(sdkfileid);
        self.write_blob(&blob, bytes)?;
        let format = image::guess_format(bytes).ok();
        let thumb = match format {
            Some(_) => match self.make_thumbnail(sdkfileid, bytes) {
                Ok(t) => Some(t),
                Err(Error::User(UserError::NotAnImage(_))) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let row = MediaRow {
            sdkfileid: sdkfileid.to_owned(),
            blob,
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(bytes)),
            mime: format.map(|f| f.to_mime_type().to_owned()),
            thumb: thumb.as_ref().map(|t| t.blob.clone()),
        };
        Ok((row, thumb))
    }

    /// Makes and stores a thumbnail (JPEG, longest side [`THUMBNAIL_SIDE`]), in memory only.
    pub fn make_thumbnail(&self, sdkfileid: &str, bytes: &[u8]) -> Result<Thumbnail> {
        let img = image::load_from_memory(bytes).map_err(|e| UserError::NotAnImage(e.to_string()))?;
        let small = img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE).to_rgb8();
        let (width, height) = small.dimensions();
        let mut out = Zeroizing::new(Vec::new());
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut *out), 80);
        small
            .write_with_encoder(encoder)
            .map_err(|e| InternalError::Image(e.to_string()))?;
        let blob = self.name("thumb", sdkfileid);
        self.write_blob(&blob, &out)?;
        Ok(Thumbnail { blob, width, height })
    }

    /// Reads and authenticates a blob.
    pub fn get(&self, blob: &str) -> Result<Zeroizing<Vec<u8>>> {
        let path = self.path(blob)?;
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(UserError::MediaMissing(blob.to_owned()).into());
            }
            Err(e) => return Err(Error::io("read media", Self::shown(blob), e)),
        };
        Ok(crypto::open_all(
            &self.key,
            Domain::Media,
            blob,
            &bytes,
            &Self::shown(blob),
        )?)
    }

    /// Whether a blob exists.
    pub fn contains(&self, blob: &str) -> bool {
        self.path(blob).map(|p| p.exists()).unwrap_or(false)
    }

    /// Deletes a blob (missing is fine).
    pub fn delete(&self, blob: &str) -> Result<()> {
        let path = self.path(blob)?;
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("delete media", Self::shown(blob), e)),
        }
    }
}
