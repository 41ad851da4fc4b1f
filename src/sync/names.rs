//! Ids to names and back. Definitions name the objects they refer to; the gateway wants ids.
//! The conversion works on JSON values so one walk covers every place a reference can sit (the
//! API itself, its backends and each backend policy).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Lookups between names and ids for the objects definitions refer to.
#[derive(Clone, Debug, Default)]
pub struct NameMaps {
    /// Custom authorizers, name to id.
    pub authorizers: BTreeMap<String, String>,
    /// Group responses, name to id.
    pub responses: BTreeMap<String, String>,
    /// VPC channels, name to id.
    pub vpc_channels: BTreeMap<String, String>,
}

/// The reference fields: definition name, REST id, and which map resolves them.
const REFERENCES: [(&str, &str, Ref); 3] = [
    ("authorizer_name", "authorizer_id", Ref::Authorizer),
    ("response_name", "response_id", Ref::Response),
    ("vpc_channel_name", "vpc_channel_id", Ref::VpcChannel),
];

#[derive(Clone, Copy)]
enum Ref {
    Authorizer,
    Response,
    VpcChannel,
}

impl Ref {
    fn label(self) -> &'static str {
        match self {
            Ref::Authorizer => "custom authorizer",
            Ref::Response => "group response",
            Ref::VpcChannel => "VPC channel",
        }
    }
}

impl NameMaps {
    fn map(&self, which: Ref) -> &BTreeMap<String, String> {
        match which {
            Ref::Authorizer => &self.authorizers,
            Ref::Response => &self.responses,
            Ref::VpcChannel => &self.vpc_channels,
        }
    }

    /// Turns a definition object (as JSON) into a REST body: every `*_name` reference becomes
    /// the `*_id` of the named object.
    ///
    /// # Errors
    ///
    /// Names that do not exist on the gateway, e.g. "custom authorizer `jwt` does not exist".
    pub fn to_rest(&self, value: &mut Value) -> Result<(), String> {
        match value {
            Value::Object(map) => {
                for (name_key, id_key, which) in REFERENCES {
                    if let Some(Value::String(name)) = map.remove(name_key) {
                        let id = self.map(which).get(&name).ok_or_else(|| {
                            format!("{} `{name}` does not exist on the gateway", which.label())
                        })?;
                        map.insert(id_key.to_owned(), Value::String(id.clone()));
                    }
                }
                map.values_mut().try_for_each(|v| self.to_rest(v))
            }
            Value::Array(items) => items.iter_mut().try_for_each(|v| self.to_rest(v)),
            _ => Ok(()),
        }
    }

    /// Turns a REST answer (as JSON) into definition form: `*_id` references become names
    /// (an id that matches nothing stays, under the name key, so the difference shows), empty
    /// ids and `null`s disappear.
    pub fn to_names(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.retain(|_, v| !v.is_null());
                for (name_key, id_key, which) in REFERENCES {
                    match map.remove(id_key) {
                        Some(Value::String(id)) if !id.is_empty() => {
                            let name = self
                                .map(which)
                                .iter()
                                .find(|(_, v)| **v == id)
                                .map_or(id.clone(), |(k, _)| k.clone());
                            map.insert(name_key.to_owned(), Value::String(name));
                        }
                        _ => {}
                    }
                }
                map.values_mut().for_each(|v| self.to_names(v));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.to_names(v)),
            _ => {}
        }
    }
}

/// Reads a REST answer as a definition object: references become names, and the fields only
/// answers carry (`id`, `register_time`, ...) are dropped by asking the definition type itself
/// which fields it rejects, so the list of answer-only fields cannot drift from the model.
///
/// # Errors
///
/// The first problem other than an answer-only field (a value the model does not accept).
pub fn rest_to_def<R: Serialize, D: DeserializeOwned>(
    rest: &R,
    maps: &NameMaps,
) -> Result<D, String> {
    let mut value = serde_json::to_value(rest).map_err(|e| e.to_string())?;
    maps.to_names(&mut value);
    value_to_def(value)
}

