//! `--case-exact-user-names`: `userName eq` compares with case (a server whose filter is
//! case-sensitive), in both modes; without the flag, case is ignored.

mod common;

use common::{config, TestApp};
use scim_sandbox::{Config, Mode};

async fn found(t: &TestApp, user_name: &str) -> u64 {
    let filter = format!("userName%20eq%20%22{user_name}%22");
    let list = t.get(&format!("/users?filter={filter}")).await.json();
    list["totalResults"].as_u64().expect("totalResults")
}

#[tokio::test]
async fn eq_compares_with_case_only_when_asked() {
    for mode in [Mode::Omni, Mode::Rfc7644] {
        let exact = TestApp::new(Config {
            case_exact_user_names: true,
            mode,
            ..config()
        });
        assert_eq!(found(&exact, "zoe.muller@blobsrus.co").await, 1, "{mode:?}");
        assert_eq!(found(&exact, "Zoe.Muller@BlobsRUs.co").await, 0, "{mode:?}");
        let loose = TestApp::new(Config { mode, ..config() });
        assert_eq!(found(&loose, "Zoe.Muller@BlobsRUs.co").await, 1, "{mode:?}");
    }
}
