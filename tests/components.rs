//! Component tests in headless Chromium (wasm-bindgen-test): the real components, mounted into
//! a fresh element, driven through DOM events the way a person's typing and clicking arrive.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use omni_scim_panel::app::App;
use omni_scim_panel::core::base_url::ScimBase;
use omni_scim_panel::core::directory::{Directory, DirectoryUser};
use omni_scim_panel::core::draft::GroupDraft;
use omni_scim_panel::core::model::{Group, Member, Meta};
use omni_scim_panel::pages::group::edit::GroupEditor;
use omni_scim_panel::state::session::Session;
use omni_scim_panel::state::{provide_app_state, AppState};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const ADA: &str = "3f2b8c1e-6a4d-4e9b-8f10-2c7d5e9a1b34";
const GRACE: &str = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("test page has a document")
}

/// A fresh container per test, so tests do not see each other's DOM.
fn container() -> HtmlElement {
    let el = document()
        .create_element("div")
        .expect("create div")
        .unchecked_into::<HtmlElement>();
    document()
        .body()
        .expect("body")
        .append_child(&el)
        .expect("append");
    el
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// The input whose <label> reads `name`, as a person finds it.
fn textbox(root: &Element, name: &str) -> HtmlInputElement {
    let label = all(root, "label")
        .into_iter()
        .find(|l| l.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no label {name:?}"));
    let id = label.get_attribute("for").expect("label has for");
    root.query_selector(&format!("#{id}"))
        .ok()
        .flatten()
        .expect("labelled input exists")
        .unchecked_into()
}

/// The button whose accessible name (aria-label, else text) is `name`.
fn button(root: &Element, name: &str) -> HtmlButtonElement {
    all(root, "button")
        .into_iter()
        .find(|b| {
            b.get_attribute("aria-label")
                .unwrap_or_else(|| b.text_content().unwrap_or_default())
                .trim()
                == name
        })
        .unwrap_or_else(|| panic!("no button {name:?}"))
        .unchecked_into()
}

/// The text as seen: without the invisible isolate marks (U+2066–U+2069) the panel puts around
/// names quoted in sentences.
fn text_of(root: &Element, selector: &str) -> String {
    all(root, selector)
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" | ")
        .replace(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'], "")
}

async fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let ev = web_sys::Event::new("input").expect("event");
    input.dispatch_event(&ev).expect("dispatch");
    leptos::task::tick().await;
}

/// Save is aria-disabled (so it keeps the focus) while something blocks it.
fn blocked(b: &HtmlButtonElement) -> bool {
    b.get_attribute("aria-disabled").as_deref() == Some("true")
}

async fn click(b: &HtmlButtonElement) {
    b.click();
    leptos::task::tick().await;
}

fn group() -> Group {
    Group {
        id: "Qw7rT2pL".into(),
        display_name: "Data Wranglers".into(),
        members: Some(vec![Member {
            value: ADA.into(),
            display: Some("ada@example.org".into()),
        }]),
        meta: Meta::default(),
    }
}

fn mount_editor(root: &HtmlElement) -> impl Drop {
    mount_editor_knowing(root, Vec::new())
}

/// The editor, with the user directory already listed as `users` (none: not listed).
fn mount_editor_knowing(root: &HtmlElement, users: Vec<DirectoryUser>) -> impl Drop {
    let base = ScimBase::parse("/api/scim/v2").ok();
    mount_to(root.clone(), move || {
        let state = AppState::new(Session::new(base));
        if !users.is_empty() {
            state
                .session
                .directory
                .set(Some(std::sync::Arc::new(Directory::new(users))));
        }
        provide_app_state(state);
        state.draft.set(Some(GroupDraft::from_group(group())));
        view! { <GroupEditor route_id="Qw7rT2pL".to_string() /> }
    })
}

#[wasm_bindgen_test]
async fn invalid_display_name_shows_message_and_disables_save() {
    let root = container();
    let _handle = mount_editor(&root);
    leptos::task::tick().await;
    let name = textbox(&root, "Display name");
    let save = button(&root, "Save");
    assert_eq!(name.value(), "Data Wranglers");
    assert!(blocked(&save), "nothing to save right after loading");
    assert!(text_of(&root, ".hint").contains("14/64"));
    let counter_is_error = || all(&root, "#display-name-hint.error").len() == 1;
    assert!(!counter_is_error());

    type_into(&name, &"é".repeat(65)).await;
    assert!(blocked(&save), "65 characters block saving");
    assert!(text_of(&root, ".issues").contains("65 characters"));
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(text_of(&root, ".hint").contains("65/64"));
    assert!(
        counter_is_error(),
        "the counter past the limit is in the error colour"
    );

    type_into(&name, &"é".repeat(64)).await;
    assert!(!blocked(&save), "64 characters are fine");
    assert!(!counter_is_error());

    for (bad, said) in [
        ("   ", "Display name is required."),
        (" Leading", "Display name cannot start or end with a space."),
        (
            "Trailing ",
            "Display name cannot start or end with a space.",
        ),
        (
            "Tab\tinside",
            "Display name contains a control character (such as a tab or line break).",
        ),
    ] {
        type_into(&name, bad).await;
        assert!(blocked(&save), "{bad:?} must block saving");
        let issues = text_of(&root, "#display-name-issues");
        assert!(issues.contains(said), "{bad:?}: {issues}");
    }
}

#[wasm_bindgen_test]
async fn add_and_remove_members() {
    let root = container();
    let _handle = mount_editor(&root);
    leptos::task::tick().await;
    let rows = || all(&root, "table tbody tr").len();
    assert_eq!(rows(), 1);

    // Duplicate: refused with a message, typed text kept.
    let id = textbox(&root, "Member user ID");
    type_into(&id, ADA).await;
    assert!(text_of(&root, ".issues").contains("already a member"));
    click(&button(&root, "Add member")).await;
    assert_eq!(rows(), 1);
    assert_eq!(id.value(), ADA, "nothing typed is lost");

    // Opaque id: a warning, but it is added.
    type_into(&id, "opaque-7").await;
    assert!(text_of(&root, ".issues").contains("not a UUID"));
    type_into(&textbox(&root, "Member display name"), "Opaque Person").await;
    click(&button(&root, "Add member")).await;
    assert_eq!(rows(), 2);
    assert_eq!(id.value(), "", "fields clear after adding");

    type_into(&id, GRACE).await;
    assert!(
        blocked(&button(&root, "Save")),
        "a typed but not added member blocks saving"
    );
    assert!(text_of(&root, "#save-why").contains("Add member"));
    click(&button(&root, "Add member")).await;
    assert!(!blocked(&button(&root, "Save")));
    assert_eq!(rows(), 3);
    assert!(
        text_of(&root, "table").contains(GRACE),
        "row named by its id when no display"
    );

    // The removed row stays, struck through, with Undo until saved.
    click(&button(&root, "Remove ada@example.org")).await;
    assert_eq!(rows(), 3);
    assert!(text_of(&root, "tr.removed").contains("ada@example.org"));
    assert!(text_of(&root, "[role=status]").contains("Removed ada@example.org"));
    click(&button(&root, "Undo removing ada@example.org")).await;
    assert!(all(&root, "tr.removed").is_empty());
}

/// Save says "No changes." and opens nothing until something changed, again once the change is
/// undone or discarded; what the admin can act on (a typed member ID) is said first.
#[wasm_bindgen_test]
async fn save_is_disabled_with_no_changes_until_something_changed() {
    let root = container();
    let _handle = mount_editor(&root);
    leptos::task::tick().await;
    let save = button(&root, "Save");
    let why = || text_of(&root, "#save-why");
    assert!(blocked(&save));
    assert_eq!(why(), "No changes.");
    assert_eq!(
        save.get_attribute("aria-describedby").as_deref(),
        Some("save-why")
    );
    click(&save).await;
    assert!(
        all(&root, ".review").is_empty(),
        "Save opened a review with nothing to save"
    );
    assert!(text_of(&root, ".save-bar [role=alert]").contains("Not saved: No changes."));

    // A typed member ID is a change to be: its reason comes first.
    let id = textbox(&root, "Member user ID");
    type_into(&id, GRACE).await;
    assert!(why().contains("Add member"), "{}", why());
    type_into(&id, "").await;
    assert_eq!(why(), "No changes.");

    // A rename, then the same name again: nothing to save again.
    let name = textbox(&root, "Display name");
    type_into(&name, "Data Wranglers (EU)").await;
    assert!(!blocked(&save));
    assert_eq!(why(), "");
    type_into(&name, "Data Wranglers").await;
    assert!(blocked(&save));
    assert_eq!(why(), "No changes.");

    // A removal, then Discard changes: nothing to save.
    click(&button(&root, "Remove ada@example.org")).await;
    assert!(!blocked(&save));
    click(&save).await;
    assert!(text_of(&root, ".review").contains("Members removed: 1"));
    click(&button(&root, "Back")).await;
    click(&button(&root, "Discard changes")).await;
    let save = button(&root, "Save");
    assert!(blocked(&save));
    assert_eq!(why(), "No changes.");
}

#[wasm_bindgen_test]
async fn save_opens_a_review_and_emptying_needs_the_name_typed() {
    let root = container();
    let _handle = mount_editor(&root);
    leptos::task::tick().await;
    click(&button(&root, "Remove ada@example.org")).await;
    click(&button(&root, "Save")).await;
    let review = text_of(&root, ".review");
    assert!(review.contains("Members removed: 1"), "{review}");
    assert!(review.contains("ada@example.org"));
    assert!(review.contains("PUT /api/scim/v2/groups/Qw7rT2pL"));
    assert!(review.contains("$OMNI_API_KEY"));
    let confirm = button(&root, "Confirm save");
    assert!(confirm.disabled(), "emptying needs the group name typed");
    let typed = textbox(&root, "Type the group name to confirm");
    type_into(&typed, "Data Wrangler").await;
    assert!(confirm.disabled());
    type_into(&typed, "Data Wranglers").await;
    assert!(!confirm.disabled());

    // Back returns to the form unchanged: the removal is still there, nothing was sent.
    click(&button(&root, "Back")).await;
    assert_eq!(all(&root, "table tbody tr:not(.removed)").len(), 0);
    assert!(text_of(&root, ".save-bar").contains("Unsaved changes"));
}

fn storage_values(storage: &web_sys::Storage) -> Vec<String> {
    let len = storage.length().unwrap_or(0);
    (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|k| {
            storage
                .get_item(&k)
                .ok()
                .flatten()
                .map(|v| format!("{k}={v}"))
        })
        .collect()
}

#[wasm_bindgen_test]
async fn key_goes_to_session_storage_only() {
    let window = web_sys::window().expect("window");
    let session = window
        .session_storage()
        .ok()
        .flatten()
        .expect("sessionStorage");
    let local = window.local_storage().ok().flatten().expect("localStorage");
    let _ = session.clear();
    let _ = local.clear();

    let root = container();
    let _handle = mount_to(root.clone(), App);
    leptos::task::tick().await;
    let secret = "omni-test-key-5a1f0c";
    type_into(&textbox(&root, "SCIM base URL"), "/api/scim/v2").await;
    type_into(&textbox(&root, "API key"), secret).await;
    assert_eq!(textbox(&root, "API key").type_(), "password");
    click(&button(&root, "Connect")).await;

    assert!(
        storage_values(&session).iter().any(|v| v.ends_with(secret)),
        "key stored in sessionStorage"
    );
    assert!(
        !storage_values(&local).iter().any(|v| v.contains(secret)),
        "key never in localStorage: {:?}",
        storage_values(&local)
    );
    assert!(!window
        .location()
        .href()
        .unwrap_or_default()
        .contains(secret));

    click(&button(&root, "Forget key")).await;
    assert!(
        !storage_values(&session).iter().any(|v| v.contains(secret)),
        "Forget key removes it"
    );
    assert_eq!(textbox(&root, "API key").value(), "");
}

#[wasm_bindgen_test]
async fn bad_base_url_is_explained_inline() {
    let root = container();
    let _handle = mount_to(root.clone(), App);
    leptos::task::tick().await;
    let base = textbox(&root, "SCIM base URL");
    type_into(&base, "http://blobsrus.omniapp.co/api/scim/v2").await;
    assert!(text_of(&root, ".issues").contains("http:// is allowed only"));
    type_into(&base, "blobsrus").await;
    assert!(text_of(&root, ".hint").contains("https://blobsrus.omniapp.co/api/scim/v2"));
}

/// Counts the page's `fetch` calls from now until it is dropped, which puts `fetch` back.
struct FetchCounter {
    calls: std::rc::Rc<std::cell::Cell<u32>>,
    original: wasm_bindgen::JsValue,
    _wrapper: wasm_bindgen::closure::Closure<dyn FnMut(JsValue, JsValue) -> JsValue>,
}

impl FetchCounter {
    fn install() -> Self {
        let window = web_sys::window().expect("window");
        let original = js_sys::Reflect::get(&window, &"fetch".into()).expect("window.fetch");
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        let (count, fetch, this) = (
            calls.clone(),
            original.clone().unchecked_into::<js_sys::Function>(),
            window.clone(),
        );
        let wrapper = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(
            move |input: JsValue, init: JsValue| {
                count.set(count.get() + 1);
                fetch
                    .call2(&this, &input, &init)
                    .unwrap_or(JsValue::UNDEFINED)
            },
        );
        js_sys::Reflect::set(&window, &"fetch".into(), wrapper.as_ref()).expect("replace fetch");
        Self {
            calls,
            original,
            _wrapper: wrapper,
        }
    }

    fn calls(&self) -> u32 {
        self.calls.get()
    }
}

impl Drop for FetchCounter {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = js_sys::Reflect::set(&window, &"fetch".into(), &self.original);
        }
    }
}

