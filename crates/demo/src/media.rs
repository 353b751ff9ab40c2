//! The media pool: a bounded set of real media files (PNG/JPEG photos, QR-code cards, GIF/PNG stickers,
//! AMR voice, MP4 video, PDF/DOCX/XLSX documents), rendered the first time a message uses them and reused
//! by `sdkfileid` afterwards, so a million-message archive still has only a few hundred files.

use std::fs;
use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use md5::Md5;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use crate::DemoError;
use crate::text::Industry;

/// Media categories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cat {
    /// Photos and screenshots (PNG or JPEG).
    Image,
    /// A personal WeChat contact card with a QR code (PNG).
    Qr,
    /// Voice messages (AMR-NB).
    Voice,
    /// Videos (MP4).
    Video,
    /// Stickers (GIF type 1, PNG type 2).
    Emotion,
    /// Meeting and call recordings (AMR-NB).
    Call,
    /// Documents of one industry (PDF, DOCX, XLSX).
    Doc(Industry),
}

impl Cat {
    fn index(self) -> usize {
        match self {
            Cat::Image => 0,
            Cat::Qr => 1,
            Cat::Voice => 2,
            Cat::Video => 3,
            Cat::Emotion => 4,
            Cat::Call => 5,
            Cat::Doc(i) => 6 + Industry::ALL.iter().position(|&x| x == i).unwrap_or(0),
        }
    }
}

const CATS: usize = 11;

/// One media file of the pool.
pub struct Media {
    /// Its category.
    pub cat: Cat,
    /// The opaque SDK file id messages carry.
    pub sdkfileid: String,
    /// Document file name (with extension) for documents; empty otherwise.
    pub filename: String,
    /// File extension.
    pub ext: &'static str,
    /// Seconds of play time (voice, video, call).
    pub play_length: u32,
    /// Pixel size (images, stickers).
    pub width: u32,
    /// Pixel size (images, stickers).
    pub height: u32,
    /// For QR cards: the URL the code encodes.
    pub qr_payload: Option<String>,
    /// Lowercase hex MD5 of the bytes, once rendered.
    pub md5sum: String,
    /// Size in bytes, once rendered.
    pub size: u64,
    seed: [u8; 32],
    rendered: bool,
}

/// The pool: descriptors for every file, rendered lazily.
pub struct MediaPool {
    items: Vec<Media>,
    by_cat: Vec<Vec<usize>>,
    dir: PathBuf,
    /// Files written so far.
    pub files: u64,
    /// Bytes written so far.
    pub bytes: u64,
}

/// Lowercase hex SHA-256 of an sdkfileid: the media file's name.
pub fn media_file_name(sdkfileid: &str) -> String {
    hex::encode(Sha256::digest(sdkfileid.as_bytes()))
}

