#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(omni_scim_panel::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omni-scim-panel runs in the browser: build it with `trunk build --release` (see README.md).");
    std::process::exit(2);
}
