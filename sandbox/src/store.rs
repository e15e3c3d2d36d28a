//! In-memory users and groups with the rules Omni documents for groups. No HTTP types here:
//! handlers translate JSON into these calls and `StoreError` into Omni-shaped error bodies.

use std::collections::{HashMap, HashSet};

use crate::etag::IfMatch;
use crate::rng::SplitMix64;
use crate::time::{now_ms, Millis};

/// Omni: "Names must be 64 characters or less." Counted in Unicode scalar values, not bytes.
pub const MAX_GROUP_NAME_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// UUID v4, lowercase hyphenated.
    pub id: String,
    /// The email address; Omni uses it as the SCIM userName.
    pub user_name: String,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub active: bool,
    pub created: Millis,
    pub last_modified: Millis,
}

/// A user created by Omni's embed SSO flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedUser {
    /// UUID v4, lowercase hyphenated.
    pub id: String,
    /// Synthetic: `embed-user-…@<org>.embed-…`.
    pub user_name: String,
    pub display_name: String,
    /// The embedding application's own id for the person (filterable, not rendered).
    pub external_id: String,
    /// The embed entity (the embedding customer) the user belongs to.
    pub entity: String,
    pub active: bool,
}

/// One model or connection role a group grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub base_role: &'static str,
    pub role_name: &'static str,
    pub connection_id: &'static str,
    pub model_id: &'static str,
    pub priority: u32,
}

#[derive(Debug, Clone)]
pub struct Group {
    id: String,
    display_name: String,
    /// User ids in the order they were added; `member_set` mirrors it for O(1) lookups so that
    /// big groups ("Everyone", "Scale test") stay cheap to query.
    members: Vec<String>,
    member_set: HashSet<String>,
    created: Millis,
    last_modified: Millis,
    /// Store-wide write number of the last write (shown as `meta.version` in rfc7644 mode).
    /// Store-wide rather than per group so that one group's version never matches another's.
    version: u64,
}

impl Group {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn display_name(&self) -> &str {
        &self.display_name
    }
    pub fn members(&self) -> &[String] {
        &self.members
    }
    pub fn has_member(&self, user_id: &str) -> bool {
        self.member_set.contains(user_id)
    }
    pub fn created(&self) -> Millis {
        self.created
    }
    pub fn last_modified(&self) -> Millis {
        self.last_modified
    }
    pub fn version(&self) -> u64 {
        self.version
    }

    fn set_members(&mut self, ids: Vec<String>) {
        self.member_set = ids.iter().cloned().collect();
        self.members = ids;
    }

    fn add_member(&mut self, id: &str) {
        if self.member_set.insert(id.to_string()) {
            self.members.push(id.to_string());
        }
    }

    fn remove_member(&mut self, id: &str) {
        if self.member_set.remove(id) {
            self.members.retain(|m| m != id);
        }
    }
}

/// Why a store operation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// 404.
    NotFound(String),
    /// 400, with the SCIM `scimType` that fits best.
    Invalid {
        detail: String,
        scim_type: &'static str,
    },
    /// 409: a uniqueness rule was broken.
    Conflict(String),
    /// 412: `If-Match` named another version; nothing was changed.
    PreconditionFailed(String),
}

impl StoreError {
    fn invalid(detail: impl Into<String>) -> Self {
        StoreError::Invalid {
            detail: detail.into(),
            scim_type: "invalidValue",
        }
    }
}

/// One PATCH operation, already parsed from JSON by the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOp {
    /// `add` `members`: adds each user, keeping existing members.
    AddMembers(Vec<String>),
    /// `remove` `members[value eq "id"]` or `remove` `members` with a value list. Removing a
    /// user that is not a member is a no-op (idempotent), so a retried PATCH does not fail.
    RemoveMembers(Vec<String>),
    /// `remove` `members` with no value: empties the group.
    RemoveAllMembers,
    /// `replace` `members`.
    ReplaceMembers(Vec<String>),
    /// `replace` `displayName`.
    ReplaceDisplayName(String),
}