/// Lets the page's tasks and a timer or two run: long enough for a request to be sent.
async fn settle() {
    leptos::task::tick().await;
    omni_scim_panel::browser::time::sleep_ms(50).await;
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn fetch_counter_sees_a_request() {
    // The counter below must be able to fail: a request the page sends is counted.
    let fetches = FetchCounter::install();
    let window = web_sys::window().expect("window");
    let _ = window.fetch_with_str("/nothing-here");
    assert_eq!(fetches.calls(), 1);
}

#[wasm_bindgen_test]
async fn groups_page_without_a_connection_sends_nothing() {
    use omni_scim_panel::pages::groups::list::GroupsPage;

    // Not connected: the connect-first message, no form, no table rows, no request.
    let fetches = FetchCounter::install();
    let root = container();
    let _handle = mount_to(root.clone(), || {
        provide_app_state(AppState::new(Session::new(None)));
        view! { <GroupsPage /> }
    });
    settle().await;
    assert_eq!(
        fetches.calls(),
        0,
        "a request was sent without a connection"
    );
    assert!(text_of(&root, "h2").contains("Groups"));
    assert!(
        text_of(&root, ".empty").contains("Connect to a SCIM server first"),
        "{}",
        text_of(&root, "section")
    );
    assert_eq!(all(&root, "table tbody tr").len(), 0);
    assert!(
        all(&root, "input").is_empty(),
        "no filter before connecting"
    );
    assert!(all(&root, "[role=alert]").is_empty(), "nothing was tried");
    assert_eq!(
        fetches.calls(),
        0,
        "a request was sent without a connection"
    );

    // Connected but no key stored: the list is not requested, and the page says why.
    omni_scim_panel::browser::storage::forget_key();
    let root = container();
    let base = ScimBase::parse("/api/scim/v2").ok();
    let _handle2 = mount_to(root.clone(), move || {
        provide_app_state(AppState::new(Session::new(base)));
        view! { <GroupsPage /> }
    });
    settle().await;
    assert_eq!(fetches.calls(), 0, "a request was sent without a key");
    assert!(text_of(&root, "[role=alert]").contains("Not connected"));
    assert_eq!(all(&root, "table tbody tr").len(), 0);
    type_into(&textbox(&root, "Search groups"), "Ops").await;
    settle().await;
    assert_eq!(fetches.calls(), 0, "searching sent a request without a key");
    // The paging and search rules are tested natively: core::group_list.
}

#[wasm_bindgen_test]
async fn conflict_shows_both_changes_and_both_ways_on() {
    use omni_scim_panel::components::conflict::Conflict;
    use omni_scim_panel::core::diff::MembershipDiff;
    use omni_scim_panel::state::editor::ConflictData;
    let root = container();
    let loaded = group();
    let current = Group {
        display_name: "Data Team".into(),
        members: Some(vec![]),
        ..group()
    };
    let theirs = MembershipDiff::from_group(
        &loaded,
        &current.display_name,
        current.members.as_deref().unwrap_or_default(),
    );
    let mine_members = vec![
        Member {
            value: ADA.into(),
            display: Some("ada@example.org".into()),
        },
        Member {
            value: GRACE.into(),
            display: Some("grace@example.org".into()),
        },
    ];
    let mine = MembershipDiff::from_group(&loaded, &loaded.display_name, &mine_members);
    let applied = RwSignal::new(0);
    let reloaded = RwSignal::new(0);
    let closed = RwSignal::new(0);
    let data = ConflictData {
        current,
        theirs,
        mine,
    };
    let _handle = mount_to(root.clone(), move || {
        view! {
            <Conflict
                data=data
                on_apply_mine=Callback::new(move |()| applied.update(|n| *n += 1))
                on_reload=Callback::new(move |()| reloaded.update(|n| *n += 1))
                on_close=Callback::new(move |()| closed.update(|n| *n += 1))
            />
        }
    });
    leptos::task::tick().await;
    let text = text_of(&root, ".conflict");
    assert!(text.contains("“Data Wranglers” → “Data Team”"), "{text}");
    assert!(text.contains("− ada@example.org"), "their removal: {text}");
    assert!(text.contains("+ grace@example.org"), "my addition: {text}");
    assert!(text_of(&root, "[role=alert]").contains("Nothing was saved"));
    click(&button(&root, "Apply my changes on top")).await;
    click(&button(&root, "Reload")).await;
    click(&button(&root, "Back to editing")).await;
    assert_eq!(
        (
            applied.get_untracked(),
            reloaded.get_untracked(),
            closed.get_untracked()
        ),
        (1, 1, 1)
    );
}

/// "Save with PATCH" is in the review (PUT by default): ticking it plans the save again as a
/// PATCH; where the server says it does not support PATCH it is not offered, with the reason.
#[wasm_bindgen_test]
async fn patch_is_chosen_in_the_review_and_not_offered_without_server_support() {
    use omni_scim_panel::core::server_features::ServerFeatures;

    let root = container();
    let state = AppState::new(Session::new(ScimBase::parse("/api/scim/v2").ok()));
    let _handle = mount_to(root.clone(), move || {
        provide_app_state(state);
        state.draft.set(Some(GroupDraft::from_group(group())));
        view! { <GroupEditor route_id="Qw7rT2pL".to_string() /> }
    });
    leptos::task::tick().await;
    type_into(&textbox(&root, "Display name"), "Data Wranglers 2").await;
    click(&button(&root, "Save")).await;
    let checkbox = |root: &Element| -> HtmlInputElement {
        root.query_selector("#use-patch")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
            .expect("the Save with PATCH checkbox in the review")
    };
    let request = |root: &Element| text_of(root, "details.request");
    assert!(!checkbox(&root).checked(), "PUT is the default");
    assert!(request(&root).contains("PUT "), "{}", request(&root));
    assert!(text_of(&root, "#use-patch-hint").contains("Omni accepts both"));

    checkbox(&root).click();
    leptos::task::tick().await;
    assert!(checkbox(&root).checked());
    assert!(
        request(&root).contains("PATCH "),
        "not planned again as a PATCH: {}",
        request(&root)
    );

    // A server whose /ServiceProviderConfig says patch.supported = false.
    state
        .session
        .features
        .set(ServerFeatures::parse(r#"{"patch":{"supported":false}}"#));
    leptos::task::tick().await;
    assert!(checkbox(&root).disabled(), "PATCH still offered");
    assert!(!checkbox(&root).checked(), "PATCH still ticked");
    assert!(text_of(&root, "#use-patch-hint").contains("does not support PATCH"));
}

#[wasm_bindgen_test]
async fn a_refused_key_is_forgotten_and_the_session_disconnects() {
    use omni_scim_panel::browser::storage;
    use omni_scim_panel::core::error::{ApiError, ErrorKind, Operation};
    use omni_scim_panel::core::secret::ApiKey;

    let key = ApiKey::new("omni-test-key-401").expect("a key");
    let answer = |status: u16| {
        ApiError::from_response(Operation::LoadGroup, status, "", None, 0, key.expose())
    };
    let owner = Owner::new();
    owner.set();
    let session = Session::new(ScimBase::parse("/api/scim/v2").ok());
    assert!(storage::store_key(&key));

    // Any other failure leaves key and connection alone.
    let kept = session.heard(answer(500));
    assert_ne!(kept.kind, ErrorKind::BadKey);
    assert!(storage::load_key().is_some(), "a 500 forgot the key");
    assert!(
        session.connected.get_untracked().is_some(),
        "a 500 disconnected"
    );

    // 401: the error is passed on, the key forgotten, the session disconnected.
    let refused = session.heard(answer(401));
    assert_eq!(refused.kind, ErrorKind::BadKey);
    assert!(
        storage::load_key().is_none(),
        "the refused key is still kept"
    );
    assert!(
        session.connected.get_untracked().is_none(),
        "still connected"
    );
}

fn person(id: &str, name: &str, email: &str) -> DirectoryUser {
    DirectoryUser {
        id: id.into(),
        user_name: email.into(),
        display_name: name.into(),
        email: email.into(),
    }
}

/// Presses `key` in `input` as a keyboard does: a keydown that bubbles and can be cancelled.
async fn press(input: &HtmlInputElement, key: &str) {
    let init = js_sys::Object::new();
    for (k, v) in [
        ("key", JsValue::from_str(key)),
        ("bubbles", JsValue::TRUE),
        ("cancelable", JsValue::TRUE),
    ] {
        js_sys::Reflect::set(&init, &k.into(), &v).expect("set");
    }
    let window = web_sys::window().expect("window");
    let class: js_sys::Function = js_sys::Reflect::get(&window, &"KeyboardEvent".into())
        .expect("KeyboardEvent")
        .unchecked_into();
    let ev = js_sys::Reflect::construct(&class, &js_sys::Array::of2(&"keydown".into(), &init))
        .expect("a keydown")
        .unchecked_into::<web_sys::Event>();
    input.dispatch_event(&ev).expect("dispatch");
    settle().await;
}

#[wasm_bindgen_test]
async fn find_user_is_a_combobox_and_enter_adds_only_a_chosen_user() {
    let root = container();
    let _handle = mount_editor_knowing(
        &root,
        vec![
            person("m1", "Amelia Mendes", "amelia.mendes@x.co"),
            person("m2", "Finn Mendes", "finn.mendes@x.co"),
            person("m3", "Sam Mendes", "sam.mendes@x.co"),
            person(ADA, "Ada Lovelace", "ada@example.org"),
            person("z1", "Zoë Müller", "zoe.muller@x.co"),
        ],
    );
    leptos::task::tick().await;
    // Escapes that get past the widget: one it used must not also close a panel around it.
    let escapes = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = escapes.clone();
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
        move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Escape" {
                counted.set(counted.get() + 1);
            }
        },
    );
    root.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref())
        .expect("listen");
    let rows = || all(&root, "table tbody tr").len();
    let field = textbox(&root, "Find user");
    let attr = |name: &str| field.get_attribute(name).unwrap_or_default();
    let options = || all(&root, "[role=listbox] [role=option]");
    let status = || text_of(&root, ".find-user [role=status]");
    assert_eq!(attr("role"), "combobox");
    assert_eq!(attr("aria-autocomplete"), "list");
    assert_eq!(attr("aria-expanded"), "false");
    let list = root
        .query_selector(&format!("#{}", attr("aria-controls")))
        .ok()
        .flatten()
        .expect("aria-controls names the list");
    assert_eq!(list.get_attribute("role").as_deref(), Some("listbox"));
    assert!(all(&root, "button")
        .iter()
        .all(|b| b.text_content().unwrap_or_default().trim() != "Find"));
    assert!(!text_of(&root, "#find-user-hint").contains("first match"));

    // Several matches, none chosen: Enter adds nobody and says to choose.
    type_into(&field, "mendes").await;
    settle().await;
    assert_eq!(attr("aria-expanded"), "true");
    assert_eq!(options().len(), 3);
    assert!(status().contains("3 matching users."), "{}", status());
    press(&field, "Enter").await;
    assert_eq!(
        rows(),
        1,
        "Enter with 3 matches and none chosen added someone"
    );
    assert!(
        status().contains("3 matches: choose one with the arrow keys or click it."),
        "{}",
        status()
    );
    assert_eq!(field.value(), "mendes");

    // The arrows move the active option, wrapping at both ends.
    let active_is = |i: usize| {
        let o = &options()[i];
        attr("aria-activedescendant") == o.id()
            && o.get_attribute("aria-selected").as_deref() == Some("true")
    };
    assert_eq!(attr("aria-activedescendant"), "");
    for (key, at) in [
        ("ArrowDown", 0),
        ("ArrowDown", 1),
        ("ArrowUp", 0),
        ("ArrowUp", 2),
        ("ArrowDown", 0),
        ("ArrowDown", 1),
    ] {
        press(&field, key).await;
        assert!(active_is(at), "{key} should reach option {at}");
    }
    // Enter adds the active option, exactly: Finn, the second.
    press(&field, "Enter").await;
    assert_eq!(rows(), 2);
    // Named as the directory knows the person (the ID is there on demand).
    let table = text_of(&root, "table");
    assert!(table.contains("Finn Mendes") && table.contains("finn.mendes@x.co"));
    assert!(
        status().contains("Added Finn Mendes. Not saved yet."),
        "{}",
        status()
    );
    assert_eq!(field.value(), "");
    assert_eq!(attr("aria-expanded"), "false");

    // One match: Enter adds it.
    type_into(&field, "zoe").await;
    settle().await;
    press(&field, "Enter").await;
    assert_eq!(rows(), 3);
    assert!(status().contains("Added Zoë Müller."), "{}", status());

    // A member is listed as one and cannot be added.
    type_into(&field, "ada").await;
    settle().await;
    let member = &options()[0];
    assert!(member
        .text_content()
        .unwrap_or_default()
        .contains("already a member"));
    assert_eq!(
        member.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    press(&field, "Enter").await;
    assert_eq!(rows(), 3);
    assert!(text_of(&root, "[role=alert]").contains("Ada Lovelace is already a member."));

    // Escape closes the list and keeps the text, a second clears it; neither goes further.
    // A third, with nothing left to close, is not the widget's.
    type_into(&field, "mendes").await;
    settle().await;
    press(&field, "Escape").await;
    assert_eq!(
        (attr("aria-expanded"), field.value()),
        ("false".into(), "mendes".into())
    );
    press(&field, "ArrowDown").await;
    assert_eq!(attr("aria-expanded"), "true", "Down opens the list again");
    assert!(active_is(0));
    press(&field, "Escape").await;
    press(&field, "Escape").await;
    assert_eq!(field.value(), "");
    assert_eq!(escapes.get(), 0, "an Escape the combobox used went on");
    press(&field, "Escape").await;
    assert_eq!(escapes.get(), 1);

    // A click on an option adds it.
    type_into(&field, "mendes").await;
    settle().await;
    options()[0].unchecked_ref::<HtmlElement>().click();
    settle().await;
    assert_eq!(rows(), 4);
    assert!(status().contains("Added Amelia Mendes."), "{}", status());
    root.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref())
        .expect("unlisten");
}

