#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(omni_scim_panel::app::App);
    // The first screen is rendered with its handlers attached; ready once it is painted.
    omni_scim_panel::browser::perf::mark_after_paint("panel-ready");
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("omni-scim-panel runs in the browser: build it with `trunk build --release` (see README.md).");
    std::process::exit(2);
}
