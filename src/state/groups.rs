//! The Groups screen's state: the whole list as read (every group up to a cap, with its member
//! count), the search typed, the page on screen; and what the screen's controls do to it.
//! The rules (what is shown, which counts to read) are [`Listing`]'s, in the core.

use super::notice::Notice;
use super::session::Session;
use super::AppState;
use crate::browser::focus::focus_soon;
use crate::browser::http::{ScimClient, ScreenReads};
use crate::browser::router;
use crate::core::group_list::{
    counts_failed_note, has_unsaved_draft, read_again_without_members, without_members_note,
    GroupRow, Listing, MemberCount, Shown, LIST_COUNT,
};
use crate::core::route::Route;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Signals only, so it is `Copy` and handed to each part of the screen.
#[derive(Clone, Copy)]
pub struct GroupsList {
    pub session: Session,
    app: AppState,
    /// `None` until the first page of the list came.
    pub listing: RwSignal<Option<Listing>>,
    /// The search as typed.
    pub query: RwSignal<String>,
    /// The page on screen (0-based) when nothing is searched.
    pub page: RwSignal<usize>,
    pub notice: RwSignal<Option<Notice>>,
    pub loading: RwSignal<bool>,
    /// Why counts are read group by group, when they are.
    pub counts_note: RwSignal<Option<String>>,
    /// Why the last count read failed, when one did.
    pub count_error: RwSignal<Option<String>>,
    /// Bumped by every listing and every cancel: an answer carrying an older number is dropped.
    seq: StoredValue<u64>,
    /// A run of count reads under way (one at a time, through the request budget).
    counting: StoredValue<bool>,
    /// Leaving the screen cancels its reads (and any wait for the rate limit).
    reads: ScreenReads,
    /// The rows on screen, by the query or the page.
    pub shown: Memo<Shown>,
}

impl GroupsList {
    /// Made by the screen: its reads end when the screen goes. A new connection (or none)
    /// starts the list afresh.
    pub fn new(app: AppState) -> Self {
        let session = app.session;
        let listing = RwSignal::new(None::<Listing>);
        let query = RwSignal::new(String::new());
        let page = RwSignal::new(0usize);
        let shown = Memo::new(move |_| {
            let q = query.get();
            let p = page.get();
            listing
                .with(|l| l.as_ref().map(|l| l.shown(&q, p)))
                .unwrap_or(Shown {
                    rows: Vec::new(),
                    matches: None,
                    pager: None,
                })
        });
        let list = Self {
            session,
            app,
            listing,
            query,
            page,
            notice: RwSignal::new(None),
            loading: RwSignal::new(false),
            counts_note: RwSignal::new(None),
            count_error: RwSignal::new(None),
            seq: StoredValue::new(0),
            counting: StoredValue::new(false),
            reads: ScreenReads::new(),
            shown,
        };
        Effect::new(move |_| {
            let connected = session.connected.with(Option::is_some);
            listing.set(None);
            page.set(0);
            if connected {
                list.load();
            } else {
                list.cancel();
            }
        });
        // The rows shown whose count the list did not bring are read one by one.
        Effect::new(move |_| {
            shown.track();
            list.read_counts();
        });
        list
    }

    fn cancel(&self) {
        self.seq.update_value(|n| *n += 1);
        self.loading.set(false);
        self.notice.set(None);
    }

    /// `try_`: the answer may arrive after this screen was left, when its state is gone.
    fn is_current(&self, n: u64) -> bool {
        self.seq.try_get_value() == Some(n)
    }

    /// Reads the whole list, with members, 100 groups a request, up to the cap; the rows show
    /// as their pages come. A server that cannot send that is asked again without members.
    pub fn load(&self) {
        let client = match self.session.client() {
            Ok(c) => c.cancelled_with(self.reads),
            Err(why) => {
                self.cancel();
                self.notice.set(Some(Notice::Error(why.into())));
                return;
            }
        };
        self.seq.update_value(|n| *n += 1);
        let n = self.seq.get_value();
        self.loading.set(true);
        self.listing.set(None);
        self.page.set(0);
        self.counts_note.set(None);
        self.count_error.set(None);
        self.notice
            .set(Some(Notice::Progress("Loading groups…".to_string())));
        let list = *self;
        spawn_local(async move { list.read_listing(n, client).await });
    }

    async fn read_listing(self, n: u64, client: ScimClient) {
        let mut with_members = true;
        let mut start = 1;
        loop {
            let answer = client
                .group_rows(start, LIST_COUNT, with_members, None)
                .await
                .map_err(|e| self.session.heard(e));
            if !self.is_current(n) {
                return;
            }
            let page = match answer {
                Ok(p) => p,
                Err(e) if with_members && read_again_without_members(&e.kind) => {
                    // Too large, too slow or a server error: the same page without members,
                    // and the counts of the rows on screen read one by one.
                    with_members = false;
                    self.counts_note
                        .set(Some(without_members_note(&e.kind, e.status)));
                    continue;
                }
                Err(e) => {
                    self.loading.set(false);
                    self.counts_note.set(None);
                    self.notice.set(Some(Notice::Error(e.to_string())));
                    return;
                }
            };
            let left_out =
                with_members && page.items.iter().any(|r| r.members == MemberCount::NotRead);
            if left_out && self.counts_note.with_untracked(Option::is_none) {
                self.counts_note.set(Some(
                    "This server leaves members out of its lists, so member counts are read group by group for the groups shown."
                        .to_string(),
                ));
            }
            // Into the listing on screen, whose rows may have got their counts meanwhile.
            let mut next = None;
            self.listing.update(|l| {
                let l = l.get_or_insert_with(|| Listing::new(with_members));
                l.with_members = with_members;
                next = l.add_page(start, page.items, page.total);
            });
            match next {
                Some(s) => start = s,
                None => break,
            }
        }
        self.loading.set(false);
        self.notice.set(None);
    }

