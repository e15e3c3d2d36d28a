//! People's state: the index of who is in which group ([`Memberships`]), read once per
//! connection with the groups' members, page by page through the request budget, kept up to
//! date by the panel's own saves and dropped on disconnect or another server; so moving from
//! one person to the next costs no request.

use super::load::directory;
use super::notice::Notice;
use super::session::Session;
use super::AppState;
use crate::browser::http::ScreenReads;
use crate::browser::page::copy_to_clipboard;
use crate::core::base_url::ScimBase;
use crate::core::directory::DirectoryUser;
use crate::core::group_list::LIST_COUNT;
use crate::core::memberships::{GroupInfo, Memberships};
use crate::core::model::Group;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Signals only, so it is `Copy`; one for the app, in [`super::AppState`].
#[derive(Clone, Copy)]
pub struct PeopleIndex {
    session: Session,
    /// `None` until the first read is complete; a refresh replaces it once complete.
    pub index: RwSignal<Option<Memberships>>,
    pub reading: RwSignal<bool>,
    /// `(pages read, pages in all)` while reading.
    pub progress: RwSignal<Option<(usize, Option<usize>)>>,
    /// Why the last read failed.
    pub notice: RwSignal<Option<Notice>>,
    /// The connection the index was read over; another (or none) drops it.
    read_for: StoredValue<Option<ScimBase>>,
    /// Bumped by every read and every drop: an answer carrying an older number is dropped.
    seq: StoredValue<u64>,
}

impl PeopleIndex {
    pub fn new(session: Session) -> Self {
        let people = Self {
            session,
            index: RwSignal::new(None),
            reading: RwSignal::new(false),
            progress: RwSignal::new(None),
            notice: RwSignal::new(None),
            read_for: StoredValue::new(None),
            seq: StoredValue::new(0),
        };
        // Read once per connection: a disconnect, another server or a new Connect drops it.
        Effect::new(move |_| {
            let now = session.connected.get();
            if people.read_for.with_value(|r| *r != now) {
                people.drop_index();
            }
        });
        people
    }

    fn drop_index(&self) {
        self.seq.update_value(|n| *n += 1);
        self.read_for.set_value(None);
        self.index.set(None);
        self.reading.set(false);
        self.progress.set(None);
        self.notice.set(None);
    }

    /// Reads the index unless it is read or being read (the person's page asks on show).
    pub fn ensure(&self) {
        let have = self.index.with_untracked(Option::is_some) || self.reading.get_untracked();
        if !have {
            self.refresh();
        }
    }

    /// "Refresh": reads every group with its members again, a page at a time. The index on
    /// screen stays until the new one is complete.
    pub fn refresh(&self) {
        let Some(client) = self.session.client_or_notify(self.notice) else {
            return;
        };
        self.seq.update_value(|n| *n += 1);
        let n = self.seq.get_value();
        self.read_for
            .set_value(self.session.connected.get_untracked());
        self.reading.set(true);
        self.progress.set(Some((0, None)));
        self.notice.set(None);
        let (people, session) = (*self, self.session);
        spawn_local(async move {
            let mut read = Memberships::new();
            let mut start = 1;
            // Not tied to a screen: a read left half-way would cost its pages again.
            loop {
                let answer = client
                    .groups_with_member_ids(start, LIST_COUNT)
                    .await
                    .map_err(|e| session.heard(e));
                if people.seq.try_get_value() != Some(n) {
                    return;
                }
                let page = match answer {
                    Ok(p) => p,
                    Err(e) => {
                        people.reading.set(false);
                        people.progress.set(None);
                        people.notice.set(Some(Notice::Error(format!(
                            "The groups could not be read: {e}"
                        ))));
                        return;
                    }
                };
                let next = read.add_page(start, page.items, page.total);
                people.progress.set(Some(read.progress()));
                match next {
                    Some(s) => start = s,
                    None => break,
                }
            }
            people.index.set(Some(read));
            crate::browser::perf::mark("people-index-complete");
            people.progress.set(None);
            people.reading.set(false);
        });
    }

