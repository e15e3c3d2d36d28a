//! "Access this group grants": Omni's model and connection roles of a group, from
//! `GET /api/v1/user-groups/{id}/model-roles` (outside SCIM, same key). Only asked where the
//! base URL is Omni's (`…/api/scim/v2`); one request per group opened. Anything but an answer
//! (403 without admin rights, 404, no network) hides the section behind one quiet line.

use serde::Deserialize;

/// One role the group gives its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The role's name (base or custom), e.g. "VIEWER" or "Finance analyst".
    pub role: String,
    /// The base role it builds on, e.g. "VIEWER".
    pub base_role: String,
    pub model_id: String,
    pub connection_id: String,
}

impl Grant {
    /// "Finance analyst (VIEWER) on model 550e… in connection 3f2b…": Omni's answer names
    /// models and connections by ID only.
    pub fn text(&self) -> String {
        let role = if self.base_role.is_empty() || self.base_role == self.role {
            self.role.clone()
        } else {
            format!("{} ({})", self.role, self.base_role)
        };
        let model = if self.model_id.is_empty() {
            "all models".to_string()
        } else {
            format!("model {}", self.model_id)
        };
        if self.connection_id.is_empty() {
            format!("{role} on {model}")
        } else {
            format!("{role} on {model} in connection {}", self.connection_id)
        }
    }
}

/// What the editor shows of a group's grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grants {
    /// Not an Omni base URL: never asked.
    NotAsked,
    Reading,
    Read(Vec<Grant>),
    /// The quiet line shown instead.
    Unavailable(String),
}

impl Grants {
    /// The roles, once read (none: an empty list).
    pub fn read(&self) -> Option<&[Grant]> {
        match self {
            Self::Read(g) => Some(g),
            _ => None,
        }
    }

    /// What the review of a removal repeats: "Removing these people takes away: …", or
    /// nothing when the group grants nothing (or it is not known).
    pub fn taken_away(&self) -> Option<String> {
        let grants = self.read().filter(|g| !g.is_empty())?;
        let list: Vec<String> = grants.iter().map(Grant::text).collect();
        Some(format!(
            "Removing these people takes away: {}.",
            list.join("; ")
        ))
    }
}

/// The quiet line for a status that is not an answer.
pub fn unavailable_line(status: Option<u16>) -> String {
    match status {
        Some(403) => "What this group grants could not be read: this key may not (403).".into(),
        Some(404) => {
            "What this group grants could not be read: the server does not know it (404).".into()
        }
        Some(s) => format!("What this group grants could not be read ({s})."),
        None => "What this group grants could not be read: no answer.".into(),
    }
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    results: Vec<Assignment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Assignment {
    #[serde(default)]
    role_name: String,
    #[serde(default)]
    base_role: String,
    #[serde(default)]
    model_id: String,
    #[serde(default)]
    connection_id: String,
}

/// The roles in a model-roles answer, in its order, each once.
pub fn parse_model_roles(body: &str) -> Result<Vec<Grant>, String> {
    let answer: Answer =
        serde_json::from_str(body).map_err(|_| "the answer was not a list of roles".to_string())?;
    let mut out: Vec<Grant> = Vec::new();
    for a in answer.results {
        let g = Grant {
            role: a.role_name,
            base_role: a.base_role,
            model_id: a.model_id,
            connection_id: a.connection_id,
        };
        if !out.contains(&g) {
            out.push(g);
        }
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const ANSWER: &str = r#"{"userGroupId":"abc123","results":[
        {"roleName":"Finance analyst","baseRole":"VIEWER","modelId":"m-1","connectionId":"c-1","priority":2,
         "from":{"type":"GROUP","miniUuid":"abc123","name":"Finance","depth":0}},
        {"roleName":"EDITOR","baseRole":"EDITOR","modelId":"","connectionId":"c-2","priority":3,
         "from":{"type":"GROUP","miniUuid":"abc123","name":"Finance","depth":0}},
        {"roleName":"EDITOR","baseRole":"EDITOR","modelId":"","connectionId":"c-2","priority":3,
         "from":{"type":"GROUP","miniUuid":"xyz","name":"Parent","depth":1}}]}"#;

    #[test]
    fn roles_are_read_once_each_and_said_in_words() {
        let g = parse_model_roles(ANSWER).unwrap_or_default();
        let texts: Vec<String> = g.iter().map(Grant::text).collect();
        assert_eq!(
            texts,
            [
                "Finance analyst (VIEWER) on model m-1 in connection c-1",
                "EDITOR on all models in connection c-2"
            ]
        );
        let grants = Grants::Read(g);
        assert_eq!(
            grants.taken_away().as_deref(),
            Some("Removing these people takes away: Finance analyst (VIEWER) on model m-1 in connection c-1; EDITOR on all models in connection c-2.")
        );
    }

    #[test]
    fn nothing_granted_or_unknown_says_nothing_in_the_review() {
        assert_eq!(Grants::Read(vec![]).taken_away(), None);
        assert_eq!(Grants::Reading.taken_away(), None);
        assert_eq!(Grants::NotAsked.taken_away(), None);
        let empty = parse_model_roles(r#"{"userGroupId":"a","results":[]}"#);
        assert_eq!(empty, Ok(vec![]));
        assert!(parse_model_roles("<html>").is_err());
        assert!(unavailable_line(Some(403)).contains("403"));
        assert!(unavailable_line(None).contains("no answer"));
    }
}
