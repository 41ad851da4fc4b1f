//! OpenAPI import (API Reference 3.16.2) and export (3.16.1).
//!
//! Import runs apigctl's own converter (`convert::import`) on the uploaded document and
//! creates the group (`is_create_group`) and its APIs. An API whose method, path and match mode
//! already exist in the group is a conflict, which `api_mode` settles (Table 3-839): `override`
//! updates the existing API, `merge` (the default) retains it and lists the document's API under
//! `ignore` (Table 3-844, "APIs that are not imported"). `extend_mode` concerns extended
//! information only (`x-apigateway-*` policies), which is not imported here, so it is checked
//! and otherwise has no effect. Only APIs are imported: policies declared in the document
//! (`x-apigateway-ratelimits`, ...) are not created.
//!
//! Export reads the group as `apigctl dump` reads a gateway, narrowed to what the request
//! selects (the APIs published in `env_id`, or listed in `apis`, and their bindings in that
//! environment), and writes it with apigctl's own export converter (`convert::export`): one
//! mapping, in one place. For a group published in one environment, the answer is what
//! `apigctl dump --env ENV --oas` writes.

use std::collections::{BTreeMap, HashSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::convert::export::{Define, ExportOptions, to_json_text};
use crate::convert::import::{ImportOptions, import as convert};
use crate::convert::yaml::to_yaml;
use crate::model::{ApiCreate, ApiGroupCreate, ApiGroupDef};
use crate::openapi::{DocumentKind, OasVersion, detect};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Limits, Sources, load_bytes};
use crate::sync::dump::dump;
use crate::sync::live::{Live, Remote, RemoteBinding, RemoteSpecial};
use crate::sync::names::{NameMaps, rest_to_def};

use super::state::{Db, new_id, now};
use super::{ApiError, Reply, Req, apis, validate};

/// The parts of a `multipart/form-data` body: (name, bytes).
fn multipart(content_type: &str, body: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .ok_or_else(|| ApiError::malformed("body", "multipart/form-data without a boundary"))?;
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let rest_trimmed = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(head_end) = find(rest_trimmed, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&rest_trimmed[..head_end]).into_owned();
        let content = &rest_trimmed[head_end + 4..];
        let end = find(content, format!("\r\n{delimiter}").as_bytes()).unwrap_or(content.len());
        let name = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .and_then(|l| {
                l.split(';')
                    .map(str::trim)
                    .find_map(|p| p.strip_prefix("name="))
                    .map(|n| n.trim_matches('"').to_owned())
            })
            .unwrap_or_default();
        parts.push((name, content[..end].to_vec()));
        rest = &content[end..];
    }
    Ok(parts)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Rewrites a definition object's by-name references into the REST form's ids.
