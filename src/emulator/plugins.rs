//! Plug-ins (API Reference 3.27): CRUD, and binding to published APIs per environment, from
//! either side (`/plugins/{id}/attach`, `/apis/{id}/plugins/attach`). An API holds at most one
//! plug-in of each type per environment (binding another replaces it); only published APIs can
//! be bound (APIG.3707).

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::model::{PluginApiAttachInfo, PluginAttachResult, PluginCreate, PluginOperApiInfo};

use super::list::{matches_exact, matches_name, page, page_viewed};
use super::policies::{api_row, publication_matches};
use super::state::{Db, Publication, new_id, now};
use super::{ApiError, Reply, Req, validate};

fn plugin<'d>(db: &'d Db, id: &str) -> Result<&'d PluginCreate, ApiError> {
    db.plugins
        .get(id)
        .ok_or_else(|| ApiError::not_found("APIG.3068", "Plugin", id))
}

fn check_name(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .plugins
        .iter()
        .any(|(id, p)| p.plugin_name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3326",
            format!("The plugin name already exists: {name}"),
        ));
    }
    Ok(())
}

/// `POST /plugins` (3.27.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let mut p: PluginCreate = req.json()?;
    validate::plugin(&p)?;
    check_name(db, &p.plugin_name, None)?;
    let id = new_id();
    let time = now();
    p.plugin_id = Some(id.clone());
    p.create_time = Some(time.clone());
    p.update_time = Some(time);
    db.plugins.insert(id, p.clone());
    Reply::json(201, &p)
}

/// `PUT /plugins/{plugin_id}` (3.27.2): the type cannot change.
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let previous = plugin(db, id)?.clone();
    let mut p: PluginCreate = req.json()?;
    validate::plugin(&p)?;
    check_name(db, &p.plugin_name, Some(id))?;
    if p.plugin_type != previous.plugin_type {
        return Err(ApiError::invalid("plugin_type", "cannot be changed"));
    }
    p.plugin_id = previous.plugin_id;
    p.create_time = previous.create_time;
    p.update_time = Some(now());
    db.plugins.insert(id.to_owned(), p.clone());
    Reply::json(200, &p)
}

/// `DELETE /plugins/{plugin_id}` (3.27.3): with its bindings.
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    plugin(db, id)?;
    // "Before deleting a plug-in, unbind it from all APIs" (3.27.3), with this answer.
    if db
        .plugin_bindings
        .values()
        .any(|b| b.plugin_id.as_deref() == Some(id))
    {
        return Err(ApiError::new(
            409,
            "APIG.3462",
            "The plugin has been attached to the APIs and cannot perform the current operation",
        ));
    }
    db.plugins.remove(id);
    Reply::no_content()
}

/// `GET /plugins/{plugin_id}` (3.27.5).
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, plugin(db, req.param(0))?)
}

/// `GET /plugins` (3.27.4): filters `plugin_type`, `plugin_scope`, `plugin_id`,
/// `plugin_name`, `precise_search`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<&PluginCreate> = db
        .plugins
        .values()
        .filter(|p| matches_exact(req, "plugin_id", p.plugin_id.as_deref()))
        .filter(|p| matches_name(req, "plugin_name", &p.plugin_name))
        .filter(|p| matches_exact(req, "plugin_type", Some(p.plugin_type.as_str())))
        .filter(|p| matches_exact(req, "plugin_scope", Some(p.plugin_scope.as_str())))
        .collect();
    page(req, "plugins", items)
}

/// The binding of `plugin_id` to `api_id` in `env_id`, or why there can be none.
fn attachment(
    db: &Db,
    (plugin_id, api_id): (&str, &str),
    env_id: &str,
    time: &str,
) -> Result<PluginApiAttachInfo, ApiError> {
    let p = plugin(db, plugin_id)?;
    let api = db.api(api_id)?;
    let env = db.env(env_id)?;
    if db.publication_of(api_id, env_id).is_none() {
        return Err(ApiError::new(
            409,
            "APIG.3707",
            format!(
                "Only published APIs can be bound with plug-ins: API {api_id} is not published in {}",
                env.name
            ),
        ));
    }
    Ok(PluginApiAttachInfo {
        plugin_attach_id: Some(new_id()),
        plugin_id: Some(plugin_id.to_owned()),
        plugin_name: Some(p.plugin_name.clone()),
        plugin_type: Some(p.plugin_type),
        plugin_scope: Some(p.plugin_scope),
        env_id: Some(env_id.to_owned()),
        env_name: Some(env.name),
        api_id: Some(api_id.to_owned()),
        api_name: Some(api.name.clone()),
        attached_time: Some(time.to_owned()),
    })
}

