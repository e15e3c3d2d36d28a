//! The members of the group being edited, one table row each, with a Remove button per row,
//! and a filter above them. A long list (over [`crate::core::window::RENDER_ALL_UP_TO`] rows)
//! is shown a window at a time in a scroll box: only the rows on screen and a step around
//! them are in the page, spacer rows stand in for the rest, and `aria-rowcount` and
//! `aria-rowindex` tell assistive tech where each rendered row sits in the whole list.

use crate::browser::perf;
use crate::core::draft::{member_label, GroupDraft};
use crate::core::window::{rows_to_render, showing_text, spacer_px, MemberFilter};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A new row: name, user ID, and a Remove button carrying the user ID as its value (one
/// click handler on the table body serves every row).
fn new_row(doc: &web_sys::Document) -> Option<web_sys::Element> {
    let tr = doc.create_element("tr").ok()?;
    let name = doc.create_element("td").ok()?;
    let id = doc.create_element("td").ok()?;
    id.set_class_name("mono");
    let cell = doc.create_element("td").ok()?;
    let button = doc.create_element("button").ok()?;
    let _ = button.set_attribute("type", "button");
    button.set_class_name("danger small");
    button.set_text_content(Some("Remove"));
    cell.append_child(&button).ok()?;
    for td in [&name, &id, &cell] {
        tr.append_child(td).ok()?;
    }
    Some(tr)
}

/// Writes what differs, so an unchanged row costs the browser nothing.
fn set_if_changed(el: &web_sys::Element, attr: Option<&str>, value: &str) {
    match attr {
        Some(a) if el.get_attribute(a).as_deref() != Some(value) => {
            let _ = el.set_attribute(a, value);
        }
        None if el.text_content().as_deref() != Some(value) => el.set_text_content(Some(value)),
        _ => {}
    }
}

/// Shows rows `range` of the shown list (`at` maps a row to its member) in `tbody`, keyed by
/// row: rows already there stay the same elements (the keyboard focus stays on its button
/// while the window moves), rows leaving the window go, new ones are added before or after,
/// and only text and attributes that differ are written (Leptos' re-render of a row rewrote
/// every attribute, which made each scroll step and keystroke slow).
fn show_rows(
    tbody: &web_sys::Element,
    range: std::ops::Range<usize>,
    at: impl Fn(usize) -> Option<(String, String)>,
) {
    let Some(doc) = tbody.owner_document() else {
        return;
    };
    let index_of = |tr: &web_sys::Element| -> usize {
        tr.get_attribute("aria-rowindex")
            .and_then(|i| i.parse::<usize>().ok())
            .map_or(usize::MAX, |i| i.saturating_sub(2))
    };
    // Rows outside the window go; if one held the focus, the scroll box takes it.
    let mut lost_focus = false;
    let mut next = tbody.first_element_child();
    while let Some(tr) = next {
        next = tr.next_element_sibling();
        if !range.contains(&index_of(&tr)) {
            let active = doc.active_element();
            lost_focus |= active.is_some_and(|a| tr.contains(Some(&a)));
            tr.remove();
        }
    }
    // What is left is in order; fill the gaps before, between and after it.
    let mut kept = tbody.first_element_child();
    for i in range {
        let Some((label, value)) = at(i) else { break };
        let row = match kept.take() {
            Some(tr) if index_of(&tr) == i => {
                kept = tr.next_element_sibling();
                tr
            }
            later => {
                let Some(tr) = new_row(&doc) else { return };
                let _ = tbody.insert_before(&tr, later.as_ref().map(|t| t.as_ref()));
                kept = later;
                tr
            }
        };
        set_if_changed(&row, Some("aria-rowindex"), &(i + 2).to_string());
        let name = row.first_element_child();
        let id = name.as_ref().and_then(|n| n.next_element_sibling());
        let button = id
            .as_ref()
            .and_then(|n| n.next_element_sibling())
            .and_then(|c| c.first_element_child());
        if let (Some(name), Some(id), Some(button)) = (name, id, button) {
            set_if_changed(&name, None, &label);
            set_if_changed(&id, None, &value);
            set_if_changed(&button, Some("aria-label"), &format!("Remove {label}"));
            set_if_changed(&button, Some("value"), &value);
        }
    }
    if lost_focus {
        if let Some(Ok(scroller)) = tbody
            .closest(".scroller")
            .ok()
            .flatten()
            .map(|s| s.dyn_into::<web_sys::HtmlElement>())
        {
            let _ = scroller.focus();
        }
    }
}

/// (members in the group, members the filter keeps).
fn counts(
    draft: RwSignal<Option<GroupDraft>>,
    matches: Memo<Option<Vec<usize>>>,
) -> (usize, usize) {
    let total = draft.with(|d| d.as_ref().map_or(0, |d| d.members.len()));
    (total, matches.with(|m| m.as_ref().map_or(total, Vec::len)))
}

/// Everything in the table that changes, written where it changed whenever the members,
/// the filter or the scroll position do (after the table is mounted: effects run after
/// rendering): the count line, `aria-rowcount`, the window's rows, and the spacer rows
/// that stand in for the rows not rendered (their height is the cell's `height`
/// attribute, a presentational hint: a `style` attribute would break the page's CSP).
fn show_what_changed(
    draft: RwSignal<Option<GroupDraft>>,
    matches: Memo<Option<Vec<usize>>>,
    query: RwSignal<String>,
    scrolled: RwSignal<u64>,
    row_px: StoredValue<u64>,
) {
    Effect::new(move |_| {
        let (total, count) = counts(draft, matches);
        let row = row_px.get_value() as f64;
        let range = rows_to_render(count, scrolled.get() as f64, 0.0, row);
        let (above, below) = spacer_px(count, &range, row);
        let by_id = |id: &str| document().get_element_by_id(id);
        let (Some(tbody), Some(top), Some(bottom), Some(status)) = (
            by_id("member-rows"),
            by_id("member-above"),
            by_id("member-below"),
            by_id("member-count"),
        ) else {
            return;
        };
        let filtering = query.with(|q| !q.trim().is_empty());
        set_if_changed(
            &status,
            None,
            &if filtering {
                showing_text(count, total)
            } else {
                String::new()
            },
        );
        if let Some(table) = tbody.parent_element() {
            set_if_changed(&table, Some("aria-rowcount"), &(count + 1).to_string());
        }
        set_if_changed(&top, Some("height"), &above.to_string());
        set_if_changed(&bottom, Some("height"), &below.to_string());
        matches.with(|m| {
            draft.with(|d| {
                let members = d.as_ref().map_or(&[][..], |d| &d.members[..]);
                show_rows(&tbody, range, |i| {
                    let member = members.get(m.as_ref().map_or(Some(i), |m| m.get(i).copied())?)?;
                    Some((member_label(member).to_string(), member.value.clone()))
                });
            })
        });
    });
}

#[component]
pub fn MembersTable(
    draft: RwSignal<Option<GroupDraft>>,
    /// Told what happened, for the editor's status line.
    on_removed: Callback<String>,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    // Positions of the members the filter keeps; `None` while it is empty (all of them).
    let matches = Memo::new(move |_| {
        let filter = query.with(|q| MemberFilter::new(q));
        draft.with(|d| d.as_ref().and_then(|d| filter.apply(&d.members)))
    });
    // How far the box is scrolled (px), which moves the window; one row's height as last
    // measured (36 px until then, as the CSS sets it). The box is at most 640 px high, fewer
    // rows than the window assumes are on screen, so its own height is not read.
    let scrolled = RwSignal::new(0u64);
    let row_px = StoredValue::new(0u64);
    let on_scroll = move |ev: leptos::ev::Event| {
        let el = event_target::<web_sys::Element>(&ev);
        if let Ok(Some(r)) = el.query_selector("tbody tr") {
            row_px.set_value(r.client_height().max(0) as u64);
        }
        let top = el.scroll_top().max(0) as u64;
        if scrolled.get_untracked() != top {
            scrolled.set(top);
        }
    };

    let on_filter = Callback::new(move |q: String| {
        perf::mark("member-filter-input");
        // A new filter shows its matches from the top. (Only when scrolled: setting the
        // position makes the browser lay the page out there and then.)
        if scrolled.get_untracked() > 0 {
            if let Some(el) = document().get_element_by_id("member-list") {
                el.set_scroll_top(0);
            }
            scrolled.set(0);
        }
        query.set(q);
        perf::mark_after_paint("member-filter-shown");
    });

    // One click handler for every row's Remove button (the button's value is the user ID):
    // the rows are written by `show_rows`, outside Leptos, as the window moves.
    let on_remove = move |ev: leptos::ev::MouseEvent| {
        let Some(button) = event_target::<web_sys::Element>(&ev)
            .closest("button[value]")
            .ok()
            .flatten()
        else {
            return;
        };
        let value = button.get_attribute("value").unwrap_or_default();
        let name = button.get_attribute("aria-label").unwrap_or_default();
        let label = name.strip_prefix("Remove ").unwrap_or(&name).to_string();
        let mut removed = false;
        draft.update(|d| {
            if let Some(d) = d {
                removed = d.remove_member(&value);
            }
        });
        if removed {
            on_removed.run(label);
        }
    };
    show_what_changed(draft, matches, query, scrolled, row_px);

    view! {
        <super::field::TextField id="member-filter" label="Filter members" value=query on_input=on_filter />
        <p class="notice" role="status" id="member-count"></p>
        // A box that scrolls, focusable so the keyboard can scroll it too.
        <div
            id="member-list"
            class="scroller"
            tabindex="0"
            role="region"
            aria-label="Member list"
            on:scroll=on_scroll
        >
            <table class="members">
                <caption>"Members"</caption>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col">"Name or email"</th>
                        <th scope="col">"User ID"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="3" id="member-above"></td>
                    </tr>
                </thead>
                // Its rows are written by the effect above (`show_rows`), not by Leptos.
                <tbody id="member-rows" on:click=on_remove></tbody>
                <tfoot>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="3" id="member-below"></td>
                    </tr>
                </tfoot>
            </table>
            {move || {
                (counts(draft, matches).0 == 0)
                    .then(|| {
                        view! {
                            <p class="empty">
                                "No members. Add one below; saving an empty list removes everyone from the group."
                            </p>
                        }
                    })
            }}
        </div>
    }
}
