//! OpenAPI import (API Reference 3.16.2) and export (3.16.1).
//!
//! Import runs apigctl's own converter (`convert::import`) on the uploaded document and
//! creates the group (`is_create_group`) and its APIs; an API whose method, path and match mode
//! already exist in the group is updated with `extend_mode: override` and reported as a failure
//! (APIG.3301) otherwise. Only APIs are imported: policies declared in the document
//! (`x-apigateway-ratelimits`, ...) are not created.
//!
//! Export writes a Swagger 2.0 or OpenAPI 3.0 document with the `x-apigateway-*` extensions of
//! each API's frontend, parameters and default backend (enough for the import above to
//! recreate the APIs). It is the emulator's own minimal writer, not the export converter of
//! the export issue, which should replace it when it lands; backend policies, backend
//! parameters and policies are not exported.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::convert::import::{ImportOptions, import as convert};
use crate::model::{ApiCreate, ApiGroupCreate, ApiGroupDef, BackendType, ReqMethod};
use crate::openapi::{DocumentKind, detect};
use crate::source::refs::{RefOptions, Workspace};
use crate::source::{Limits, Sources, load_bytes};

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
            // VPC channels are not emulated: the name stands in for the id.
            if let Some(name) = map.remove("vpc_channel_name") {
                map.insert("vpc_channel_id".into(), name);
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
/// `is_create_group`, `group_id`, `extend_mode` (`merge` | `override`).
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
    let override_mode = flag(&parts, "extend_mode").is_some_and(|v| v == "override");

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
    for def in &definition.apis {
        let method = def.req_method.as_str();
        let path = def.req_uri.clone();
        let outcome = (|| -> Result<(String, &'static str), ApiError> {
            let mut value = serde_json::to_value(def).map_err(|_| ApiError::internal())?;
            to_rest(&trial, &mut value)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("group_id".into(), group_id.clone().into());
            }
            let api: ApiCreate = serde_json::from_value(value)
                .map_err(|e| ApiError::malformed("file_name", &e.to_string()))?;
            match apis::same_route(&trial, &api) {
                Some(existing) if override_mode => {
                    apis::replace(&mut trial, &existing, api)?;
                    Ok((existing, "update"))
                }
                _ => {
                    let stored = apis::insert(&mut trial, api)?;
                    Ok((stored.id.unwrap_or_default(), "create"))
                }
            }
        })();
        match outcome {
            Ok((id, action)) => success.push(json!({
                "path": path, "method": method, "action": action, "id": id
            })),
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
            "ignore": [],
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
    env_id: Option<String>,
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

fn backend(api: &ApiCreate) -> Value {
    let mut b = Map::new();
    match api.backend_type {
        BackendType::Http | BackendType::Grpc => {
            if let Some(web) = &api.backend_api {
                let vpc = web.vpc_channel_info.as_ref();
                let mut endpoint = json!({
                    "scheme": web.req_protocol.as_str().to_ascii_lowercase(),
                    "method": web.req_method.as_str(),
                    "path": web.req_uri,
                    "timeout": web.timeout,
                });
                if let Some(v) = vpc {
                    b.insert("type".into(), "HTTP-VPC".into());
                    endpoint["name"] = v.vpc_channel_id.clone().into();
                    if let Some(host) = &v.vpc_channel_proxy_host {
                        endpoint["host"] = host.clone().into();
                    }
                    b.insert("httpVpcEndpoints".into(), endpoint);
                } else {
                    b.insert("type".into(), "HTTP".into());
                    endpoint["address"] = web.url_domain.clone().unwrap_or_default().into();
                    b.insert("httpEndpoints".into(), endpoint);
                }
            }
        }
        BackendType::Function => {
            b.insert("type".into(), "FUNCTION".into());
            if let Some(f) = &api.func_info {
                let mut endpoint = json!({
                    "function-urn": f.function_urn,
                    "invocation-type": f.invocation_type.as_str(),
                    "network-type": f.network_type.as_str(),
                    "timeout": f.timeout,
                    "version": f.version.clone().unwrap_or_else(|| "latest".into()),
                });
                if let Some(alias) = &f.alias_urn {
                    endpoint["alias-urn"] = alias.clone().into();
                }
                b.insert("functionEndpoints".into(), endpoint);
            }
        }
        BackendType::Mock => {
            b.insert("type".into(), "MOCK".into());
            let content = api
                .mock_info
                .as_ref()
                .and_then(|m| m.result_content.clone())
                .unwrap_or_default();
            b.insert("mockEndpoints".into(), json!({"result-content": content}));
        }
    }
    Value::Object(b)
}

fn operation(api: &ApiCreate, oas3: bool) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), api.name.clone().into());
    if let Some(remark) = &api.remark {
        op.insert("description".into(), remark.clone().into());
    }
    let security = match api.auth_type {
        crate::model::AuthType::App => Some("apig-auth-app"),
        crate::model::AuthType::Iam => Some("apig-auth-iam"),
        _ => None,
    };
    if let Some(s) = security {
        op.insert("security".into(), json!([{ s: [] }]));
    }
    let params: Vec<Value> = api
        .req_params
        .iter()
        .flatten()
        .map(|p| {
            let kind = match p.param_type {
                crate::model::ParamType::Number => "number",
                crate::model::ParamType::String => "string",
            };
            let required = p.location == crate::model::ParamLocation::Path
                || p.required == Some(crate::model::YesNo::Yes);
            let mut v = json!({
                "name": p.name,
                "in": p.location.as_str().to_ascii_lowercase(),
                "required": required,
            });
            if oas3 {
                v["schema"] = json!({"type": kind});
            } else {
                v["type"] = kind.into();
            }
            v
        })
        .collect();
    if !params.is_empty() {
        op.insert("parameters".into(), params.into());
    }
    op.insert(
        "responses".into(),
        json!({"default": {"description": "default response"}}),
    );
    op.insert(
        "x-apigateway-request-type".into(),
        if api.api_type == crate::model::ApiType::Private {
            "private"
        } else {
            "public"
        }
        .into(),
    );
    op.insert(
        "x-apigateway-match-mode".into(),
        api.match_mode.map_or("NORMAL", |m| m.as_str()).into(),
    );
    op.insert("x-apigateway-cors".into(), api.cors.unwrap_or(false).into());
    op.insert("x-apigateway-backend".into(), backend(api));
    Value::Object(op)
}