/// A sub-generator seeded from the run seed and a label, independent of everything else.
pub fn sub_seed(seed: u64, label: &str, index: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(label.as_bytes());
    h.update(index.to_le_bytes());
    h.finalize().into()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                s.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

impl MediaPool {
    /// Plans a pool sized for `messages` messages; files go to `dir` (created by the caller).
    pub fn new(seed: u64, messages: u64, dir: &Path) -> Self {
        use rand::SeedableRng;
        let mut rng = ChaCha8Rng::from_seed(sub_seed(seed, "media-pool", 0));
        let scale = |per: u64, lo: u64, hi: u64| (messages / per).clamp(lo, hi) as usize;
        let mut plan: Vec<(Cat, usize)> = vec![
            (Cat::Image, scale(2_500, 12, 200)),
            (Cat::Qr, scale(25_000, 4, 40)),
            (Cat::Voice, scale(5_000, 8, 120)),
            (Cat::Video, scale(40_000, 3, 30)),
            (Cat::Emotion, scale(20_000, 8, 40)),
            (Cat::Call, scale(100_000, 2, 10)),
        ];
        for ind in Industry::ALL {
            plan.push((Cat::Doc(ind), scale(25_000, 4, 30)));
        }
        let mut items = Vec::new();
        let mut by_cat = vec![Vec::new(); CATS];
        for (cat, n) in plan {
            for _ in 0..n {
                let idx = items.len();
                by_cat[cat.index()].push(idx);
                items.push(plan_item(&mut rng, cat, idx, seed));
            }
        }
        MediaPool {
            items,
            by_cat,
            dir: dir.to_path_buf(),
            files: 0,
            bytes: 0,
        }
    }

    /// Picks a file of `cat` (popular ones more often), renders it if this is its first use, and returns it.
    pub fn take<R: Rng>(&mut self, rng: &mut R, cat: Cat) -> Result<&Media, DemoError> {
        let list = &self.by_cat[cat.index()];
        let u: f64 = rng.random();
        let pos = ((u * u) * list.len() as f64) as usize;
        let idx = list[pos.min(list.len() - 1)];
        if !self.items[idx].rendered {
            let bytes = render(&self.items[idx]);
            let item = &mut self.items[idx];
            item.md5sum = hex::encode(Md5::digest(&bytes));
            item.size = bytes.len() as u64;
            item.rendered = true;
            let path = self.dir.join(media_file_name(&item.sdkfileid));
            fs::write(&path, &bytes).map_err(|e| DemoError::io(&path, e))?;
            self.files += 1;
            self.bytes += bytes.len() as u64;
        }
        Ok(&self.items[idx])
    }
}

fn plan_item(rng: &mut ChaCha8Rng, cat: Cat, idx: usize, seed: u64) -> Media {
    let mut raw = [0u8; 150];
    rng.fill(&mut raw[..]);
    // Real sdkfileids are long base64 strings; ours start like them and are unique by construction.
    let sdkfileid = base64(&raw);
    let mut m = Media {
        cat,
        sdkfileid,
        filename: String::new(),
        ext: "",
        play_length: 0,
        width: 0,
        height: 0,
        qr_payload: None,
        md5sum: String::new(),
        size: 0,
        seed: sub_seed(seed, "media", idx as u64),
        rendered: false,
    };
    match cat {
        Cat::Image => {
            m.ext = if rng.random_bool(0.6) { "jpg" } else { "png" };
            m.width = [240, 320, 360, 400][rng.random_range(0..4)];
            m.height = [180, 240, 320, 480][rng.random_range(0..4)];
        }
        Cat::Qr => {
            m.ext = "png";
            m.width = 300;
            m.height = 400;
            m.qr_payload = Some(format!("https://u.wechat.com/{}", crate::names::alnum(rng, 22)));
        }
        Cat::Voice => {
            m.ext = "amr";
            m.play_length = rng.random_range(2..40);
        }
        Cat::Call => {
            m.ext = "amr";
            m.play_length = rng.random_range(30..90);
        }
        Cat::Video => {
            m.ext = "mp4";
            m.play_length = rng.random_range(5..120);
        }
        Cat::Emotion => {
            m.ext = if rng.random_bool(0.5) { "gif" } else { "png" };
            m.width = [96, 120, 160][rng.random_range(0..3)];
            m.height = m.width;
        }
        Cat::Doc(ind) => {
            let bank = ind.bank();
            let stem = bank.docs[rng.random_range(0..bank.docs.len())];
            m.ext = ["pdf", "pdf", "docx", "xlsx"][rng.random_range(0..4)];
            m.filename = match rng.random_range(0..3) {
                0 => format!("{stem}.{}", m.ext),
                1 => format!("2025年{}月{stem}.{}", rng.random_range(1..13), m.ext),
                _ => format!(
                    "{stem}（{}版）.{}",
                    ["最新", "客户", "V2", "定稿"][rng.random_range(0..4)],
                    m.ext
                ),
            };
        }
    }
    m
}

fn render(m: &Media) -> Vec<u8> {
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::from_seed(m.seed);
    match m.cat {
        Cat::Image => encode(&photo(&mut rng, m.width, m.height), m.ext),
        Cat::Qr => encode(&qr_card(&mut rng, m.qr_payload.as_deref().unwrap_or("")), "png"),
        Cat::Emotion => sticker(&mut rng, m.width, m.ext),
        Cat::Voice | Cat::Call => amr(&mut rng, m.play_length),
        Cat::Video => mp4(&mut rng, m.play_length),
        Cat::Doc(_) => match m.ext {
            "pdf" => pdf(&mut rng, &m.filename),
            _ => ooxml(&mut rng, m.ext, &m.filename),
        },
    }
}

fn encode(img: &RgbImage, ext: &str) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let format = if ext == "jpg" {
        ImageFormat::Jpeg
    } else {
        ImageFormat::Png
    };
    // Encoding an in-memory RGB image into a Vec cannot fail for these formats.
    let _ = DynamicImage::ImageRgb8(img.clone()).write_to(&mut out, format);
    out.into_inner()
}

