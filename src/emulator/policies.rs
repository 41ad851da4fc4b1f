//! Request throttling policies (API Reference 3.4), their bindings (3.8) and excluded
//! configurations (3.9); access control policies (3.13) and their bindings (3.14).
//!
//! Bindings attach a policy to a publication (an API in an environment); taking the API
//! offline removes them (`Db::remove_publication`).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::model::{
    AclApiBindingCreate, AclApiBindingInfo, AclBindingResult, ApiAclCreate, SpecialObjectType,
    ThrottleApiBinding, ThrottleApiBindingCreate, ThrottleBaseInfo, ThrottleBindingResult,
    ThrottleBindingScope, ThrottleSpecialCreate, ThrottleType, YesNo,
};

use super::list::{matches_exact, matches_name, page, page_viewed};
use super::state::{Db, Publication, new_id, now};
use super::{ApiError, Reply, Req, validate};

/// One published API as the binding lists show it (`ApiForThrottle`, `ApiForAcl`,
/// `ApiForPlugin`, ... share these fields).
pub fn api_row(db: &Db, p: &Publication) -> Map<String, Value> {
    let mut row = Map::new();
    if let Some(api) = db.apis.get(&p.api_id) {
        row.insert("id".into(), p.api_id.clone().into());
        row.insert("name".into(), api.name.clone().into());
        row.insert("group_id".into(), api.group_id.clone().into());
        row.insert(
            "group_name".into(),
            db.groups.get(&api.group_id).map(|g| g.name.clone()).into(),
        );
        row.insert("type".into(), api.api_type.value().into());
        row.insert("remark".into(), api.remark.clone().into());
        row.insert("req_uri".into(), api.req_uri.clone().into());
        row.insert("req_method".into(), api.req_method.as_str().into());
        row.insert("auth_type".into(), api.auth_type.as_str().into());
        row.insert(
            "match_mode".into(),
            api.match_mode.map(|m| m.as_str()).into(),
        );
        row.insert("tags".into(), api.tags.clone().into());
    }
    row.insert("run_env_id".into(), p.env_id.clone().into());
    row.insert(
        "run_env_name".into(),
        db.env(&p.env_id).map(|e| e.name).unwrap_or_default().into(),
    );
    row.insert("publish_id".into(), p.publish_id.clone().into());
    row
}

/// Whether a publication passes the usual binding-list filters (`env_id`, `group_id`,
/// `api_id`, `api_name`).
pub fn publication_matches(db: &Db, req: &Req, p: &Publication) -> bool {
    let Some(api) = db.apis.get(&p.api_id) else {
        return false;
    };
    matches_exact(req, "env_id", Some(&p.env_id))
        && matches_exact(req, "group_id", Some(&api.group_id))
        && matches_exact(req, "api_id", Some(&p.api_id))
        && req.q("api_name").is_none_or(|n| api.name.contains(n))
        && req.q("tags").is_none_or(|t| {
            api.tags
                .as_ref()
                .is_some_and(|tags| tags.iter().any(|x| x == t))
        })
}

/// The published APIs not in `bound` (by API id and environment id), filtered as binding lists
/// filter, under `apis` (the "unbound APIs" lists of throttling, ACL and app bindings). The
/// callers gather `bound` once, and rows are made for the page only: a look through the
/// bindings per publication, or a row for every match, made paging through n APIs cost n
/// squared.
pub fn unbound_apis(db: &Db, req: &Req, bound: &HashSet<(&str, &str)>) -> Result<Reply, ApiError> {
    let items: Vec<&Publication> = db
        .publications
        .values()
        .filter(|p| !bound.contains(&(p.api_id.as_str(), p.env_id.as_str())))
        .filter(|p| publication_matches(db, req, p))
        .collect();
    page_viewed(req, "apis", items, |p| Value::Object(api_row(db, p)))
}

fn required<'r>(req: &'r Req, name: &str) -> Result<&'r str, ApiError> {
    req.q(name).ok_or_else(|| ApiError::missing(name))
}

