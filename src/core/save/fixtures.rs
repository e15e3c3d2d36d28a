//! Values the save tests share: groups and members shaped like the sandbox's, and errors built
//! the way the client builds them from a server's answer. Imports nothing from the save
//! modules, which all use it.

use crate::core::base_url::ScimBase;
use crate::core::draft::GroupDraft;
use crate::core::error::{ApiError, Operation};
use crate::core::model::{Group, Member, Meta};
use crate::core::server_features::ServerFeatures;

pub const GROUP_ID: &str = "Qw7rT2pL";

/// User `i`, with a UUID-like ID and an email as `display`.
pub fn member(i: usize) -> Member {
    Member {
        value: format!("3f2b8c1e-6a4d-4e9b-8f10-{i:012x}"),
        display: Some(format!("user{i}@blobsrus.co")),
    }
}

pub fn members(ids: &[usize]) -> Vec<Member> {
    ids.iter().map(|&i| member(i)).collect()
}

/// Group `GROUP_ID` as a server returns it; `stamp` is both `lastModified` and, with ETags,
/// the version.
pub fn group(name: &str, ids: &[usize], stamp: u32, etag: bool) -> Group {
    group_with_id(GROUP_ID, name, ids, stamp, etag)
}

pub fn group_with_id(id: &str, name: &str, ids: &[usize], stamp: u32, etag: bool) -> Group {
    Group {
        id: id.into(),
        display_name: name.into(),
        members: Some(members(ids)),
        meta: Meta {
            last_modified: Some(format!("2026-01-01T00:00:{stamp:02}Z")),
            version: etag.then(|| format!("W/\"{stamp}\"")),
        },
    }
}

/// `loaded`, edited to `name` and the members `ids`.
pub fn edited(loaded: &Group, name: &str, ids: &[usize]) -> GroupDraft {
    let mut d = GroupDraft::from_group(loaded.clone());
    d.display_name = name.into();
    d.members = members(ids);
    d
}

pub fn base() -> ScimBase {
    ScimBase::parse("/api/scim/v2").unwrap_or_else(|e| panic!("{e}"))
}

/// Omni: no ServiceProviderConfig, so nothing optional.
pub fn omni() -> ServerFeatures {
    ServerFeatures::default()
}

/// An RFC 7644 server with ETags and PATCH.
pub fn rfc7644() -> ServerFeatures {
    ServerFeatures {
        etag: true,
        no_patch: false,
        filter: true,
    }
}

/// The error the client makes of `status` with an Omni-style body.
pub fn answered(op: Operation, status: u16) -> ApiError {
    let body = format!(r#"{{"detail":"refused","status":{status}}}"#);
    ApiError::from_response(op, status, &body, None, 0, "k3y-secret")
}

/// A 429, with the server's `Retry-After` in seconds when given.
pub fn rate_limited(op: Operation, retry_after: Option<u64>) -> ApiError {
    let header = retry_after.map(|s| s.to_string());
    ApiError::from_response(op, 429, "", header.as_deref(), 0, "k3y-secret")
}
