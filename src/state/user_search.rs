//! "Find user"'s state: the text typed, the matches, the active option, and the searches
//! behind them. An exact email is looked up with `userName eq` (one request); other text
//! searches the directory, listed once per connection, locally; servers that filter (`co`) are
//! asked. Whom Enter adds is [`enter_pick`]'s rule.

use super::load::{directory, ListingState};
use super::notice::Notice;
use super::AppState;
use crate::browser::focus::{focus_soon, reveal_soon};
use crate::browser::http::ScreenReads;
use crate::core::choice::{directory_decides, enter_pick, matches_said, moved, up_to, NoPick};
use crate::core::directory::{looks_like_email, DirectoryUser};
use crate::core::endpoints::{filter_string, user_name_filter};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Matches listed at once; more words narrow it down. One more is asked for, to know whether
/// the list is all of them.
const RESULT_LIMIT: usize = 8;

/// The list of matches, and its options' ids (for `aria-activedescendant`).
pub const LIST_ID: &str = "find-user-list";

/// Find person's list of matches.
pub const PERSON_LIST_ID: &str = "find-person-list";

pub fn option_id(index: usize) -> String {
    format!("{LIST_ID}-{index}")
}

/// Signals only, so it is `Copy` and handed to each part of the widget.
#[derive(Clone, Copy)]
pub struct UserSearch {
    app: AppState,
    pub query: RwSignal<String>,
    pub results: RwSignal<Vec<DirectoryUser>>,
    /// The option the arrow keys made active (an index into `results`).
    pub active: RwSignal<Option<usize>>,
    /// Whether the list shows (when it has matches): typing opens it, Escape closes it.
    pub open: RwSignal<bool>,
    pub notice: RwSignal<Option<Notice>>,
    pub progress: RwSignal<ListingState>,
    /// Adds the chosen user to the draft (Find user), or opens them (Find person).
    on_add: Callback<DirectoryUser>,
    /// The field's id and its list's (Find user's, or Find person's).
    pub field_id: &'static str,
    pub list_id: &'static str,
    /// Find person: a choice opens the person, so nobody is "already a member".
    opens_person: bool,
    seq: StoredValue<u64>,
    /// The text (trimmed) the listed matches answer, and whether more matched than are listed.
    shown_for: StoredValue<Option<(String, bool)>>,
    /// One directory listing at a time: searches typed meanwhile wait for it (`deferred`), and
    /// the listing answers the newest of them when it ends, instead of each keystroke listing
    /// the whole directory again.
    listing: StoredValue<bool>,
    /// Whether a search waits for the listing.
    deferred: StoredValue<bool>,
    /// The text of the search under way, if any.
    asked: StoredValue<Option<String>>,
    /// Enter was pressed before the text's matches were listed: the search answering it
    /// applies Enter to them.
    enter_waits: StoredValue<bool>,
    reads: ScreenReads,
}

impl UserSearch {
    /// Made by the widget: its reads end when the widget goes.
    pub fn new(app: AppState, on_add: Callback<DirectoryUser>) -> Self {
        Self::made(app, on_add, "find-user", LIST_ID, false)
    }

    /// "Find person" (People): the same matching and directory; a choice opens the person.
    pub fn for_people(app: AppState, on_pick: Callback<DirectoryUser>) -> Self {
        Self::made(app, on_pick, "find-person", PERSON_LIST_ID, true)
    }

    /// "Copy groups from"'s search: choosing someone builds the change (no page opens).
    pub fn for_copy_from(app: AppState, on_pick: Callback<DirectoryUser>) -> Self {
        Self::made(
            app,
            on_pick,
            "copy-from-person",
            "copy-from-person-list",
            true,
        )
    }

    fn made(
        app: AppState,
        on_add: Callback<DirectoryUser>,
        field_id: &'static str,
        list_id: &'static str,
        opens_person: bool,
    ) -> Self {
        Self {
            app,
            query: RwSignal::new(String::new()),
            results: RwSignal::new(Vec::new()),
            active: RwSignal::new(None),
            open: RwSignal::new(false),
            notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            on_add,
            field_id,
            list_id,
            opens_person,
            seq: StoredValue::new(0),
            shown_for: StoredValue::new(None),
            listing: StoredValue::new(false),
            deferred: StoredValue::new(false),
            asked: StoredValue::new(None),
            enter_waits: StoredValue::new(false),
            reads: ScreenReads::new(),
        }
    }

    /// The id of the option at `index` of this search's list.
    pub fn option_id(&self, index: usize) -> String {
        format!("{}-{index}", self.list_id)
    }

