//! A rename's own rules. In Omni a group's name is a key outside SCIM (the `omni_user_groups`
//! user attribute in access grants and filters, embed links' `groups=`), so before a rename is
//! sent the panel asks for a group with the new name (one list read with the exact filter) and
//! sends nothing when another group has it, compared without case. A 409 from the write is
//! told the same way.

use super::plan::SavePlan;
use crate::core::directory::lower;
use crate::core::error::{ApiError, ErrorKind, Operation};
use crate::core::group_list::GroupRow;
use crate::core::validation::isolate;

/// Groups asked for by the check: one page; the exact filter matches one group, or a few where
/// the server compares without case.
pub const CHECK_COUNT: u64 = 10;

/// The new name a save must check first: `Some` only for a rename.
pub fn name_to_check(plan: &SavePlan) -> Option<&str> {
    plan.diff.renamed.as_ref().map(|(_, new)| new.as_str())
}

/// Names equal but for case (Latin, Greek, Cyrillic). Accents count: "Café" and "Cafe" are two
/// names. No `to_lowercase`: its Unicode table would grow the bundle by 12 KB.
pub fn same_name(a: &str, b: &str) -> bool {
    a.chars().map(lower).eq(b.chars().map(lower))
}

/// Judges the check's answer for `plan`: another group (another ID) with the new name stops
/// the save before anything is written; a failed check stops it too (nothing is sent unchecked).
/// The group's own row (a change of case only) does not count.
pub fn judge(plan: &SavePlan, found: Result<Vec<GroupRow>, ApiError>) -> Result<(), ApiError> {
    let Some(new) = name_to_check(plan) else {
        return Ok(());
    };
    let holder = found?
        .into_iter()
        .find(|g| g.id != plan.group_id() && same_name(&g.name, new));
    match holder {
        Some(g) => Err(ApiError::without_answer(
            Operation::CheckName,
            ErrorKind::NameHeld {
                name: g.name,
                id: g.id,
            },
        )),
        None => Ok(()),
    }
}

/// What the editor says, at the name field and in the save's notice, when `error` means the
/// rename's new name is taken: found by the check (which group, by name and ID) or refused with
/// 409. `None` for other errors, and for a save that keeps the name (a name the admin did not
/// change is never theirs to fix).
pub fn taken_text(plan: &SavePlan, error: &ApiError) -> Option<String> {
    let new = name_to_check(plan)?;
    let which = match &error.kind {
        ErrorKind::NameHeld { name, id } => {
            format!(
                ": “{}” (ID {}). Nothing was sent",
                isolate(name),
                isolate(id)
            )
        }
        ErrorKind::NameTaken => " (the server answered 409). Nothing was saved".to_string(),
        _ => return None,
    };
    Some(format!(
        "Another group already has the name “{}”{which}. Choose a different display name.",
        isolate(new)
    ))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::group_list::MemberCount;
    use crate::core::save::fixtures::*;
    use crate::core::save::plan::plan;

    fn row(id: &str, name: &str) -> GroupRow {
        GroupRow::new(id.into(), name.into(), MemberCount::NotRead)
    }

    fn renamed_to(name: &str) -> SavePlan {
        let loaded = group("Data Wranglers", &[1, 2], 1, false);
        plan(&base(), edited(&loaded, name, &[1, 2]), &Default::default())
    }

    #[test]
    fn only_a_rename_is_checked_and_costs_one_request_more() {
        let loaded = group("Data Wranglers", &[1, 2], 1, false);
        let kept = plan(
            &base(),
            edited(&loaded, "Data Wranglers", &[1]),
            &Default::default(),
        );
        assert_eq!(name_to_check(&kept), None);
        assert_eq!(kept.max_requests, 2);
        // Nothing is asked for, so even a failed answer cannot stop it.
        assert_eq!(
            judge(&kept, Err(answered(Operation::CheckName, 500))),
            Ok(())
        );
        let renamed = renamed_to("Wranglers");
        assert_eq!(name_to_check(&renamed), Some("Wranglers"));
        assert_eq!(renamed.max_requests, 3);
    }

    #[test]
    fn another_group_with_the_name_in_any_case_stops_the_save() {
        let p = renamed_to("finance");
        let found = vec![row(GROUP_ID, "FINANCE"), row("g-7", "Finance")];
        let Err(e) = judge(&p, Ok(found)) else {
            panic!("expected the name to be taken");
        };
        assert_eq!(
            e.kind,
            ErrorKind::NameHeld {
                name: "Finance".into(),
                id: "g-7".into()
            }
        );
        // As Activity words it.
        assert!(e
            .to_string()
            .starts_with("The group was not renamed: another group already has this name"));
        let text = taken_text(&p, &e).unwrap_or_default();
        assert!(text.starts_with("Another group already has the name"));
        assert!(
            text.contains("Finance") && text.contains("g-7") && text.contains("Nothing was sent")
        );
    }

    #[test]
    fn the_group_itself_and_other_names_do_not_count() {
        let p = renamed_to("DATA WRANGLERS");
        assert_eq!(judge(&p, Ok(vec![row(GROUP_ID, "Data Wranglers")])), Ok(()));
        // A server that ignores the filter lists other names: they are not a clash.
        let p = renamed_to("Café");
        assert_eq!(
            judge(&p, Ok(vec![row("x", "Cafe"), row("y", "Caf")])),
            Ok(())
        );
        assert!(judge(&p, Ok(vec![row("z", "CAFÉ")])).is_err());
        assert_eq!(judge(&p, Ok(Vec::new())), Ok(()));
    }

    #[test]
    fn a_failed_check_sends_nothing() {
        let p = renamed_to("Wranglers");
        let down = answered(Operation::CheckName, 503);
        assert_eq!(judge(&p, Err(down.clone())), Err(down.clone()));
        assert_eq!(taken_text(&p, &down), None);
        assert!(down.to_string().contains("check for another group"));
    }

    #[test]
    fn a_409_says_the_name_is_taken() {
        let e = answered(Operation::SaveGroup, 409);
        let text = taken_text(&renamed_to("Finance"), &e).unwrap_or_default();
        assert!(text.starts_with("Another group already has the name “\u{2068}Finance\u{2069}”"));
        assert!(text.contains("409"));
        // A 409 to a save that keeps the name is no rename's: it is told as any failure.
        let loaded = group("Data Wranglers", &[1, 2], 1, false);
        let kept = plan(
            &base(),
            edited(&loaded, "Data Wranglers", &[1]),
            &Default::default(),
        );
        assert_eq!(taken_text(&kept, &e), None);
    }

    #[test]
    fn case_compare_is_case_only() {
        assert!(same_name("Ops ΑΘΗΝΑ Ирина", "ops αθηνα ирина"));
        assert!(!same_name("Ops", "Ops "));
        assert!(!same_name("Müller", "Muller"));
    }
}