type Clock = Box<dyn Fn() -> Millis + Send + Sync>;

pub struct Store {
    users: Vec<User>,
    user_pos: HashMap<String, usize>,
    /// Lowercased userName → index; emails are unique ignoring case.
    user_by_name: HashMap<String, usize>,
    /// Embed users (Omni's embed SSO): group members that `/Users` never lists, only
    /// `/embed/Users` does.
    embed_users: Vec<EmbedUser>,
    embed_pos: HashMap<String, usize>,
    /// Model and connection roles per group id (`GET /api/v1/user-groups/{id}/model-roles`).
    model_roles: HashMap<String, Vec<RoleGrant>>,
    /// Kept in creation order, which is the order Omni lists groups in.
    groups: Vec<Group>,
    clock: Clock,
    /// Last timestamp handed out: every write gets a strictly later one.
    last_tick: Millis,
    /// Number of group writes so far; each write's number becomes the group's version.
    writes: u64,
    rng: SplitMix64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("users", &self.users.len())
            .field("groups", &self.groups.len())
            .finish()
    }
}

impl Store {
    /// An empty store using the wall clock; `id_seed` makes generated group ids deterministic.
    pub fn new(id_seed: u64) -> Self {
        Self::with_clock(id_seed, Box::new(now_ms))
    }

    /// An empty store with an injected clock (tests freeze time to check that `lastModified`
    /// still strictly increases within one millisecond).
    pub fn with_clock(id_seed: u64, clock: Clock) -> Self {
        Store {
            users: Vec::new(),
            user_pos: HashMap::new(),
            user_by_name: HashMap::new(),
            embed_users: Vec::new(),
            embed_pos: HashMap::new(),
            model_roles: HashMap::new(),
            groups: Vec::new(),
            clock,
            last_tick: i64::MIN,
            writes: 0,
            rng: SplitMix64::new(id_seed),
        }
    }

    /// A timestamp strictly after every earlier one, close to the wall clock.
    fn tick(&mut self) -> Millis {
        let now = (self.clock)();
        self.last_tick = now.max(self.last_tick.saturating_add(1));
        self.last_tick
    }

    fn next_version(&mut self) -> u64 {
        self.writes += 1;
        self.writes
    }

    /// Checked after every other rule, just before committing: RFC 7232 §3.1 lets a request
    /// that would fail anyway fail for that reason, and a 412 must leave everything as it was.
    fn check_precondition(g: &Group, cond: Option<&IfMatch>) -> Result<(), StoreError> {
        match cond {
            Some(c) if !c.matches(g.version) => Err(StoreError::PreconditionFailed(
                "Precondition failed: the group was changed since the version in If-Match".into(),
            )),
            _ => Ok(()),
        }
    }

    fn bump_clock_past(&mut self, t: Millis) {
        self.last_tick = self.last_tick.max(t);
    }

    // ---- users -------------------------------------------------------------------------

    /// Adds a user as given (seeding only; the panel never creates users).
    pub fn insert_user(&mut self, user: User) -> Result<(), StoreError> {
        if self.user_pos.contains_key(&user.id) {
            return Err(StoreError::Conflict(format!(
                "User id {} already exists",
                user.id
            )));
        }
        let lower = user.user_name.to_lowercase();
        if self.user_by_name.contains_key(&lower) {
            return Err(StoreError::Conflict(
                "User with this email already exists".into(),
            ));
        }
        self.bump_clock_past(user.last_modified.max(user.created));
        self.user_pos.insert(user.id.clone(), self.users.len());
        self.user_by_name.insert(lower, self.users.len());
        self.users.push(user);
        Ok(())
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.user_pos.get(id).map(|&i| &self.users[i])
    }

    /// The user whose userName equals `user_name` ignoring case (email addresses are).
    pub fn user_by_name(&self, user_name: &str) -> Option<&User> {
        self.user_by_name
            .get(&user_name.to_lowercase())
            .map(|&i| &self.users[i])
    }

