//! Deterministic demo data: the same flags always give the same users, ids, groups and
//! memberships, so screenshots and end-to-end tests can name them.

use std::collections::HashSet;

use crate::rng::SplitMix64;
use crate::store::{EmbedUser, RoleGrant, Store, User};
use crate::time::{ms_from_civil, Millis};

/// What to seed; part of the server `Config` so that `POST /__sandbox/reset` can rebuild it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedConfig {
    /// Number of ordinary users.
    pub users: usize,
    /// Size of the extra "Scale test" group (0 = no such group). More users are created when
    /// it exceeds `users`.
    pub group_size: usize,
    /// PRNG seed: the default gives the documented demo data.
    pub seed: u64,
    /// Extra small groups "Team 001", "Team 002", … seeded after the others, for paging
    /// (0 = none).
    pub extra_groups: usize,
    /// `--many-groups N`: N groups "Project 01", … and the people of `MANY_GROUPS_PEOPLE`, who
    /// are in many of them (0 = none of either).
    pub many_groups: usize,
    /// `--member-groups N`: N groups "Unit 001", … of `member_group_size` members each, and
    /// [`BENCH_PERSON`] in every [`BENCH_PERSON_EVERY`]th of them (0 = none of either).
    pub member_groups: usize,
    /// Members per `--member-groups` group (at most the seeded users plus Bench Person).
    pub member_group_size: usize,
    /// `--embed-users N`: N embed users, one group per embed entity holding its users (last),
    /// and every third of them in Sales (every sixth in Support too). 0 = none of either.
    pub embed_users: usize,
    /// `--model-roles`: some demo groups grant model and connection roles (see
    /// [`MODEL_ROLES`]); without it every group grants none.
    pub model_roles: bool,
}

impl Default for SeedConfig {
    fn default() -> Self {
        SeedConfig {
            users: 300,
            group_size: 0,
            seed: DEFAULT_SEED,
            extra_groups: 0,
            many_groups: 0,
            member_groups: 0,
            member_group_size: 200,
            embed_users: 0,
            model_roles: false,
        }
    }
}

pub const DEFAULT_SEED: u64 = 20_241_204;
pub const EMAIL_DOMAIN: &str = "blobsrus.co";

/// Group names in creation order (plus "Scale test" last when asked for).
pub const EVERYONE: &str = "Everyone";
pub const ENGINEERING: &str = "Engineering";
pub const BLOB_SES: &str = "Blob SEs";
pub const SALES: &str = "Sales";
pub const SUPPORT: &str = "Support";
pub const FINANCE: &str = "Finance";
pub const PRODUCT: &str = "Product & Design";
pub const NEW_HIRES: &str = "New hires";
pub const SCALE_TEST: &str = "Scale test";

/// The name of the `n`th (1-based) extra group: "Team 001" … "Team 999", then "Team 1000" ….
pub fn extra_group_name(n: usize) -> String {
    format!("Team {n:03}")
}

/// The name of the `n`th (1-based) `--many-groups` group: "Project 01" … "Project 99", then
/// "Project 100" ….
pub fn project_group_name(n: usize) -> String {
    format!("Project {n:02}")
}

/// With `--many-groups`: people in many groups, for the People screen and offboarding.
/// (given, family, email local part)
pub const RAVI: (&str, &str, &str) = ("Ravi", "Shankar", "ravi.shankar");
pub const JANE: (&str, &str, &str) = ("Jane", "Offboard", "jane.offboard");
pub const OLU: (&str, &str, &str) = ("Olu", "Newcomer", "olu.newcomer");
/// Jane Offboard is in the first this many Project groups (besides Everyone, Sales, Support).
pub const JANE_PROJECTS: usize = 9;

/// With `--member-groups`: a person in many big groups, for the benchmark of a person's page.
/// (given, family, email local part)
pub const BENCH_PERSON: (&str, &str, &str) = ("Bench", "Person", "bench.person");
/// Bench Person is in Unit 001, Unit 011, Unit 021, …: every this many `--member-groups` group.
pub const BENCH_PERSON_EVERY: usize = 10;

/// The name of the `n`th (1-based) `--member-groups` group: "Unit 001" … "Unit 999", then
/// "Unit 1000" ….
pub fn member_group_name(n: usize) -> String {
    format!("Unit {n:03}")
}

/// With `--embed-users`: the embed entities (display name, slug in userNames and external
/// ids). Users are dealt to them in turn; each with users gets a group, see
/// [`embed_group_name`].
pub const EMBED_ENTITIES: &[(&str, &str)] = &[
    ("Acme Retail", "acme-retail"),
    ("Northwind Traders", "northwind"),
    ("Globex Analytics", "globex"),
    ("Initech Partners", "initech"),
];

