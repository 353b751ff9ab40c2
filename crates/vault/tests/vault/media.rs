//! Media blobs and thumbnails.

use dossier_vault::{Error, Queries, UserError};

use crate::common::{flip, new_vault, walk};

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn blobs_and_thumbnails_round_trip_sealed() {
    let (_tmp, vault) = new_vault();
    let picture = png(1200, 800);
    let row = vault.store_media("sdkfileid-image-1", &picture).unwrap();
    assert_eq!(row.mime.as_deref(), Some("image/png"));
    assert!(row.thumb.is_some());
    assert_eq!(&vault.load_media("sdkfileid-image-1").unwrap()[..], &picture[..]);
    let thumb = vault.load_thumbnail("sdkfileid-image-1").unwrap().unwrap();
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (320, 213));

    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let row2 = vault.store_media("sdkfileid-file-2", &big).unwrap();
    assert!(row2.thumb.is_none());
    assert_eq!(&vault.load_media("sdkfileid-file-2").unwrap()[..], &big[..]);
    assert_eq!(
        vault
            .db()
            .read(|r| r.media("sdkfileid-file-2"))
            .unwrap()
            .unwrap()
            .size,
        300_000
    );

    // File names reveal nothing about the SDK file id.
    for p in walk(vault.dir()) {
        assert!(!p.to_string_lossy().contains("sdkfileid"), "{p:?}");
    }

    // A tampered blob is an integrity error naming it.
    let path = vault.dir().join("media").join(&row2.blob[..2]).join(&row2.blob);
    flip(&path, 100_000);
    let err = vault.load_media("sdkfileid-file-2").unwrap_err();
    assert!(matches!(err, Error::Integrity(_)), "{err}");
    assert!(err.to_string().contains(&row2.blob), "{err}");
    assert!(matches!(
        vault.load_media("nope").unwrap_err(),
        Error::User(UserError::MediaMissing(_))
    ));
}
