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

/// The row (its `aria-rowindex`) holding the focused element, when that is inside `scroller`.
fn focused_row(scroller: &web_sys::Element) -> Option<String> {
    let active = web_sys::window()?.document()?.active_element()?;
    if !scroller.contains(Some(&active)) {
        return None;
    }
    active
        .closest("tr[aria-rowindex]")
        .ok()??
        .get_attribute("aria-rowindex")
}

/// (members in the group, members the filter keeps). Not inlined: four closures ask.
#[inline(never)]
fn counts(
    draft: RwSignal<Option<GroupDraft>>,
    matches: Memo<Option<Vec<usize>>>,
) -> (usize, usize) {
    let total = draft.with(|d| d.as_ref().map_or(0, |d| d.members.len()));
    (total, matches.with(|m| m.as_ref().map_or(total, Vec::len)))
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
        let focus = focused_row(&el);
        if let Ok(Some(r)) = el.query_selector("tbody tr[aria-rowindex]") {
            row_px.set_value(r.client_height().max(0) as u64);
        }
        let top = el.scroll_top().max(0) as u64;
        if scrolled.get_untracked() == top {
            return;
        }
        scrolled.set(top);
        let Some(row) = focus else { return };
        // Rows are re-used in place when the window moves, so the focused button may now be
        // another member's, or gone: once the rows are redrawn, focus goes back to that row's
        // button, else to the box itself, and the keyboard is never lost.
        request_animation_frame(move || {
            if focused_row(&el).as_deref() == Some(row.as_str()) {
                return;
            }
            let target = el
                .query_selector(&format!("tr[aria-rowindex=\"{row}\"] button"))
                .ok()
                .flatten()
                .unwrap_or(el);
            if let Ok(target) = target.dyn_into::<web_sys::HtmlElement>() {
                let _ = target.focus();
            }
        });
    };

    let on_filter = Callback::new(move |q: String| {
        perf::mark("member-filter-input");
        // A new filter shows its matches from the top.
        if let Some(el) = document().get_element_by_id("member-list") {
            el.set_scroll_top(0);
        }
        scrolled.set(0);
        query.set(q);
        perf::mark_after_paint("member-filter-shown");
    });

    let row_view = move |(i, label, value): (usize, String, String)| {
        let button_name = format!("Remove {label}");
        view! {
            <tr aria-rowindex=(i + 2).to_string()>
                <td>{label.clone()}</td>
                <td class="mono">{value.clone()}</td>
                <td>
                    <button
                        type="button"
                        class="danger small"
                        aria-label=button_name
                        on:click=move |_| {
                            let mut removed = false;
                            draft.update(|d| {
                                if let Some(d) = d {
                                    removed = d.remove_member(&value);
                                }
                            });
                            if removed {
                                on_removed.run(label.clone());
                            }
                        }
                    >
                        "Remove"
                    </button>
                </td>
            </tr>
        }
    };
    let count = move || counts(draft, matches);
    // The rows to render, and the height of the space above and below them.
    let window = move || {
        let count = count().1;
        let row = row_px.get_value() as f64;
        let range = rows_to_render(count, scrolled.get() as f64, 0.0, row);
        let spacers = spacer_px(count, &range, row);
        (range, spacers)
    };
    // A row that stands in for the rows not rendered above (in the head, after the column
    // headers) or below (the foot), so the box scrolls as if all were there; out of `tbody`
    // and hidden from assistive tech. Its height is the cell's `height` attribute, a
    // presentational hint: a `style` attribute would break the page's CSP.
    let spacer = move |below: bool| {
        view! {
            <tr class="spacer" aria-hidden="true">
                <td
                    colspan="3"
                    prop:height=move || {
                        let (above_px, below_px) = window().1;
                        if below { below_px } else { above_px }.to_string()
                    }
                ></td>
            </tr>
        }
    };

    view! {
        <super::field::TextField id="member-filter" label="Filter members" value=query on_input=on_filter />
        <p class="notice" role="status">
            {move || {
                let (total, count) = count();
                if query.with(|q| q.trim().is_empty()) {
                    String::new()
                } else {
                    showing_text(count, total)
                }
            }}
        </p>
        // A box that scrolls, focusable so the keyboard can scroll it too.
        <div
            id="member-list"
            class="scroller"
            tabindex="0"
            role="region"
            aria-label="Member list"
            on:scroll=on_scroll
        >
            <table class="members" aria-rowcount=move || (count().1 + 1).to_string()>
                <caption>"Members"</caption>
                <thead>
                    <tr aria-rowindex="1">
                        <th scope="col">"Name or email"</th>
                        <th scope="col">"User ID"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                    {spacer(false)}
                </thead>
                <tbody>
                    // Re-run for any change of the draft (typing the display name too): that
                    // redraws at most a window of rows, in place.
                    {move || {
                        let range = window().0;
                        matches.with(|m| {
                            draft.with(|d| {
                                let members = d.as_ref().map_or(&[][..], |d| &d.members[..]);
                                range
                                    .filter_map(|i| {
                                        let at = m.as_ref().map_or(Some(i), |m| m.get(i).copied())?;
                                        let member = members.get(at)?;
                                        Some(row_view((i, member_label(member).to_string(), member.value.clone())))
                                    })
                                    .collect_view()
                            })
                        })
                    }}
                </tbody>
                <tfoot>{spacer(true)}</tfoot>
            </table>
            {move || {
                (count().0 == 0)
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
