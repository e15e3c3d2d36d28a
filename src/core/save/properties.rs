//! Property tests of the save pipeline. Groups, edits and answers are built from real values
//! (the sandbox's kind of users and groups, errors made the way the client makes them), and a
//! small SCIM server stands in for Omni and for an RFC 7644 server with ETags; it reads the
//! request bodies itself, so what is checked is what a server would do with them.
//!
//! Each property counts the branches its cases took and fails when one was reached in too
//! small a share of them, so no property can pass without exercising what it is named for.

use super::batch::{BatchStep, SaveBatch};
use super::fixtures::*;
use super::plan::{plan, plan_all, SavePlan, SaveSettings};
use super::run::{Reply, SaveAnswer, SaveOutcome, SaveRun, Step};
use crate::core::diff::{unchanged_since_load, MembershipDiff};
use crate::core::draft::GroupDraft;
use crate::core::error::{ApiError, ErrorKind, Operation};
use crate::core::model::{Group, Member, Meta};
use crate::core::save_request::{SaveMethod, SaveRequest};
use proptest::collection::{btree_set, vec};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

const CASES: u32 = 1024;

/// Runs `check` over `CASES` values of `strategy`, counting the branch label each case
/// returns; fails unless each of `branches` was taken in at least `min_share` of the cases.
fn run_counting<S: Strategy>(
    strategy: S,
    branches: &[&'static str],
    min_share: f64,
    check: impl Fn(S::Value) -> Result<Vec<&'static str>, TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let counts = RefCell::new(BTreeMap::<&'static str, u32>::new());
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |value| {
        for label in check(value)? {
            *counts.borrow_mut().entry(label).or_default() += 1;
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let counts = counts.into_inner();
    for branch in branches {
        let hits = counts.get(branch).copied().unwrap_or(0);
        assert!(
            f64::from(hits) >= min_share * f64::from(CASES),
            "branch {branch:?} taken in {hits} of {CASES} cases; all: {counts:?}"
        );
    }
    for label in counts.keys() {
        assert!(branches.contains(label), "uncounted branch {label:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Groups and edits

fn ids() -> impl Strategy<Value = BTreeSet<usize>> {
    btree_set(0usize..12, 0..6)
}

fn member_set(ids: &BTreeSet<usize>) -> Vec<Member> {
    ids.iter().map(|&i| member(i)).collect()
}

fn id_set(members: Option<&[Member]>) -> BTreeSet<String> {
    members
        .unwrap_or_default()
        .iter()
        .map(|m| m.value.clone())
        .collect()
}

const NAMES: [&str; 3] = ["Data Wranglers", "Blob SEs", "Finance"];

/// The admin's edit of a loaded group: users removed and added, and maybe a new name.
#[derive(Clone, Debug)]
struct Edit {
    remove: BTreeSet<usize>,
    add: BTreeSet<usize>,
    rename: bool,
}

fn edit() -> impl Strategy<Value = Edit> {
    (ids(), ids(), any::<bool>()).prop_map(|(remove, add, rename)| Edit {
        remove,
        add,
        rename,
    })
}

impl Edit {
    /// `ids` and `name` after this edit, members kept in order and added ones last.
    fn apply(&self, name: &str, ids: &BTreeSet<usize>, suffix: &str) -> (String, Vec<usize>) {
        let mut out: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|i| !self.remove.contains(i))
            .collect();
        out.extend(self.add.iter().filter(|i| !ids.contains(i)));
        let name = if self.rename {
            format!("{name}{suffix}")
        } else {
            name.to_string()
        };
        (name, out)
    }
}

/// Someone else's change between the admin's load and save.
#[derive(Clone, Debug)]
enum Foreign {
    None,
    /// Their own edit (an empty one still touches `lastModified` and the version).
    Edit(Edit),
    /// Exactly the admin's change, as another admin (or the admin's own lost write) made it.
    SameAsMine,
}

fn foreign() -> impl Strategy<Value = Foreign> {
    prop_oneof![
        2 => Just(Foreign::None),
        2 => edit().prop_map(Foreign::Edit),
        1 => Just(Foreign::SameAsMine),
    ]
}

// ---------------------------------------------------------------------------------------------
// A SCIM server

/// What goes wrong with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    /// A write answered 204 without a body.
    NoContent,
    /// Applied (for a write), then the connection dropped: the client times out.
    LostAnswer,
    /// Applied (for a write), then an answer that is not a group.
    Unreadable,
    /// 429, nothing applied.
    RateLimited,
    /// 503, nothing applied.
    ServerError,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        4 => Just(Fault::None),
        1 => Just(Fault::NoContent),
        1 => Just(Fault::LostAnswer),
        1 => Just(Fault::Unreadable),
        1 => Just(Fault::RateLimited),
        1 => Just(Fault::ServerError),
    ]
}

/// One group on a server: Omni (no ETags, `lastModified` only) or RFC 7644 with ETags.
struct Server {
    group: Group,
    etag: bool,
    stamp: u32,
    /// Writes the server applied.
    applied: u32,
    /// Writes it was sent.
    writes: u32,
    /// Writes it refused with 412 (a stale If-Match).
    stale: u32,
    reads: u32,
}

impl Server {
    fn new(id: &str, name: &str, ids: &BTreeSet<usize>, etag: bool) -> Self {
        let ids: Vec<usize> = ids.iter().copied().collect();
        Self {
            group: group_with_id(id, name, &ids, 1, etag),
            etag,
            stamp: 1,
            applied: 0,
            writes: 0,
            stale: 0,
            reads: 0,
        }
    }

    /// A change made outside the run: by someone else, or by the admin's earlier attempt.
    fn set(&mut self, name: String, members: Vec<Member>) {
        self.group.display_name = name;
        self.group.members = Some(members);
        self.stamp += 1;
        self.group.meta = Meta {
            last_modified: Some(format!("2026-01-01T00:00:{:02}Z", self.stamp)),
            version: self.etag.then(|| format!("W/\"{}\"", self.stamp)),
        };
    }

    fn answer(&mut self, step: &Step, fault: Fault) -> Reply {
        match step {
            Step::Read { group_id } => {
                assert_eq!(group_id, &self.group.id, "read of another group");
                Reply::Read(self.read(fault))
            }
            Step::Write { group_id, request } => {
                assert_eq!(group_id, &self.group.id, "write to another group");
                Reply::Write(self.write(request, fault))
            }
            Step::Done(_) => panic!("a finished run is not answered"),
        }
    }

    fn read(&mut self, fault: Fault) -> Result<Group, ApiError> {
        self.reads += 1;
        let op = Operation::CheckGroup;
        match fault {
            Fault::None | Fault::NoContent => Ok(self.group.clone()),
            Fault::LostAnswer => Err(ApiError::timeout(op, 30)),
            Fault::Unreadable => Err(ApiError::bad_response(op, 200, "cut off".into())),
            Fault::RateLimited => Err(rate_limited(op, None)),
            Fault::ServerError => Err(answered(op, 503)),
        }
    }

    fn write(&mut self, request: &SaveRequest, fault: Fault) -> Result<SaveAnswer, ApiError> {
        self.writes += 1;
        let op = Operation::SaveGroup;
        match fault {
            Fault::RateLimited => return Err(rate_limited(op, Some(2))),
            Fault::ServerError => return Err(answered(op, 503)),
            _ => {}
        }
        if let (true, Some(v)) = (self.etag, &request.if_match) {
            if Some(v) != self.group.meta.version.as_ref() {
                self.stale += 1;
                return Err(answered(op, 412));
            }
        }
        let (name, members) = self.applying(request);
        self.set(name, members);
        self.applied += 1;
        match fault {
            Fault::NoContent => Ok(SaveAnswer::NoContent {
                etag: self.group.meta.version.clone(),
            }),
            Fault::LostAnswer => Err(ApiError::timeout(op, 30)),
            Fault::Unreadable => Err(ApiError::bad_response(op, 200, "not JSON".into())),
            _ => Ok(SaveAnswer::Group(self.group.clone())),
        }
    }

    /// The group's name and members after `request`, read from its body as a server reads
    /// it: PUT replaces both; PATCH replaces the name, adds members not there yet, removes
    /// `members[value eq "…"]`.
    fn applying(&self, request: &SaveRequest) -> (String, Vec<Member>) {
        let body: serde_json::Value =
            serde_json::from_str(&request.body).unwrap_or_else(|e| panic!("body: {e}"));
        let member_of = |v: &serde_json::Value| Member {
            value: v["value"].as_str().unwrap_or_default().to_string(),
            display: v["display"].as_str().map(str::to_string),
        };
        let mut name = self.group.display_name.clone();
        let mut members = self.group.members.clone().unwrap_or_default();
        match request.method {
            SaveMethod::Put => {
                name = body["displayName"].as_str().unwrap_or_default().to_string();
                let list = body["members"].as_array().cloned().unwrap_or_default();
                members = list.iter().map(member_of).collect();
            }
            SaveMethod::Patch => {
                let ops = body["Operations"].as_array().cloned().unwrap_or_default();
                for op in ops {
                    let path = op["path"].as_str().unwrap_or_default();
                    match (op["op"].as_str().unwrap_or_default(), path) {
                        ("replace", "displayName") => {
                            name = op["value"].as_str().unwrap_or_default().to_string();
                        }
                        ("add", "members") => {
                            for v in op["value"].as_array().cloned().unwrap_or_default() {
                                let m = member_of(&v);
                                if !members.iter().any(|x| x.value == m.value) {
                                    members.push(m);
                                }
                            }
                        }
                        ("remove", path) => {
                            let literal = path
                                .strip_prefix("members[value eq ")
                                .and_then(|p| p.strip_suffix(']'))
                                .unwrap_or_else(|| panic!("path {path}"));
                            let value: String = serde_json::from_str(literal)
                                .unwrap_or_else(|e| panic!("{literal}: {e}"));
                            members.retain(|m| m.value != value);
                        }
                        other => panic!("unexpected operation {other:?}"),
                    }
                }
            }
        }
        (name, members)
    }
}

// ---------------------------------------------------------------------------------------------
// One group

#[derive(Clone, Debug)]
struct Scenario {
    name: &'static str,
    loaded: BTreeSet<usize>,
    mine: Edit,
    foreign: Foreign,
    etag: bool,
    prefer_patch: bool,
    /// What goes wrong with each request of the first attempt.
    faults: Vec<Fault>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::sample::select(&NAMES[..]),
        ids(),
        edit(),
        foreign(),
        any::<bool>(),
        any::<bool>(),
        vec(fault(), 2),
    )
        .prop_map(
            |(name, loaded, mine, foreign, etag, prefer_patch, faults)| Scenario {
                name,
                loaded,
                mine,
                foreign,
                etag,
                prefer_patch,
                faults,
            },
        )
}

struct Setup {
    server: Server,
    plan: SavePlan,
    /// The server's group just before the save: after someone else's change, if any.
    before: Group,
}

/// The server as loaded, the admin's plan, then someone else's change on the server.
fn set_up(s: &Scenario, id: &str) -> Setup {
    let mut server = Server::new(id, s.name, &s.loaded, s.etag);
    let loaded = server.group.clone();
    let (name, ids) = s.mine.apply(s.name, &s.loaded, " (new)");
    let mut draft = GroupDraft::from_group(loaded.clone());
    draft.display_name = name;
    draft.members = ids.iter().map(|&i| member(i)).collect();
    let features = if s.etag { rfc7644() } else { omni() };
    let settings = SaveSettings {
        prefer_patch: s.prefer_patch,
        features,
    };
    let plan = plan(&base(), draft, &settings);
    match &s.foreign {
        Foreign::None => {}
        Foreign::Edit(theirs) => {
            let (name, ids) = theirs.apply(s.name, &s.loaded, " (theirs)");
            server.set(name, ids.iter().map(|&i| member(i)).collect());
        }
        Foreign::SameAsMine => {
            server.set(plan.draft.display_name.clone(), plan.draft.members.clone());
        }
    }
    let before = server.group.clone();
    Setup {
        server,
        plan,
        before,
    }
}

/// What the admin asked for applied to what the server had, worked out from the ids alone:
/// the server's members without the ones the admin removed, with the ones the admin added;
/// the admin's name if the admin renamed, else the server's.
fn expected(s: &Scenario, before: &Group) -> (String, BTreeSet<String>) {
    let (name, ids) = s.mine.apply(s.name, &s.loaded, " (new)");
    let mine: BTreeSet<usize> = ids.into_iter().collect();
    let removed: BTreeSet<String> = member_set(&s.loaded.difference(&mine).copied().collect())
        .into_iter()
        .map(|m| m.value)
        .collect();
    let added = member_set(&mine.difference(&s.loaded).copied().collect());
    let mut out: BTreeSet<String> = id_set(before.members.as_deref())
        .into_iter()
        .filter(|v| !removed.contains(v))
        .collect();
    out.extend(added.into_iter().map(|m| m.value));
    let name = if name != s.name {
        name
    } else {
        before.display_name.clone()
    };
    (name, out)
}

/// Runs a save to its outcome against `server`, `faults` going to its requests in turn.
/// Returns the outcome and the requests sent.
fn save(server: &mut Server, plan: SavePlan, faults: &[Fault]) -> (SaveOutcome, Vec<Step>) {
    let (mut run, mut step) = SaveRun::start(plan);
    let mut sent = Vec::new();
    for n in 0.. {
        if let Step::Done(outcome) = step {
            return (outcome, sent);
        }
        assert!(n < 4, "the run keeps asking: {sent:?}");
        let reply = server.answer(&step, faults.get(n).copied().unwrap_or(Fault::None));
        sent.push(step);
        step = run.on_reply(reply);
    }
    unreachable!()
}

/// For any loaded group, edit, foreign change and faults, then the admin's retry after a
/// failure: the save writes at most once, never loses or invents a member, and a lost answer
/// ends as saved on retry, not as a conflict.
#[test]
fn a_save_and_its_retry_apply_what_the_admin_asked_to_what_the_server_had_once() {
    let branches = [
        "saved at once",
        "saved from a 204",
        "conflict",
        "held already (no write)",
        "lost answer, retry finds it saved",
        "refused, retry saved",
        "412 answered",
    ];
    run_counting(scenario(), &branches, 0.02, |s| {
        let Setup {
            mut server,
            plan,
            before,
        } = set_up(&s, GROUP_ID);
        let mut labels = Vec::new();
        let (first, sent) = save(&mut server, plan.clone(), &s.faults);
        prop_assert!(sent.len() <= usize::from(plan.max_requests));
        let applied_first = server.applied;
        let writes_first = server.writes;
        let final_outcome = match first {
            SaveOutcome::Failed { error } => {
                // The admin presses Retry save: the same plan, answered without faults.
                let (again, sent_again) = save(&mut server, plan.clone(), &[]);
                prop_assert!(sent_again.len() <= usize::from(plan.max_requests));
                if applied_first == 1 {
                    prop_assert!(
                        matches!(again, SaveOutcome::Saved { .. }),
                        "after a lost answer: {again:?}"
                    );
                    labels.push("lost answer, retry finds it saved");
                } else if matches!(error.kind, ErrorKind::RateLimited { .. })
                    && matches!(again, SaveOutcome::Saved { .. })
                {
                    labels.push("refused, retry saved");
                }
                again
            }
            outcome => {
                labels.push(match &outcome {
                    SaveOutcome::Saved { .. } if writes_first == 0 => "held already (no write)",
                    SaveOutcome::Saved { .. } if s.faults[sent.len() - 1] == Fault::NoContent => {
                        "saved from a 204"
                    }
                    SaveOutcome::Saved { .. } => "saved at once",
                    _ => "conflict",
                });
                outcome
            }
        };
        if server.stale > 0 {
            labels.push("412 answered");
        }
        prop_assert!(server.applied <= 1, "applied {} writes", server.applied);
        match &final_outcome {
            SaveOutcome::Saved { group } => {
                let (name, members) = expected(&s, &before);
                let on_server = id_set(server.group.members.as_deref());
                prop_assert_eq!(&on_server, &members, "members on the server");
                prop_assert_eq!(&server.group.display_name, &name);
                // What the panel shows is what the server has.
                prop_assert_eq!(id_set(group.members.as_deref()), on_server);
                prop_assert_eq!(&group.display_name, &name);
            }
            SaveOutcome::Conflict {
                current,
                theirs,
                mine,
            } => {
                prop_assert_eq!(server.applied, 0);
                prop_assert_eq!(&server.group, &before);
                prop_assert_eq!(current, &before);
                prop_assert_eq!(mine, &plan.diff);
                let loaded = &plan.draft.loaded;
                let want = MembershipDiff::from_group(
                    loaded,
                    &before.display_name,
                    before.members.as_deref().unwrap_or_default(),
                );
                prop_assert_eq!(theirs, &want);
            }
            SaveOutcome::Failed { error } => {
                // Retries are answered without faults: only a 412 whose read failed could
                // end here, and that read was answered too.
                prop_assert!(false, "the retry failed: {error:?}");
            }
        }
        Ok(labels)
    });
}

// ---------------------------------------------------------------------------------------------
// Any answers at all

/// An answer a server could give to a read or a write, picked per request.
#[derive(Clone, Copy, Debug)]
enum Answer {
    /// Read: the group as loaded (members in another order). Write: the saved group.
    Plain,
    /// Read: the group changed by someone else. Write: 204.
    Other,
    /// Read: the group already as the admin wants it. Write: 412.
    Mine,
    /// An error: timeout, 429, 503 or an unusable body.
    Error(u8),
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        3 => Just(Answer::Plain),
        2 => Just(Answer::Other),
        2 => Just(Answer::Mine),
        2 => (0u8..4).prop_map(Answer::Error),
    ]
}

