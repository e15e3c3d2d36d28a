//! The members of the group being edited as the pending change shows them ("Members (27 →
//! 28)"): added rows tagged, removed rows kept struck through with an Undo until saved, names
//! and emails where the panel knows the person, the user ID on demand (Copy ID). Rows can be
//! ticked and removed together. The list is one WAI-ARIA grid, one tab stop: a roving
//! tabindex, arrow keys, Home/End, Ctrl+Home/End and PageUp/PageDown move, Space ticks the
//! row, Delete removes it.
//!
//! A long list (over [`crate::core::window::RENDER_ALL_UP_TO`] rows) is shown a window at a
//! time in a scroll box: only the rows on screen and a step around them are in the page,
//! spacer rows stand in for the rest, and `aria-rowcount` and `aria-rowindex` tell assistive
//! tech where each rendered row sits in the whole list.

use crate::browser::perf;
use crate::core::directory::Directory;
use crate::core::draft::GroupDraft;
use crate::core::pending::{row_label, PendingList, RowKind};
use crate::core::window::{
    grid_move, rows_to_render, showing_text, spacer_px, Cell, MemberFilter, ROW_PX,
};
use crate::state::editor::EditorState;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// Cells per row: tick box, name, Copy ID, Remove (or Undo).
const COLS: usize = 4;
/// The cell the list's tab stop starts on: the name.
const NAME_COL: usize = 1;

/// What one rendered row shows.
struct RowView {
    id: String,
    /// What its controls are named after ("Remove <display or ID>", a contract).
    label: String,
    name: String,
    email: String,
    kind: RowKind,
    selected: bool,
}

fn element(doc: &web_sys::Document, tag: &str, class: &str) -> Option<web_sys::Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    Some(el)
}