    /// The groups `user_id` is in, tracked; `None` while the index is not complete.
    pub fn groups_of(&self, user_id: &str) -> Option<Vec<GroupInfo>> {
        self.index.with(|i| {
            i.as_ref()
                .filter(|i| i.is_complete())
                .map(|i| i.groups_of(user_id).into_iter().cloned().collect())
        })
    }

    /// A save of the panel's own went through: the index says the saved membership. A group
    /// the index does not hold (past the cap) is left out.
    pub fn saved(&self, group: &Group, sent_members: &[String]) {
        let ids: Vec<String> = match &group.members {
            Some(m) => m.iter().map(|m| m.value.clone()).collect(),
            None => sent_members.to_vec(),
        };
        self.set_group(
            &group.id,
            &group.display_name,
            &ids,
            group.meta.version.as_deref(),
        );
    }

    /// Sets one group's name, members and version in the index (for any write of the
    /// panel's, or a read).
    pub fn set_group(&self, id: &str, name: &str, member_ids: &[String], version: Option<&str>) {
        self.index.update(|i| {
            if let Some(i) = i.as_mut().filter(|i| i.knows_group(id) || !i.is_capped()) {
                i.set_group(id, name, member_ids, version);
            }
        });
    }

    /// One user in or out of a group the index knows (a write of that change alone).
    pub fn set_member(&self, group_id: &str, user_id: &str, present: bool, version: Option<&str>) {
        self.index.update(|i| {
            if let Some(i) = i.as_mut() {
                i.set_member(group_id, user_id, present, version);
            }
        });
    }
}

/// Whom a person's page shows: looked up in the directory (listed once per connection).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonLookup {
    /// The directory is being listed: `(users so far, total if known)`.
    Listing(Option<(usize, Option<u64>)>),
    Found(DirectoryUser),
    /// No user has this ID.
    Unknown(String),
    Failed(String),
}

impl PersonLookup {
    /// Whether the page is about someone (being looked up, or found): the groups' reading
    /// progress shows then, not under "Person not found".
    pub fn is_pending_or_found(&self) -> bool {
        matches!(self, Self::Listing(_) | Self::Found(_))
    }
}

/// A person's page: who they are, and the copy of their ID.
#[derive(Clone, Copy)]
pub struct PersonPage {
    pub app: AppState,
    pub user_id: StoredValue<String>,
    pub lookup: RwSignal<PersonLookup>,
    /// "Copied the user ID." after Copy ID.
    pub copied: RwSignal<bool>,
}

impl PersonPage {
    /// Made by the person's page: looks the user up (no request when the directory is listed)
    /// and has the index read when it is not yet.
    pub fn new(app: AppState, user_id: String) -> Self {
        let page = Self {
            app,
            user_id: StoredValue::new(user_id.clone()),
            lookup: RwSignal::new(PersonLookup::Listing(None)),
            copied: RwSignal::new(false),
        };
        let reads = ScreenReads::new();
        let lookup = page.lookup;
        spawn_local(async move {
            let listed = directory(app.session, false, reads, move |n, total| {
                let _ = lookup.try_set(PersonLookup::Listing(Some((n, total))));
            })
            .await;
            let found = match listed {
                Ok(dir) => match dir.by_id(&user_id) {
                    Some(u) => PersonLookup::Found(u.clone()),
                    None => PersonLookup::Unknown(user_id),
                },
                Err(e) => PersonLookup::Failed(e),
            };
            let _ = lookup.try_set(found);
        });
        app.people.ensure();
        page
    }

    /// The user, once found.
    pub fn user(&self) -> Option<DirectoryUser> {
        self.lookup.with(|l| match l {
            PersonLookup::Found(u) => Some(u.clone()),
            _ => None,
        })
    }

    /// "Copy ID": the user ID to the clipboard, said in the status.
    pub fn copy_id(&self) {
        self.user_id.with_value(|id| copy_to_clipboard(id));
        self.copied.set(true);
    }
}