fn publication<'d>(db: &'d Db, publish_id: &str) -> Result<&'d Publication, ApiError> {
    db.publications.get(publish_id).ok_or_else(|| {
        ApiError::new(
            404,
            "APIG.3015",
            format!("The API publication record does not exist,id:{publish_id}"),
        )
    })
}

#[derive(Serialize)]
struct BatchResult {
    success_count: usize,
    failure: Vec<Value>,
}

// ---------------------------------------------------------------------------------------
// Throttling policies.

fn throttle<'d>(db: &'d Db, id: &str) -> Result<&'d ThrottleBaseInfo, ApiError> {
    db.throttles
        .get(id)
        .ok_or_else(|| ApiError::not_found("APIG.3005", "Request throttling policy", id))
}

fn throttle_view(db: &Db, t: &ThrottleBaseInfo) -> ThrottleBaseInfo {
    let id = t.id.as_deref().unwrap_or("");
    let mut out = t.clone();
    out.bind_num = Some(
        db.throttle_bindings
            .values()
            .filter(|b| b.strategy_id.as_deref() == Some(id))
            .count() as i64,
    );
    out.is_inclu_special_throttle = Some(
        if db
            .throttle_specials
            .values()
            .any(|s| s.throttle_id.as_deref() == Some(id))
        {
            YesNo::Yes
        } else {
            YesNo::No
        },
    );
    out
}

fn check_throttle_name(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .throttles
        .iter()
        .any(|(id, t)| t.name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3204",
            format!("The request throttling policy name already exists: {name}"),
        ));
    }
    Ok(())
}

fn requested_throttle(req: &Req) -> Result<ThrottleBaseInfo, ApiError> {
    let t: ThrottleBaseInfo = req.json()?;
    validate::throttle(&t)?;
    Ok(t)
}

/// `POST /throttles` (3.4.1).
pub fn create_throttle(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let mut t = requested_throttle(req)?;
    check_throttle_name(db, &t.name, None)?;
    let id = new_id();
    t.id = Some(id.clone());
    t.create_time = Some(now());
    t.throttle_type = Some(t.throttle_type.unwrap_or(ThrottleType::ApiBased));
    t.bind_num = None;
    t.is_inclu_special_throttle = None;
    db.throttles.insert(id, t.clone());
    Reply::json(201, &throttle_view(db, &t))
}

/// `PUT /throttles/{throttle_id}` (3.4.2).
pub fn update_throttle(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let previous = throttle(db, id)?.clone();
    let mut t = requested_throttle(req)?;
    check_throttle_name(db, &t.name, Some(id))?;
    t.id = previous.id;
    t.create_time = previous.create_time;
    t.throttle_type = Some(t.throttle_type.unwrap_or(ThrottleType::ApiBased));
    t.bind_num = None;
    t.is_inclu_special_throttle = None;
    db.throttles.insert(id.to_owned(), t.clone());
    Reply::json(200, &throttle_view(db, &t))
}

/// `DELETE /throttles/{throttle_id}` (3.4.3): with its bindings and excluded configurations.
pub fn delete_throttle(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    throttle(db, id)?;
    db.throttles.remove(id);
    db.throttle_bindings
        .retain(|_, b| b.strategy_id.as_deref() != Some(id));
    db.throttle_specials
        .retain(|_, s| s.throttle_id.as_deref() != Some(id));
    Reply::no_content()
}

/// `GET /throttles/{throttle_id}` (3.4.5).
pub fn show_throttle(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, &throttle_view(db, throttle(db, req.param(0))?))
}

/// `GET /throttles` (3.4.4): filters `id`, `name`, `precise_search`.
pub fn list_throttles(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<ThrottleBaseInfo> = db
        .throttles
        .values()
        .filter(|t| matches_exact(req, "id", t.id.as_deref()))
        .filter(|t| matches_name(req, "name", &t.name))
        .map(|t| throttle_view(db, t))
        .collect();
    page(req, "throttles", items)
}