fn error_for(op: Operation, which: u8) -> ApiError {
    match which {
        0 => ApiError::timeout(op, 30),
        1 => rate_limited(op, Some(5)),
        2 => answered(op, 503),
        _ => ApiError::bad_response(op, 200, "cut off".into()),
    }
}

/// The reply `a` stands for, to `step` of `plan`.
fn reply_for(plan: &SavePlan, step: &Step, a: Answer, theirs: &Group) -> Reply {
    let draft = &plan.draft;
    let mut mine = draft.loaded.clone();
    mine.display_name = draft.display_name.clone();
    mine.members = Some(draft.members.clone());
    mine.meta.last_modified = Some("2026-02-02T00:00:00Z".into());
    match (step, a) {
        (Step::Read { .. }, Answer::Plain) => {
            let mut g = draft.loaded.clone();
            if let Some(ms) = g.members.as_mut() {
                ms.reverse();
            }
            Reply::Read(Ok(g))
        }
        (Step::Read { .. }, Answer::Other) => Reply::Read(Ok(theirs.clone())),
        (Step::Read { .. }, Answer::Mine) => Reply::Read(Ok(mine)),
        (Step::Read { .. }, Answer::Error(e)) => {
            Reply::Read(Err(error_for(Operation::CheckGroup, e)))
        }
        (_, Answer::Plain) => Reply::Write(Ok(SaveAnswer::Group(mine))),
        (_, Answer::Other) => Reply::Write(Ok(SaveAnswer::NoContent {
            etag: Some("W/\"9\"".into()),
        })),
        (_, Answer::Mine) => Reply::Write(Err(answered(Operation::SaveGroup, 412))),
        (_, Answer::Error(e)) => Reply::Write(Err(error_for(Operation::SaveGroup, e))),
    }
}

