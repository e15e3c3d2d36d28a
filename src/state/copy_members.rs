//! "Copy members from" another group: the editor's small panel. The groups are read once per
//! opening (names only, 100 a request), the chosen one in one read; "Add N members" puts its
//! new members into the draft as pending additions. Nothing here writes to the server.

use super::editor::EditorState;
use super::notice::Notice;
use crate::browser::focus::focus_soon;
use crate::browser::http::ScreenReads;
use crate::core::copy_members::{choices, preview, CopyPreview};
use crate::core::group_list::{GroupRow, Listing, LIST_COUNT};
use crate::core::model::Member;
use crate::core::validation::isolate;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The group chosen to copy from, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub members: Vec<Member>,
}

#[derive(Clone, Copy)]
pub struct CopyFrom {
    editor: EditorState,
    pub open: RwSignal<bool>,
    /// The search typed in "Group to copy from".
    pub query: RwSignal<String>,
    /// Every group by name, once read.
    pub rows: RwSignal<Option<Vec<GroupRow>>>,
    pub source: RwSignal<Option<Source>>,
    pub notice: RwSignal<Option<Notice>>,
    /// Bumped at every choice and close: a late answer for an earlier one is dropped.
    seq: StoredValue<u64>,
    reads: ScreenReads,
}

impl CopyFrom {
    pub fn new(editor: EditorState) -> Self {
        Self {
            editor,
            open: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            rows: RwSignal::new(None),
            source: RwSignal::new(None),
            notice: RwSignal::new(None),
            seq: StoredValue::new(0),
            reads: ScreenReads::new(),
        }
    }

    /// The button: opens the panel (focus in its search) or closes it.
    pub fn toggle(&self) {
        if self.open.get_untracked() {
            self.close();
            return;
        }
        self.open.set(true);
        focus_soon("copy-query");
        if self.rows.with_untracked(Option::is_none) {
            self.read_groups();
        }
    }

    /// Cancel and Escape: nothing is added; the focus goes back to the button.
    pub fn close(&self) {
        self.seq.update_value(|n| *n += 1);
        self.open.set(false);
        self.source.set(None);
        self.query.set(String::new());
        focus_soon("copy-members");
    }

    fn read_groups(&self) {
        let client = match self.editor.app.session.client() {
            Ok(c) => c.cancelled_with(self.reads),
            Err(why) => {
                self.notice.set(Some(Notice::Error(why.into())));
                return;
            }
        };
        self.notice
            .set(Some(Notice::Progress("Reading the groups…".into())));
        let this = *self;
        spawn_local(async move {
            let mut listing = Listing::new(false);
            let mut start = 1;
            loop {
                let page = client.group_rows(start, LIST_COUNT, false, None).await;
                let page = match page {
                    Ok(p) => p,
                    Err(e) => {
                        let e = this.editor.app.session.heard(e);
                        let _ = this.notice.try_set(Some(Notice::Error(e.to_string())));
                        return;
                    }
                };
                match listing.add_page(start, page.items, page.total) {
                    Some(next) => start = next,
                    None => break,
                }
            }
            let _ = this.notice.try_set(None);
            let _ = this.rows.try_set(Some(listing.rows));
        });
    }

    /// The groups matching the search (never the one being edited), as `(id, name)`, and
    /// what the list cannot say itself; nothing while the groups are being read.
    pub fn shown(&self) -> (Vec<(String, String)>, Option<String>) {
        let editing = self
            .editor
            .app
            .draft
            .with(|d| d.as_ref().map(|d| d.id().to_string()).unwrap_or_default());
        let q = self.query.get();
        self.rows.with(|rows| {
            let Some(rows) = rows.as_deref() else {
                return (Vec::new(), None);
            };
            let c = choices(rows, &q, &editing);
            let shown = c
                .rows
                .iter()
                .filter_map(|&i| rows.get(i))
                .map(|r| (r.id.clone(), r.label().to_string()))
                .collect();
            (shown, c.note())
        })
    }

    /// Choosing a group reads it (one request) for its members.
    pub fn choose(&self, id: String, name: String) {
        let client = match self.editor.app.session.client() {
            Ok(c) => c.cancelled_with(self.reads),
            Err(why) => {
                self.notice.set(Some(Notice::Error(why.into())));
                return;
            }
        };
        self.seq.update_value(|n| *n += 1);
        let n = self.seq.get_value();
        self.source.set(None);
        self.notice.set(Some(Notice::Progress(format!(
            "Reading “{}”…",
            isolate(&name)
        ))));
        let this = *self;
        spawn_local(async move {
            let read = client.get_group(&id).await;
            if this.seq.try_get_value() != Some(n) {
                return;
            }
            match read {
                Ok(g) => {
                    this.notice.set(None);
                    this.source.set(Some(Source {
                        id: g.id,
                        name: g.display_name,
                        members: g.members.unwrap_or_default(),
                    }));
                    focus_soon("copy-preview");
                }
                Err(e) => {
                    let e = this.editor.app.session.heard(e);
                    this.notice.set(Some(Notice::Error(e.to_string())));
                }
            }
        });
    }

    /// True when group `id` is the one chosen (its button shows pressed).
    pub fn is_chosen(&self, id: &str) -> bool {
        self.source.with(|s| s.as_ref().is_some_and(|s| s.id == id))
    }

    /// Who of the chosen group is new to the draft as it is now.
    pub fn preview(&self) -> Option<CopyPreview> {
        let source = self.source.get()?;
        Some(self.editor.app.draft.with(|d| {
            let mine = d.as_ref().map(|d| d.members.as_slice()).unwrap_or_default();
            preview(mine, &source.members)
        }))
    }

    /// "Add N members": into the draft, shown as Added, saved through the normal review.
    pub fn apply(&self) {
        let (Some(p), Some(source)) = (self.preview(), self.source.get_untracked()) else {
            return;
        };
        let added = self.editor.add_copied(p.new);
        self.close();
        self.editor.notice.set(Some(Notice::Success(format!(
            "Added {added} member{} from “{}”. Not saved yet.",
            if added == 1 { "" } else { "s" },
            isolate(&source.name)
        ))));
    }
}
