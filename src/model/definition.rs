//! The gateway definition: the file users keep in git, describing one API group and everything
//! it needs on a gateway.
//!
//! Objects refer to each other by name, never by gateway id, so the same file can be synced to
//! any gateway. Field names are those of the REST bodies (API Reference) except for references:
//! each `*_id` field becomes a `*_name` field, and `group_id` disappears (the group is the
//! definition's own). Unknown fields are errors, reported with the JSON pointer of the offending
//! key so the caller can show `file:line:col`.

use serde::{Deserialize, Serialize};

use super::acl::AclDef;
use super::api::ApiDef;
use super::authorizer::AuthorizerDef;
use super::environment::EnvironmentDef;
use super::group::ApiGroupDef;
use super::macros::int_enum;
use super::plugin::PluginDef;
use super::response::GroupResponseDef;
use super::throttle::ThrottleDef;
use crate::source::de::NodeDe;
use crate::source::{Node, Pointer};

int_enum! {
    /// Version of the definition file format, the value of the top-level `apigctl` key. It makes
    /// a definition recognisable and lets later formats be told apart.
    pub enum FormatVersion {
        /// The first format.
        V1 = 1,
    }
}

/// A gateway definition: one API group and the objects it uses.
///
/// Keys are written in declaration order: group, environments, authorizers, throttles, ACLs,
/// plug-ins, responses, APIs, then bindings, which is the order objects must exist in on a
/// gateway. Empty lists are omitted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "apigctl gateway definition")]
pub struct Definition {
    /// URI of this file's JSON Schema, for editors; ignored by apigctl.
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Format version; `1`.
    pub apigctl: FormatVersion,
    /// The API group (API Reference 3.1.1).
    pub group: ApiGroupDef,
    /// Environments the group is published in, with the group's variables (API Reference 3.2.1,
    /// 3.3.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<EnvironmentDef>,
    /// Custom authorizers (API Reference 3.15.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizers: Vec<AuthorizerDef>,
    /// Request throttling policies with their excluded configurations (API Reference 3.4.1,
    /// 3.9.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub throttles: Vec<ThrottleDef>,
    /// Access control policies (API Reference 3.13.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acls: Vec<AclDef>,
    /// Plug-ins (API Reference 3.27.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<PluginDef>,
    /// Group responses (API Reference 3.19.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<GroupResponseDef>,
    /// APIs (API Reference 3.5.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<ApiDef>,
    /// Which APIs are published where (API Reference 3.5.4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publications: Vec<Publication>,
    /// Throttling policies bound to published APIs (API Reference 3.8.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub throttle_bindings: Vec<ThrottleBinding>,
    /// Access control policies bound to published APIs (API Reference 3.14.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acl_bindings: Vec<AclBinding>,
    /// Plug-ins bound to published APIs (API Reference 3.27.6).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugin_bindings: Vec<PluginBinding>,
}

/// APIs published in an environment (API Reference 3.5.4, Table 3-240: one `online` action per
/// API).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// Environment name; absent means the environment chosen at sync time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Names of the published APIs.
    pub apis: Vec<String>,
    /// Description of the publication, at most 255 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

/// A throttling policy bound to published APIs (API Reference 3.8.1, Table 3-449). An API has
/// at most one throttling policy per environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThrottleBinding {
    /// Environment name; absent means the environment chosen at sync time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Name of the throttling policy (`strategy_id` in the REST body).
    pub throttle: String,
    /// Names of the APIs.
    pub apis: Vec<String>,
}

/// An access control policy bound to published APIs (API Reference 3.14.1, Table 3-723). An API
/// has at most one access control policy per environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AclBinding {
    /// Environment name; absent means the environment chosen at sync time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Name (`acl_name`) of the access control policy (`acl_id` in the REST body).
    pub acl: String,
    /// Names of the APIs.
    pub apis: Vec<String>,
}

/// A plug-in bound to published APIs (API Reference 3.27.6, Table 3-1573). An API has at most
/// one plug-in of each type per environment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginBinding {
    /// Environment name; absent means the environment chosen at sync time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// Name (`plugin_name`) of the plug-in (`plugin_id` in the REST path).
    pub plugin: String,
    /// Names of the APIs.
    pub apis: Vec<String>,
}

