//! QR codes in images: decoded with `image` and `rqrr`, over the image's bytes.

use crate::Error;

/// Images larger than this (in pixels, either side) are scaled down before the search: QR codes
/// people send are big enough to survive it, and the search cost grows with the area.
const MAX_SIDE: u32 = 1600;

/// A QR code found in an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrFinding {
    /// The decoded content, or `None` when a code was located but could not be read.
    pub content: Option<String>,
}

/// Every QR code in the image `bytes` (PNG, JPEG or GIF). An image that cannot be decoded is an
/// error; an image without codes gives an empty list.
pub fn find_qr_codes(bytes: &[u8]) -> Result<Vec<QrFinding>, Error> {
    let img = image::load_from_memory(bytes).map_err(|e| Error::Image(e.to_string()))?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let luma = img.to_luma8();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma.get_pixel(x as u32, y as u32).0[0]);
    Ok(prepared
        .detect_grids()
        .into_iter()
        .map(|g| QrFinding {
            content: g.decode().ok().map(|(_, s)| s),
        })
        .collect())
}