/// The document for `apis` of `group`, in Swagger 2.0 or OpenAPI 3.0.
fn document(group: &ApiGroupCreate, version: &str, apis: &[&ApiCreate], oas3: bool) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for api in apis {
        let item = paths
            .entry(api.req_uri.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        let key = if api.req_method == ReqMethod::Any {
            "x-apigateway-any-method".to_owned()
        } else {
            api.req_method.as_str().to_ascii_lowercase()
        };
        item[key] = operation(api, oas3);
    }
    let info = json!({"title": group.name, "version": version, "description": group.remark});
    let app = json!({"type": "apiKey", "name": "Authorization", "in": "header",
                     "x-apigateway-auth-type": "AppSigv1"});
    let iam = json!({"type": "apiKey", "name": "unused", "in": "header",
                     "x-apigateway-auth-type": "IAM"});
    if oas3 {
        json!({
            "openapi": "3.0.1",
            "info": info,
            "servers": [{"url": format!("https://{}", group.sl_domain.clone().unwrap_or_default())}],
            "paths": paths,
            "components": {"securitySchemes": {"apig-auth-app": app, "apig-auth-iam": iam}},
        })
    } else {
        json!({
            "swagger": "2.0",
            "info": info,
            "host": group.sl_domain,
            "paths": paths,
            "securityDefinitions": {"apig-auth-app": app, "apig-auth-iam": iam},
        })
    }
}

/// `POST /openapi/export?oas_version=2.0|3.0` (3.16.1): the group's APIs (those published in
/// `env_id` when given, or the listed `apis`) as JSON or YAML.
pub fn export(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let r: ExportRequest = req.json()?;
    let group = db.group(&r.group_id)?;
    let oas3 = match req.q("oas_version") {
        None | Some("2.0") => false,
        Some("3.0") => true,
        Some(_) => return Err(ApiError::invalid("oas_version", "2.0 or 3.0")),
    };
    if let Some(define) = r.define.as_deref()
        && !["spec", "proxy", "all", "dev"].contains(&define)
    {
        return Err(ApiError::invalid("define", "spec, proxy, all or dev"));
    }
    if let Some(env) = &r.env_id {
        db.env(env)?;
    }
    let selected: Vec<&ApiCreate> = db
        .apis
        .values()
        .filter(|a| a.group_id == r.group_id)
        .filter(|a| {
            r.apis
                .as_ref()
                .filter(|ids| !ids.is_empty())
                .is_none_or(|ids| a.id.as_ref().is_some_and(|id| ids.contains(id)))
        })
        .filter(|a| {
            r.env_id.as_deref().is_none_or(|env| {
                db.publication_of(a.id.as_deref().unwrap_or(""), env)
                    .is_some()
            })
        })
        .collect();
    let version = r.version.clone().unwrap_or_else(|| "1.0.0".into());
    let doc = document(group, &version, &selected, oas3);
    match r.format.as_deref().unwrap_or("json") {
        "json" => Ok(Reply {
            status: 200,
            body: serde_json::to_vec_pretty(&doc).map_err(|_| ApiError::internal())?,
            content_type: "application/json",
        }),
        "yaml" | "yml" => {
            // JSON is YAML 1.2: a YAML consumer reads the same document.
            Ok(Reply {
                status: 200,
                body: serde_json::to_vec_pretty(&doc).map_err(|_| ApiError::internal())?,
                content_type: "application/x-yaml",
            })
        }
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
