//! "Connection": base URL and API key, Connect and Forget key, and "Save with PATCH". What the
//! buttons do is a [`ConnectForm`] method.

use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::state::connection::ConnectForm;
use crate::state::{use_app_state, AppState};
use leptos::prelude::*;

#[component]
pub fn ConnectPanel() -> impl IntoView {
    let state = use_app_state();
    let form = ConnectForm::new(state.session);
    view! {
        <section class="card" aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Connection"</h2>
            {connect_form(form)}
            {patch_choice(state)}
            <NoticeArea notice=form.notice />
        </section>
    }
}

fn connect_form(form: ConnectForm) -> impl IntoView {
    let (base_input, key_input, key_stored) = (form.base_input, form.key_input, form.key_stored);
    view! {
        <form
            class="connect"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                form.connect();
            }
        >
            <TextField
                id="base-url"
                label="SCIM base URL"
                value=base_input
                on_input=move |v| form.type_base(v)
                autocomplete="url"
                placeholder="blobsrus or https://blobsrus.omniapp.co/api/scim/v2"
                hint=Signal::derive(move || form.base_hint())
                issues=Signal::derive(move || form.base_issues())
            />
            <TextField
                id="api-key"
                label="API key"
                value=key_input
                on_input=move |v| form.type_key(v)
                password=true
                autocomplete="off"
                hint=Signal::derive(move || form.key_hint())
                issues=Signal::from(form.key_issues)
            />
            <div class="actions">
                // aria-disabled while connecting, not disabled: that would drop the focus
                // of a keyboard user who pressed it (`connect` ignores presses meanwhile).
                <button type="submit" class="primary" aria-disabled=move || if form.busy.get() { "true" } else { "false" }>
                    "Connect"
                </button>
                <button
                    type="button"
                    class="danger"
                    on:click=move |_| form.forget()
                    disabled=move || !key_stored.get() && key_input.get().is_empty()
                >
                    "Forget key"
                </button>
            </div>
        </form>
    }
}

/// "Save with PATCH", not offered where the server says it does not support PATCH.
fn patch_choice(state: AppState) -> impl IntoView {
    let no_patch = move || state.session.features.get().no_patch;
    view! {
        <div class="field checkbox">
            <input
                id="use-patch"
                type="checkbox"
                aria-describedby="use-patch-hint"
                prop:checked=move || state.use_patch.get() && !no_patch()
                disabled=no_patch
                on:change=move |ev| state.use_patch.set(event_target_checked(&ev))
            />
            <label for="use-patch">"Save with PATCH"</label>
            <p class="hint" id="use-patch-hint">
                {move || if no_patch() {
                    "This server does not support PATCH: saves use PUT."
                } else {
                    "Send only the changes instead of the whole member list. Omni accepts both."
                }}
            </p>
        </div>
    }
}
