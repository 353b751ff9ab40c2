// Without a console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Sync decodes on one thread and writes on another; glibc's malloc serialises such frees on its
/// arena locks (a sync of 100k messages: 3.3 s with it, 2.5 s with mimalloc).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // WebKitGTK's DMA-BUF renderer shows a blank window on some GPU/driver combinations;
        // apps turn it off unless the user chose otherwise.
        // SAFETY: first statement of `main`, before any thread exists, so nothing can read the
        // environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
        }
    }

    dossier_app::run();
}