fn to_rest(db: &Db, value: &mut Value) -> Result<(), ApiError> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.remove("authorizer_name") {
                let id = db
                    .authorizers
                    .iter()
                    .find(|(_, a)| a.name == name)
                    .map(|(id, _)| id.clone())
                    .ok_or_else(|| {
                        ApiError::new(
                            404,
                            "APIG.3081",
                            format!("authorizer with name: {name} not found"),
                        )
                    })?;
                map.insert("authorizer_id".into(), id.into());
            }
            // Group responses are not emulated.
            map.remove("response_name");
            // A backend's VPC channel must exist (404 APIG.3023, as for an API created
            // through `/apis`).
            if let Some(Value::String(name)) = map.remove("vpc_channel_name") {
                let id = db
                    .vpc_channels
                    .values()
                    .find(|c| c.name == name)
                    .map(|c| c.id.clone())
                    .ok_or_else(|| {
                        ApiError::new(
                            404,
                            "APIG.3023",
                            format!("The VPC channel does not exist,name:{name}"),
                        )
                    })?;
                map.insert("vpc_channel_id".into(), id.into());
            }
            for v in map.values_mut() {
                to_rest(db, v)?;
            }
        }
        Value::Array(items) => {
            for v in items {
                to_rest(db, v)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn flag(parts: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| String::from_utf8_lossy(v).trim().to_owned())
}

/// `POST /openapi/import` (3.16.2): multipart with `file_name` (the document), and
/// `is_create_group`, `group_id`, `extend_mode` and `api_mode` (`merge` | `override`, default
/// `merge`).
pub fn import(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let content_type = req.content_type.clone().unwrap_or_default();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::malformed("body", "expected multipart/form-data"));
    }
    let parts = multipart(&content_type, &req.body)?;
    let file = parts
        .iter()
        .find(|(n, _)| n == "file_name")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| ApiError::missing("file_name"))?;
    if file.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(400, "APIG.3609", "The input file is empty."));
    }
    let create_group = flag(&parts, "is_create_group").is_none_or(|v| v == "true");
    // Both are enumerations (Table 3-839); an unknown value is refused as any other would be.
    let mut override_mode = false;
    for name in ["extend_mode", "api_mode"] {
        match flag(&parts, name).as_deref() {
            None | Some("merge") => {}
            Some("override") => override_mode |= name == "api_mode",
            Some(other) => {
                return Err(ApiError::malformed(
                    name,
                    &format!("{other:?} is not merge or override"),
                ));
            }
        }
    }

    let mut sources = Sources::new();
    let limits = Limits::default();
    let document = load_bytes("import".into(), None, file, &mut sources, &limits)
        .map_err(|e| ApiError::new(400, "APIG.3600", format!("JSON or YAML format error: {e}")))?;
    let mut ws = Workspace::from_parts(sources, document);
    let version = match detect(ws.root()) {
        Ok(DocumentKind::OpenApi(version)) => version,
        _ => {
            return Err(ApiError::new(
                400,
                "APIG.3601",
                "The Swagger file version must be 2.0 (or OpenAPI 3.0 / 3.1).",
            ));
        }
    };
    let mut diagnostics = ws.resolve_refs(&limits, &RefOptions::default());
    let result = convert(&ws, version, &ImportOptions::default());
    diagnostics.extend(result.diagnostics);
    if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(ApiError::new(
            400,
            "APIG.3602",
            format!("Syntax error in the Swagger file: {}", error.message),
        ));
    }
    let definition = result.definition;

    let mut trial = db.clone();
    let group_id = if create_group {
        let group = group_from(&definition.group);
        validate::group(&group)?;
        if trial.groups.values().any(|g| g.name == group.name) {
            return Err(ApiError::exists(
                "APIG.3201",
                format!("The API group name already exists: {}", group.name),
            ));
        }
        let id = new_id();
        let time = now();
        let domain = format!("{id}.apic.emulator.local");
        trial.groups.insert(
            id.clone(),
            ApiGroupCreate {
                id: Some(id.clone()),
                status: Some(1),
                sl_domain: Some(domain.clone()),
                sl_domains: Some(vec![domain]),
                register_time: Some(time.clone()),
                update_time: Some(time),
                version: Some("V1".into()),
                is_default: Some(2),
                sl_domain_access_enabled: Some(true),
                url_domains: Some(Vec::new()),
                ..group
            },
        );
        id
    } else {
        let id = flag(&parts, "group_id")
            .filter(|g| !g.is_empty())
            .ok_or_else(|| ApiError::missing("group_id"))?;
        trial.group(&id)?;
        id
    };

    let mut success = Vec::new();
    let mut failure = Vec::new();
    let mut ignore = Vec::new();
    for def in &definition.apis {
        let method = def.req_method.as_str();
        let path = def.req_uri.clone();
        let outcome = (|| -> Result<Option<(String, &'static str)>, ApiError> {
            let mut value = serde_json::to_value(def).map_err(|_| ApiError::internal())?;
            to_rest(&trial, &mut value)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("group_id".into(), group_id.clone().into());
            }
            let api: ApiCreate = serde_json::from_value(value)
                .map_err(|e| ApiError::malformed("file_name", &e.to_string()))?;
            // A conflict is with an API the group had before this import; two operations of
            // the document on one route are still a failure (APIG.3301) from `insert`.
            match apis::same_route(&trial, &api).filter(|id| db.apis.contains_key(id)) {
                Some(existing) if override_mode => {
                    apis::replace(&mut trial, &existing, api)?;
                    Ok(Some((existing, "update")))
                }
                Some(_) => Ok(None),
                None => {
                    let stored = apis::insert(&mut trial, api)?;
                    Ok(Some((stored.id.unwrap_or_default(), "create")))
                }
            }
        })();
        match outcome {
            Ok(Some((id, action))) => success.push(json!({
                "path": path, "method": method, "action": action, "id": id
            })),
            Ok(None) => ignore.push(json!({"method": method, "path": path})),
            Err(e) => failure.push(json!({
                "path": path, "method": method, "error_code": e.code, "error_msg": e.message
            })),
        }
    }
    *db = trial;
    Reply::json(
        200,
        &json!({
            "success": success,
            "failure": failure,
            "ignore": ignore,
            "swagger": {"id": new_id(), "result": "success"},
            "group_id": group_id,
        }),
    )
}

