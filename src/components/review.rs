//! "Review changes": what a save will do and the exact request, confirmed before anything is
//! sent.

use super::diff_summary::DiffSummary;
use super::field::TextField;
use crate::browser::page::copy_to_clipboard;
use crate::core::pending::removes_embed_user;
use crate::core::validation::{isolate, Issue, Severity};
use crate::state::editor::ReviewData;
use crate::state::{use_app_state, AppState};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Review(
    data: ReviewData,
    #[prop(into)] saving: Signal<bool>,
    /// After a failed attempt the button reads "Retry save".
    failed: RwSignal<bool>,
    /// Seconds until the server's rate limit allows another attempt (0: none); the button
    /// waits.
    retry_in: RwSignal<u64>,
    on_confirm: Callback<()>,
    on_back: Callback<()>,
    /// "Save with PATCH" toggled: the save is planned again with the other method.
    on_patch: Callback<bool>,
) -> impl IntoView {
    let heading = NodeRef::<html::H3>::new();
    // Focus moves into the review when it opens, so keyboard and screen reader users land here.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let typed = RwSignal::new(String::new());
    let plan = &data.plan;
    let required = plan.typed_name.clone();
    let required_for_check = required.clone();
    let name_ok = move || match &required_for_check {
        Some(name) => typed.with(|t| t.trim() == name.trim()),
        None => true,
    };
    // A typo is said at once; a name still being typed is not an error.
    let required_for_issues = required.clone().unwrap_or_default();
    let typed_issues = Signal::derive(move || {
        let t = typed.get();
        let name = required_for_issues.trim();
        if t.trim().is_empty() || name.starts_with(t.trim()) {
            return Vec::new();
        }
        vec![Issue {
            severity: Severity::Error,
            message: format!("This is not the group's name, “{name}”."),
        }]
    });
    // A rename waits for "I understand…": in Omni a group's name is a key for data access.
    let renamed = plan.diff.renamed.clone();
    let understood = RwSignal::new(renamed.is_none());
    let empty = plan.diff.is_empty();
    let removes = !plan.diff.removed.is_empty();
    let curl = plan.request.curl(&data.origin);
    let curl_for_copy = curl.clone();
    let copied = RwSignal::new(false);
    let method_url = format!("{} {}", plan.request.method.as_str(), plan.request.url);

    view! {
        // Escape goes Back (focus.rs).
        <section
            class="review"
            aria-labelledby="review-heading"
            data-escape="review-back"
        >
            <h3 id="review-heading" tabindex="-1" node_ref=heading>"Review changes"</h3>
            {if empty {
                view! { <p>"Nothing has changed since the group was loaded; there is nothing to save."</p> }.into_any()
            } else {
                view! { <DiffSummary diff=plan.diff.clone() show_unchanged=true /> }.into_any()
            }}
            {renamed.map(|(from, to)| rename_warning(&from, &to, understood))}
            {removes.then(|| view! {
                <p class="warning-text">"Removed members lose the access this group gives them."</p>
                {use_app_state().session.embed.with_untracked(|e| removes_embed_user(&plan.diff, e.as_deref())).then(|| view! {
                    <p class="warning-text">"Embed users are removed here, but their next embed login may add them back to this group."</p>
                })}
                // Omni: what exactly, from the group's model roles read when it opened.
                {use_app_state().grants.with_untracked(|g| g.taken_away()).map(|t| view! { <p class="warning-text taken-away">{t}</p> })}
            })}
            {required.clone().map(|name| view! {
                <div class="confirm-name">
                    <p class="warning-text">
                        "This removes many members (or all of them). Type the group's name, “"{name.clone()}"”, to confirm."
                    </p>
                    <TextField
                        id="confirm-name"
                        label="Type the group name to confirm"
                        value=typed
                        on_input=move |v| typed.set(v)
                        issues=typed_issues
                    />
                </div>
            })}
            {patch_choice(use_app_state(), on_patch, saving)}
            <details class="request">
                <summary>"Request that will be sent"</summary>
                <p class="mono">{method_url}</p>
                {plan.request.if_match.clone().map(|v| view! { <p class="mono">"If-Match: "{v}</p> })}
                <pre class="mono">{plan.request.pretty_body()}</pre>
                <p>"As a curl command (the key is read from $OMNI_API_KEY, never included):"</p>
                <pre class="mono">{curl}</pre>
                <button type="button" on:click=move |_| {
                    copy_to_clipboard(&curl_for_copy);
                    copied.set(true);
                }>"Copy curl command"</button>
                <span role="status">{move || if copied.get() { "Copied." } else { "" }}</span>
            </details>
            <div class="actions">
                <button
                    type="button"
                    class=if removes { "primary danger-fill" } else { "primary" }
                    disabled=move || empty || saving.get() || !name_ok() || !understood.get() || (retry_in.get() > 0)
                    on:click=move |_| { crate::browser::perf::mark("save-click"); on_confirm.run(()) }
                >
                    {move || if failed.get() { "Retry save" } else { "Confirm save" }}
                </button>
                <button type="button" id="review-back" on:click=move |_| on_back.run(()) disabled=move || saving.get()>
                    "Back"
                </button>
            </div>
            <p class="notice" role="status">
                {move || match retry_in.get() {
                    0 => String::new(),
                    s => format!("Rate limited (429): nothing was sent again. Retry save is possible in {s} s."),
                }}
            </p>
        </section>
    }
}

/// What a rename can do in Omni, and the checkbox that holds "Confirm save" until ticked.
fn rename_warning(from: &str, to: &str, understood: RwSignal<bool>) -> impl IntoView {
    let said = format!(
        "Renaming “{}” to “{}” can grant or revoke access to data: Omni's omni_user_groups user attribute holds group names, and access grants and access filters use it. Embed links that name this group stop matching it. Before saving, the panel checks that no other group has the new name.",
        isolate(from),
        isolate(to)
    );
    view! {
        <div class="rename-warning">
            <p class="warning-text" id="rename-warning">{said}</p>
            <div class="field checkbox">
                <input
                    id="rename-understood"
                    type="checkbox"
                    aria-describedby="rename-warning"
                    on:change=move |ev| understood.set(event_target_checked(&ev))
                />
                <label for="rename-understood">"I understand that renaming can change who sees which data"</label>
            </div>
        </div>
    }
}

/// "Save with PATCH": how the save is sent, a protocol detail chosen here rather than when
/// connecting. PUT unless ticked; not offered (with the reason) where the server says it does
/// not support PATCH.
fn patch_choice(state: AppState, on_patch: Callback<bool>, saving: Signal<bool>) -> impl IntoView {
    let no_patch = move || state.session.features.get().no_patch;
    view! {
        <div class="field checkbox">
            <input
                id="use-patch"
                type="checkbox"
                aria-describedby="use-patch-hint"
                prop:checked=move || state.use_patch.get() && !no_patch()
                disabled=move || no_patch() || saving.get()
                on:change=move |ev| on_patch.run(event_target_checked(&ev))
            />
            <label for="use-patch">"Save with PATCH"</label>
            <p class="hint" id="use-patch-hint">
                {move || if no_patch() {
                    "This server does not support PATCH: the save uses PUT."
                } else {
                    "Send only the changes (PATCH) instead of the whole member list (PUT). Omni accepts both."
                }}
            </p>
        </div>
    }
}