    /// Adds an embed user (seeding only). Ids are shared with ordinary users: both can be
    /// group members.
    pub fn insert_embed_user(&mut self, user: EmbedUser) -> Result<(), StoreError> {
        if self.user_pos.contains_key(&user.id) || self.embed_pos.contains_key(&user.id) {
            return Err(StoreError::Conflict(format!(
                "User id {} already exists",
                user.id
            )));
        }
        self.embed_pos
            .insert(user.id.clone(), self.embed_users.len());
        self.embed_users.push(user);
        Ok(())
    }

    pub fn embed_users(&self) -> &[EmbedUser] {
        &self.embed_users
    }

    pub fn embed_user(&self, id: &str) -> Option<&EmbedUser> {
        self.embed_pos.get(id).map(|&i| &self.embed_users[i])
    }

    /// The userName a member id shows as in a group: an ordinary or an embed user's.
    pub fn member_user_name(&self, id: &str) -> Option<&str> {
        self.user(id)
            .map(|u| u.user_name.as_str())
            .or_else(|| self.embed_user(id).map(|u| u.user_name.as_str()))
    }

    /// Sets the roles group `group_id` grants (seeding).
    pub fn set_model_roles(&mut self, group_id: &str, roles: Vec<RoleGrant>) {
        self.model_roles.insert(group_id.to_string(), roles);
    }