/// A photo- or screenshot-like picture: gradient, blocks, lines of "text".
fn photo(rng: &mut ChaCha8Rng, w: u32, h: u32) -> RgbImage {
    let screenshot = rng.random_bool(0.4);
    let c0: [u8; 3] = [rng.random(), rng.random(), rng.random()];
    let c1: [u8; 3] = [rng.random(), rng.random(), rng.random()];
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        if screenshot {
            Rgb([245, 245, 245])
        } else {
            let t = (x + y) as f32 / (w + h) as f32;
            Rgb([0, 1, 2].map(|i| (f32::from(c0[i]) * (1.0 - t) + f32::from(c1[i]) * t) as u8))
        }
    });
    let blocks = rng.random_range(2..8);
    for _ in 0..blocks {
        let bw = rng.random_range(w / 8..w / 2);
        let bh = rng.random_range(h / 10..h / 3);
        let bx = rng.random_range(0..w - bw);
        let by = rng.random_range(0..h - bh);
        let col = Rgb([rng.random(), rng.random(), rng.random()]);
        for y in by..by + bh {
            for x in bx..bx + bw {
                img.put_pixel(x, y, col);
            }
        }
    }
    if screenshot {
        let mut y = 20;
        while y + 8 < h {
            let len = rng.random_range(w / 4..w - 20);
            for yy in y..y + 6 {
                for x in 10..10 + len {
                    img.put_pixel(x, yy, Rgb([120, 120, 120]));
                }
            }
            y += rng.random_range(14..24);
        }
    }
    img
}

/// A WeChat-style personal contact card: coloured header, avatar block, and a scannable QR code.
fn qr_card(rng: &mut ChaCha8Rng, payload: &str) -> RgbImage {
    let (w, h) = (300u32, 400u32);
    let mut img = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let header = Rgb([
        rng.random_range(0..120),
        rng.random_range(120..200),
        rng.random_range(60..160),
    ]);
    for y in 0..70 {
        for x in 0..w {
            img.put_pixel(x, y, header);
        }
    }
    for y in 15..55 {
        for x in 15..55 {
            img.put_pixel(x, y, Rgb([200, 200, 200]));
        }
    }
    if let Ok(code) = qrcode::QrCode::new(payload.as_bytes()) {
        let n = code.width() as u32;
        let colors = code.to_colors();
        let scale = 6u32;
        let side = (n + 8) * scale;
        let ox = (w - side) / 2;
        let oy = 90;
        for my in 0..n {
            for mx in 0..n {
                if colors[(my * n + mx) as usize] == qrcode::Color::Dark {
                    for dy in 0..scale {
                        for dx in 0..scale {
                            img.put_pixel(
                                ox + (mx + 4) * scale + dx,
                                oy + (my + 4) * scale + dy,
                                Rgb([0, 0, 0]),
                            );
                        }
                    }
                }
            }
        }
    }
    img
}

fn sticker(rng: &mut ChaCha8Rng, side: u32, ext: &str) -> Vec<u8> {
    let face = Rgba([
        rng.random_range(200..=255),
        rng.random_range(150..230),
        rng.random_range(0..80),
        255,
    ]);
    let r = side as f32 / 2.0 - 4.0;
    let c = side as f32 / 2.0;
    let img = RgbaImage::from_fn(side, side, |x, y| {
        let dx = x as f32 - c;
        let dy = y as f32 - c;
        let d = (dx * dx + dy * dy).sqrt();
        let eye = ((dx.abs() - r / 3.0).powi(2) + (dy + r / 4.0).powi(2)).sqrt() < r / 8.0;
        let mouth = (d - r / 2.0).abs() < 2.5 && dy > r / 6.0;
        if d > r {
            Rgba([255, 255, 255, 0])
        } else if eye || mouth {
            Rgba([40, 30, 20, 255])
        } else {
            face
        }
    });
    let mut out = Cursor::new(Vec::new());
    let format = if ext == "gif" {
        ImageFormat::Gif
    } else {
        ImageFormat::Png
    };
    let _ = DynamicImage::ImageRgba8(img).write_to(&mut out, format);
    out.into_inner()
}

/// AMR-NB: the `#!AMR\n` magic, then 20 ms frames of mode 7 (12.2 kbit/s): header byte 0x3C + 31 bytes.
fn amr(rng: &mut ChaCha8Rng, secs: u32) -> Vec<u8> {
    let frames = secs * 50;
    let mut v = Vec::with_capacity(6 + frames as usize * 32);
    v.extend_from_slice(b"#!AMR\n");
    let mut frame = [0u8; 31];
    for _ in 0..frames {
        v.push(0x3C);
        rng.fill(&mut frame[..]);
        v.extend_from_slice(&frame);
    }
    v
}

