//! The connection: before connecting, one centred card ("Connect to your SCIM server"); once
//! connected, a line in the top bar ("Connected to blobsrus", Change connection, Forget key)
//! whose "Change connection" brings the fields back. What the buttons do is a [`ConnectForm`]
//! method.

use crate::browser::page;
use crate::components::field::TextField;
use crate::components::notice::NoticeArea;
use crate::state::connection::ConnectForm;
use leptos::prelude::*;

/// Where the organization key comes from: a short guide served beside the panel.
const KEY_GUIDE_HREF: &str = "organization-key.md";

/// The fields, while not connected or while the connection is being changed.
#[component]
pub fn ConnectPanel(form: ConnectForm) -> impl IntoView {
    // Memos: the card is rebuilt only when these flip, not each time the connection is set
    // (a refused Connect sets it again), which would drop the focus from its fields.
    let shown = Memo::new(move |_| form.fields_shown());
    let changing = Memo::new(move |_| form.changing.get());
    move || {
        shown.get().then(|| {
            let changing = changing.get();
            view! {
                <section
                    class="card connect-card"
                    class:changing=changing
                    aria-labelledby="connect-heading"
                    // Escape is Cancel while changing (focus.rs).
                    data-escape=changing.then_some("connect-cancel")
                >
                    <h2 id="connect-heading">
                        {if changing { "Change connection" } else { "Connect to your SCIM server" }}
                    </h2>
                    {connect_form(form)}
                    <p class="key-help">
                        <a href=KEY_GUIDE_HREF>"Where do I get an organization key?"</a>
                    </p>
                    <NoticeArea notice=form.notice />
                </section>
            }
        })
    }
}

fn connect_form(form: ConnectForm) -> impl IntoView {
    let (base_input, key_input) = (form.base_input, form.key_input);
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
                placeholder="e.g. https://blobsrus.omniapp.co/api/scim/v2"
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
                {move || form.changing.get().then(|| view! {
                    <button type="button" id="connect-cancel" on:click=move |_| form.cancel_change()>
                        "Cancel"
                    </button>
                })}
                // Offered only when there is a key to forget (a refused Connect may keep one).
                {move || form.forget_offered_in_card().then(|| view! {
                    <button type="button" class="danger" on:click=move |_| form.forget()>
                        "Forget key"
                    </button>
                })}
            </div>
        </form>
    }
}

/// The top bar's connection line: which server, and, once connected, the two ways to leave
/// it.
pub fn connection_bar(form: ConnectForm) -> impl IntoView {
    let name = move || form.connected_name(&page::origin());
    view! {
        <div class="connection-bar">
            // Always in the page (empty while not connected), so connecting is announced.
            <p class="connection" role="status">
                {move || name().map(|n| view! { "Connected to "<strong>{n}</strong> })}
            </p>
            {move || name().is_some().then(|| view! {
                <button
                    type="button"
                    id="change-connection"
                    class="small"
                    aria-expanded=move || if form.changing.get() { "true" } else { "false" }
                    on:click=move |_| form.change()
                >
                    "Change connection"
                </button>
                <button type="button" class="small danger" on:click=move |_| form.forget()>
                    "Forget key"
                </button>
            })}
        </div>
    }
}