/// `POST /throttles/{throttle_id}/throttle-specials` (3.9.1): an app must exist; one
/// configuration per object (APIG.3308).
pub fn create_special(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let throttle_id = req.param(0).to_owned();
    throttle(db, &throttle_id)?;
    let mut s: ThrottleSpecialCreate = req.json()?;
    validate::throttle_special(&s)?;
    let (object_name, app_name, app_id) = match s.object_type {
        SpecialObjectType::App => {
            let app = db
                .apps
                .get(&s.object_id)
                .ok_or_else(|| ApiError::not_found("APIG.3004", "App", &s.object_id))?;
            (
                app.name.clone(),
                Some(app.name.clone()),
                Some(app.id.clone()),
            )
        }
        SpecialObjectType::User => (s.object_id.clone(), None, None),
    };
    if db.throttle_specials.values().any(|x| {
        x.throttle_id.as_deref() == Some(&throttle_id)
            && x.object_id == s.object_id
            && x.object_type == s.object_type
    }) {
        return Err(ApiError::exists(
            "APIG.3308",
            format!(
                "The excluded request throttling configuration already exists: {}",
                s.object_id
            ),
        ));
    }
    let id = new_id();
    s.id = Some(id.clone());
    s.throttle_id = Some(throttle_id);
    s.object_name = Some(object_name);
    s.app_name = app_name;
    s.app_id = app_id;
    s.apply_time = Some(now());
    db.throttle_specials.insert(id, s.clone());
    Reply::json(201, &s)
}

#[derive(Deserialize)]
struct SpecialUpdate {
    call_limits: i64,
}

fn special<'d>(
    db: &'d Db,
    throttle_id: &str,
    id: &str,
) -> Result<&'d ThrottleSpecialCreate, ApiError> {
    throttle(db, throttle_id)?;
    db.throttle_specials
        .get(id)
        .filter(|s| s.throttle_id.as_deref() == Some(throttle_id))
        .ok_or_else(|| {
            ApiError::not_found("APIG.3013", "Excluded request throttling configuration", id)
        })
}

/// `PUT /throttles/{throttle_id}/throttle-specials/{strategy_id}` (3.9.2).
pub fn update_special(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let mut s = special(db, req.param(0), req.param(1))?.clone();
    let u: SpecialUpdate = req.json()?;
    s.call_limits = u.call_limits;
    validate::throttle_special(&s)?;
    db.throttle_specials
        .insert(req.param(1).to_owned(), s.clone());
    Reply::json(200, &s)
}

/// `DELETE /throttles/{throttle_id}/throttle-specials/{strategy_id}` (3.9.3).
pub fn delete_special(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    special(db, req.param(0), req.param(1))?;
    db.throttle_specials.remove(req.param(1));
    Reply::no_content()
}

/// `GET /throttles/{throttle_id}/throttle-specials` (3.9.4): filters `object_type`,
/// `app_name`, `user`.
pub fn list_specials(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let throttle_id = req.param(0);
    throttle(db, throttle_id)?;
    let items: Vec<&ThrottleSpecialCreate> = db
        .throttle_specials
        .values()
        .filter(|s| s.throttle_id.as_deref() == Some(throttle_id))
        .filter(|s| matches_exact(req, "object_type", Some(s.object_type.as_str())))
        .filter(|s| {
            req.q("app_name")
                .is_none_or(|n| s.app_name.as_deref().is_some_and(|a| a.contains(n)))
        })
        .filter(|s| {
            req.q("user")
                .is_none_or(|n| s.object_type == SpecialObjectType::User && s.object_id.contains(n))
        })
        .collect();
    page(req, "throttle_specials", items)
}