/// Answers Connect's check at once, as a server that speaks SCIM would (the real check is the
/// screens' HTTP client, which these tests have no server for; e2e tests drive it).
fn check_answers_ok(
    _: ScimBase,
    _: omni_scim_panel::core::secret::ApiKey,
) -> std::pin::Pin<
    Box<
        dyn std::future::Future<
            Output = Result<
                omni_scim_panel::core::server_features::ServerFeatures,
                omni_scim_panel::core::error::ApiError,
            >,
        >,
    >,
> {
    Box::pin(async { Ok(Default::default()) })
}

/// A Connect pressed before the screens' chunk (which brings Connect's check) has arrived
/// waits for it and then connects; if the chunk cannot be fetched, it says so and stops.
#[wasm_bindgen_test]
async fn connect_before_the_screens_arrive_waits_for_them() {
    use omni_scim_panel::state::connection::ConnectForm;
    use omni_scim_panel::state::notice::Notice;
    let owner = Owner::new();
    owner.set();
    for arrives in [true, false] {
        let session = Session::new(None);
        let form = ConnectForm::new(session);
        form.type_base("/api/scim/v2".to_string());
        form.type_key("omni-test-key-waiting".to_string());
        form.connect();
        leptos::task::tick().await;
        assert!(form.busy.get_untracked(), "Connect waits for the check");
        assert!(session.connected.get_untracked().is_none());
        form.check_ready(arrives.then_some(check_answers_ok as _));
        leptos::task::tick().await;
        leptos::task::tick().await;
        assert!(
            !form.busy.get_untracked(),
            "the wait ends (chunk arrived: {arrives})"
        );
        if arrives {
            assert!(
                session.connected.get_untracked().is_some(),
                "connected once it came"
            );
        } else {
            assert!(session.connected.get_untracked().is_none());
            let said = match form.notice.get_untracked() {
                Some(Notice::Error(text)) => text,
                other => panic!("no error said: {other:?}"),
            };
            assert!(said.contains("could not be loaded"), "{said}");
            // The key typed was never checked: not kept for a reload to take as a connection.
            let kept = web_sys::window()
                .and_then(|w| w.session_storage().ok().flatten())
                .map(|s| storage_values(&s))
                .unwrap_or_default();
            assert!(
                !kept.iter().any(|v| v.contains("omni-test-key-waiting")),
                "the unchecked key is still kept: {kept:?}"
            );
        }
    }
    // The key Connect kept: no other test starts with it.
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.clear();
    }
}