/// A new row: a tick box, the name cell (name, email, tag), Copy ID and Remove. Each control
/// says what it does in `data-act`; one handler on the table body serves every row.
fn new_row(doc: &web_sys::Document) -> Option<web_sys::Element> {
    let tr = element(doc, "tr", "")?;
    let _ = tr.set_attribute("role", "row");
    let tick = element(doc, "input", "")?;
    let _ = tick.set_attribute("type", "checkbox");
    let _ = tick.set_attribute("data-act", "select");
    // The name, email and tag on one line that shrinks the email first, then the name: the
    // tag always shows, even on a phone.
    let who = element(doc, "td", "who")?;
    let line = element(doc, "span", "line")?;
    for class in ["name", "email", "tag"] {
        let span = element(doc, "span", class)?;
        line.append_child(&span).ok()?;
    }
    who.append_child(&line).ok()?;
    let copy = element(doc, "button", "small")?;
    let _ = copy.set_attribute("data-act", "copy");
    copy.set_text_content(Some("Copy ID"));
    let last = element(doc, "button", "small")?;
    for control in [Some(tick), None, Some(copy), Some(last)] {
        let td = match control {
            Some(c) => {
                if c.tag_name() == "BUTTON" {
                    let _ = c.set_attribute("type", "button");
                }
                let td = element(doc, "td", "")?;
                td.append_child(&c).ok()?;
                td
            }
            None => who.clone(),
        };
        let _ = td.set_attribute("role", "gridcell");
        tr.append_child(&td).ok()?;
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

/// The `n`th child element of `el`.
fn nth_child(el: &web_sys::Element, n: usize) -> Option<web_sys::Element> {
    let mut child = el.first_element_child();
    for _ in 0..n {
        child = child?.next_element_sibling();
    }
    child
}

/// The focusable element of a row's cell `col`: the name cell itself, else its control.
fn focusable(row: &web_sys::Element, col: usize) -> Option<web_sys::HtmlElement> {
    let td = nth_child(row, col)?;
    let el = if col == NAME_COL {
        td
    } else {
        td.first_element_child()?
    };
    el.dyn_into().ok()
}

/// A row's position in the shown list (from its `aria-rowindex`).
fn index_of(tr: &web_sys::Element) -> usize {
    tr.get_attribute("aria-rowindex")
        .and_then(|i| i.parse::<usize>().ok())
        .map_or(usize::MAX, |i| i.saturating_sub(2))
}

/// Writes row `i` as `v` shows it; `tab` is the cell holding the list's tab stop, if in it.
fn fill_row(row: &web_sys::Element, i: usize, v: &RowView, tab: Option<usize>) {
    let removed = v.kind == RowKind::Removed;
    set_if_changed(row, Some("aria-rowindex"), &(i + 2).to_string());
    set_if_changed(row, Some("data-id"), &v.id);
    set_if_changed(row, Some("data-label"), &v.label);
    let class = match v.kind {
        RowKind::Kept => "",
        RowKind::Added => "added",
        RowKind::Removed => "removed",
    };
    set_if_changed(row, Some("class"), class);
    set_if_changed(row, Some("aria-selected"), &v.selected.to_string());
    for col in 0..COLS {
        let Some(el) = focusable(row, col) else {
            return;
        };
        set_if_changed(
            &el,
            Some("tabindex"),
            if tab == Some(col) { "0" } else { "-1" },
        );
        match col {
            0 => {
                set_if_changed(&el, Some("aria-label"), &format!("Select {}", v.label));
                if let Some(tick) = el.dyn_ref::<web_sys::HtmlInputElement>() {
                    if tick.checked() != v.selected {
                        tick.set_checked(v.selected);
                    }
                }
            }
            NAME_COL => {
                let tag = match v.kind {
                    RowKind::Kept => "",
                    RowKind::Added => "Added",
                    RowKind::Removed => "Removed",
                };
                for (k, text) in [&v.name[..], &v.email[..], tag].into_iter().enumerate() {
                    if let Some(span) = el.first_element_child().and_then(|l| nth_child(&l, k)) {
                        set_if_changed(&span, None, text);
                    }
                }
            }
            2 => set_if_changed(&el, Some("aria-label"), &format!("Copy ID of {}", v.label)),
            _ => {
                let (act, name, text, class) = if removed {
                    (
                        "undo",
                        format!("Undo removing {}", v.label),
                        "Undo",
                        "small",
                    )
                } else {
                    (
                        "remove",
                        format!("Remove {}", v.label),
                        "Remove",
                        "danger small",
                    )
                };
                set_if_changed(&el, Some("data-act"), act);
                set_if_changed(&el, Some("aria-label"), &name);
                set_if_changed(&el, None, text);
                set_if_changed(&el, Some("class"), class);
            }
        }
    }
}

/// Shows rows `range` of the shown list (`at` gives a row) in `tbody`, keyed by row: rows
/// already there stay the same elements (the keyboard focus stays on its control while the
/// window moves), rows leaving the window go, new ones are added before or after, and only
/// text and attributes that differ are written (Leptos' re-render of a row rewrote every
/// attribute, which made each scroll step and keystroke slow). `tab` holds the list's one tab
/// stop. Returns whether the focus was in a row that went.
fn show_rows(
    tbody: &web_sys::Element,
    range: std::ops::Range<usize>,
    tab: Cell,
    at: impl Fn(usize) -> Option<RowView>,
) -> bool {
    let Some(doc) = tbody.owner_document() else {
        return false;
    };
    // Rows outside the window go.
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
        let Some(v) = at(i) else { break };
        let row = match kept.take() {
            Some(tr) if index_of(&tr) == i => {
                kept = tr.next_element_sibling();
                tr
            }
            later => {
                let Some(tr) = new_row(&doc) else {
                    return lost_focus;
                };
                let _ = tbody.insert_before(&tr, later.as_ref().map(|t| t.as_ref()));
                kept = later;
                tr
            }
        };
        fill_row(&row, i, &v, (tab.row == i).then_some(tab.col));
    }
    lost_focus
}

/// The rendered row `row` of the shown list, if in the page.
fn rendered_row(row: usize) -> Option<web_sys::Element> {
    document()
        .query_selector(&format!("#member-rows tr[aria-rowindex=\"{}\"]", row + 2))
        .ok()
        .flatten()
}

/// The control or cell an event came from: its row element and cell.
fn cell_of(target: Option<web_sys::EventTarget>) -> Option<(web_sys::Element, Cell)> {
    let el: web_sys::Element = target?.dyn_into().ok()?;
    let td = el.closest("td").ok()??;
    let tr = td.parent_element()?;
    let col = (0..COLS).find(|&k| nth_child(&tr, k).as_ref() == Some(&td))?;
    let row = index_of(&tr);
    Some((tr, Cell { row, col }))
}

/// Everything the list derives from the draft, the directory and the filter.
#[derive(Clone, Copy)]
struct ListData {
    pending: Memo<Option<PendingList>>,
    /// Positions (in `pending`'s rows) of the rows the filter keeps; `None` while it is empty.
    matches: Memo<Option<Vec<usize>>>,
    query: RwSignal<String>,
    directory: RwSignal<Option<Arc<Directory>>>,
    /// Omni's embed users: their rows say "Embed user".
    embed: RwSignal<Option<Arc<Directory>>>,
}

impl ListData {
    fn new(editor: EditorState) -> Self {
        let draft = editor.app.draft;
        let directory = editor.app.session.directory;
        let pending = Memo::new(move |_| draft.with(|d| d.as_ref().map(PendingList::new)));
        let query = RwSignal::new(String::new());
        let matches = Memo::new(move |_| {
            let filter = query.with(|q| MemberFilter::new(q));
            if filter.is_empty() {
                return None;
            }
            let dir = directory.get();
            pending.with(|p| {
                draft.with(|d| {
                    let (Some(p), Some(d)) = (p, d) else {
                        return Some(Vec::new());
                    };
                    Some(
                        (0..p.len())
                            .filter(|&i| {
                                p.row(i, d).is_some_and(|(m, _)| {
                                    let known = dir.as_ref().and_then(|x| x.folded_by_id(&m.value));
                                    filter.matches_known(m, known)
                                })
                            })
                            .collect(),
                    )
                })
            })
        });
        Self {
            pending,
            matches,
            query,
            directory,
            embed: editor.app.session.embed,
        }
    }

    /// (rows in the list, rows the filter keeps).
    fn counts(&self) -> (usize, usize) {
        let total = self
            .pending
            .with(|p| p.as_ref().map_or(0, PendingList::len));
        (
            total,
            self.matches.with(|m| m.as_ref().map_or(total, Vec::len)),
        )
    }

    /// Shown row `i`'s view.
    fn row(&self, editor: EditorState, i: usize, d: &GroupDraft) -> Option<RowView> {
        let at = self
            .matches
            .with(|m| m.as_ref().map_or(Some(i), |m| m.get(i).copied()))?;
        let (member, kind) = self
            .pending
            .with(|p| p.as_ref()?.row(at, d).map(|(m, k)| (m.clone(), k)))?;
        let names = self.directory.with(|dir| {
            self.embed
                .with(|e| row_label(&member, dir.as_deref(), e.as_deref()))
        });
        Some(RowView {
            selected: editor.selected.with(|s| s.contains(&member.value)),
            id: member.value,
            label: names.label,
            name: names.name,
            email: names.email,
            kind,
        })
    }

    /// The user IDs of the rows shown that can be removed (for "Select all shown").
    fn shown_ids(&self, draft: RwSignal<Option<GroupDraft>>) -> Vec<String> {
        let mut ids = Vec::new();
        self.each_shown(draft, |id| {
            ids.push(id.to_string());
            true
        });
        ids
    }

    /// Whether every row shown that can be removed is ticked (and there is one): no copies,
    /// as it is asked again at every edit.
    fn all_shown_ticked(&self, editor: EditorState) -> bool {
        let mut any = false;
        editor.selected.with(|s| {
            self.each_shown(editor.app.draft, |id| {
                any = true;
                s.contains(id)
            })
        }) && any
    }

    /// Calls `f` with the user ID of each row shown that can be removed, in order, until it
    /// returns false; false when it did.
    fn each_shown(
        &self,
        draft: RwSignal<Option<GroupDraft>>,
        mut f: impl FnMut(&str) -> bool,
    ) -> bool {
        self.pending.with(|p| {
            self.matches.with(|m| {
                draft.with(|d| {
                    let (Some(p), Some(d)) = (p, d) else {
                        return true;
                    };
                    let mut visit = |i: usize| match p.row(i, d) {
                        Some((member, RowKind::Kept | RowKind::Added)) => f(&member.value),
                        _ => true,
                    };
                    match m {
                        Some(m) => m.iter().all(|&i| visit(i)),
                        None => (0..p.len()).all(visit),
                    }
                })
            })
        })
    }
}

/// The list's keyboard focus: the cell holding its one tab stop, and whether to focus it once
/// the rows are written (after a key moved it outside the rendered window).
#[derive(Clone, Copy)]
struct GridFocus {
    at: StoredValue<Cell>,
    pending: StoredValue<bool>,
}

impl GridFocus {
    /// Makes `cell` the tab stop (and focuses it when `focus`), if its row is in the page.
    fn set(&self, cell: Cell, focus: bool) -> bool {
        let old = self.at.get_value();
        self.at.set_value(cell);
        if let Some(el) = rendered_row(old.row).and_then(|r| focusable(&r, old.col)) {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let Some(el) = rendered_row(cell.row).and_then(|r| focusable(&r, cell.col)) else {
            return false;
        };
        let _ = el.set_attribute("tabindex", "0");
        if focus {
            let _ = el.focus();
        }
        true
    }
}

/// Everything in the table that changes, written where it changed whenever the members,
/// the ticks, the directory, the filter or the scroll position do (after the table is
/// mounted: effects run after rendering): the count line, `aria-rowcount`, the window's rows,
/// and the spacer rows that stand in for the rows not rendered (their height is the cell's
/// `height` attribute, a presentational hint: a `style` attribute would break the page's CSP).
fn show_what_changed(
    editor: EditorState,
    data: ListData,
    scrolled: RwSignal<u64>,
    row_px: StoredValue<u64>,
    focus: GridFocus,
) {
    Effect::new(move |_| {
        let (total, count) = data.counts();
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
        let filtering = data.query.with(|q| !q.trim().is_empty());
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
        // The tab stop stays in the list (a list that shrank) and in the page (the window
        // moved away from it: the first row shown holds it meanwhile).
        let mut at = focus.at.get_value();
        at.row = at.row.min(count.saturating_sub(1));
        focus.at.set_value(at);
        let tab = if range.contains(&at.row) {
            at
        } else {
            Cell {
                row: range.start,
                ..at
            }
        };
        let lost = editor.app.draft.with(|d| {
            let Some(d) = d else { return false };
            show_rows(&tbody, range, tab, |i| data.row(editor, i, d))
        });
        if lost || focus.pending.get_value() {
            focus.pending.set_value(false);
            focus.set(tab, true);
        }
    });
}

/// The key handler of the grid: movement, Space (tick) and Delete (remove).
fn on_grid_key(
    editor: EditorState,
    data: ListData,
    scrolled: RwSignal<u64>,
    row_px: StoredValue<u64>,
    focus: GridFocus,
) -> impl Fn(leptos::ev::KeyboardEvent) + 'static {
    move |ev| {
        let Some((tr, cell)) = cell_of(ev.target()) else {
            return;
        };
        let id = tr.get_attribute("data-id").unwrap_or_default();
        let label = tr.get_attribute("data-label").unwrap_or_default();
        let key = ev.key();
        match key.as_str() {
            // Buttons and the tick box would act on Space; in the grid it ticks the row.
            " " => {
                ev.prevent_default();
                editor.toggle_selected(&id);
            }
            "Delete" => {
                ev.prevent_default();
                if tr.get_attribute("class").as_deref() != Some("removed") {
                    editor.remove(&id, &label);
                }
            }
            _ => {
                let (_, count) = data.counts();
                let Some(to) = grid_move(cell, &key, ev.ctrl_key() || ev.meta_key(), count, COLS)
                else {
                    return;
                };
                ev.prevent_default();
                if !focus.set(to, true) {
                    // Outside the rendered window: scroll there; the rows written then take
                    // the focus.
                    focus.pending.set_value(true);
                    let px = row_px.get_value().max(1) as f64;
                    let px = if px > 1.0 { px } else { ROW_PX };
                    let top = ((to.row as f64 - 3.0).max(0.0) * px) as u64;
                    if let Some(el) = document().get_element_by_id("member-list") {
                        el.set_scroll_top(top as i32);
                    }
                    scrolled.set(top);
                }
            }
        }
    }
}

/// The click handler of the grid's controls (written outside Leptos, so one for all rows).
fn on_grid_click(editor: EditorState) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |ev| {
        let Some(control) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("[data-act]").ok().flatten())
        else {
            return;
        };
        let Some(tr) = control.closest("tr").ok().flatten() else {
            return;
        };
        let id = tr.get_attribute("data-id").unwrap_or_default();
        let label = tr.get_attribute("data-label").unwrap_or_default();
        match control.get_attribute("data-act").as_deref() {
            Some("select") => editor.toggle_selected(&id),
            Some("copy") => editor.copy_id(&id, &label),
            Some("remove") => editor.remove(&id, &label),
            Some("undo") => editor.undo_remove(&id, &label),
            _ => {}
        }
    }
}

