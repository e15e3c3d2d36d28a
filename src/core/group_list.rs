//! The Groups screen's list: the groups seen so far, page by page, filtered by name locally,
//! and the server's answer for one exact name.

use crate::core::directory::fold;
use crate::core::model::Group;

/// The groups whose name contains `query`, ignoring case (and accents), in the order given.
pub fn filter_groups(groups: &[Group], query: &str) -> Vec<Group> {
    let query = fold(query.trim());
    groups
        .iter()
        .filter(|g| fold(&g.display_name).contains(&query))
        .cloned()
        .collect()
}

/// The groups of an exact-name answer that are named `name`. displayName is not case-exact
/// (RFC 7643 §4.2); anything else the server sent means it ignored the filter, and is not an
/// answer to the question.
pub fn named_exactly(groups: Vec<Group>, name: &str) -> Vec<Group> {
    let wanted = fold(name);
    groups
        .into_iter()
        .filter(|g| fold(&g.display_name) == wanted)
        .collect()
}

/// Adds a page to the groups seen so far: a group seen before is updated where it stands.
pub fn remember(seen: &mut Vec<Group>, items: &[Group]) {
    for item in items {
        match seen.iter_mut().find(|g| g.id == item.id) {
            Some(old) => *old = item.clone(),
            None => seen.push(item.clone()),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::model::Meta;

    fn g(id: &str, name: &str) -> Group {
        Group {
            id: id.into(),
            display_name: name.into(),
            members: None,
            meta: Meta::default(),
        }
    }

    fn names(groups: &[Group]) -> Vec<&str> {
        groups.iter().map(|g| g.display_name.as_str()).collect()
    }

    #[test]
    fn filter_ignores_case_accents_and_spaces_around() {
        let groups = [
            g("a", "Data Ops"),
            g("b", "Sales"),
            g("c", "DEVOPS"),
            g("d", "Öps"),
        ];
        assert_eq!(
            names(&filter_groups(&groups, " ops ")),
            ["Data Ops", "DEVOPS", "Öps"]
        );
        assert_eq!(names(&filter_groups(&groups, "sal")), ["Sales"]);
        assert!(filter_groups(&groups, "nobody").is_empty());
    }

    #[test]
    fn exact_name_keeps_only_that_name() {
        let answer = vec![
            g("a", "data ops"),
            g("b", "Data Ops team"),
            g("c", "DATA OPS"),
        ];
        assert_eq!(
            names(&named_exactly(answer, "Data Ops")),
            ["data ops", "DATA OPS"]
        );
    }

    #[test]
    fn remember_updates_in_place_and_appends_new() {
        let mut seen = vec![g("a", "A"), g("b", "B")];
        remember(&mut seen, &[g("b", "B renamed"), g("c", "C")]);
        assert_eq!(names(&seen), ["A", "B renamed", "C"]);
    }
}