/// The group Omni keeps for an embed entity's users.
pub fn embed_group_name(entity: &str) -> String {
    format!("Embed: {entity}")
}

/// The organization part of embed userNames: `embed-user-…@blobsrus.embed-<entity slug>`.
pub const EMBED_ORG: &str = "blobsrus";

/// Made-up connections and models for `--model-roles` (fixed ids, so tests can name them).
pub const WAREHOUSE_CONNECTION: &str = "0b6f3c2e-7d41-4a8e-9f25-3c1d8e6a5b70";
pub const EVENTS_CONNECTION: &str = "5e2a9d14-c3b8-4f67-a1e0-7b94d2c6f813";
pub const PRODUCT_MODEL: &str = "8c3e1f5a-2b9d-4e70-b6a4-d1f0c7e93a25";
pub const REVENUE_MODEL: &str = "a4d7b2c9-6e18-4f3a-8d5b-0e9c1a7f6b34";
pub const SUPPORT_MODEL: &str = "e1f9a3b6-4c2d-4a85-b7e0-93d6c5f81a42";
pub const EVENTS_MODEL: &str = "3f7c0d8e-91a2-4b56-8e3f-c4a9d0b1e267";

const fn grant(
    base_role: &'static str,
    role_name: &'static str,
    connection_id: &'static str,
    model_id: &'static str,
    priority: u32,
) -> RoleGrant {
    RoleGrant {
        base_role,
        role_name,
        connection_id,
        model_id,
        priority,
    }
}

/// `--model-roles`: what the demo groups grant (group name, roles). Custom role names sit on a
/// base role, as in Omni; higher priority is more permissive.
pub const MODEL_ROLES: &[(&str, &[RoleGrant])] = &[
    (
        ENGINEERING,
        &[
            grant("EDITOR", "EDITOR", WAREHOUSE_CONNECTION, PRODUCT_MODEL, 40),
            grant("QUERIER", "QUERIER", EVENTS_CONNECTION, EVENTS_MODEL, 30),
        ],
    ),
    (
        BLOB_SES,
        &[grant(
            "MANAGER",
            "MANAGER",
            EVENTS_CONNECTION,
            EVENTS_MODEL,
            50,
        )],
    ),
    (
        SALES,
        &[grant(
            "VIEWER",
            "Pipeline reader",
            WAREHOUSE_CONNECTION,
            REVENUE_MODEL,
            10,
        )],
    ),
    (
        FINANCE,
        &[
            grant(
                "QUERIER",
                "Finance analyst",
                WAREHOUSE_CONNECTION,
                REVENUE_MODEL,
                30,
            ),
            grant("VIEWER", "VIEWER", WAREHOUSE_CONNECTION, PRODUCT_MODEL, 10),
        ],
    ),
    (
        SUPPORT,
        &[grant(
            "VIEWER",
            "VIEWER",
            WAREHOUSE_CONNECTION,
            SUPPORT_MODEL,
            10,
        )],
    ),
];

/// Members per extra group: at most this many, drawn from the seeded users.
const EXTRA_GROUP_MAX_MEMBERS: u64 = 5;

/// People whose names exercise the panel's text handling: accents, apostrophes, hyphens,
/// non-Latin scripts, right-to-left text, family-name-first order, one very long name.
/// (given, family, displayName, email local part)
const FEATURED: &[(&str, &str, &str, &str)] = &[
    ("Zoë", "Müller", "Zoë Müller", "zoe.muller"),
    ("雷", "李", "李 雷", "lei.li"),
    ("José", "Álvarez", "José Álvarez", "jose.alvarez"),
    ("Siobhán", "O'Connor", "Siobhán O'Connor", "siobhan.oconnor"),
    ("Олег", "Петров", "Олег Петров", "oleg.petrov"),
    ("Björn", "Ødegård", "Björn Ødegård", "bjorn.odegard"),
    ("محمد", "العلي", "محمد العلي", "mohammed.alali"),
    ("由紀", "田中", "田中 由紀", "yuki.tanaka"),
    ("Łukasz", "Wójcik", "Łukasz Wójcik", "lukasz.wojcik"),
    (
        "Αλέξης",
        "Παπαδόπουλος",
        "Αλέξης Παπαδόπουλος",
        "alexis.papadopoulos",
    ),
    ("Văn An", "Nguyễn", "Nguyễn Văn An", "an.nguyen"),
    (
        "Mary-Jane",
        "van der Berg",
        "Mary-Jane van der Berg",
        "mary-jane.vanderberg",
    ),
    ("지민", "김", "김 지민", "jimin.kim"),
    (
        "Priya",
        "Raghunathan-Venkatasubramanian",
        "Priya Raghunathan-Venkatasubramanian",
        "priya.raghunathan-venkatasubramanian",
    ),
    ("Jürgen", "Weiß", "Jürgen Weiß", "juergen.weiss"),
    ("Renée", "Lefèvre", "Renée Lefèvre", "renee.lefevre"),
];