/// [`rest_to_def`] for a value already in name form.
pub fn value_to_def<D: DeserializeOwned>(mut value: Value) -> Result<D, String> {
    // Each round removes one unknown field; answers carry a few dozen at most.
    for _ in 0..512 {
        match serde_path_to_error::deserialize::<_, D>(value.clone()) {
            Ok(def) => return Ok(def),
            Err(error) => {
                let message = error.inner().to_string();
                if !message.starts_with("unknown field") {
                    return Err(format!("{message} (at {})", error.path()));
                }
                let field = message
                    .split('`')
                    .nth(1)
                    .ok_or_else(|| message.clone())?
                    .to_owned();
                let segments: Vec<String> = error
                    .path()
                    .iter()
                    .map(|segment| match segment {
                        serde_path_to_error::Segment::Seq { index } => index.to_string(),
                        serde_path_to_error::Segment::Map { key } => key.clone(),
                        serde_path_to_error::Segment::Enum { variant } => variant.clone(),
                        serde_path_to_error::Segment::Unknown => String::new(),
                    })
                    .collect();
                // The path may end at the object or at the unknown key itself.
                let parent = &segments[..segments.len().saturating_sub(1)];
                if !remove_at(&mut value, &segments, &field)
                    && !remove_at(&mut value, parent, &field)
                {
                    return Err(message);
                }
            }
        }
    }
    Err("too many unknown fields".to_owned())
}

fn remove_at(value: &mut Value, path: &[String], field: &str) -> bool {
    let mut current = value;
    for segment in path {
        current = match current {
            Value::Object(map) => match map.get_mut(segment) {
                Some(next) => next,
                None => return false,
            },
            Value::Array(items) => {
                match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(next) => next,
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    match current {
        Value::Object(map) => map.remove(field).is_some(),
        _ => false,
    }
}

/// A definition object as JSON, without `null`s.
pub fn def_value<D: Serialize>(def: &D) -> Value {
    let mut value = serde_json::to_value(def).unwrap_or(Value::Null);
    strip_nulls(&mut value);
    value
}

fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Removes `keys` from a JSON object (definition-only members such as nested lists that are
/// synced as objects of their own).
pub fn without(mut value: Value, keys: &[&str]) -> Value {
    if let Value::Object(map) = &mut value {
        for key in keys {
            map.remove(*key);
        }
    }
    value
}

/// An empty JSON object.
pub fn object() -> Map<String, Value> {
    Map::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ApiCreate, ApiDef};

    #[test]
    fn answer_fields_are_dropped_and_ids_become_names() {
        let maps = NameMaps {
            authorizers: [("jwt".to_owned(), "a1".to_owned())].into(),
            ..NameMaps::default()
        };
        let rest: ApiCreate = serde_json::from_value(serde_json::json!({
            "id": "x1", "name": "get", "type": 1, "req_protocol": "HTTPS", "req_method": "GET",
            "req_uri": "/a", "auth_type": "AUTHORIZER", "authorizer_id": "a1", "group_id": "g",
            "backend_type": "MOCK", "register_time": "now",
            "mock_info": {"result_content": "ok", "id": "m1", "status": 1}
        }))
        .unwrap();
        let def: ApiDef = rest_to_def(&rest, &maps).unwrap();
        assert_eq!(def.authorizer_name.as_deref(), Some("jwt"));
        assert_eq!(def.mock_info.unwrap().result_content.as_deref(), Some("ok"));
    }

    #[test]
    fn unknown_names_are_reported() {
        let mut value = serde_json::json!({"authorizer_name": "nope"});
        let error = NameMaps::default().to_rest(&mut value).unwrap_err();
        assert!(error.contains("custom authorizer `nope`"), "{error}");
    }
}