fn group_from(def: &ApiGroupDef) -> ApiGroupCreate {
    ApiGroupCreate {
        id: None,
        name: def.name.clone(),
        remark: def.remark.clone(),
        roma_app_id: None,
        version: def.version.clone(),
        status: None,
        sl_domain: None,
        register_time: None,
        update_time: None,
        on_sell_status: None,
        url_domains: None,
        sl_domain_access_enabled: None,
        sl_domains: None,
        call_limits: None,
        time_interval: None,
        time_unit: None,
        is_default: None,
        roma_app_name: None,
    }
}

#[derive(Deserialize)]
struct ExportRequest {
    /// Mandatory in Table 3-830, also for `dev`.
    env_id: String,
    group_id: String,
    #[serde(default)]
    define: Option<String>,
    #[serde(rename = "type", default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    apis: Option<Vec<String>>,
}

/// `objects` (by id) in definition form by name, and their names by id.
type Named<'d, D> = (BTreeMap<String, Remote<D>>, BTreeMap<&'d str, String>);

fn named<'d, R: Serialize, D: DeserializeOwned>(
    objects: &'d BTreeMap<String, R>,
    name: impl Fn(&R) -> &str,
    maps: &NameMaps,
) -> Result<Named<'d, D>, String> {
    let mut by_name = BTreeMap::new();
    let mut names = BTreeMap::new();
    for (id, object) in objects {
        let def = rest_to_def(object, maps)?;
        by_name.insert(
            name(object).to_owned(),
            Remote {
                id: id.clone(),
                def,
            },
        );
        names.insert(id.as_str(), name(object).to_owned());
    }
    Ok((by_name, names))
}

/// The group's `selected` APIs, the policies bound to them and the authorizers they name, read
/// the way `apigctl dump` reads a gateway (ids become names). Bindings are those in `env_id`,
/// or in every environment without one.
fn live(
    db: &Db,
    group: &ApiGroupCreate,
    selected: &[&ApiCreate],
    env_id: Option<&str>,
) -> Result<Live, String> {
    let mut live = Live::default();
    live.names.authorizers = db
        .authorizers
        .iter()
        .map(|(id, a)| (a.name.clone(), id.clone()))
        .collect();
    live.names.vpc_channels = db
        .vpc_channels
        .values()
        .map(|c| (c.name.clone(), c.id.clone()))
        .collect();
    (live.authorizers, _) = named(&db.authorizers, |a| &a.name, &live.names)?;
    let throttles;
    (live.throttles, throttles) = named(&db.throttles, |t| &t.name, &live.names)?;
    let acls;
    (live.acls, acls) = named(&db.acls, |a| &a.acl_name, &live.names)?;
    let plugins;
    (live.plugins, plugins) = named(&db.plugins, |p| &p.plugin_name, &live.names)?;
    live.group = Some(Remote {
        id: group.id.clone().unwrap_or_default(),
        def: rest_to_def(group, &live.names)?,
    });
    let mut api_names = BTreeMap::new();
    for api in selected {
        let id = api.id.clone().unwrap_or_default();
        let def = rest_to_def(*api, &live.names)?;
        api_names.insert(id.clone(), api.name.clone());
        live.apis.insert(api.name.clone(), Remote { id, def });
    }
    for special in db.throttle_specials.values() {
        if let Some(throttle) = special
            .throttle_id
            .as_deref()
            .and_then(|t| throttles.get(t))
        {
            let remote = RemoteSpecial::of(special);
            live.specials
                .insert((throttle.clone(), remote.object_id.clone()), remote);
        }
    }
    // A binding is kept when its API is exported and its environment is the one asked for;
    // it is keyed by (environment name, API name) and names its policy.
    let bound = |api: Option<&str>, env: Option<&str>, policy: Option<&String>, id: &str| {
        let (api, env, policy) = (api_names.get(api?)?, env?, policy?);
        if env_id.is_some_and(|wanted| wanted != env) {
            return None;
        }
        let env_name = db.env(env).map_or_else(|_| env.to_owned(), |e| e.name);
        let binding = RemoteBinding {
            policy: policy.clone(),
            id: id.to_owned(),
        };
        Some(((env_name, api.clone()), binding))
    };
    for (id, b) in &db.throttle_bindings {
        let publication = b.publish_id.as_deref().and_then(|p| db.publications.get(p));
        let policy = b.strategy_id.as_deref().and_then(|t| throttles.get(t));
        let (api, env) = (
            publication.map(|p| &*p.api_id),
            publication.map(|p| &*p.env_id),
        );
        live.throttle_bindings.extend(bound(api, env, policy, id));
    }
    for (id, b) in &db.acl_bindings {
        let policy = b.acl_id.as_deref().and_then(|a| acls.get(a));
        live.acl_bindings
            .extend(bound(b.api_id.as_deref(), b.env_id.as_deref(), policy, id));
    }
    for (id, b) in &db.plugin_bindings {
        let policy = b.plugin_id.as_deref().and_then(|p| plugins.get(p));
        if let Some(((env, api), b)) = bound(b.api_id.as_deref(), b.env_id.as_deref(), policy, id) {
            live.plugin_bindings.insert((env, api, b.policy));
        }
    }
    Ok(live)
}