/// "Members (27 → 28)" with the change in short, "Select all shown" and "Remove selected (n)".
fn list_head(editor: EditorState, data: ListData) -> impl IntoView {
    let heading = move || data.pending.with(|p| p.as_ref().map(PendingList::heading));
    let mark = move || {
        data.pending
            .with(|p| p.as_ref().map(PendingList::mark).unwrap_or_default())
    };
    let picked = move || editor.selected.with(|s| s.len());
    let all_shown = move || data.all_shown_ticked(editor);
    view! {
        <div class="list-head">
        <h3 id="members-heading">
            {heading}
            " "
            <span class="change-mark">{mark}</span>
        </h3>
        <div class="actions list-tools">
            <label class="checkbox">
                <input
                    type="checkbox"
                    prop:checked=all_shown
                    on:change=move |ev| editor.select_shown(data.shown_ids(editor.app.draft), event_target_checked(&ev))
                />
                "Select all shown"
            </label>
            <button
                type="button"
                class="danger small"
                aria-disabled=move || if picked() == 0 { "true" } else { "false" }
                on:click=move |_| editor.remove_selected()
            >
                {move || format!("Remove selected ({})", picked())}
            </button>
        </div>
        </div>
    }
}

#[component]
pub fn MembersTable(editor: EditorState) -> impl IntoView {
    let data = ListData::new(editor);
    // How far the box is scrolled (px), which moves the window; one row's height as last
    // measured (44 px until then, as the CSS sets it). The box is at most 640 px high, fewer
    // rows than the window assumes are on screen, so its own height is not read.
    let scrolled = RwSignal::new(0u64);
    let row_px = StoredValue::new(0u64);
    let focus = GridFocus {
        at: StoredValue::new(Cell {
            row: 0,
            col: NAME_COL,
        }),
        pending: StoredValue::new(false),
    };
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
        // The list's tab stop goes back to the first row shown.
        focus.at.set_value(Cell {
            row: 0,
            col: NAME_COL,
        });
        data.query.set(q);
        perf::mark_after_paint("member-filter-shown");
    });

    // A control focused by click or Tab becomes the list's tab stop.
    let on_focus = move |ev: leptos::ev::FocusEvent| {
        if let Some((_, cell)) = cell_of(ev.target()) {
            focus.set(cell, false);
        }
    };
    show_what_changed(editor, data, scrolled, row_px, focus);

    view! {
        {list_head(editor, data)}
        <super::field::TextField id="member-filter" label="Filter members" value=data.query on_input=on_filter />
        <p class="notice" role="status" id="member-count"></p>
        // A box that scrolls; the grid inside is its one tab stop and scrolls it by keys.
        <div id="member-list" class="scroller" on:scroll=on_scroll>
            <table class="members" role="grid" aria-label="Members" aria-multiselectable="true">
                <thead>
                    <tr role="row" aria-rowindex="1">
                        <th scope="col" role="columnheader">
                            <span class="visually-hidden">"Selected"</span>
                        </th>
                        <th scope="col" role="columnheader">"Name and email"</th>
                        <th scope="col" role="columnheader">
                            <span class="visually-hidden">"User ID"</span>
                        </th>
                        <th scope="col" role="columnheader">
                            <span class="visually-hidden">"Remove or undo"</span>
                        </th>
                    </tr>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="4" id="member-above"></td>
                    </tr>
                </thead>
                // Its rows are written by the effect above (`show_rows`), not by Leptos.
                <tbody
                    id="member-rows"
                    on:click=on_grid_click(editor)
                    on:keydown=on_grid_key(editor, data, scrolled, row_px, focus)
                    on:focusin=on_focus
                ></tbody>
                <tfoot>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="4" id="member-below"></td>
                    </tr>
                </tfoot>
            </table>
            {move || {
                (data.pending.with(|p| p.as_ref().map_or(0, |p| p.after)) == 0)
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