/// `POST /throttle-bindings` (3.8.1): one throttling policy per API and environment
/// (APIG.3309 when the publication already has one).
pub fn bind_throttle(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let b: ThrottleApiBindingCreate = req.json()?;
    throttle(db, &b.strategy_id)?;
    if b.publish_ids.is_empty() {
        return Err(ApiError::missing("publish_ids"));
    }
    for (i, publish_id) in b.publish_ids.iter().enumerate() {
        publication(db, publish_id)?;
        // One throttling policy per API and environment (3.8.1), a publication named twice
        // in one request included.
        if db
            .throttle_bindings
            .values()
            .any(|x| x.publish_id.as_deref() == Some(publish_id))
            || b.publish_ids[..i].contains(publish_id)
        {
            return Err(ApiError::exists(
                "APIG.3309",
                format!(
                    "The operation has already been performed: publication {publish_id} already has a request throttling policy"
                ),
            ));
        }
    }
    let time = now();
    let mut applied = Vec::new();
    for publish_id in b.publish_ids {
        let id = new_id();
        let binding = ThrottleApiBinding {
            id: Some(id.clone()),
            publish_id: Some(publish_id),
            scope: Some(ThrottleBindingScope::Api),
            strategy_id: Some(b.strategy_id.clone()),
            apply_time: Some(time.clone()),
        };
        db.throttle_bindings.insert(id, binding.clone());
        applied.push(binding);
    }
    Reply::json(
        201,
        &ThrottleBindingResult {
            throttle_applys: applied,
        },
    )
}

/// What a missing throttling policy binding is called in the answer.
const THROTTLE_BINDING: (&str, &str) = ("APIG.3012", "Request throttling policy binding record");

/// `DELETE /throttle-bindings/{throttle_binding_id}` (3.8.2).
pub fn unbind_throttle(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    unbind(&mut db.throttle_bindings, req.param(0), THROTTLE_BINDING)?;
    Reply::no_content()
}

#[derive(Deserialize)]
struct ThrottleBindingBatchDelete {
    #[serde(default)]
    throttle_bindings: Vec<String>,
}

/// `PUT /throttle-bindings?action=delete` (3.8.6).
pub fn unbind_throttles(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    delete_action(req)?;
    let b: ThrottleBindingBatchDelete = req.json()?;
    batch_unbind(b.throttle_bindings, |id| {
        unbind(&mut db.throttle_bindings, id, THROTTLE_BINDING)
    })
}

fn delete_action(req: &Req) -> Result<(), ApiError> {
    match req.q("action") {
        Some("delete") => Ok(()),
        Some(_) => Err(ApiError::invalid("action", "must be delete")),
        None => Err(ApiError::missing("action")),
    }
}

/// `GET /throttle-bindings/binded-apis?throttle_id=` (3.8.3).
pub fn throttle_bound_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let throttle_id = required(req, "throttle_id")?;
    let t = throttle(db, throttle_id)?;
    let mut items = Vec::new();
    for b in db
        .throttle_bindings
        .values()
        .filter(|b| b.strategy_id.as_deref() == Some(throttle_id))
    {
        let Some(p) = b
            .publish_id
            .as_deref()
            .and_then(|id| db.publications.get(id))
        else {
            continue;
        };
        if publication_matches(db, req, p) {
            items.push((b, p));
        }
    }
    page_viewed(req, "apis", items, |(b, p)| {
        let mut row = api_row(db, p);
        row.insert("throttle_apply_id".into(), b.id.clone().into());
        row.insert("apply_time".into(), b.apply_time.clone().into());
        row.insert("throttle_name".into(), t.name.clone().into());
        Value::Object(row)
    })
}

/// `GET /throttle-bindings/unbinded-apis?throttle_id=` (3.8.4): published APIs without this
/// policy.
pub fn throttle_unbound_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let throttle_id = required(req, "throttle_id")?;
    throttle(db, throttle_id)?;
    let bound = db
        .throttle_bindings
        .values()
        .filter(|b| b.strategy_id.as_deref() == Some(throttle_id))
        .filter_map(|b| db.publications.get(b.publish_id.as_deref()?))
        .map(|p| (p.api_id.as_str(), p.env_id.as_str()))
        .collect();
    unbound_apis(db, req, &bound)
}