/// Validates every pair first so a failing request binds nothing. The store is not copied to
/// try the request: that made each binding cost a copy of every API and version, so binding
/// n APIs one request at a time (as `apigctl sync` does) took time in n squared.
///
/// An API holds one plug-in of each type in an environment: binding another replaces the one
/// it has (API Reference 3.27.6, 3.27.7), and so does a later pair of the same request.
fn attach_all(db: &mut Db, pairs: &[(String, String)], env_id: &str) -> Result<Reply, ApiError> {
    let time = now();
    let mut attached = Vec::with_capacity(pairs.len());
    for (plugin_id, api_id) in pairs {
        attached.push(attachment(db, (plugin_id, api_id), env_id, &time)?);
    }
    for binding in &attached {
        db.plugin_bindings.retain(|_, b| {
            !(b.api_id == binding.api_id
                && b.env_id == binding.env_id
                && b.plugin_type == binding.plugin_type)
        });
        let id = binding.plugin_attach_id.clone().unwrap_or_default();
        db.plugin_bindings.insert(id, binding.clone());
    }
    Reply::json(
        201,
        &PluginAttachResult {
            attached_plugins: attached,
        },
    )
}

/// `POST /plugins/{plugin_id}/attach` (3.27.6).
pub fn attach_apis(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let plugin_id = req.param(0).to_owned();
    plugin(db, &plugin_id)?;
    let body: PluginOperApiInfo = req.json()?;
    if body.api_ids.is_empty() {
        return Err(ApiError::missing("api_ids"));
    }
    let pairs: Vec<(String, String)> = body
        .api_ids
        .iter()
        .map(|a| (plugin_id.clone(), a.clone()))
        .collect();
    attach_all(db, &pairs, &body.env_id)
}

#[derive(Deserialize)]
struct ApiOperPluginInfo {
    env_id: String,
    plugin_ids: Vec<String>,
}

/// `POST /apis/{api_id}/plugins/attach` (3.27.7).
pub fn attach_plugins(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0).to_owned();
    db.api(&api_id)?;
    let body: ApiOperPluginInfo = req.json()?;
    if body.plugin_ids.is_empty() {
        return Err(ApiError::missing("plugin_ids"));
    }
    let pairs: Vec<(String, String)> = body
        .plugin_ids
        .iter()
        .map(|p| (p.clone(), api_id.clone()))
        .collect();
    attach_all(db, &pairs, &body.env_id)
}

/// `PUT /plugins/{plugin_id}/detach` (3.27.8): 204.
pub fn detach_apis(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let plugin_id = req.param(0).to_owned();
    plugin(db, &plugin_id)?;
    let body: PluginOperApiInfo = req.json()?;
    db.env(&body.env_id)?;
    db.plugin_bindings.retain(|_, b| {
        !(b.plugin_id.as_deref() == Some(&plugin_id)
            && b.env_id.as_deref() == Some(&body.env_id)
            && b.api_id.as_ref().is_some_and(|a| body.api_ids.contains(a)))
    });
    Reply::no_content()
}

/// `PUT /apis/{api_id}/plugins/detach` (3.27.9): 204.
pub fn detach_plugins(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0).to_owned();
    db.api(&api_id)?;
    let body: ApiOperPluginInfo = req.json()?;
    db.env(&body.env_id)?;
    db.plugin_bindings.retain(|_, b| {
        !(b.api_id.as_deref() == Some(&api_id)
            && b.env_id.as_deref() == Some(&body.env_id)
            && b.plugin_id
                .as_ref()
                .is_some_and(|p| body.plugin_ids.contains(p)))
    });
    Reply::no_content()
}

/// `GET /plugins/{plugin_id}/attached-apis` (3.27.10): key `apis`.
pub fn attached_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let plugin_id = req.param(0);
    plugin(db, plugin_id)?;
    let mut items = Vec::new();
    for b in db
        .plugin_bindings
        .values()
        .filter(|b| b.plugin_id.as_deref() == Some(plugin_id))
    {
        let (Some(api_id), Some(env_id)) = (b.api_id.as_deref(), b.env_id.as_deref()) else {
            continue;
        };
        let Some(p) = db.publication_of(api_id, env_id) else {
            continue;
        };
        if publication_matches(db, req, p) && api_filters(db, req, api_id) {
            items.push((b, p));
        }
    }
    page_viewed(req, "apis", items, |(b, p)| {
        let mut row = plugin_api_row(db, p);
        row.insert("plugin_attach_id".into(), b.plugin_attach_id.clone().into());
        row.insert("attached_time".into(), b.attached_time.clone().into());
        Value::Object(row)
    })
}