/// For any plan and any answers: at most `max_requests` requests and one write, no write
/// after a read that showed someone else's change, and exactly one outcome, consistent with
/// the last answer. Branches are the run's transitions, told apart from what was observed.
#[test]
fn any_answers_end_in_one_outcome_within_the_plans_requests() {
    let branches = [
        "check: unchanged, write",
        "check: changed, conflict",
        "check: holds mine, saved",
        "check failed",
        "write: saved",
        "write: 204, saved",
        "write: 412, read",
        "write: 412 without If-Match, failed",
        "write failed",
        "reread: holds mine, saved",
        "reread: conflict",
        "reread failed: the 412",
    ];
    let strategy = (scenario(), vec(answer(), 3));
    run_counting(strategy, &branches, 0.01, |(s, answers)| {
        let Setup { plan, before, .. } = set_up(&s, GROUP_ID);
        let (mut run, mut step) = SaveRun::start(plan.clone());
        let (mut sent, mut writes, mut labels) = (0usize, 0, Vec::new());
        let mut saw_foreign_change = false;
        let mut last: Option<Reply> = None;
        let mut reread = false;
        let outcome = loop {
            let reply = match &step {
                Step::Done(outcome) => break outcome.clone(),
                Step::Write { request, .. } => {
                    prop_assert!(
                        !saw_foreign_change,
                        "a write after a foreign change was seen"
                    );
                    prop_assert_eq!(request, &plan.request, "the write is the reviewed one");
                    writes += 1;
                    reply_for(&plan, &step, answers[sent], &before)
                }
                Step::Read { .. } => reply_for(&plan, &step, answers[sent], &before),
            };
            sent += 1;
            prop_assert!(sent <= usize::from(plan.max_requests), "request {sent}");
            if let Reply::Read(Ok(g)) = &reply {
                saw_foreign_change |= !unchanged_since_load(&plan.draft.loaded, g);
            }
            let was_write = matches!(step, Step::Write { .. });
            step = run.on_reply(reply.clone());
            labels.push(match (&reply, &step, reread) {
                (Reply::Read(_), Step::Write { .. }, _) => "check: unchanged, write",
                (Reply::Read(Ok(_)), Step::Done(SaveOutcome::Saved { .. }), false) => {
                    "check: holds mine, saved"
                }
                (Reply::Read(Ok(_)), Step::Done(SaveOutcome::Conflict { .. }), false) => {
                    "check: changed, conflict"
                }
                (Reply::Read(Err(_)), _, false) => "check failed",
                (Reply::Read(Ok(_)), Step::Done(SaveOutcome::Saved { .. }), true) => {
                    "reread: holds mine, saved"
                }
                (Reply::Read(Ok(_)), _, true) => "reread: conflict",
                (Reply::Read(Err(_)), _, true) => "reread failed: the 412",
                (Reply::Write(Ok(SaveAnswer::Group(_))), ..) => "write: saved",
                (Reply::Write(Ok(SaveAnswer::NoContent { .. })), ..) => "write: 204, saved",
                (Reply::Write(Err(_)), Step::Read { .. }, _) => "write: 412, read",
                (Reply::Write(Err(e)), ..) if e.kind == ErrorKind::Changed => {
                    "write: 412 without If-Match, failed"
                }
                (Reply::Write(Err(_)), ..) => "write failed",
                (Reply::Read(_), ..) => "unexpected",
            });
            reread |= was_write && matches!(step, Step::Read { .. });
            last = Some(reply);
        };
        prop_assert!(writes <= 1);
        // After the end, the run sends nothing more.
        let after = run.on_reply(Reply::Read(Ok(before.clone())));
        let ended = matches!(after, Step::Done(SaveOutcome::Failed { .. }));
        prop_assert!(ended, "a reply after the end: {after:?}");
        // The outcome follows from the last answer.
        match (&outcome, last) {
            (SaveOutcome::Saved { group }, Some(Reply::Write(Ok(SaveAnswer::Group(g))))) => {
                prop_assert_eq!(group, &g);
            }
            (
                SaveOutcome::Saved { group },
                Some(Reply::Write(Ok(SaveAnswer::NoContent { etag }))),
            ) => {
                prop_assert_eq!(&group.meta.version, &etag);
                prop_assert!(group.holds(&plan.draft.display_name, &plan.draft.members));
            }
            (SaveOutcome::Saved { group }, Some(Reply::Read(Ok(g)))) => {
                prop_assert_eq!(group, &g);
                prop_assert!(g.holds(&plan.draft.display_name, &plan.draft.members));
            }
            (SaveOutcome::Conflict { current, mine, .. }, Some(Reply::Read(Ok(g)))) => {
                prop_assert_eq!(current, &g);
                prop_assert_eq!(mine, &plan.diff);
                prop_assert!(!g.holds(&plan.draft.display_name, &plan.draft.members));
            }
            (SaveOutcome::Failed { error }, Some(Reply::Read(Err(e)))) if !reread => {
                prop_assert_eq!(error, &e);
            }
            (SaveOutcome::Failed { error }, Some(Reply::Read(Err(_)))) => {
                prop_assert_eq!(error.kind.clone(), ErrorKind::Changed);
            }
            (SaveOutcome::Failed { error }, Some(Reply::Write(Err(e)))) => {
                prop_assert_eq!(error, &e);
            }
            (outcome, last) => prop_assert!(false, "{outcome:?} after {last:?}"),
        }
        Ok(labels)
    });
}

