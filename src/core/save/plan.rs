//! What a save will do, decided once before anything is sent: the method, the exact request
//! (body and `If-Match`), whether the admin must type the group's name, and whether the group
//! is read first. The review shows this plan and the run sends it, so what the admin confirms
//! is what goes out.

use crate::core::base_url::ScimBase;
use crate::core::diff::MembershipDiff;
use crate::core::draft::GroupDraft;
use crate::core::save_request::{needs_typed_name, SaveMethod, SaveRequest};
use crate::core::server_features::ServerFeatures;

/// How this session saves: the admin's "Save with PATCH" and what the server supports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveSettings {
    /// The admin ticked "Save with PATCH".
    pub prefer_patch: bool,
    pub features: ServerFeatures,
}

impl SaveSettings {
    /// PATCH when the admin asks for it and the server does not say it lacks it; else PUT.
    pub fn method(&self) -> SaveMethod {
        if self.prefer_patch && !self.features.no_patch {
            SaveMethod::Patch
        } else {
            SaveMethod::Put
        }
    }
}

/// One group's save as reviewed and as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavePlan {
    /// The draft as confirmed: the save goes to `draft.loaded.id`, and conflicts are judged
    /// against `draft.loaded`.
    pub draft: GroupDraft,
    /// What the save changes, relative to what was loaded.
    pub diff: MembershipDiff,
    /// Method, URL, body and `If-Match`, exactly as sent.
    pub request: SaveRequest,
    /// The group's name the admin must type to confirm (emptying it, or large removals).
    pub typed_name: Option<String>,
    /// No `If-Match` to send (Omni, or no version known): the group is read first, and the
    /// write is sent only if nobody changed it since it was loaded.
    pub check_first: bool,
    /// The most requests the save can cost: without ETags the read and the write; with them
    /// the write, and after a 412 one read to show what changed.
    pub max_requests: u8,
}

impl SavePlan {
    pub fn group_id(&self) -> &str {
        self.draft.id()
    }
}

/// Plans saving `draft` to the server at `base`.
pub fn plan(base: &ScimBase, draft: GroupDraft, settings: &SaveSettings) -> SavePlan {
    let diff = draft.diff();
    // Without a version to send, If-Match cannot guard the write: the read before it does.
    let if_match = settings
        .features
        .etag
        .then(|| draft.loaded.meta.version.clone())
        .flatten();
    let check_first = if_match.is_none();
    let request = SaveRequest::new(base, &draft, &diff, settings.method(), if_match);
    let loaded_count = draft.loaded.members.as_ref().map_or(0, Vec::len);
    let typed_name = needs_typed_name(&diff, loaded_count, draft.members.len())
        .then(|| draft.loaded.display_name.clone());
    SavePlan {
        draft,
        diff,
        request,
        typed_name,
        check_first,
        max_requests: 2,
    }
}

/// One plan per changed group, in the order given: drafts without a change are left out, and
/// a group named twice is planned once, from its first draft, so no batch writes a group twice.
pub fn plan_all(
    base: &ScimBase,
    drafts: Vec<GroupDraft>,
    settings: &SaveSettings,
) -> Vec<SavePlan> {
    let mut plans: Vec<SavePlan> = Vec::new();
    for draft in drafts {
        // A batch is a handful of groups: a scan is enough, and no extra hash table type
        // grows the bundle.
        if draft.is_dirty() && !plans.iter().any(|p| p.group_id() == draft.id()) {
            plans.push(plan(base, draft, settings));
        }
    }
    plans
}