    /// The roles a group grants; empty for a group without any.
    pub fn model_roles(&self, group_id: &str) -> &[RoleGrant] {
        self.model_roles
            .get(group_id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Groups the user belongs to, in group creation order.
    pub fn groups_of_user(&self, user_id: &str) -> Vec<&Group> {
        self.groups
            .iter()
            .filter(|g| g.has_member(user_id))
            .collect()
    }

    // ---- groups ------------------------------------------------------------------------

    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    fn group_index(&self, id: &str) -> Result<usize, StoreError> {
        self.groups
            .iter()
            .position(|g| g.id == id)
            .ok_or_else(|| StoreError::NotFound("Group not found".into()))
    }

    /// Checks the name rules and returns the name as it will be stored (trimmed).
    pub fn check_display_name(name: &str) -> Result<String, StoreError> {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            return Err(StoreError::invalid("displayName must not be empty"));
        }
        let n = trimmed.chars().count();
        if n > MAX_GROUP_NAME_CHARS {
            return Err(StoreError::invalid(format!(
                "displayName must be {MAX_GROUP_NAME_CHARS} characters or less (got {n})"
            )));
        }
        Ok(trimmed.to_string())
    }

    /// Names are compared trimmed and case-insensitively: Omni does not document its rule, and
    /// the stricter choice lets the panel's 409 handling be exercised with near-duplicates.
    fn name_key(name: &str) -> String {
        name.trim().to_lowercase()
    }

    fn check_name_free(&self, name: &str, except_id: Option<&str>) -> Result<(), StoreError> {
        let key = Self::name_key(name);
        let taken = self
            .groups
            .iter()
            .any(|g| Some(g.id.as_str()) != except_id && Self::name_key(&g.display_name) == key);
        if taken {
            return Err(StoreError::Conflict(
                "Group with this name already exists".into(),
            ));
        }
        Ok(())
    }

    /// Every id must name an existing user; duplicates collapse, first occurrence wins.
    fn check_members(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let mut seen = HashSet::with_capacity(ids.len());
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if !self.user_pos.contains_key(id) && !self.embed_pos.contains_key(id) {
                return Err(StoreError::invalid(format!(
                    "Unknown user id in members: \"{id}\""
                )));
            }
            if seen.insert(id.as_str()) {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    fn new_group_id(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        loop {
            let id: String = (0..8)
                .map(|_| ALPHABET[self.rng.below(ALPHABET.len() as u64) as usize] as char)
                .collect();
            if self.group(&id).is_none() {
                return id;
            }
        }
    }

    /// Creates a group with fixed timestamps (seeding); same rules as `create_group`.
    pub fn insert_group_at(
        &mut self,
        name: &str,
        members: &[String],
        created: Millis,
        last_modified: Millis,
    ) -> Result<&Group, StoreError> {
        let name = Self::check_display_name(name)?;
        self.check_name_free(&name, None)?;
        let members = self.check_members(members)?;
        let id = self.new_group_id();
        self.bump_clock_past(created.max(last_modified));
        let version = self.next_version();
        let mut g = Group {
            id,
            display_name: name,
            members: Vec::new(),
            member_set: HashSet::new(),
            created,
            last_modified,
            version,
        };
        g.set_members(members);
        let idx = self.groups.len();
        self.groups.push(g);
        Ok(&self.groups[idx])
    }

    /// POST /groups.
    pub fn create_group(&mut self, name: &str, members: &[String]) -> Result<&Group, StoreError> {
        // Validate before ticking so a refused create leaves the clock alone (not that it
        // matters for correctness, but it keeps seeded timestamps predictable in tests).
        let name = Self::check_display_name(name)?;
        self.check_name_free(&name, None)?;
        self.check_members(members)?;
        let now = self.tick();
        self.insert_group_at(&name, members, now, now)
    }

    /// PUT /groups/{id}: replaces the name and the whole membership.
    pub fn replace_group(
        &mut self,
        id: &str,
        name: &str,
        members: &[String],
    ) -> Result<&Group, StoreError> {
        self.replace_group_if(id, name, members, None)
    }

    /// `replace_group`, refused with `PreconditionFailed` unless `cond` matches the version.
    pub fn replace_group_if(
        &mut self,
        id: &str,
        name: &str,
        members: &[String],
        cond: Option<&IfMatch>,
    ) -> Result<&Group, StoreError> {
        let idx = self.group_index(id)?;
        // The name sent back unchanged is kept exactly (one set elsewhere may break the rules
        // new names follow); only a new name is checked.
        let name = if name == self.groups[idx].display_name {
            name.to_string()
        } else {
            let name = Self::check_display_name(name)?;
            self.check_name_free(&name, Some(id))?;
            name
        };
        let members = self.check_members(members)?;
        Self::check_precondition(&self.groups[idx], cond)?;
        let now = self.tick();
        let version = self.next_version();
        let g = &mut self.groups[idx];
        g.display_name = name;
        g.set_members(members);
        g.last_modified = now;
        g.version = version;
        Ok(&self.groups[idx])
    }

    /// Sets a group's name as given, without the name rules: a name set elsewhere (an admin
    /// UI with other rules), for tests of names the panel would refuse.
    pub fn set_name_as_is(&mut self, id: &str, name: &str) -> Result<(), StoreError> {
        let idx = self.group_index(id)?;
        let now = self.tick();
        let version = self.next_version();
        let g = &mut self.groups[idx];
        g.display_name = name.to_string();
        g.last_modified = now;
        g.version = version;
        Ok(())
    }

    /// PATCH /groups/{id}: applies all operations to a copy and commits only if every one is
    /// valid (RFC 7644 §3.5.2: PATCH is atomic).
    pub fn patch_group(&mut self, id: &str, ops: &[PatchOp]) -> Result<&Group, StoreError> {
        self.patch_group_if(id, ops, None)
    }

    /// `patch_group`, refused with `PreconditionFailed` unless `cond` matches the version.
    pub fn patch_group_if(
        &mut self,
        id: &str,
        ops: &[PatchOp],
        cond: Option<&IfMatch>,
    ) -> Result<&Group, StoreError> {
        let idx = self.group_index(id)?;
        if ops.is_empty() {
            return Err(StoreError::invalid(
                "Invalid patch operations: Operations must not be empty",
            ));
        }
        let mut draft = self.groups[idx].clone();
        for (n, op) in ops.iter().enumerate() {
            self.apply_op(&mut draft, op).map_err(|e| match e {
                StoreError::Invalid { detail, scim_type } => StoreError::Invalid {
                    detail: format!("Invalid patch operations: operation {}: {detail}", n + 1),
                    scim_type,
                },
                other => other,
            })?;
        }
        Self::check_precondition(&self.groups[idx], cond)?;
        draft.last_modified = self.tick();
        draft.version = self.next_version();
        self.groups[idx] = draft;
        Ok(&self.groups[idx])
    }

    fn apply_op(&self, g: &mut Group, op: &PatchOp) -> Result<(), StoreError> {
        match op {
            PatchOp::AddMembers(ids) => {
                for id in self.check_members(ids)? {
                    g.add_member(&id);
                }
            }
            PatchOp::RemoveMembers(ids) => {
                for id in ids {
                    g.remove_member(id);
                }
            }
            PatchOp::RemoveAllMembers => g.set_members(Vec::new()),
            PatchOp::ReplaceMembers(ids) => {
                let ids = self.check_members(ids)?;
                g.set_members(ids);
            }
            PatchOp::ReplaceDisplayName(name) => {
                let name = Self::check_display_name(name)?;
                self.check_name_free(&name, Some(&g.id))?;
                g.display_name = name;
            }
        }
        Ok(())
    }

    /// DELETE /groups/{id}.
    pub fn delete_group(&mut self, id: &str) -> Result<(), StoreError> {
        self.delete_group_if(id, None)
    }

    /// `delete_group`, refused with `PreconditionFailed` unless `cond` matches the version.
    pub fn delete_group_if(&mut self, id: &str, cond: Option<&IfMatch>) -> Result<(), StoreError> {
        let idx = self.group_index(id)?;
        Self::check_precondition(&self.groups[idx], cond)?;
        self.groups.remove(idx);
        self.model_roles.remove(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::sync::Arc;

    const T0: Millis = 1_733_271_647_346;

    fn user(n: u32) -> User {
        User {
            id: format!("00000000-0000-4000-8000-{n:012}"),
            user_name: format!("user{n}@blobsrus.co"),
            display_name: format!("User {n}"),
            given_name: "User".into(),
            family_name: n.to_string(),
            active: true,
            created: T0,
            last_modified: T0,
        }
    }

    fn uid(n: u32) -> String {
        user(n).id
    }

    /// A store with users 1..=5 and a clock frozen at T0 + 1000 (all writes in one millisecond).
    fn store() -> Store {
        let mut s = Store::with_clock(7, Box::new(|| T0 + 1000));
        for n in 1..=5 {
            s.insert_user(user(n)).unwrap();
        }
        s
    }

    fn err_kind(e: StoreError) -> &'static str {
        match e {
            StoreError::NotFound(_) => "404",
            StoreError::Invalid { .. } => "400",
            StoreError::Conflict(_) => "409",
            StoreError::PreconditionFailed(_) => "412",
        }
    }

    #[test]
    fn name_length_counts_characters_not_bytes() {
        let mut s = store();
        for (ok, bad) in [
            ("a".repeat(64), "a".repeat(65)),
            ("李".repeat(64), "李".repeat(65)),
            ("🚀".repeat(64), "🚀".repeat(65)),
            (
                format!("Zoë{}", "ü".repeat(61)),
                format!("Zoë{}", "ü".repeat(62)),
            ),
        ] {
            assert_eq!(ok.chars().count(), 64);
            let g = s.create_group(&ok, &[]).unwrap().id().to_string();
            assert_eq!(s.group(&g).unwrap().display_name(), ok);
            assert_eq!(err_kind(s.create_group(&bad, &[]).unwrap_err()), "400");
            assert_eq!(err_kind(s.replace_group(&g, &bad, &[]).unwrap_err()), "400");
            // PUT with a 64-character name is fine.
            s.replace_group(&g, &ok, &[]).unwrap();
        }
    }

    #[test]
    fn a_name_set_elsewhere_is_kept_by_a_put_that_sends_it_unchanged() {
        let mut s = store();
        let g = s.create_group("Odd", &[]).unwrap().id().to_string();
        for odd in [
            " Leading".to_string(),
            "x".repeat(70),
            "Sa\u{202E}les".into(),
        ] {
            s.set_name_as_is(&g, &odd).unwrap();
            s.replace_group(&g, &odd, &[uid(1)]).unwrap();
            assert_eq!(s.group(&g).unwrap().display_name(), odd);
            assert_eq!(s.group(&g).unwrap().members(), &[uid(1)]);
        }
        // A new name still follows the rules.
        assert_eq!(
            err_kind(s.replace_group(&g, &"y".repeat(65), &[]).unwrap_err()),
            "400"
        );
    }

    #[test]
    fn blank_names_are_refused_and_names_are_trimmed() {
        let mut s = store();
        for bad in ["", "   ", "\t\n"] {
            assert_eq!(err_kind(s.create_group(bad, &[]).unwrap_err()), "400");
        }
        let g = s.create_group("  Sales  ", &[]).unwrap();
        assert_eq!(g.display_name(), "Sales");
        // 64 characters plus surrounding spaces is still 64 characters once trimmed.
        let padded = format!(" {} ", "x".repeat(64));
        assert!(s.create_group(&padded, &[]).is_ok());
    }

    #[test]
    fn names_are_unique_across_groups_only() {
        let mut s = store();
        let a = s.create_group("Sales", &[]).unwrap().id().to_string();
        let b = s.create_group("Support", &[]).unwrap().id().to_string();
        assert_eq!(
            s.create_group("Sales", &[]).unwrap_err(),
            StoreError::Conflict("Group with this name already exists".into())
        );
        assert_eq!(err_kind(s.create_group(" sales ", &[]).unwrap_err()), "409");
        assert_eq!(
            err_kind(s.replace_group(&b, "SALES", &[]).unwrap_err()),
            "409"
        );
        assert_eq!(
            err_kind(
                s.patch_group(&b, &[PatchOp::ReplaceDisplayName("Sales".into())])
                    .unwrap_err()
            ),
            "409"
        );
        // Renaming a group to (a case variant of) its own name is no conflict.
        assert_eq!(
            s.replace_group(&a, "SALES", &[]).unwrap().display_name(),
            "SALES"
        );
        // After deletion the name is free again.
        s.delete_group(&a).unwrap();
        assert!(s.create_group("Sales", &[]).is_ok());
    }

    #[test]
    fn unknown_member_is_refused_naming_the_value() {
        let mut s = store();
        let g = s.create_group("G", &[uid(1)]).unwrap().id().to_string();
        let bogus = "9e8719d9-0000-4964-9395-a493189a247c".to_string();
        match s.replace_group(&g, "G", &[uid(2), bogus.clone()]) {
            Err(StoreError::Invalid { detail, scim_type }) => {
                assert!(detail.contains(&bogus), "{detail}");
                assert_eq!(scim_type, "invalidValue");
            }
            other => panic!("expected 400, got {other:?}"),
        }
        // Nothing changed.
        assert_eq!(s.group(&g).unwrap().members(), &[uid(1)]);
        assert_eq!(err_kind(s.create_group("H", &[bogus]).unwrap_err()), "400");
        assert!(s.groups().iter().all(|g| g.display_name() != "H"));
    }

    #[test]
    fn put_replaces_whole_membership_and_collapses_duplicates() {
        let mut s = store();
        let g = s
            .create_group("G", &[uid(1), uid(2), uid(3)])
            .unwrap()
            .id()
            .to_string();
        let after = s
            .replace_group(&g, "G", &[uid(4), uid(2), uid(4), uid(2)])
            .unwrap();
        assert_eq!(after.members(), &[uid(4), uid(2)]);
        assert!(!after.has_member(&uid(1)));
        let emptied = s.replace_group(&g, "G", &[]).unwrap();
        assert!(emptied.members().is_empty());
        assert!(s.groups_of_user(&uid(4)).is_empty());
    }

    #[test]
    fn last_modified_strictly_increases_within_one_millisecond() {
        let mut s = store();
        let g = s.create_group("G", &[]).unwrap();
        let (id, mut last) = (g.id().to_string(), g.last_modified());
        assert_eq!(g.created(), g.last_modified());
        for i in 0..20 {
            let t = if i % 2 == 0 {
                s.replace_group(&id, "G", &[uid(1)])
                    .unwrap()
                    .last_modified()
            } else {
                s.patch_group(&id, &[PatchOp::RemoveAllMembers])
                    .unwrap()
                    .last_modified()
            };
            assert!(t > last, "{t} should be after {last}");
            last = t;
        }
        // A refused write does not touch lastModified.
        s.replace_group(&id, "", &[]).unwrap_err();
        assert_eq!(s.group(&id).unwrap().last_modified(), last);
    }

    #[test]
    fn clock_follows_wall_time_when_it_moves() {
        let now = Arc::new(AtomicI64::new(T0));
        let c = now.clone();
        let mut s = Store::with_clock(1, Box::new(move || c.load(Ordering::SeqCst)));
        let a = s.create_group("A", &[]).unwrap().created();
        assert_eq!(a, T0);
        now.store(T0 + 5000, Ordering::SeqCst);
        let b = s.create_group("B", &[]).unwrap().created();
        assert_eq!(b, T0 + 5000);
        // Clock going backwards: still strictly later.
        now.store(T0, Ordering::SeqCst);
        assert_eq!(s.create_group("C", &[]).unwrap().created(), T0 + 5001);
    }

    #[test]
    fn patch_is_atomic() {
        let mut s = store();
        let g = s.create_group("G", &[uid(1)]).unwrap();
        let (id, before) = (g.id().to_string(), g.last_modified());
        let ops = [
            PatchOp::AddMembers(vec![uid(2)]),
            PatchOp::ReplaceDisplayName("Renamed".into()),
            PatchOp::RemoveMembers(vec![uid(1)]),
            PatchOp::AddMembers(vec!["not-a-user".into()]),
        ];
        match s.patch_group(&id, &ops) {
            Err(StoreError::Invalid { detail, .. }) => {
                assert!(detail.starts_with("Invalid patch operations"), "{detail}");
                assert!(detail.contains("operation 4"), "{detail}");
            }
            other => panic!("expected 400, got {other:?}"),
        }
        let g = s.group(&id).unwrap();
        assert_eq!(g.display_name(), "G");
        assert_eq!(g.members(), &[uid(1)]);
        assert_eq!(g.last_modified(), before);
        // A later bad rename also rolls back the earlier member changes.
        let ops = [
            PatchOp::AddMembers(vec![uid(3)]),
            PatchOp::ReplaceDisplayName("x".repeat(65)),
        ];
        s.patch_group(&id, &ops).unwrap_err();
        assert_eq!(s.group(&id).unwrap().members(), &[uid(1)]);
        assert_eq!(
            err_kind(s.patch_group(&id, &[]).unwrap_err()),
            "400",
            "empty Operations"
        );
    }

    #[test]
    fn patch_applies_ops_in_order() {
        let mut s = store();
        let id = s
            .create_group("G", &[uid(1), uid(2)])
            .unwrap()
            .id()
            .to_string();
        let g = s
            .patch_group(
                &id,
                &[
                    PatchOp::AddMembers(vec![uid(3), uid(1), uid(3)]),
                    PatchOp::RemoveMembers(vec![uid(2), uid(5)]),
                    PatchOp::ReplaceDisplayName("Renamed".into()),
                ],
            )
            .unwrap();
        assert_eq!(g.members(), &[uid(1), uid(3)]);
        assert_eq!(g.display_name(), "Renamed");
        let g = s
            .patch_group(&id, &[PatchOp::ReplaceMembers(vec![uid(5), uid(4)])])
            .unwrap();
        assert_eq!(g.members(), &[uid(5), uid(4)]);
        assert_eq!(s.groups_of_user(&uid(5)).len(), 1);
    }

    #[test]
    fn unknown_group_is_not_found() {
        let mut s = store();
        assert_eq!(
            err_kind(s.replace_group("nope", "G", &[]).unwrap_err()),
            "404"
        );
        assert_eq!(
            err_kind(
                s.patch_group("nope", &[PatchOp::RemoveAllMembers])
                    .unwrap_err()
            ),
            "404"
        );
        assert_eq!(err_kind(s.delete_group("nope").unwrap_err()), "404");
    }

    #[test]
    fn group_ids_are_short_alphanumeric_and_unique() {
        let mut s = store();
        let mut ids = HashSet::new();
        for i in 0..300 {
            let id = s
                .create_group(&format!("G{i}"), &[])
                .unwrap()
                .id()
                .to_string();
            assert_eq!(id.len(), 8);
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
            assert!(ids.insert(id));
        }
        assert!(ids
            .iter()
            .any(|id| id.chars().any(|c| c.is_ascii_uppercase())));
        assert!(ids
            .iter()
            .any(|id| id.chars().any(|c| c.is_ascii_lowercase())));
    }

    #[test]
    fn groups_stay_in_creation_order() {
        let mut s = store();
        for name in ["C", "A", "B"] {
            s.create_group(name, &[]).unwrap();
        }
        let names: Vec<_> = s.groups().iter().map(|g| g.display_name()).collect();
        assert_eq!(names, ["C", "A", "B"]);
        let created: Vec<_> = s.groups().iter().map(|g| g.created()).collect();
        assert!(created.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_write_gets_a_new_store_wide_version() {
        let mut s = store();
        let a = s.create_group("A", &[]).unwrap().version();
        let b = s.create_group("B", &[]).unwrap().version();
        assert!(b > a);
        let id = s.groups()[0].id().to_string();
        let v1 = s.replace_group(&id, "A", &[uid(1)]).unwrap().version();
        assert!(v1 > b);
        let v2 = s
            .patch_group(&id, &[PatchOp::RemoveAllMembers])
            .unwrap()
            .version();
        assert!(v2 > v1);
        // Refused writes keep the version.
        s.replace_group(&id, "", &[]).unwrap_err();
        s.patch_group(&id, &[PatchOp::AddMembers(vec!["nobody".into()])])
            .unwrap_err();
        assert_eq!(s.group(&id).unwrap().version(), v2);
    }

    #[test]
    fn stale_precondition_changes_nothing() {
        let mut s = store();
        let id = s.create_group("G", &[uid(1)]).unwrap().id().to_string();
        let before = s.group(&id).unwrap().clone();
        let stale = IfMatch::parse(&["W/\"999\""]);
        assert_eq!(
            err_kind(s.replace_group_if(&id, "H", &[], Some(&stale)).unwrap_err()),
            "412"
        );
        assert_eq!(
            err_kind(
                s.patch_group_if(&id, &[PatchOp::RemoveAllMembers], Some(&stale))
                    .unwrap_err()
            ),
            "412"
        );
        assert_eq!(
            err_kind(s.delete_group_if(&id, Some(&stale)).unwrap_err()),
            "412"
        );
        let g = s.group(&id).unwrap();
        assert_eq!(g.display_name(), before.display_name());
        assert_eq!(g.members(), before.members());
        assert_eq!(
            (g.version(), g.last_modified()),
            (before.version(), before.last_modified())
        );
        // Other errors win over 412 (RFC 7232 §3.1: preconditions only decide a success).
        assert_eq!(
            err_kind(s.replace_group_if(&id, "", &[], Some(&stale)).unwrap_err()),
            "400"
        );
        let current = IfMatch::parse(&[&crate::etag::etag(before.version())]);
        let v = s
            .replace_group_if(&id, "H", &[], Some(&current))
            .unwrap()
            .version();
        assert!(v > before.version());
        // The old version is stale now; `*` still matches.
        s.patch_group_if(&id, &[PatchOp::RemoveAllMembers], Some(&current))
            .unwrap_err();
        s.patch_group_if(&id, &[PatchOp::RemoveAllMembers], Some(&IfMatch::Any))
            .unwrap();
        s.delete_group_if(&id, Some(&IfMatch::Any)).unwrap();
    }

    #[test]
    fn duplicate_user_email_is_refused() {
        let mut s = store();
        let mut u = user(9);
        u.user_name = "USER1@blobsrus.co".into();
        assert_eq!(err_kind(s.insert_user(u).unwrap_err()), "409");
    }
}