// ---------------------------------------------------------------------------------------------
// Many groups

/// "Remove this person from these groups": user 0 is in every group and the admin removes
/// them from each; each group may have been changed by someone else and its requests may fail.
#[derive(Clone, Debug)]
struct GroupCase {
    others: BTreeSet<usize>,
    foreign: Foreign,
    faults: Vec<Fault>,
}

fn group_case() -> impl Strategy<Value = GroupCase> {
    (btree_set(1usize..12, 0..6), foreign(), vec(fault(), 2)).prop_map(
        |(others, foreign, faults)| GroupCase {
            others,
            foreign,
            faults,
        },
    )
}

/// A batch gives one outcome per plan, runs the plans in order one request at a time, pauses
/// on a 429 until resumed, never applies a write to a group twice, and ends each saved group
/// with the person gone and everyone else kept.
#[test]
fn a_batch_saves_each_group_at_most_once_and_gives_one_outcome_per_plan() {
    let branches = ["saved", "conflict", "failed", "paused and resumed"];
    let strategy = (vec(group_case(), 1..6), any::<bool>(), any::<bool>());
    run_counting(strategy, &branches, 0.05, |(cases, etag, prefer_patch)| {
        let mut servers = Vec::new();
        let mut drafts = Vec::new();
        let mut scenarios = Vec::new();
        for (i, c) in cases.iter().enumerate() {
            let mut loaded = c.others.clone();
            loaded.insert(0);
            let s = Scenario {
                name: NAMES[i % NAMES.len()],
                loaded,
                mine: Edit {
                    remove: [0].into(),
                    add: BTreeSet::new(),
                    rename: false,
                },
                foreign: c.foreign.clone(),
                etag,
                prefer_patch,
                faults: c.faults.clone(),
            };
            let set = set_up(&s, &format!("g{i}"));
            drafts.push(set.plan.draft.clone());
            servers.push((set.server, set.before));
            scenarios.push(s);
        }
        let settings = SaveSettings {
            prefer_patch,
            features: if etag { rfc7644() } else { omni() },
        };
        let plans = plan_all(&base(), drafts, &settings);
        prop_assert_eq!(plans.len(), cases.len());
        let (mut batch, mut step) = SaveBatch::start(plans);
        let mut requests = vec![0usize; cases.len()];
        let (mut order, mut labels, mut resumes) = (Vec::new(), Vec::new(), 0);
        let outcomes = loop {
            step = match step {
                BatchStep::Done(outcomes) => break outcomes,
                BatchStep::Paused {
                    index,
                    wait_seconds,
                } => {
                    prop_assert!(wait_seconds >= 1);
                    prop_assert!(resumes < 10, "paused again and again");
                    resumes += 1;
                    order.push(index);
                    match batch.resume() {
                        Some(step) => step,
                        None => return Err(TestCaseError::fail("a paused batch resumes")),
                    }
                }
                BatchStep::Send { index, step } => {
                    order.push(index);
                    let (server, _) = &mut servers[index];
                    // Faults hit a group's first requests only; the admin's resume is answered.
                    let fault = cases[index]
                        .faults
                        .get(requests[index])
                        .copied()
                        .filter(|_| server.writes + server.reads < 2)
                        .unwrap_or(Fault::None);
                    requests[index] += 1;
                    let reply = server.answer(&step, fault);
                    batch.on_reply(reply, 0.5)
                }
            };
        };
        prop_assert!(
            order.windows(2).all(|w| w[0] <= w[1]),
            "out of order: {order:?}"
        );
        prop_assert_eq!(outcomes.len(), cases.len());
        if resumes > 0 {
            labels.push("paused and resumed");
        }
        for (i, outcome) in outcomes.iter().enumerate() {
            let (server, before) = &servers[i];
            prop_assert!(
                server.applied <= 1,
                "group {i} written {} times",
                server.applied
            );
            match outcome {
                SaveOutcome::Saved { .. } => {
                    labels.push("saved");
                    let (_, want) = expected(&scenarios[i], before);
                    prop_assert_eq!(id_set(server.group.members.as_deref()), want);
                    prop_assert!(
                        !id_set(server.group.members.as_deref()).contains(&member(0).value)
                    );
                }
                SaveOutcome::Conflict { .. } => {
                    labels.push("conflict");
                    prop_assert_eq!(&server.group, before);
                }
                SaveOutcome::Failed { error } => {
                    labels.push("failed");
                    prop_assert!(
                        !matches!(error.kind, ErrorKind::RateLimited { .. }),
                        "a 429 pauses"
                    );
                }
            }
        }
        Ok(labels)
    });
}
