//! A person's page's tools: "Add to groups" (a filterable list of the groups they are not in),
//! "Remove" on a row, "Remove from all groups", "Copy groups from" another person. Each builds
//! a [`CrossChange`] from People's index and opens its review; nothing is sent before
//! "Confirm changes".

use super::AppState;
use crate::core::cross_change::{change_person, CrossChange};
use crate::core::directory::DirectoryUser;
use crate::core::memberships::{person_name, GroupInfo};
use leptos::prelude::*;

/// Which tool's panel is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    None,
    AddTo,
    CopyFrom,
}

/// The choices "Add to groups" lists at most (the filter narrows them).
pub const CHOICES_SHOWN: usize = 100;

#[derive(Clone, Copy)]
pub struct PersonTools {
    app: AppState,
    pub open: RwSignal<Tool>,
    /// "Filter groups" in "Add to groups".
    pub filter: RwSignal<String>,
    /// The group IDs ticked in "Add to groups", in the order ticked.
    pub chosen: RwSignal<Vec<String>>,
}

impl PersonTools {
    pub fn new(app: AppState) -> Self {
        Self {
            app,
            open: RwSignal::new(Tool::None),
            filter: RwSignal::new(String::new()),
            chosen: RwSignal::new(Vec::new()),
        }
    }

    /// Opens `tool`'s panel, or closes it when it is open.
    pub fn toggle(&self, tool: Tool) {
        let now = self.open.get_untracked();
        self.open.set(if now == tool { Tool::None } else { tool });
        self.filter.set(String::new());
        self.chosen.set(Vec::new());
    }

    /// The groups `user_id` may be added to, matching the filter.
    pub fn choices(&self, user_id: &str) -> Vec<GroupInfo> {
        let query = self.filter.get();
        self.app.people.index.with(|i| {
            i.as_ref().map_or_else(Vec::new, |i| {
                let shown = i.groups_to_add(user_id, &query, CHOICES_SHOWN);
                shown.into_iter().cloned().collect()
            })
        })
    }

    pub fn is_chosen(&self, id: &str) -> bool {
        self.chosen.with(|c| c.iter().any(|c| c == id))
    }

    pub fn set_chosen(&self, id: &str, on: bool) {
        self.chosen.update(|c| {
            c.retain(|c| c != id);
            if on {
                c.push(id.to_string());
            }
        });
    }

    /// "Review changes" in "Add to groups".
    pub fn review_add(&self, user: &DirectoryUser) {
        let ids = self.chosen.get_untracked();
        let theirs = self.theirs(&user.id);
        self.app.cross.review_with(|| {
            let groups: Vec<GroupInfo> = self.app.people.index.with_untracked(|i| {
                let i = i.as_ref()?;
                Some(ids.iter().filter_map(|id| i.group(id).cloned()).collect())
            })?;
            Some(CrossChange::add_to(change_person(user), &groups, &theirs))
        });
    }

    /// A row's "Remove".
    pub fn review_remove(&self, user: &DirectoryUser, group: GroupInfo) {
        self.app.cross.review_with(|| {
            Some(CrossChange::remove_from(
                change_person(user),
                &[group],
                false,
            ))
        });
    }

    /// "Remove from all groups".
    pub fn review_remove_all(&self, user: &DirectoryUser) {
        let theirs = self.theirs(&user.id);
        self.app
            .cross
            .review_with(|| Some(CrossChange::remove_from(change_person(user), &theirs, true)));
    }

    /// "Copy groups from": `from` was chosen.
    pub fn review_copy_from(&self, user: &DirectoryUser, from: &DirectoryUser) {
        let theirs = self.theirs(&user.id);
        let from_groups = self.theirs(&from.id);
        self.app.cross.review_with(|| {
            Some(CrossChange::copy_from(
                change_person(user),
                person_name(from),
                &from_groups,
                &theirs,
            ))
        });
    }

    /// What "Copy groups from" says when the other person's groups add nothing.
    pub fn nothing_to_copy(&self, user: &DirectoryUser, from: &DirectoryUser) -> bool {
        let theirs = self.theirs(&user.id);
        self.theirs(&from.id)
            .iter()
            .all(|g| theirs.iter().any(|t| t.id == g.id))
    }

    fn theirs(&self, user_id: &str) -> Vec<GroupInfo> {
        untrack(|| self.app.people.groups_of(user_id)).unwrap_or_default()
    }
}