const GIVEN: &[&str] = &[
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sofia", "Mateo", "Isabella", "Lucas",
    "Mia", "Ethan", "Amelia", "Omar", "Fatima", "Hiroshi", "Mei", "Ravi", "Ananya", "Diego",
    "Lucía", "Finn", "Freya", "Nia", "Kofi", "Ingrid", "Lars", "Aisha", "Tomás", "Inès", "Rafael",
    "Hannah", "Daniel", "Grace", "Leo", "Chen", "Yara", "Elif", "Emre", "Ngozi", "Aarav", "Kwame",
    "Chloé", "Søren", "Zainab", "Matías", "Ines", "Noor", "Theo", "Ada",
];

const FAMILY: &[&str] = &[
    "Smith",
    "Johnson",
    "Garcia",
    "Martinez",
    "Brown",
    "Lee",
    "Kim",
    "Patel",
    "Singh",
    "Nguyen",
    "Cohen",
    "Rossi",
    "Bianchi",
    "Schmidt",
    "Fischer",
    "Novak",
    "Kowalski",
    "Silva",
    "Santos",
    "Costa",
    "Haddad",
    "Khan",
    "Tanaka",
    "Sato",
    "Wang",
    "Zhang",
    "Okafor",
    "Adeyemi",
    "Larsen",
    "Andersson",
    "Johansson",
    "Dubois",
    "Moreau",
    "Murphy",
    "Kelly",
    "O'Brien",
    "Walker",
    "Young",
    "Hernández",
    "López",
    "Yılmaz",
    "Demir",
    "Öztürk",
    "Jensen",
    "Virtanen",
    "Horváth",
    "Popescu",
    "Ivanova",
    "Mendes",
    "Clarke",
    "Mensah",
    "Okonkwo",
    "Sharma",
    "Nakamura",
];

/// Lowercase ASCII for an email local part: folds the accents used in `GIVEN`/`FAMILY`, drops
/// apostrophes and spaces.
fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            'ł' => "l",
            'ş' | 'ś' => "s",
            'ğ' => "g",
            '\'' | ' ' => "",
            c if c.is_ascii_alphanumeric() || c == '-' || c == '.' => {
                out.push(c);
                continue;
            }
            // Anything unexpected is dropped rather than put into an address.
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

fn uuid_v4(rng: &mut SplitMix64) -> String {
    uuid::Builder::from_random_bytes(rng.bytes16())
        .into_uuid()
        .to_string()
}

