//! Progress of listing the user directory, shared by Find user and Bulk add.

use crate::state::load::ListingState;
use leptos::prelude::*;

/// Nothing shows while no listing is under way.
#[component]
pub fn ListingProgress(progress: RwSignal<ListingState>) -> impl IntoView {
    move || {
        progress.get().map(|(n, total)| {
            // Integers as text: formatting floats would pull float printing into the bundle.
            let text = match total {
                Some(t) => format!("Listing users: {n} of {t}"),
                None => format!("Listing users: {n}"),
            };
            view! {
                <label class="progress">
                    {text}
                    <progress max=total.map(|t| t.max(1).to_string()) value=n.to_string()></progress>
                </label>
            }
        })
    }
}
