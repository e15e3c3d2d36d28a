//! Driving a reviewed save: the requests it takes, in order, and how it ended.

use super::session::Session;
use crate::browser::http::{SaveAnswer, ScimClient};
use crate::core::diff::unchanged_since_load;
use crate::core::draft::GroupDraft;
use crate::core::error::{ApiError, ErrorKind};
use crate::core::model::{Group, Meta};
use crate::core::save_request::SaveRequest;

/// How a confirmed save ended.
pub enum SaveOutcome {
    /// The group as the server now has it.
    Saved(Group),
    /// Someone changed the group since it was loaded; nothing was written.
    Conflict {
        current: Group,
    },
    Failed(ApiError),
}

/// Sends a reviewed save. Without ETags (Omni), first reads the group and stops if it changed
/// since it was loaded: 2 requests. With ETags, one request carrying If-Match; a 412 is then a
/// conflict, and the group is read once to show what changed.
pub async fn save(
    session: Session,
    client: &ScimClient,
    draft: &GroupDraft,
    request: &SaveRequest,
) -> SaveOutcome {
    let id = draft.id();
    let mut checked = None;
    // The server may already hold this change: an earlier attempt whose answer was lost or
    // unreadable. That is a success, not someone else's conflicting change.
    let outcome_for = |current: Group| {
        if current.holds(&draft.display_name, &draft.members) {
            SaveOutcome::Saved(current)
        } else {
            SaveOutcome::Conflict { current }
        }
    };
    if request.if_match.is_none() {
        match session.heard(client.check_group(id).await) {
            Ok(current) if !unchanged_since_load(&draft.loaded, &current) => {
                return outcome_for(current)
            }
            Ok(current) => checked = Some(current),
            Err(err) => return SaveOutcome::Failed(err),
        }
    }
    match session.heard(client.save(request, id).await) {
        Ok(SaveAnswer::Group(group)) => SaveOutcome::Saved(group),
        Ok(SaveAnswer::NoContent { etag }) => {
            // 204 without a body: the result is the change applied to the state it was based on;
            // its new version is the ETag, so the next save can still use If-Match.
            let base = checked.unwrap_or_else(|| draft.loaded.clone());
            let (display_name, members) = draft.diff().apply_to(&base);
            SaveOutcome::Saved(Group {
                id: base.id,
                display_name,
                members: Some(members),
                meta: Meta {
                    last_modified: None,
                    version: etag,
                },
            })
        }
        Err(err) if err.kind == ErrorKind::Changed => {
            match session.heard(client.check_group(id).await) {
                Ok(current) => outcome_for(current),
                Err(_) => SaveOutcome::Failed(err),
            }
        }
        Err(err) => SaveOutcome::Failed(err),
    }
}