    /// Reads, one at a time, the counts of the rows shown that the list did not bring.
    fn read_counts(&self) {
        if self.counting.try_get_value() != Some(false) {
            return;
        }
        let ids = self.listing.with_untracked(|l| {
            l.as_ref()
                .map(|l| self.shown.with_untracked(|s| l.counts_to_read(&s.rows)))
                .unwrap_or_default()
        });
        if ids.is_empty() {
            return;
        }
        let Ok(client) = self.session.client() else {
            return;
        };
        let client = client.cancelled_with(self.reads);
        self.mark(&ids, MemberCount::Reading);
        self.counting.set_value(true);
        let (list, n) = (*self, self.seq.get_value());
        spawn_local(async move {
            for id in ids {
                let count = match client.member_count(&id).await {
                    Ok(c) => MemberCount::Counted(c),
                    Err(e) => {
                        let e = list.session.heard(e);
                        let _ = list.count_error.try_set(Some(counts_failed_note(e.status)));
                        MemberCount::Unavailable
                    }
                };
                if !list.is_current(n) {
                    break;
                }
                list.mark(&[id], count);
            }
            if list.counting.try_set_value(false).is_none() {
                // More rows may have come into view meanwhile.
                list.read_counts();
            }
        });
    }

    fn mark(&self, ids: &[String], count: MemberCount) {
        self.listing.update(|l| {
            if let Some(l) = l {
                for id in ids {
                    l.set_count(id, count);
                }
            }
        });
    }

    /// The row at `index` of the listing, as it is now (not tracked: see [`Self::count_at`]).
    pub fn row(&self, index: usize) -> Option<GroupRow> {
        self.listing
            .with_untracked(|l| l.as_ref().and_then(|l| l.rows.get(index).cloned()))
    }

    /// The member count of the row at `index`, tracked: it changes as counts are read.
    pub fn count_at(&self, index: usize) -> MemberCount {
        self.listing.with(|l| {
            l.as_ref()
                .and_then(|l| l.rows.get(index))
                .map_or(MemberCount::Unavailable, |r| r.members)
        })
    }

    /// Typing searches every group read, as one types.
    pub fn set_query(&self, text: String) {
        self.query.set(text);
    }

    /// Enter in the search: the only match opens.
    pub fn open_only_match(&self) {
        let q = self.query.get_untracked();
        let id = self.listing.with_untracked(|l| {
            l.as_ref()
                .and_then(|l| l.only_match(&q))
                .map(|r| r.id.clone())
        });
        // With several matches (or none) Enter opens nothing: the count above says why.
        if let Some(id) = id {
            router::navigate(&Route::Group(id));
        }
    }

    pub fn is_searching(&self) -> bool {
        self.query.with(|q| !q.trim().is_empty())
    }

    pub fn go_next(&self) {
        if self
            .shown
            .with_untracked(|s| s.pager.is_some_and(|p| p.has_next()))
        {
            self.turn(true);
        }
    }

    pub fn go_prev(&self) {
        if self
            .shown
            .with_untracked(|s| s.pager.is_some_and(|p| p.has_prev()))
        {
            self.turn(false);
        }
    }

    fn turn(&self, next: bool) {
        self.page.update(|p| {
            *p = if next { *p + 1 } else { p.saturating_sub(1) };
        });
        let (has_next, has_prev) = self.shown.with_untracked(|s| {
            s.pager
                .map_or((false, false), |p| (p.has_next(), p.has_prev()))
        });
        // The buttons are drawn anew: the focus stays on the one pressed, or the other when
        // that one is now disabled.
        focus_soon(if next && has_next || !has_prev {
            "groups-next"
        } else {
            "groups-prev"
        });
    }

    /// True when group `id` has unsaved edits, open in the editor or kept in the tab.
    pub fn unsaved(&self, id: &str) -> bool {
        let open = self.app.draft.with_untracked(|d| {
            d.as_ref()
                .filter(|_| self.app.dirty.get_untracked())
                .map(|d| d.id().to_string())
        });
        has_unsaved_draft(
            id,
            open.as_deref(),
            self.app.session.load_draft(id).as_deref(),
        )
    }

    /// The member column goes when no row shown has a count and none can be read.
    pub fn counts_gone(&self) -> bool {
        let shown = self.shown.with(|s| s.rows.clone());
        self.listing
            .with(|l| l.as_ref().is_some_and(|l| l.counts_unavailable(&shown)))
    }

    /// "8 groups.", the cap, or nothing while reading.
    pub fn summary(&self) -> Option<String> {
        if self.is_searching() {
            return None;
        }
        self.listing.with(|l| l.as_ref().and_then(Listing::summary))
    }

    pub fn match_text(&self) -> Option<String> {
        let q = self.query.get();
        self.shown.with(|s| s.match_text(&q))
    }

    /// The list could not be read (wholly or to its end): nothing else on screen would ask
    /// again.
    pub fn list_failed(&self) -> bool {
        let failed = self.notice.with(|n| matches!(n, Some(Notice::Error(_))));
        failed && !self.loading.get()
    }
}