/// `GET /throttle-bindings/binded-throttles?api_id=` (3.8.5).
pub fn throttles_of_api(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = required(req, "api_id")?;
    db.api(api_id)?;
    let mut items = Vec::new();
    for b in db.throttle_bindings.values() {
        let Some(p) = b
            .publish_id
            .as_deref()
            .and_then(|id| db.publications.get(id))
        else {
            continue;
        };
        if p.api_id != api_id || !matches_exact(req, "env_id", Some(&p.env_id)) {
            continue;
        }
        let Some(t) = b.strategy_id.as_deref().and_then(|id| db.throttles.get(id)) else {
            continue;
        };
        if !matches_exact(req, "throttle_id", t.id.as_deref())
            || !req.q("throttle_name").is_none_or(|n| t.name.contains(n))
        {
            continue;
        }
        let mut row = match serde_json::to_value(throttle_view(db, t)) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        row.insert(
            "env_name".into(),
            db.env(&p.env_id).map(|e| e.name).unwrap_or_default().into(),
        );
        row.insert("bind_id".into(), b.id.clone().into());
        row.insert("bind_time".into(), b.apply_time.clone().into());
        items.push(Value::Object(row));
    }
    page(req, "throttles", items)
}

// ---------------------------------------------------------------------------------------
// Access control policies.

fn acl<'d>(db: &'d Db, id: &str) -> Result<&'d ApiAclCreate, ApiError> {
    db.acls
        .get(id)
        .ok_or_else(|| ApiError::not_found("APIG.3006", "Access control policy", id))
}

fn check_acl_name(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .acls
        .iter()
        .any(|(id, a)| a.acl_name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3206",
            format!("The access control policy name already exists: {name}"),
        ));
    }
    Ok(())
}

fn acl_view(db: &Db, a: &ApiAclCreate) -> Value {
    let id = a.id.as_deref().unwrap_or("");
    let mut value = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "bind_num".into(),
            db.acl_bindings
                .values()
                .filter(|b| b.acl_id.as_deref() == Some(id))
                .count()
                .into(),
        );
    }
    value
}

/// `POST /acls` (3.13.1).
pub fn create_acl(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let mut a: ApiAclCreate = req.json()?;
    validate::acl(&a)?;
    check_acl_name(db, &a.acl_name, None)?;
    let id = new_id();
    a.id = Some(id.clone());
    a.update_time = Some(now());
    db.acls.insert(id, a.clone());
    Reply::json(201, &acl_view(db, &a))
}

/// `PUT /acls/{acl_id}` (3.13.2).
pub fn update_acl(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    acl(db, id)?;
    let mut a: ApiAclCreate = req.json()?;
    validate::acl(&a)?;
    check_acl_name(db, &a.acl_name, Some(id))?;
    a.id = Some(id.to_owned());
    a.update_time = Some(now());
    db.acls.insert(id.to_owned(), a.clone());
    Reply::json(200, &acl_view(db, &a))
}

fn acl_deletable(db: &Db, id: &str) -> Result<(), ApiError> {
    acl(db, id)?;
    if db
        .acl_bindings
        .values()
        .any(|b| b.acl_id.as_deref() == Some(id))
    {
        return Err(ApiError::forbidden(
            "APIG.3447",
            "The access control policy cannot be deleted because it has been bound to APIs",
        ));
    }
    Ok(())
}

/// `DELETE /acls/{acl_id}` (3.13.3): refused while bound (APIG.3447).
pub fn delete_acl(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    acl_deletable(db, req.param(0))?;
    db.acls.remove(req.param(0));
    Reply::no_content()
}

#[derive(Deserialize)]
struct AclBatchDelete {
    #[serde(default)]
    acls: Vec<String>,
}

/// `PUT /acls?action=delete` (3.13.4).
pub fn delete_acls(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    delete_action(req)?;
    let b: AclBatchDelete = req.json()?;
    let mut result = BatchResult {
        success_count: 0,
        failure: Vec::new(),
    };
    for id in b.acls {
        match acl_deletable(db, &id) {
            Ok(()) => {
                db.acls.remove(&id);
                result.success_count += 1;
            }
            Err(e) => result
                .failure
                .push(json!({"acl_id": id, "error_code": e.code, "error_msg": e.message})),
        }
    }
    Reply::json(200, &result)
}

