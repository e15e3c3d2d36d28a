//! A labelled text input with its hint and validation messages tied to it for assistive tech.

use crate::core::validation::{Issue, Severity};
use leptos::prelude::*;

/// What makes a text field the text box of a combobox (WAI-ARIA APG, list autocomplete): the
/// list it controls, whether that list shows, the active option's id, and its keys.
#[derive(Clone, Copy)]
pub struct Combobox {
    pub list_id: &'static str,
    pub expanded: Signal<bool>,
    pub active: Signal<Option<String>>,
    pub on_key: Callback<web_sys::KeyboardEvent>,
}

/// `id` must be unique in the page; the hint and issues get `{id}-hint` and `{id}-issues`.
#[component]
pub fn TextField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(optional)] password: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(into, optional)] hint: Option<Signal<String>>,
    /// The hint in the error colour (a counter past its limit).
    #[prop(into, optional)]
    hint_error: Option<Signal<bool>>,
    #[prop(into, optional)] issues: Option<Signal<Vec<Issue>>>,
    #[prop(optional)] combobox: Option<Combobox>,
) -> impl IntoView {
    let issues = issues.unwrap_or_else(|| Signal::derive(Vec::new));
    let invalid = move || issues.with(|i| i.iter().any(Issue::is_error));
    let hint_id = format!("{id}-hint");
    let issues_id = format!("{id}-issues");
    let described_by = if hint.is_some() {
        format!("{hint_id} {issues_id}")
    } else {
        issues_id.clone()
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id>{label}</label>
            <input
                id=id
                name=id
                type=if password { "password" } else { "text" }
                autocomplete=autocomplete.unwrap_or("off")
                spellcheck="false"
                placeholder=placeholder
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=described_by
                role=combobox.map(|_| "combobox")
                aria-autocomplete=combobox.map(|_| "list")
                aria-controls=combobox.map(|c| c.list_id)
                aria-expanded=move || combobox.map(|c| if c.expanded.get() { "true" } else { "false" })
                aria-activedescendant=move || combobox.and_then(|c| c.active.get())
                on:keydown=move |ev| {
                    if let Some(c) = combobox {
                        c.on_key.run(ev);
                    }
                }
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
            {hint.map(|h| view! {
                <p class="hint" class:error=move || hint_error.is_some_and(|e| e.get()) id=hint_id>{move || h.get()}</p>
            })}
            <ul class="issues" id=issues_id aria-live="polite">
                {move || {
                    issues
                        .get()
                        .into_iter()
                        .map(|i| {
                            let (class, prefix) = match i.severity {
                                Severity::Error => ("issue error", "Error: "),
                                Severity::Warning => ("issue warning", "Warning: "),
                            };
                            view! { <li class=class>{prefix}{i.message}</li> }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