/// Builds the seeded store.
pub fn build(cfg: &SeedConfig) -> Store {
    let mut store = Store::new(cfg.seed ^ 0x6A09_E667_F3BC_C908);
    let mut rng = SplitMix64::new(cfg.seed);
    let total_users = cfg.users.max(cfg.group_size);

    // Users joined during November 2024, at most about an hour apart; big seeds are packed
    // closer so that no timestamp lies in the future.
    let users_start = ms_from_civil(2024, 11, 1, 9, 0, 0, 0);
    let step: i64 = (2_592_000_000 / total_users.max(1) as i64).clamp(2, 3_700_000);
    let mut locals = HashSet::new();
    let mut users = Vec::with_capacity(total_users);
    for i in 0..total_users {
        let (given, family, display, local) = match FEATURED.get(i) {
            Some(&(g, f, d, l)) => (g.to_string(), f.to_string(), d.to_string(), l.to_string()),
            None => {
                let g = *rng.pick(GIVEN);
                let f = *rng.pick(FAMILY);
                let local = format!("{}.{}", ascii_fold(g), ascii_fold(f));
                (g.to_string(), f.to_string(), format!("{g} {f}"), local)
            }
        };
        // Same name twice: jamie.smith, jamie.smith2, jamie.smith3, ...
        let mut unique = local.clone();
        let mut n = 2;
        while !locals.insert(unique.clone()) {
            unique = format!("{local}{n}");
            n += 1;
        }
        let created: Millis = users_start + (i as i64) * step + rng.below((step / 2) as u64) as i64;
        users.push(User {
            id: uuid_v4(&mut rng),
            user_name: format!("{unique}@{EMAIL_DOMAIN}"),
            display_name: display,
            given_name: given,
            family_name: family,
            active: true,
            created,
            last_modified: created,
        });
    }

    // Departments: everyone gets at most one, a few people are also in a second one.
    let mut rng = SplitMix64::new(cfg.seed ^ 0xBB67_AE85_84CA_A73B);
    let depts = [ENGINEERING, SALES, SUPPORT, FINANCE, PRODUCT];
    let weights = [35u64, 20, 15, 7, 10]; // the remaining 13% belong to no department
    let mut members: Vec<Vec<String>> = vec![Vec::new(); depts.len()];
    for u in users.iter().take(cfg.users) {
        let roll = rng.below(100);
        let mut acc = 0;
        for (d, w) in weights.iter().enumerate() {
            acc += w;
            if roll < acc {
                members[d].push(u.id.clone());
                break;
            }
        }
        if rng.percent(6) {
            let d = rng.below(depts.len() as u64) as usize;
            if !members[d].contains(&u.id) {
                members[d].push(u.id.clone());
            }
        }
    }
    // Blob SEs: a handful of engineers.
    let blob_ses: Vec<String> = members[0]
        .iter()
        .filter(|_| rng.percent(12))
        .take(12)
        .cloned()
        .collect();

    let everyone: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
    let scale: Vec<String> = everyone.iter().take(cfg.group_size).cloned().collect();
    for u in users {
        // Emails are unique by construction, so this cannot fail.
        let _ = store.insert_user(u);
    }

    let project_names: Vec<String> = (1..=cfg.many_groups).map(project_group_name).collect();
    let mut plan: Vec<(&str, Vec<String>)> = vec![(EVERYONE, everyone)];
    plan.push((ENGINEERING, std::mem::take(&mut members[0])));
    plan.push((BLOB_SES, blob_ses));
    plan.push((SALES, std::mem::take(&mut members[1])));
    plan.push((SUPPORT, std::mem::take(&mut members[2])));
    plan.push((FINANCE, std::mem::take(&mut members[3])));
    plan.push((PRODUCT, std::mem::take(&mut members[4])));
    plan.push((NEW_HIRES, Vec::new()));
    if cfg.group_size > 0 {
        plan.push((SCALE_TEST, scale));
    }
    // Extra groups come last, from their own generator, so that the groups above keep their
    // ids and members whatever their number.
    let mut extra_rng = SplitMix64::new(cfg.seed ^ 0x3C6E_F372_FE94_F82B);
    let user_ids: Vec<String> = store.users().iter().map(|u| u.id.clone()).collect();
    let extra_names: Vec<String> = (1..=cfg.extra_groups).map(extra_group_name).collect();
    for name in &extra_names {
        let size = if user_ids.is_empty() {
            0
        } else {
            extra_rng.below(EXTRA_GROUP_MAX_MEMBERS + 1) as usize
        };
        let mut ids: Vec<String> = Vec::with_capacity(size);
        for _ in 0..size {
            let id = extra_rng.pick(&user_ids).clone();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        plan.push((name.as_str(), ids));
    }

    if cfg.many_groups > 0 {
        plan_many_groups(
            cfg,
            &mut store,
            &mut plan,
            &project_names,
            &user_ids,
            users_start,
        );
    }

    let member_names: Vec<String> = (1..=cfg.member_groups).map(member_group_name).collect();
    if cfg.member_groups > 0 {
        plan_member_groups(cfg, &mut store, &mut plan, &member_names, users_start);
    }

    let embed_names: Vec<String> = EMBED_ENTITIES
        .iter()
        .take(cfg.embed_users)
        .map(|(entity, _)| embed_group_name(entity))
        .collect();
    plan_embed_users(cfg, &mut store, &mut plan, &embed_names);

    let groups_start = ms_from_civil(2024, 12, 2, 15, 30, 0, 0).max(
        // Groups are created after the last user joined.
        store.users().iter().map(|u| u.created).max().unwrap_or(0) + 60_000,
    );
    for (k, (name, ids)) in plan.into_iter().enumerate() {
        let created = groups_start + (k as i64) * 2_820_000 + rng.below(1000) as i64;
        let modified = created + rng.below(86_400_000) as i64;
        // Names are distinct and valid and ids exist, so this cannot fail.
        let _ = store.insert_group_at(name, &ids, created, modified);
    }
    if cfg.model_roles {
        for (name, roles) in MODEL_ROLES {
            let id = store
                .groups()
                .iter()
                .find(|g| g.display_name() == *name)
                .map(|g| g.id().to_string());
            if let Some(id) = id {
                store.set_model_roles(&id, roles.to_vec());
            }
        }
    }
    store
}

/// `--embed-users`: adds the embed users (ids from their own generator, so nobody else
/// changes), puts every third in Sales (every sixth in Support too) and plans the embed
/// entity groups (`names`, one per entity with users), last.
fn plan_embed_users<'a>(
    cfg: &SeedConfig,
    store: &mut Store,
    plan: &mut Vec<(&'a str, Vec<String>)>,
    names: &'a [String],
) {
    let mut rng = SplitMix64::new(cfg.seed ^ 0x9B05_688C_2B3E_6C1F);
    let mut by_entity: Vec<Vec<String>> = vec![Vec::new(); EMBED_ENTITIES.len()];
    for i in 0..cfg.embed_users {
        let e = i % EMBED_ENTITIES.len();
        let (entity, slug) = EMBED_ENTITIES[e];
        let id = uuid_v4(&mut rng);
        let tag = format!("{:012x}", rng.below(1 << 48));
        let (g, f) = (*rng.pick(GIVEN), *rng.pick(FAMILY));
        let user = EmbedUser {
            id: id.clone(),
            user_name: format!("embed-user-{tag}@{EMBED_ORG}.embed-{slug}"),
            display_name: format!("{g} {f}"),
            external_id: format!("{slug}-{:04}", i / EMBED_ENTITIES.len() + 1),
            entity: entity.to_string(),
            active: true,
        };
        // Ids from a 128-bit generator of their own: a clash cannot happen in practice.
        let _ = store.insert_embed_user(user);
        for (name, members) in plan.iter_mut() {
            let in_sales = i % 3 == 0 && *name == SALES;
            let in_support = i % 6 == 0 && *name == SUPPORT;
            if in_sales || in_support {
                members.push(id.clone());
            }
        }
        by_entity[e].push(id);
    }
    for (name, ids) in names.iter().zip(by_entity) {
        plan.push((name.as_str(), ids));
    }
}

/// `--many-groups`: adds Ravi, Jane and Olu (after every other user, with ids from their own
/// generator, so nobody else changes), puts them in Everyone and Jane in Sales and Support, and
/// plans the Project groups: each with 0–5 of `others` plus Ravi, and Jane in the first nine.
fn plan_many_groups<'a>(
    cfg: &SeedConfig,
    store: &mut Store,
    plan: &mut Vec<(&'a str, Vec<String>)>,
    names: &'a [String],
    others: &[String],
    users_start: Millis,
) {
    let mut rng = SplitMix64::new(cfg.seed ^ 0xA54F_F53A_5F1D_36F1);
    let mut ids = Vec::new();
    for (k, (given, family, local)) in [RAVI, JANE, OLU].into_iter().enumerate() {
        // Early in November: before the last user joined, so group times do not move.
        let created = users_start + (k as i64 + 1) * 86_400_000;
        let id = uuid_v4(&mut rng);
        let user = User {
            id: id.clone(),
            user_name: format!("{local}@{EMAIL_DOMAIN}"),
            display_name: format!("{given} {family}"),
            given_name: given.to_string(),
            family_name: family.to_string(),
            active: true,
            created,
            last_modified: created,
        };
        // The seeded emails are first.last of other names, so this cannot clash.
        let _ = store.insert_user(user);
        ids.push(id);
    }
    let (ravi, jane) = (ids[0].clone(), ids[1].clone());
    for (name, members) in plan.iter_mut() {
        if *name == EVERYONE {
            members.extend(ids.iter().cloned());
        } else if *name == SALES || *name == SUPPORT {
            members.push(jane.clone());
        }
    }
    for (i, name) in names.iter().enumerate() {
        let size = if others.is_empty() {
            0
        } else {
            rng.below(EXTRA_GROUP_MAX_MEMBERS + 1) as usize
        };
        let mut members: Vec<String> = Vec::with_capacity(size + 2);
        for _ in 0..size {
            let id = rng.pick(others).clone();
            if !members.contains(&id) {
                members.push(id);
            }
        }
        members.push(ravi.clone());
        if i < JANE_PROJECTS {
            members.push(jane.clone());
        }
        plan.push((name.as_str(), members));
    }
}

/// `--member-groups`: adds Bench Person (after every other user, with an id from its own
/// generator, so nobody else changes) and plans the Unit groups, last: each of
/// `member_group_size` distinct users drawn from the others, Bench Person taking one of the
/// places in every [`BENCH_PERSON_EVERY`]th, starting with the first.
fn plan_member_groups<'a>(
    cfg: &SeedConfig,
    store: &mut Store,
    plan: &mut Vec<(&'a str, Vec<String>)>,
    names: &'a [String],
    users_start: Millis,
) {
    let mut rng = SplitMix64::new(cfg.seed ^ 0x510E_527F_ADE6_82D1);
    let mut others: Vec<String> = store.users().iter().map(|u| u.id.clone()).collect();
    let (given, family, local) = BENCH_PERSON;
    let person = uuid_v4(&mut rng);
    // Early in November: before the last user joined, so group times do not move.
    let created = users_start + 4 * 86_400_000;
    // The seeded emails are first.last of other names, so this cannot clash.
    let _ = store.insert_user(User {
        id: person.clone(),
        user_name: format!("{local}@{EMAIL_DOMAIN}"),
        display_name: format!("{given} {family}"),
        given_name: given.to_string(),
        family_name: family.to_string(),
        active: true,
        created,
        last_modified: created,
    });
    for (i, name) in names.iter().enumerate() {
        let with_person = i % BENCH_PERSON_EVERY == 0;
        let size = cfg
            .member_group_size
            .saturating_sub(usize::from(with_person));
        let size = size.min(others.len());
        // A partial Fisher–Yates shuffle: the first `size` are distinct and drawn evenly.
        for j in 0..size {
            let k = j + rng.below((others.len() - j) as u64) as usize;
            others.swap(j, k);
        }
        let mut members = others[..size].to_vec();
        if with_person && cfg.member_group_size > 0 {
            members.push(person.clone());
        }
        plan.push((name.as_str(), members));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Store) -> Vec<&str> {
        s.groups().iter().map(|g| g.display_name()).collect()
    }

    #[test]
    fn same_flags_same_data() {
        let a = build(&SeedConfig::default());
        let b = build(&SeedConfig::default());
        assert_eq!(a.users(), b.users());
        let ga: Vec<_> = a.groups().iter().map(|g| (g.id(), g.members())).collect();
        let gb: Vec<_> = b.groups().iter().map(|g| (g.id(), g.members())).collect();
        assert_eq!(ga, gb);
    }

    #[test]
    fn default_seed_has_the_documented_groups() {
        let s = build(&SeedConfig::default());
        assert_eq!(s.users().len(), 300);
        assert_eq!(
            names(&s),
            [
                EVERYONE,
                ENGINEERING,
                BLOB_SES,
                SALES,
                SUPPORT,
                FINANCE,
                PRODUCT,
                NEW_HIRES
            ]
        );
        let size = |n: &str| {
            s.groups()
                .iter()
                .find(|g| g.display_name() == n)
                .map(|g| g.members().len())
                .unwrap()
        };
        assert_eq!(size(EVERYONE), 300);
        assert_eq!(size(NEW_HIRES), 0);
        for n in [ENGINEERING, BLOB_SES, SALES, SUPPORT, FINANCE, PRODUCT] {
            assert!(size(n) > 0 && size(n) < 300, "{n}: {}", size(n));
        }
        assert!(size(ENGINEERING) > size(FINANCE));
    }

    #[test]
    fn users_look_real_and_are_unique() {
        let s = build(&SeedConfig::default());
        let mut emails = HashSet::new();
        for u in s.users() {
            assert!(emails.insert(u.user_name.to_lowercase()), "{}", u.user_name);
            let (local, domain) = u.user_name.split_once('@').unwrap();
            assert_eq!(domain, EMAIL_DOMAIN);
            assert!(local.is_ascii() && local.contains('.'), "{local}");
            assert!(uuid::Uuid::parse_str(&u.id).unwrap().get_version_num() == 4);
        }
        let displays: Vec<_> = s.users().iter().map(|u| u.display_name.as_str()).collect();
        assert!(displays.contains(&"Zoë Müller"));
        assert!(displays.contains(&"李 雷"));
        assert!(s.user_by_name("ZOE.MULLER@blobsrus.co").is_some());
    }

    #[test]
    fn scale_test_group_adds_users_when_needed() {
        let s = build(&SeedConfig {
            users: 10,
            group_size: 2500,
            ..SeedConfig::default()
        });
        assert_eq!(s.users().len(), 2500);
        let g = s.groups().last().unwrap();
        assert_eq!(g.display_name(), SCALE_TEST);
        assert_eq!(g.members().len(), 2500);
        // Departments are only drawn from the first `users` people.
        let eng = s
            .groups()
            .iter()
            .find(|g| g.display_name() == ENGINEERING)
            .unwrap();
        assert!(eng.members().len() <= 10);
    }

    #[test]
    fn zero_users_still_gives_groups() {
        let s = build(&SeedConfig {
            users: 0,
            ..SeedConfig::default()
        });
        assert!(s.users().is_empty());
        assert_eq!(s.groups().len(), 8);
    }

    #[test]
    fn group_ids_do_not_depend_on_user_count() {
        let a = build(&SeedConfig::default());
        let b = build(&SeedConfig {
            users: 20,
            ..SeedConfig::default()
        });
        let ids = |s: &Store| {
            s.groups()
                .iter()
                .map(|g| g.id().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&a), ids(&b));
    }

    #[test]
    fn extra_groups_come_last_and_leave_the_others_alone() {
        let plain = build(&SeedConfig::default());
        let s = build(&SeedConfig {
            extra_groups: 242,
            ..SeedConfig::default()
        });
        assert_eq!(s.groups().len(), 250);
        let base = |s: &Store| {
            s.groups()
                .iter()
                .take(8)
                .map(|g| {
                    (
                        g.id().to_string(),
                        g.display_name().to_string(),
                        g.members().to_vec(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(base(&plain), base(&s));
        let extra: Vec<&str> = s.groups()[8..].iter().map(|g| g.display_name()).collect();
        assert_eq!(extra.first(), Some(&"Team 001"));
        assert_eq!(extra[122], "Team 123");
        assert_eq!(extra.last(), Some(&"Team 242"));
        for g in &s.groups()[8..] {
            assert!(
                g.members().len() <= EXTRA_GROUP_MAX_MEMBERS as usize,
                "{}",
                g.display_name()
            );
        }
        assert!(s.groups()[8..].iter().any(|g| !g.members().is_empty()));
        // Same flags, same data.
        let again = build(&SeedConfig {
            extra_groups: 242,
            ..SeedConfig::default()
        });
        let all = |s: &Store| {
            s.groups()
                .iter()
                .map(|g| (g.id().to_string(), g.members().to_vec()))
                .collect::<Vec<_>>()
        };
        assert_eq!(all(&s), all(&again));
        assert_eq!(extra_group_name(1000), "Team 1000");
    }

    #[test]
    fn many_groups_adds_people_in_many_groups_and_leaves_the_rest() {
        let plain = build(&SeedConfig::default());
        let s = build(&SeedConfig {
            many_groups: 30,
            ..SeedConfig::default()
        });
        assert_eq!(s.users().len(), 303);
        assert_eq!(s.groups().len(), 38);
        assert_eq!(&s.users()[..300], plain.users());
        let person = |local: &str| {
            s.user_by_name(&format!("{local}@{EMAIL_DOMAIN}"))
                .unwrap()
                .id
                .clone()
        };
        let count = |id: &str| s.groups_of_user(id).len();
        assert_eq!(count(&person(RAVI.2)), 31);
        assert_eq!(count(&person(JANE.2)), 12);
        assert_eq!(count(&person(OLU.2)), 1);
        let jane_groups: Vec<&str> = s
            .groups_of_user(&person(JANE.2))
            .iter()
            .map(|g| g.display_name())
            .collect();
        assert!(jane_groups.contains(&SALES) && jane_groups.contains(&"Project 09"));
        assert!(!jane_groups.contains(&"Project 10"));
        assert_eq!(s.groups()[8].display_name(), "Project 01");
        assert_eq!(s.groups()[37].display_name(), "Project 30");
        // The seeded groups keep their ids; only Everyone, Sales and Support gain the three.
        for (a, b) in plain.groups().iter().zip(s.groups()) {
            assert_eq!(a.id(), b.id());
            let gained = b.members().len() - a.members().len();
            let want = match a.display_name() {
                EVERYONE => 3,
                SALES | SUPPORT => 1,
                _ => 0,
            };
            assert_eq!(gained, want, "{}", a.display_name());
            assert!(a.members().iter().all(|m| b.has_member(m)));
        }
        // With --extra-groups too, the Teams come first and keep their members.
        let both = build(&SeedConfig {
            many_groups: 3,
            extra_groups: 5,
            ..SeedConfig::default()
        });
        let teams = build(&SeedConfig {
            extra_groups: 5,
            ..SeedConfig::default()
        });
        for (a, b) in teams.groups()[8..].iter().zip(&both.groups()[8..13]) {
            assert_eq!((a.id(), a.members()), (b.id(), b.members()));
        }
        assert_eq!(both.groups()[13].display_name(), "Project 01");
        assert_eq!(project_group_name(100), "Project 100");
    }

    #[test]
    fn member_groups_come_last_with_bench_person_in_every_tenth() {
        let plain = build(&SeedConfig {
            many_groups: 3,
            ..SeedConfig::default()
        });
        let s = build(&SeedConfig {
            many_groups: 3,
            member_groups: 25,
            member_group_size: 200,
            ..SeedConfig::default()
        });
        assert_eq!(s.users().len(), plain.users().len() + 1);
        assert_eq!(&s.users()[..plain.users().len()], plain.users());
        let all = |s: &Store| {
            s.groups()
                .iter()
                .map(|g| (g.id().to_string(), g.members().to_vec()))
                .collect::<Vec<_>>()
        };
        let n = plain.groups().len();
        assert_eq!(all(&s)[..n], all(&plain)[..]);
        assert_eq!(s.groups().len(), n + 25);
        assert_eq!(s.groups()[n].display_name(), "Unit 001");
        let person = s
            .user_by_name(&format!("{}@{EMAIL_DOMAIN}", BENCH_PERSON.2))
            .unwrap();
        assert_eq!(person.display_name, "Bench Person");
        let theirs: Vec<&str> = s
            .groups_of_user(&person.id)
            .iter()
            .map(|g| g.display_name())
            .collect();
        assert_eq!(theirs, ["Unit 001", "Unit 011", "Unit 021"]);
        for g in &s.groups()[n..] {
            assert_eq!(g.members().len(), 200, "{}", g.display_name());
            let mut m = g.members().to_vec();
            m.sort();
            m.dedup();
            assert_eq!(m.len(), 200, "{} has a member twice", g.display_name());
        }
        let again = build(&SeedConfig {
            many_groups: 3,
            member_groups: 25,
            ..SeedConfig::default()
        });
        assert_eq!(all(&s), all(&again));
        assert_eq!(member_group_name(1000), "Unit 1000");
    }

    #[test]
    fn folds_accents_for_emails() {
        assert_eq!(ascii_fold("Hernández"), "hernandez");
        assert_eq!(ascii_fold("O'Brien"), "obrien");
        assert_eq!(ascii_fold("Yılmaz"), "yilmaz");
        assert_eq!(ascii_fold("Søren"), "soren");
    }

    #[test]
    fn embed_users_keep_every_id_and_get_their_groups() {
        let plain = build(&SeedConfig::default());
        let s = build(&SeedConfig {
            embed_users: 10,
            model_roles: true,
            ..SeedConfig::default()
        });
        assert_eq!(plain.users(), s.users());
        assert!(plain.embed_users().is_empty());
        assert_eq!(s.embed_users().len(), 10);
        for (a, b) in plain.groups().iter().zip(s.groups()) {
            assert_eq!((a.id(), a.display_name()), (b.id(), b.display_name()));
        }
        let extra: Vec<_> = names(&s)[plain.groups().len()..].to_vec();
        assert_eq!(
            extra,
            [
                "Embed: Acme Retail",
                "Embed: Northwind Traders",
                "Embed: Globex Analytics",
                "Embed: Initech Partners"
            ]
        );
        let group = |st: &Store, n: &str| {
            st.groups()
                .iter()
                .find(|g| g.display_name() == n)
                .unwrap()
                .clone()
        };
        let embed = s.embed_users();
        // Every third in Sales, every sixth in Support too, after the seeded members.
        let sales = group(&s, SALES);
        assert_eq!(
            sales.members()[group(&plain, SALES).members().len()..],
            [
                embed[0].id.clone(),
                embed[3].id.clone(),
                embed[6].id.clone(),
                embed[9].id.clone()
            ]
        );
        assert!(group(&s, SUPPORT).has_member(&embed[6].id));
        assert!(!group(&s, SUPPORT).has_member(&embed[3].id));
        assert_eq!(group(&s, "Embed: Acme Retail").members().len(), 3);
        for u in embed {
            assert!(u.user_name.starts_with("embed-user-"), "{}", u.user_name);
            assert!(u.user_name.contains("@blobsrus.embed-"), "{}", u.user_name);
            assert!(s.user(&u.id).is_none());
        }
        assert_eq!(s.model_roles(group(&s, FINANCE).id()).len(), 2);
        assert!(s.model_roles(group(&s, EVERYONE).id()).is_empty());
        assert!(plain.model_roles(group(&plain, FINANCE).id()).is_empty());
    }
}