/// `GET /acls/{acl_id}` (3.13.5).
pub fn show_acl(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, &acl_view(db, acl(db, req.param(0))?))
}

/// `GET /acls` (3.13.6): filters `id`, `name`, `acl_type`, `entity_type`, `precise_search`.
pub fn list_acls(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<Value> = db
        .acls
        .values()
        .filter(|a| matches_exact(req, "id", a.id.as_deref()))
        .filter(|a| matches_name(req, "name", &a.acl_name))
        .filter(|a| matches_exact(req, "acl_type", Some(a.acl_type.as_str())))
        .filter(|a| matches_exact(req, "entity_type", Some(a.entity_type.as_str())))
        .map(|a| acl_view(db, a))
        .collect();
    page(req, "acls", items)
}

/// `POST /acl-bindings` (3.14.1): an API holds one policy of each type (`PERMIT`, `DENY`) per
/// environment (APIG.3309 otherwise).
pub fn bind_acl(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let b: AclApiBindingCreate = req.json()?;
    let acl_id = b.acl_id.ok_or_else(|| ApiError::missing("acl_id"))?;
    acl(db, &acl_id)?;
    let publish_ids = b
        .publish_ids
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("publish_ids"))?;
    let mut targets = Vec::new();
    for publish_id in &publish_ids {
        let p = publication(db, publish_id)?.clone();
        // One access control policy per API and environment (API Reference 3.14.1).
        let taken = db.acl_bindings.values().any(|x| {
            x.api_id.as_deref() == Some(&p.api_id) && x.env_id.as_deref() == Some(&p.env_id)
        }) || targets
            .iter()
            .any(|t: &Publication| t.publish_id == p.publish_id);
        if taken {
            return Err(ApiError::exists(
                "APIG.3309",
                format!(
                    "The operation has already been performed: API {} already has an access control policy in environment {}",
                    p.api_id, p.env_id
                ),
            ));
        }
        targets.push(p);
    }
    let time = now();
    let mut bindings = Vec::new();
    for p in targets {
        let id = new_id();
        let binding = AclApiBindingInfo {
            id: Some(id.clone()),
            api_id: Some(p.api_id),
            env_id: Some(p.env_id),
            acl_id: Some(acl_id.clone()),
            create_time: Some(time.clone()),
        };
        db.acl_bindings.insert(id, binding.clone());
        bindings.push(binding);
    }
    Reply::json(
        201,
        &AclBindingResult {
            acl_bindings: bindings,
        },
    )
}

/// What a missing access control policy binding is called in the answer.
const ACL_BINDING: (&str, &str) = ("APIG.3010", "Access control policy binding record");

/// `DELETE /acl-bindings/{acl_bindings_id}` (3.14.2).
pub fn unbind_acl(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    unbind(&mut db.acl_bindings, req.param(0), ACL_BINDING)?;
    Reply::no_content()
}

#[derive(Deserialize)]
struct AclBindingBatchDelete {
    #[serde(default)]
    acl_bindings: Vec<String>,
}

/// `PUT /acl-bindings?action=delete` (3.14.3).
pub fn unbind_acls(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    delete_action(req)?;
    let b: AclBindingBatchDelete = req.json()?;
    batch_unbind(b.acl_bindings, |id| {
        unbind(&mut db.acl_bindings, id, ACL_BINDING)
    })
}

