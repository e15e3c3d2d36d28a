//! The Groups screen's state: the page of the server's list on screen, the groups seen so far
//! (filtered locally as one types), or the server's answer for one exact name; and what the
//! screen's controls do to it.

use super::notice::Notice;
use super::session::Session;
use crate::browser::focus::focus_soon;
use crate::browser::http::{Page, ScimClient, ScreenReads};
use crate::core::error::ApiError;
use crate::core::group_list::{filter_groups, named_exactly, remember};
use crate::core::model::Group;
use crate::core::paging::next_start_index;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Groups asked for per page.
pub const PAGE_SIZE: u64 = 25;

/// The page of the paged list on screen, and the starts of the pages before it (for Previous,
/// since short pages make `start - count` wrong).
#[derive(Clone)]
pub struct PageState {
    pub start: u64,
    pub items: Vec<Group>,
    pub total: Option<u64>,
    pub back: Vec<u64>,
}

impl PageState {
    /// Where the next page starts, if there is one.
    pub fn next(&self) -> Option<u64> {
        next_start_index(self.start, self.items.len(), self.total, Some(PAGE_SIZE))
    }

    pub fn has_prev(&self) -> bool {
        !self.back.is_empty() || self.start > 1
    }
}

#[derive(Clone, PartialEq)]
pub enum Mode {
    Paged,
    /// The server's answer for one exact name; `found` is `None` until it comes.
    Exact {
        name: String,
        found: Option<Vec<Group>>,
    },
}

/// Signals only, so it is `Copy` and handed to each part of the screen.
#[derive(Clone, Copy)]
pub struct GroupsList {
    pub session: Session,
    pub page: RwSignal<Option<PageState>>,
    pub seen: RwSignal<Vec<Group>>,
    pub mode: RwSignal<Mode>,
    pub filter: RwSignal<String>,
    pub notice: RwSignal<Option<Notice>>,
    pub loading: RwSignal<bool>,
    /// Bumped by every request and every cancel: an answer carrying an older number is dropped.
    seq: StoredValue<u64>,
    /// Leaving the screen cancels its reads (and any wait for the rate limit).
    reads: ScreenReads,
    /// Next (`true`) or Previous pressed: the page's buttons are drawn anew with it, so the
    /// focus goes back to one of them (the other when that one is now disabled).
    refocus: StoredValue<Option<bool>>,
    /// The rows shown: the page, the loaded groups that match the filter, or the exact answer.
    pub rows: Memo<Vec<Group>>,
}

impl GroupsList {
    /// Made by the screen: its reads end when the screen goes. A new connection (or none)
    /// starts the list afresh.
    pub fn new(session: Session) -> Self {
        let page = RwSignal::new(None::<PageState>);
        let seen = RwSignal::new(Vec::<Group>::new());
        let mode = RwSignal::new(Mode::Paged);
        let filter = RwSignal::new(String::new());
        let rows = Memo::new(move |_| match mode.get() {
            Mode::Exact { found, .. } => found.unwrap_or_default(),
            Mode::Paged => {
                let q = filter.with(|f| f.trim().to_string());
                if q.is_empty() {
                    page.with(|p| p.as_ref().map(|p| p.items.clone()).unwrap_or_default())
                } else {
                    seen.with(|s| filter_groups(s, &q))
                }
            }
        });
        let list = Self {
            session,
            page,
            seen,
            mode,
            filter,
            notice: RwSignal::new(None),
            loading: RwSignal::new(false),
            seq: StoredValue::new(0),
            reads: ScreenReads::new(),
            refocus: StoredValue::new(None),
            rows,
        };
        Effect::new(move |_| {
            let connected = session.connected.with(Option::is_some);
            page.set(None);
            seen.set(Vec::new());
            mode.set(Mode::Paged);
            if connected {
                list.load_page(1, Vec::new());
            } else {
                list.cancel();
            }
        });
        list
    }

    fn begin(&self, progress: String) -> u64 {
        self.seq.update_value(|n| *n += 1);
        self.loading.set(true);
        self.notice.set(Some(Notice::Progress(progress)));
        self.seq.get_value()
    }

    fn cancel(&self) {
        self.seq.update_value(|n| *n += 1);
        self.loading.set(false);
        self.notice.set(None);
    }

    /// Stops whatever was under way, then says why nothing can be asked.
    fn client_or_cancel(&self) -> Option<ScimClient> {
        match self.session.client() {
            Ok(c) => Some(c.cancelled_with(self.reads)),
            Err(why) => {
                self.cancel();
                self.notice.set(Some(Notice::Error(why.into())));
                None
            }
        }
    }

    /// `try_`: the answer may arrive after this screen was left, when its state is gone.
    fn is_current(&self, n: u64) -> bool {
        self.seq.try_get_value() == Some(n)
    }

    pub fn query(&self) -> String {
        self.filter.with(|f| f.trim().to_string())
    }

    pub fn is_exact(&self) -> bool {
        self.mode.with(|m| matches!(m, Mode::Exact { .. }))
    }