/// Why a JSON value is not a valid definition: the first problem serde met, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {pointer})")]
pub struct DefinitionError {
    /// JSON pointer (RFC 6901) of the offending value or key, `""` for the whole document;
    /// resolve it with [`crate::source::Node::pointer`].
    pub pointer: String,
    /// What is wrong, in serde's words ("unknown field `req_mehtod`, expected one of ...").
    pub message: String,
}

impl Definition {
    /// Reads a definition from a loaded file's tree. A valid definition is read straight from
    /// the tree (a 10,000-API file spent more time in the `serde_json::Value` copy and the
    /// path tracking of [`Definition::from_json`] than in loading); anything else goes through
    /// [`Definition::from_json`], which decides and names the first problem.
    ///
    /// # Errors
    ///
    /// As [`Definition::from_json`].
    pub fn from_node(node: &Node) -> Result<Definition, DefinitionError> {
        Definition::deserialize(NodeDe(node)).or_else(|_| Definition::from_json(node.to_json()))
    }

    /// Reads a definition from a JSON value (typically `Node::to_json` of a loaded file).
    ///
    /// # Errors
    ///
    /// A [`DefinitionError`] naming the first unknown field, missing field, wrong type or
    /// unknown enumeration value, with its JSON pointer.
    pub fn from_json(value: serde_json::Value) -> Result<Definition, DefinitionError> {
        serde_path_to_error::deserialize(value).map_err(|error| {
            let pointer = json_pointer(error.path());
            DefinitionError {
                pointer,
                message: error.into_inner().to_string(),
            }
        })
    }

    /// The definition as a JSON value.
    ///
    /// `serde_json::Value` objects sort their keys; to keep the declared key order, serialise
    /// the definition itself (`serde_json::to_string_pretty(&definition)`).
    pub fn to_json_value(&self) -> serde_json::Value {
        // Serialising can only fail for maps with non-string keys; every map key here is a
        // string or a string enumeration, so failure is impossible whatever the data.
        serde_json::to_value(self).expect("a Definition always serialises to JSON")
    }

    /// The JSON Schema (draft 2020-12) of a definition file, as checked in at
    /// `schema/definition.schema.json`.
    ///
    /// Descriptions come from the doc comments, reflowed (doc-comment line breaks joined,
    /// rustdoc links reduced to their text) so editors show them as prose.
    pub fn json_schema() -> serde_json::Value {
        let mut schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<Definition>()
            .to_value();
        tidy_descriptions(&mut schema);
        schema
    }
}

/// Reflows every `description` in a schema; see [`Definition::json_schema`].
fn tidy_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, member) in map.iter_mut() {
                match member {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = tidy_description(text);
                    }
                    _ => tidy_descriptions(member),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(tidy_descriptions),
        _ => {}
    }
}

/// Joins the lines of each paragraph (keeping `- ` list items on their own lines) and turns
/// rustdoc links (`` [`X`] ``, `` [`X`](path) ``) into plain code spans.
fn tidy_description(text: &str) -> String {
    let text = strip_doc_links(text);
    let mut out = String::with_capacity(text.len());
    for (i, paragraph) in text.split("\n\n").enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        let mut first = true;
        for line in paragraph
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
        {
            if !first {
                out.push(if line.starts_with("- ") { '\n' } else { ' ' });
            }
            out.push_str(line);
            first = false;
        }
    }
    out
}

fn strip_doc_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find("`]") {
            Some(end) => {
                out.push_str(&after[..=end]);
                rest = &after[end + 2..];
                if rest.starts_with('(')
                    && let Some(close) = rest.find(')')
                {
                    rest = &rest[close + 1..];
                }
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Converts a `serde_path_to_error` path to a JSON pointer (`/req_params/1/name`; the path's
/// own display writes indexes as `[1]`).
pub(crate) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;

    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.index(*index),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            // A segment serde could not name (a non-string map key); stop at its parent.
            Segment::Unknown => break,
        };
    }
    pointer.text()
}