/// A `PluginApiInfo` row (API Reference 3.27.10, Table 3-1611) of a publication: the API's
/// fields under the names that table gives them.
fn plugin_api_row(db: &Db, p: &Publication) -> serde_json::Map<String, Value> {
    let mut row = api_row(db, p);
    let api = db.apis.get(&p.api_id);
    row.insert("api_id".into(), p.api_id.clone().into());
    row.insert("api_name".into(), api.map(|a| a.name.clone()).into());
    row.insert(
        "req_protocol".into(),
        api.map(|a| a.req_protocol.as_str()).into(),
    );
    row.insert("env_id".into(), p.env_id.clone().into());
    row.insert(
        "env_name".into(),
        db.env(&p.env_id).map(|e| e.name).unwrap_or_default().into(),
    );
    row
}

fn api_filters(db: &Db, req: &Req, api_id: &str) -> bool {
    db.apis.get(api_id).is_some_and(|a| {
        matches_exact(req, "req_method", Some(a.req_method.as_str()))
            && req.q("req_uri").is_none_or(|u| a.req_uri.contains(u))
    })
}

/// `GET /plugins/{plugin_id}/attachable-apis?env_id=` (3.27.12): published APIs in the
/// environment without this plug-in.
pub fn attachable_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let plugin_id = req.param(0);
    plugin(db, plugin_id)?;
    let env_id = req.q("env_id").ok_or_else(|| ApiError::missing("env_id"))?;
    let attached: HashSet<&str> = db
        .plugin_bindings
        .values()
        .filter(|b| {
            b.plugin_id.as_deref() == Some(plugin_id) && b.env_id.as_deref() == Some(env_id)
        })
        .filter_map(|b| b.api_id.as_deref())
        .collect();
    let items: Vec<&Publication> = db
        .publications
        .values()
        .filter(|p| p.env_id == env_id && !attached.contains(p.api_id.as_str()))
        .filter(|p| publication_matches(db, req, p) && api_filters(db, req, &p.api_id))
        .collect();
    page_viewed(req, "apis", items, |p| Value::Object(plugin_api_row(db, p)))
}

/// `GET /apis/{api_id}/attached-plugins` (3.27.11): key `plugins`.
pub fn attached_plugins(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0);
    db.api(api_id)?;
    let mut items = Vec::new();
    for b in db
        .plugin_bindings
        .values()
        .filter(|b| b.api_id.as_deref() == Some(api_id))
    {
        let Some(p) = b.plugin_id.as_deref().and_then(|id| db.plugins.get(id)) else {
            continue;
        };
        if !matches_exact(req, "env_id", b.env_id.as_deref())
            || !matches_exact(req, "env_name", b.env_name.as_deref())
            || !matches_exact(req, "plugin_id", p.plugin_id.as_deref())
            || !matches_exact(req, "plugin_type", Some(p.plugin_type.as_str()))
            || !req
                .q("plugin_name")
                .is_none_or(|n| p.plugin_name.contains(n))
        {
            continue;
        }
        let mut row = match serde_json::to_value(p) {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        row.insert("plugin_attach_id".into(), b.plugin_attach_id.clone().into());
        row.insert("env_id".into(), b.env_id.clone().into());
        row.insert("env_name".into(), b.env_name.clone().into());
        row.insert("attached_time".into(), b.attached_time.clone().into());
        items.push(Value::Object(row));
    }
    page(req, "plugins", items)
}

/// `GET /apis/{api_id}/attachable-plugins?env_id=` (3.27.13): plug-ins not yet bound to the
/// API in the environment.
pub fn attachable_plugins(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0);
    db.api(api_id)?;
    let env_id = req.q("env_id").ok_or_else(|| ApiError::missing("env_id"))?;
    let items: Vec<&PluginCreate> = db
        .plugins
        .values()
        .filter(|p| {
            !db.plugin_bindings.values().any(|b| {
                b.plugin_id == p.plugin_id
                    && b.api_id.as_deref() == Some(api_id)
                    && b.env_id.as_deref() == Some(env_id)
            })
        })
        .filter(|p| matches_exact(req, "plugin_id", p.plugin_id.as_deref()))
        .filter(|p| matches_exact(req, "plugin_type", Some(p.plugin_type.as_str())))
        .filter(|p| {
            req.q("plugin_name")
                .is_none_or(|n| p.plugin_name.contains(n))
        })
        .collect();
    page(req, "plugins", items)
}
