//! "Find user"'s state: the text typed, the matches, and the searches behind them. An exact
//! email is looked up with `userName eq` (one request); other text searches the directory,
//! listed once per connection, locally; servers that filter (`co`) are asked.

use super::load::{directory, ListingState};
use super::notice::Notice;
use super::AppState;
use crate::browser::focus::focus_soon;
use crate::browser::http::ScreenReads;
use crate::core::directory::{looks_like_email, DirectoryUser};
use crate::core::endpoints::{filter_string, user_name_filter};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Matches shown at once; more words narrow it down.
const RESULT_LIMIT: usize = 8;

/// Signals only, so it is `Copy` and handed to each part of the widget.
#[derive(Clone, Copy)]
pub struct UserSearch {
    app: AppState,
    pub query: RwSignal<String>,
    pub results: RwSignal<Vec<DirectoryUser>>,
    pub notice: RwSignal<Option<Notice>>,
    pub progress: RwSignal<ListingState>,
    /// Adds the chosen user to the draft.
    on_add: Callback<DirectoryUser>,
    seq: StoredValue<u64>,
    /// One directory listing at a time: searches typed meanwhile wait for it (`deferred`), and
    /// the listing answers the newest of them when it ends, instead of each keystroke listing
    /// the whole directory again.
    listing: StoredValue<bool>,
    /// `Some(add_first)` of the newest search that waits for the listing.
    deferred: StoredValue<Option<bool>>,
    reads: ScreenReads,
}

impl UserSearch {
    /// Made by the widget: its reads end when the widget goes.
    pub fn new(app: AppState, on_add: Callback<DirectoryUser>) -> Self {
        Self {
            app,
            query: RwSignal::new(String::new()),
            results: RwSignal::new(Vec::new()),
            notice: RwSignal::new(None),
            progress: RwSignal::new(None),
            on_add,
            seq: StoredValue::new(0),
            listing: StoredValue::new(false),
            deferred: StoredValue::new(None),
            reads: ScreenReads::new(),
        }
    }

    pub fn is_member(&self, id: &str) -> bool {
        self.app.draft.with(|d| {
            d.as_ref()
                .is_some_and(|d| d.members.iter().any(|m| m.value == id))
        })
    }

    pub fn add(&self, user: DirectoryUser) {
        if self.is_member(&user.id) {
            self.notice.set(Some(Notice::Error(format!(
                "{} is already a member.",
                user.display_name
            ))));
            return;
        }
        let name = user.display_name.clone();
        self.on_add.run(user);
        self.query.set(String::new());
        self.results.set(Vec::new());
        // An Add button in the results goes with them: the focus goes back to the field.
        focus_soon("find-user");
        self.notice.set(Some(Notice::Progress(format!(
            "Added {name}. Not saved yet."
        ))));
    }

    /// Typing: searches as one types, but an email only when complete (Enter), not at every
    /// keystroke.
    pub fn typed(&self, text: String) {
        self.query.set(text.clone());
        if !looks_like_email(&text) || self.app.session.directory.with_untracked(Option::is_some) {
            self.search(text, false, false);
        }
    }

    /// Enter: adds the first match that is not a member yet, else searches and adds the first.
    pub fn submit(&self) {
        let first = self
            .results
            .with_untracked(|r| r.iter().find(|u| !self.is_member(&u.id)).cloned());
        match first {
            Some(user) => self.add(user),
            None => self.search(self.query.get_untracked(), false, true),
        }
    }

    /// "Refresh user list": lists the directory again, then searches it.
    pub fn refresh(&self) {
        self.search(self.query.get_untracked(), true, false);
    }

    /// Searches the directory (listing it first when needed, with progress) for `q`.
    async fn search_directory(&self, q: &str, refresh: bool) -> Result<Vec<DirectoryUser>, String> {
        let progress = self.progress;
        let listed = directory(self.app.session, refresh, self.reads, move |n, total| {
            progress.set(Some((n, total)));
        })
        .await;
        progress.set(None);
        listed.map(|d| d.search(q, RESULT_LIMIT).into_iter().cloned().collect())
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
                .users_page(1, RESULT_LIMIT as u64, Some(&filter))
                .await
                .map(|p| p.items)
                .map_err(|e| session.heard(e).to_string()),
            Err(why) => Err(why.to_string()),
        };
        match asked {
            // Servers match `co` without folding accents ("jose" misses "José"): when they
            // find nobody, the directory, searched accent-insensitively, decides.
            Ok(users) if users.is_empty() && !looks_like_email(q) => {
                self.search_directory(q, false).await
            }
            other => other,
        }
    }

    /// Runs a search for `q`; only the newest search may show its results.
    fn search(&self, q: String, refresh: bool, mut add_first: bool) {
        let this = *self;
        this.seq.update_value(|n| *n += 1);
        let mut mine = this.seq.get_value();
        let mut q = q.trim().to_string();
        if q.is_empty() {
            this.results.set(Vec::new());
            this.notice.set(None);
            return;
        }
        let filterable = this.app.session.features.get_untracked().filter;
        let have_directory = this.app.session.directory.with_untracked(Option::is_some);
        spawn_local(async move {
            let found: Result<Vec<DirectoryUser>, String> = if have_directory && !refresh {
                this.search_directory(&q, false).await
            } else if looks_like_email(&q) || filterable {
                this.ask_server(&q).await
            } else if this.listing.get_value() && !refresh {
                this.deferred.set_value(Some(add_first));
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
                    let Some(waiting_add_first) = this.deferred.get_value() else {
                        return;
                    };
                    this.deferred.set_value(None);
                    add_first = waiting_add_first;
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
            this.show(found, &q, add_first);
        });
    }

    /// Shows what a search found, or adds the first match when Enter asked for it.
    fn show(&self, found: Result<Vec<DirectoryUser>, String>, q: &str, add_first: bool) {
        match found {
            Ok(users) => {
                if add_first {
                    if let Some(user) = users.iter().find(|u| !self.is_member(&u.id)).cloned() {
                        self.add(user);
                        return;
                    }
                }
                self.notice.set(Some(Notice::Progress(if users.is_empty() {
                    format!("No user matches “{q}”. Check the spelling, or press Refresh user list for users added since.")
                } else if users.len() == 1 {
                    "1 matching user.".to_string()
                } else {
                    format!("{} matching users.", users.len())
                })));
                self.results.set(users);
            }
            Err(message) => {
                self.results.set(Vec::new());
                self.notice.set(Some(Notice::Error(message)));
            }
        }
    }
}