/// `POST /openapi/export?oas_version=2.0|3.0` (3.16.1): the group's APIs (those published in
/// `env_id`, or the listed `apis`) as JSON or YAML, written by apigctl's own export converter
/// from the group read as `apigctl dump` reads it. `define` is `spec` (frontend, the default),
/// `proxy` (and backends), `all` (and the bound policies and authorizers) or `dev` (frontend
/// and backend of every API, published or not).
pub fn export(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let r: ExportRequest = req.json()?;
    let group = db.group(&r.group_id)?;
    let version = match req.q("oas_version") {
        None | Some("2.0") => OasVersion::V2_0,
        Some("3.0") => OasVersion::V3_0,
        Some(_) => return Err(ApiError::invalid("oas_version", "2.0 or 3.0")),
    };
    let (define, dev) = match r.define.as_deref().unwrap_or("spec") {
        "dev" => (Define::Proxy, true),
        other => (
            other
                .parse()
                .map_err(|_| ApiError::invalid("define", "spec, proxy, all or dev"))?,
            false,
        ),
    };
    db.env(&r.env_id)?;
    let env = Some(r.env_id.as_str()).filter(|_| !dev);
    let wanted: Option<HashSet<&str>> = r
        .apis
        .as_ref()
        .filter(|ids| !ids.is_empty())
        .map(|ids| ids.iter().map(String::as_str).collect());
    let selected: Vec<&ApiCreate> = db
        .apis
        .values()
        .filter(|a| a.group_id == r.group_id)
        .filter(|a| {
            wanted
                .as_ref()
                .is_none_or(|ids| a.id.as_deref().is_some_and(|id| ids.contains(id)))
        })
        .filter(|a| {
            env.is_none_or(|env| {
                db.publication_of(a.id.as_deref().unwrap_or(""), env)
                    .is_some()
            })
        })
        .collect();
    let live = live(db, group, &selected, env).map_err(|_| ApiError::internal())?;
    let env_name = env.and_then(|e| db.env(e).ok()).map(|e| e.name);
    let mut definition =
        dump(&live, &group.name, env_name.as_deref()).map_err(|_| ApiError::internal())?;
    definition.group.version = Some(r.version.unwrap_or_else(now));
    let document =
        crate::convert::export::export(&definition, &ExportOptions { version, define }).document;
    match r.format.as_deref().unwrap_or("json") {
        "json" => Ok(Reply {
            status: 200,
            body: to_json_text(&document).into_bytes(),
            content_type: "application/json",
        }),
        "yaml" | "yml" => Ok(Reply {
            status: 200,
            body: to_yaml(&document).into_bytes(),
            content_type: "application/x-yaml",
        }),
        _ => Err(ApiError::invalid("type", "json, yaml or yml")),
    }
}

#[cfg(test)]
mod tests {
    use super::multipart;

    #[test]
    fn multipart_parts_are_split_on_the_boundary() {
        let body = b"--abc\r\nContent-Disposition: form-data; name=\"is_create_group\"\r\n\r\ntrue\r\n--abc\r\nContent-Disposition: form-data; name=\"file_name\"; filename=\"a.yaml\"\r\n\r\nswagger: \"2.0\"\r\n--abc--\r\n";
        let parts = multipart("multipart/form-data; boundary=abc", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], ("is_create_group".to_owned(), b"true".to_vec()));
        assert_eq!(parts[1].0, "file_name");
        assert_eq!(parts[1].1, b"swagger: \"2.0\"".to_vec());
        assert!(multipart("multipart/form-data", body).is_err());
    }
}
