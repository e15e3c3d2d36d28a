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
    /// the write, and after a 412 one read to show what changed; a rename adds the look for
    /// another group with the new name ([`super::rename`]).
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
    let max_requests = 2 + u8::from(diff.renamed.is_some());
    let typed_name = needs_typed_name(&diff, loaded_count, draft.members.len())
        .then(|| draft.loaded.display_name.clone());
    SavePlan {
        draft,
        diff,
        request,
        typed_name,
        check_first,
        max_requests,
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::save::fixtures::*;

    fn settings(features: ServerFeatures, prefer_patch: bool) -> SaveSettings {
        SaveSettings {
            prefer_patch,
            features,
        }
    }

    #[test]
    fn patch_only_when_asked_for_and_not_refused_by_the_server() {
        let no_patch = ServerFeatures {
            no_patch: true,
            ..rfc7644()
        };
        let loaded = group("Team", &[1, 2], 1, true);
        let draft = edited(&loaded, "Team", &[1, 2, 3]);
        for (features, prefer, method) in [
            (omni(), false, SaveMethod::Put),
            (omni(), true, SaveMethod::Patch),
            (no_patch, false, SaveMethod::Put),
            (no_patch, true, SaveMethod::Put),
        ] {
            let p = plan(&base(), draft.clone(), &settings(features, prefer));
            assert_eq!(p.request.method, method, "{features:?} prefer {prefer}");
        }
        let put = plan(&base(), draft.clone(), &settings(omni(), false));
        assert!(put.request.body.contains(r#""displayName":"Team""#));
        let patch = plan(&base(), draft, &settings(omni(), true));
        assert!(patch.request.body.contains(r#""op":"add""#));
        assert_eq!(patch.request.url, "/api/scim/v2/groups/Qw7rT2pL");
    }

    #[test]
    fn if_match_needs_etag_support_and_a_loaded_version_else_the_group_is_read_first() {
        let with_version = group("Team", &[1], 4, true);
        let without_version = group("Team", &[1], 4, false);
        let cases = [
            (rfc7644(), &with_version, Some("W/\"4\"")),
            (rfc7644(), &without_version, None),
            // Omni sends no version; were one there, it would still not be trusted.
            (omni(), &with_version, None),
        ];
        for (features, loaded, if_match) in cases {
            let p = plan(
                &base(),
                edited(loaded, "Team", &[]),
                &settings(features, false),
            );
            assert_eq!(p.request.if_match.as_deref(), if_match);
            assert_eq!(p.check_first, if_match.is_none());
            assert_eq!(p.max_requests, 2);
        }
    }

    #[test]
    fn typed_name_is_the_loaded_name_when_the_guard_applies() {
        let loaded = group("Team", &[1, 2, 3, 4, 5, 6, 7, 8], 1, false);
        let emptied = plan(&base(), edited(&loaded, "Team B", &[]), &Default::default());
        assert_eq!(emptied.typed_name.as_deref(), Some("Team"));
        let quarter = plan(
            &base(),
            edited(&loaded, "Team", &[1, 2, 3, 4, 5, 6]),
            &Default::default(),
        );
        assert_eq!(quarter.typed_name.as_deref(), Some("Team"));
        let one = plan(
            &base(),
            edited(&loaded, "Team", &[1, 2, 3, 4, 5, 6, 7]),
            &Default::default(),
        );
        assert_eq!(one.typed_name, None);
        assert_eq!(one.diff.removed, members(&[8]));
    }

    #[test]
    fn plan_all_plans_each_changed_group_once_in_order() {
        let a = group_with_id("a", "A", &[1, 2], 1, false);
        let b = group_with_id("b", "B", &[1], 1, false);
        let c = group_with_id("c", "C", &[1, 3], 1, false);
        let drafts = vec![
            edited(&a, "A", &[2]),
            // Unchanged: nothing to save.
            GroupDraft::from_group(b),
            edited(&c, "C", &[3]),
            // The same group again: the first draft is the one planned.
            edited(&a, "A", &[]),
        ];
        let plans = plan_all(&base(), drafts, &Default::default());
        let ids: Vec<&str> = plans.iter().map(SavePlan::group_id).collect();
        assert_eq!(ids, vec!["a", "c"]);
        assert_eq!(plans[0].draft.members, members(&[2]));
        assert_eq!(plans[1].diff.removed, members(&[1]));
    }
}