    pub fn is_member(&self, id: &str) -> bool {
        if self.opens_person {
            return false;
        }
        self.app.draft.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.members.iter().any(|m| m.value == id))
        })
    }

    /// Whether the list of matches shows (`aria-expanded`).
    pub fn expanded(&self) -> bool {
        self.open.get() && self.results.with(|r| !r.is_empty())
    }

    /// A click on the option at `index`. The click took the focus from the field: it goes back.
    pub fn choose(&self, index: usize) {
        // Find person's choice opens the person's page, whose heading takes the focus.
        if !self.opens_person {
            focus_soon(self.field_id);
        }
        if let Some(user) = self.results.with_untracked(|r| r.get(index).cloned()) {
            self.add(user);
        }
    }

    fn add(&self, user: DirectoryUser) {
        if self.is_member(&user.id) {
            self.notice.set(Some(Notice::Error(
                NoPick::AlreadyMember(user.display_name).message(""),
            )));
            return;
        }
        if self.opens_person {
            self.on_add.run(user);
            return;
        }
        let name = user.display_name.clone();
        self.on_add.run(user);
        self.clear();
        self.notice.set(Some(Notice::Progress(format!(
            "Added {name}. Not saved yet."
        ))));
    }

    /// The text, its matches and the active option go; a search under way is dropped.
    fn clear(&self) {
        self.seq.update_value(|n| *n += 1);
        self.asked.set_value(None);
        self.enter_waits.set_value(false);
        self.query.set(String::new());
        self.results.set(Vec::new());
        self.active.set(None);
        self.shown_for.set_value(None);
    }

    /// Typing: searches as one types, but an email only when complete (Enter), not at every
    /// keystroke.
    pub fn typed(&self, text: String) {
        self.query.set(text.clone());
        self.active.set(None);
        self.open.set(true);
        // An Enter pressed for the text before is not one for this text.
        self.enter_waits.set_value(false);
        if !looks_like_email(&text) || self.app.session.directory.with_untracked(Option::is_some) {
            self.search(text, false);
        }
    }

    /// A key pressed in the field (WAI-ARIA APG combobox): Down and Up move the active option
    /// (opening the list), Escape closes the list and a second Escape clears the text, Enter
    /// adds. True when the key was used: it then goes no further (an Escape used here must not
    /// also close a panel around the field).
    pub fn key(&self, key: &str) -> bool {
        let len = self.results.with_untracked(Vec::len);
        match key {
            "ArrowDown" | "ArrowUp" if len > 0 => {
                self.open.set(true);
                let active = moved(self.active.get_untracked(), len, key == "ArrowDown");
                self.active.set(active);
                // The active option stays in view (the list may reach under the save bar).
                if let Some(i) = active {
                    reveal_soon(self.option_id(i));
                }
            }
            "Escape" if self.expanded_untracked() => {
                self.open.set(false);
                self.active.set(None);
            }
            "Escape" if self.query.with_untracked(|q| !q.is_empty()) => {
                self.clear();
                self.notice.set(None);
            }
            "Enter" => self.enter(),
            _ => return false,
        }
        true
    }

    fn expanded_untracked(&self) -> bool {
        self.open.get_untracked() && self.results.with_untracked(|r| !r.is_empty())
    }

    /// Enter: the active option, or the only match that can be added, else nobody and why.
    /// Matches listed for older text do not count: Enter waits for the text's own.
    fn enter(&self) {
        let q = self.query.get_untracked().trim().to_string();
        let current = self
            .shown_for
            .with_value(|s| s.as_ref().is_some_and(|(shown, _)| *shown == q));
        if current || self.active.get_untracked().is_some() {
            self.pick(&q);
        } else if !q.is_empty() {
            self.enter_waits.set_value(true);
            if self.asked.with_value(|a| a.as_deref() != Some(q.as_str())) {
                self.search(q, false);
            }
        }
    }

    fn pick(&self, q: &str) {
        let more = self
            .shown_for
            .with_value(|s| s.as_ref().is_some_and(|s| s.1));
        let picked = self.results.with_untracked(|r| {
            enter_pick(
                r,
                |u| self.is_member(&u.id),
                self.active.get_untracked(),
                more,
            )
            .cloned()
        });
        match picked {
            Ok(user) => self.add(user),
            Err(why @ NoPick::AlreadyMember(_)) => {
                self.notice.set(Some(Notice::Error(why.message(q))));
            }
            Err(why) => self.notice.set(Some(Notice::Progress(why.message(q)))),
        }
    }

    /// "Refresh user list": lists the directory again, then searches it.
    pub fn refresh(&self) {
        self.search(self.query.get_untracked(), true);
    }

    /// Searches the directory (listing it first when needed, with progress) for `q`.
    async fn search_directory(&self, q: &str, refresh: bool) -> Result<Vec<DirectoryUser>, String> {
        let progress = self.progress;
        let listed = directory(self.app.session, refresh, self.reads, move |n, total| {
            progress.set(Some((n, total)));
        })
        .await;
        progress.set(None);
        listed.map(|d| d.search(q, RESULT_LIMIT + 1).into_iter().cloned().collect())
    }

    /// Asks a server that filters for `q`; when it finds nobody, the directory decides.
    async fn ask_server(&self, q: &str) -> Result<Vec<DirectoryUser>, String> {
        let session = self.app.session;
        self.notice.set(Some(Notice::Progress("Searching…".into())));
        let filter = if looks_like_email(q) {
            user_name_filter(q)
        } else {
            let v = filter_string(q);
            format!("displayName co {v} or userName co {v}")
        };
        let asked = match session.client() {
            Ok(client) => client
                .cancelled_with(self.reads)
                .users_page(1, RESULT_LIMIT as u64 + 1, Some(&filter))
                .await
                .map(|p| p.items)
                .map_err(|e| session.heard(e).to_string()),
            Err(why) => Err(why.to_string()),
        };
        match asked {
            // Servers match `co` without folding accents ("jose" misses "José"), and some
            // match `eq` with case ("Grace@Example.com" misses "grace@example.com"): when they
            // find nobody, the directory, searched without case and accents, decides.
            Ok(users) if directory_decides(users.len()) => self.search_directory(q, false).await,
            other => other,
        }
    }

    /// Runs a search for `q`; only the newest search may show its results.
    fn search(&self, q: String, refresh: bool) {
        let this = *self;
        this.seq.update_value(|n| *n += 1);
        let mut mine = this.seq.get_value();
        let mut q = q.trim().to_string();
        if q.is_empty() {
            this.results.set(Vec::new());
            this.active.set(None);
            this.shown_for.set_value(None);
            this.notice.set(None);
            this.asked.set_value(None);
            return;
        }
        this.asked.set_value(Some(q.clone()));
        let filterable = this.app.session.features.get_untracked().filter;
        let have_directory = this.app.session.directory.with_untracked(Option::is_some);
        spawn_local(async move {
            let found: Result<Vec<DirectoryUser>, String> = if have_directory && !refresh {
                this.search_directory(&q, false).await
            } else if looks_like_email(&q) || filterable {
                this.ask_server(&q).await
            } else if this.listing.get_value() && !refresh {
                this.deferred.set_value(true);
                return;
            } else {
                this.notice
                    .set(Some(Notice::Progress("Listing users…".into())));
                this.listing.set_value(true);
                let listed = this.search_directory(&q, refresh).await;
                // `try_`: the screen may have gone meanwhile (`Some` means it is still here).
                if this.listing.try_update_value(|l| *l = false).is_some()
                    && this.seq.try_get_value() != Some(mine)
                {
                    // Newer text arrived while listing: answer it (or tell it why not) here.
                    if !this.deferred.get_value() {
                        return;
                    }
                    this.deferred.set_value(false);
                    mine = this.seq.get_value();
                    q = this.query.get_untracked().trim().to_string();
                    if q.is_empty() {
                        return;
                    }
                    match listed {
                        Ok(_) => this.search_directory(&q, false).await,
                        Err(e) => Err(e),
                    }
                } else {
                    listed
                }
            };
            // `try_`: the screen may have gone meanwhile.
            if this.seq.try_get_value() != Some(mine) {
                return;
            }
            this.show(found, &q);
        });
    }

    /// Shows what a search found; when Enter waited for it, applies Enter to it.
    fn show(&self, found: Result<Vec<DirectoryUser>, String>, q: &str) {
        self.asked.set_value(None);
        let enter = self.enter_waits.get_value();
        self.enter_waits.set_value(false);
        match found {
            Ok(found) => {
                let (users, more) = up_to(found, RESULT_LIMIT);
                let n = users.len();
                self.shown_for.set_value(Some((q.to_string(), more)));
                self.active.set(None);
                self.results.set(users);
                if enter {
                    self.pick(q);
                } else {
                    self.notice
                        .set(Some(Notice::Progress(matches_said(n, more, q))));
                }
            }
            Err(message) => {
                self.results.set(Vec::new());
                self.active.set(None);
                self.shown_for.set_value(None);
                self.notice.set(Some(Notice::Error(message)));
            }
        }
    }
}