    pub fn load_page(&self, start: u64, back: Vec<u64>) {
        let Some(client) = self.client_or_cancel() else {
            return;
        };
        let n = self.begin(if start <= 1 {
            "Loading groups…".to_string()
        } else {
            format!("Loading groups from number {start}…")
        });
        let list = *self;
        spawn_local(async move {
            let answer = client.groups_page(start, PAGE_SIZE, None).await;
            let Some(p) = list.answered(n, answer) else {
                return;
            };
            list.seen.update(|s| remember(s, &p.items));
            let shown = PageState {
                start,
                items: p.items,
                total: p.total,
                back,
            };
            if let Some(next) = list.refocus.get_value() {
                list.refocus.set_value(None);
                focus_soon(if next && shown.next().is_some() || !shown.has_prev() {
                    "groups-next"
                } else {
                    "groups-prev"
                });
            }
            list.page.set(Some(shown));
        });
    }

    /// The answer to request `n`: `None` when a newer request or a cancel overtook it, or
    /// when it failed, which the notice then says.
    fn answered(&self, n: u64, result: Result<Page<Group>, ApiError>) -> Option<Page<Group>> {
        let result = result.map_err(|e| self.session.heard(e));
        if !self.is_current(n) {
            return None;
        }
        self.loading.set(false);
        match result {
            Ok(p) => {
                self.notice.set(None);
                Some(p)
            }
            Err(err) => {
                self.notice.set(Some(Notice::Error(err.to_string())));
                None
            }
        }
    }

    /// "Find exact name": asks the server for the groups named as typed.
    pub fn find_exact(&self) {
        let name = self.filter.get_untracked().trim().to_string();
        if name.is_empty() {
            self.notice.set(Some(Notice::Error(
                "Type a group's name first, then press Find exact name.".into(),
            )));
            return;
        }
        let Some(client) = self.client_or_cancel() else {
            return;
        };
        let n = self.begin(format!("Asking the server for the group named “{name}”…"));
        self.mode.set(Mode::Exact {
            name: name.clone(),
            found: None,
        });
        let list = *self;
        spawn_local(async move {
            let answer = client.groups_page(1, PAGE_SIZE, Some(&name)).await;
            let Some(p) = list.answered(n, answer) else {
                return;
            };
            let found = named_exactly(p.items, &name);
            list.seen.update(|s| remember(s, &found));
            list.mode.set(Mode::Exact {
                name,
                found: Some(found),
            });
        });
    }

    /// Typing filters locally: leave an exact search, and drop its answer if still on the way.
    pub fn set_filter(&self, text: String) {
        self.filter.set(text);
        if matches!(self.mode.get_untracked(), Mode::Exact { .. }) {
            self.cancel();
            self.mode.set(Mode::Paged);
        }
    }

    /// "Show all groups": back from an exact search to the list.
    pub fn show_all(&self) {
        self.cancel();
        self.mode.set(Mode::Paged);
        self.filter.set(String::new());
        // The button goes with the exact search; the focus goes back to the filter.
        focus_soon("groups-filter");
        if self.page.with_untracked(Option::is_none) {
            self.load_page(1, Vec::new());
        }
    }

    pub fn go_next(&self) {
        let Some(p) = self.page.get_untracked() else {
            return;
        };
        if let Some(next) = p.next() {
            let mut back = p.back;
            back.push(p.start);
            self.refocus.set_value(Some(true));
            self.load_page(next, back);
        }
    }

    pub fn go_prev(&self) {
        let Some(p) = self.page.get_untracked() else {
            return;
        };
        let mut back = p.back;
        self.refocus.set_value(Some(false));
        match back.pop() {
            Some(prev) => self.load_page(prev, back),
            None if p.start > 1 => self.load_page(p.start.saturating_sub(PAGE_SIZE).max(1), back),
            None => {}
        }
    }

    /// Why no row shows, when none does (and something is known).
    pub fn empty_text(&self) -> Option<String> {
        if !self.rows.with(Vec::is_empty) {
            return None;
        }
        match self.mode.get() {
            Mode::Exact {
                name,
                found: Some(_),
            } => Some(format!(
                "The server has no group named exactly “{name}”. Press Show all groups to go back to the list."
            )),
            Mode::Exact { found: None, .. } => None,
            Mode::Paged => {
                let q = self.query();
                if !q.is_empty() {
                    Some(format!(
                        "No loaded group matches “{q}”. Press Find exact name to ask the server."
                    ))
                } else {
                    self.page.with(|p| {
                        p.as_ref().map(|p| {
                            if p.start <= 1 {
                                "There are no groups on this server yet.".to_string()
                            } else {
                                "No groups on this page.".to_string()
                            }
                        })
                    })
                }
            }
        }
    }

    /// "3 of 40 loaded groups match “ops”." while a filter shows rows.
    pub fn filter_text(&self) -> Option<String> {
        if self.is_exact() {
            return None;
        }
        let q = self.query();
        let shown = self.rows.with(Vec::len);
        (!q.is_empty() && shown > 0).then(|| {
            let of = self.seen.with(Vec::len);
            let groups = if of == 1 { "group" } else { "groups" };
            let verb = if shown == 1 { "matches" } else { "match" };
            format!("{shown} of {of} loaded {groups} {verb} “{q}”.")
        })
    }

    pub fn exact_text(&self) -> Option<String> {
        match self.mode.get() {
            Mode::Exact {
                name,
                found: Some(found),
            } if !found.is_empty() => Some(format!("Server answer for the exact name “{name}”.")),
            _ => None,
        }
    }

    /// The first page failed: nothing else on screen would ask again.
    pub fn first_page_failed(&self) -> bool {
        let failed = self.notice.with(|n| matches!(n, Some(Notice::Error(_))));
        failed && self.page.with(Option::is_none) && !self.is_exact()
    }
}