/// `GET /acl-bindings/binded-apis?acl_id=` (3.14.4).
pub fn acl_bound_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let acl_id = required(req, "acl_id")?;
    let policy = acl(db, acl_id)?;
    let mut items = Vec::new();
    for b in db
        .acl_bindings
        .values()
        .filter(|b| b.acl_id.as_deref() == Some(acl_id))
    {
        let (Some(api_id), Some(env_id)) = (b.api_id.as_deref(), b.env_id.as_deref()) else {
            continue;
        };
        let Some(p) = db.publication_of(api_id, env_id) else {
            continue;
        };
        if publication_matches(db, req, p) {
            items.push((b, p, api_id, env_id));
        }
    }
    page_viewed(req, "apis", items, |(b, p, api_id, env_id)| {
        let mut row = api_row(db, p);
        // `AclBindApiInfo` (API Reference 3.14.4) names the API and environment fields so.
        let api = db.apis.get(api_id);
        row.insert("api_id".into(), api_id.into());
        row.insert("api_name".into(), api.map(|a| a.name.clone()).into());
        row.insert("api_type".into(), api.map(|a| a.api_type.value()).into());
        row.insert(
            "api_remark".into(),
            api.and_then(|a| a.remark.clone()).into(),
        );
        row.insert("env_id".into(), env_id.into());
        row.insert(
            "env_name".into(),
            db.env(env_id).map(|e| e.name).unwrap_or_default().into(),
        );
        row.insert("acl_id".into(), acl_id.into());
        row.insert("acl_name".into(), policy.acl_name.clone().into());
        row.insert("bind_id".into(), b.id.clone().into());
        row.insert("bind_time".into(), b.create_time.clone().into());
        Value::Object(row)
    })
}

/// `GET /acl-bindings/unbinded-apis?acl_id=` (3.14.5).
pub fn acl_unbound_apis(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let acl_id = required(req, "acl_id")?;
    acl(db, acl_id)?;
    let bound = db
        .acl_bindings
        .values()
        .filter(|b| b.acl_id.as_deref() == Some(acl_id))
        .filter_map(|b| Some((b.api_id.as_deref()?, b.env_id.as_deref()?)))
        .collect();
    unbound_apis(db, req, &bound)
}

/// `GET /acl-bindings/binded-acls?api_id=` (3.14.6).
pub fn acls_of_api(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = required(req, "api_id")?;
    db.api(api_id)?;
    let mut items = Vec::new();
    for b in db
        .acl_bindings
        .values()
        .filter(|b| b.api_id.as_deref() == Some(api_id))
    {
        let Some(policy) = b.acl_id.as_deref().and_then(|id| db.acls.get(id)) else {
            continue;
        };
        let env_id = b.env_id.clone().unwrap_or_default();
        let env_name = db.env(&env_id).map(|e| e.name).unwrap_or_default();
        if !matches_exact(req, "env_id", Some(&env_id))
            || !matches_exact(req, "env_name", Some(&env_name))
            || !matches_exact(req, "acl_id", policy.id.as_deref())
            || !req
                .q("acl_name")
                .is_none_or(|n| policy.acl_name.contains(n))
        {
            continue;
        }
        items.push(json!({
            "acl_id": policy.id,
            "acl_name": policy.acl_name,
            "entity_type": policy.entity_type.as_str(),
            "acl_type": policy.acl_type.as_str(),
            "acl_value": policy.acl_value,
            "env_id": env_id,
            "env_name": env_name,
            "bind_id": b.id,
            "bind_time": b.create_time,
        }));
    }
    page(req, "acls", items)
}

/// Unbinds each of `ids` with `unbind`, answering the batch result: the count of successes and
/// one `{bind_id, error_code, error_msg}` per failure (3.8.6, 3.14.3).
/// Removes the binding `id`; `(code, what)` name a missing one in the answer.
fn unbind<T>(
    bindings: &mut BTreeMap<String, T>,
    id: &str,
    (code, what): (&'static str, &str),
) -> Result<(), ApiError> {
    match bindings.remove(id) {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(code, what, id)),
    }
}

fn batch_unbind(
    ids: Vec<String>,
    mut unbind: impl FnMut(&str) -> Result<(), ApiError>,
) -> Result<Reply, ApiError> {
    let mut result = BatchResult {
        success_count: 0,
        failure: Vec::new(),
    };
    for id in ids {
        match unbind(&id) {
            Ok(()) => result.success_count += 1,
            Err(e) => result
                .failure
                .push(json!({"bind_id": id, "error_code": e.code, "error_msg": e.message})),
        }
    }
    Reply::json(200, &result)
}