/// MP4: `ftyp` (isom), `moov` with a movie header giving the duration, and an `mdat` payload.
fn mp4(rng: &mut ChaCha8Rng, secs: u32) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&32u32.to_be_bytes());
    v.extend_from_slice(b"ftypisom");
    v.extend_from_slice(&0x200u32.to_be_bytes());
    v.extend_from_slice(b"isomiso2avc1mp41");
    v.extend_from_slice(&116u32.to_be_bytes());
    v.extend_from_slice(b"moov");
    v.extend_from_slice(&108u32.to_be_bytes());
    v.extend_from_slice(b"mvhd");
    v.extend_from_slice(&[0; 4]); // version, flags
    v.extend_from_slice(&[0; 8]); // creation, modification
    v.extend_from_slice(&1000u32.to_be_bytes());
    v.extend_from_slice(&(secs * 1000).to_be_bytes());
    v.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    v.extend_from_slice(&0x0100u16.to_be_bytes());
    v.extend_from_slice(&[0; 10]);
    for m in [0x0001_0000u32, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        v.extend_from_slice(&m.to_be_bytes());
    }
    v.extend_from_slice(&[0; 24]);
    v.extend_from_slice(&2u32.to_be_bytes());
    let payload = rng.random_range(16_000..64_000usize);
    v.extend_from_slice(&(8 + payload as u32).to_be_bytes());
    v.extend_from_slice(b"mdat");
    let start = v.len();
    v.resize(start + payload, 0);
    rng.fill(&mut v[start..]);
    v
}

/// A one-page PDF with a correct cross-reference table.
fn pdf(rng: &mut ChaCha8Rng, title: &str) -> Vec<u8> {
    let mut content = String::from("BT /F1 18 Tf 72 770 Td (Dossier demo document) Tj ET\n");
    let lines = rng.random_range(5..30);
    for i in 0..lines {
        let y = 740 - i * 20;
        content.push_str(&format!(
            "BT /F1 11 Tf 72 {y} Td (Ref {:08X} item {} amount {}.{:02}) Tj ET\n",
            rng.random::<u32>(),
            i + 1,
            rng.random_range(1..99999),
            rng.random_range(0..100)
        ));
    }
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Title <FEFF{}> /Producer (dossier-demo) >>", utf16_hex(title)),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        let _ = write!(out, "{} 0 obj\n{o}\nendobj\n", i + 1);
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(out, "{off:010} 00000 n ");
    }
    let _ = write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out
}

fn utf16_hex(s: &str) -> String {
    s.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

/// A DOCX or XLSX: a ZIP (stored entries, correct CRCs) with the minimal OOXML parts.
fn ooxml(rng: &mut ChaCha8Rng, ext: &str, title: &str) -> Vec<u8> {
    let (main_path, main_type, main_xml) = if ext == "xlsx" {
        let mut rows = String::new();
        for r in 1..rng.random_range(3..20) {
            rows.push_str(&format!(
                "<row r=\"{r}\"><c r=\"A{r}\" t=\"inlineStr\"><is><t>第{r}项</t></is></c><c r=\"B{r}\"><v>{}</v></c></row>",
                rng.random_range(100..100_000)
            ));
        }
        (
            "xl/workbook.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
            ),
        )
    } else {
        let mut paras = String::new();
        for _ in 0..rng.random_range(3..20) {
            paras.push_str(&format!(
                "<w:p><w:r><w:t>{title} 第{}条</w:t></w:r></w:p>",
                rng.random_range(1..50)
            ));
        }
        (
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{paras}</w:body></w:document>"
            ),
        )
    };
    let content_types = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/{main_path}\" ContentType=\"{main_type}\"/></Types>"
    );
    let rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"{main_path}\"/></Relationships>"
    );
    zip_stored(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        (main_path, main_xml.as_bytes()),
    ])
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn zip_stored(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    // 2025-03-01 09:00:00 in DOS format.
    let (time, date): (u16, u16) = (9 << 11, ((2025 - 1980) << 9) | (3 << 5) | 1);
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let len = data.len() as u32;
        let nlen = name.len() as u16;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, 0, time, date] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, len, len] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&nlen.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, time, date] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, len, len] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [nlen, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    let n = entries.len() as u16;
    for v in [0u16, 0, n, n] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
