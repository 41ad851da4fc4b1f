//! Apps (API Reference 3.28), AppCodes and app authorisation (3.10).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::list::{matches_exact, matches_name, page, page_viewed};
use super::policies::unbound_apis;
use super::state::{Db, new_id, now};
use super::{ApiError, Reply, Req, validate};

/// An app (API Reference 3.28.1, Table 3-1734 request body; Table 3-1735 answer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppCreate {
    /// App name: 3 to 64 characters, a letter first, then letters, digits, `_`.
    pub name: String,
    /// Description, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// AppKey, 8 to 64 characters; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_key: Option<String>,
    /// AppSecret, 8 to 64 characters; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_secret: Option<String>,
}

/// A stored app, as answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct App {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Creator: `USER`.
    pub creator: String,
    /// Update time.
    pub update_time: String,
    /// AppKey.
    pub app_key: String,
    /// AppSecret.
    pub app_secret: String,
    /// Registration time.
    pub register_time: String,
    /// Status, `1` = valid.
    pub status: i64,
    /// App type: `apig`.
    pub app_type: String,
}

/// An AppCode of an app (API Reference 3.28.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppCode {
    /// Id.
    pub id: String,
    /// The code.
    pub app_code: String,
    /// App id.
    pub app_id: String,
    /// Creation time.
    pub create_time: String,
}

/// An authorisation of an app to call an API in an environment (API Reference 3.10.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppAuth {
    /// Authorisation id.
    pub id: String,
    /// API id.
    pub api_id: String,
    /// App id.
    pub app_id: String,
    /// Environment id.
    pub env_id: String,
    /// Authorisation time.
    pub auth_time: String,
}

fn app<'d>(db: &'d Db, id: &str) -> Result<&'d App, ApiError> {
    db.apps
        .get(id)
        .ok_or_else(|| ApiError::not_found("APIG.3004", "App", id))
}

fn check_unique(db: &Db, a: &AppCreate, except: Option<&str>) -> Result<(), ApiError> {
    for (id, other) in &db.apps {
        if Some(id.as_str()) == except {
            continue;
        }
        if other.name == a.name {
            return Err(ApiError::exists(
                "APIG.3203",
                format!("The app name already exists: {}", a.name),
            ));
        }
        if a.app_key.as_deref() == Some(other.app_key.as_str()) {
            return Err(ApiError::exists("APIG.3310", "The AppKey already exists"));
        }
    }
    Ok(())
}

/// `POST /apps` (3.28.1): AppKey and AppSecret are generated when not given.
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let a: AppCreate = req.json()?;
    validate::app(&a)?;
    check_unique(db, &a, None)?;
    let id = new_id();
    let time = now();
    let created = App {
        id: id.clone(),
        name: a.name,
        remark: a.remark,
        creator: "USER".to_owned(),
        update_time: time.clone(),
        app_key: a.app_key.unwrap_or_else(new_id),
        app_secret: a.app_secret.unwrap_or_else(new_id),
        register_time: time,
        status: 1,
        app_type: "apig".to_owned(),
    };
    db.apps.insert(id, created.clone());
    Reply::json(201, &created)
}

/// `PUT /apps/{app_id}` (3.28.2).
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = app(db, id)?.clone();
    let a: AppCreate = req.json()?;
    validate::app(&a)?;
    check_unique(db, &a, Some(id))?;
    updated.name = a.name;
    updated.remark = a.remark;
    if let Some(key) = a.app_key {
        updated.app_key = key;
    }
    if let Some(secret) = a.app_secret {
        updated.app_secret = secret;
    }
    updated.update_time = now();
    db.apps.insert(id.to_owned(), updated.clone());
    Reply::json(200, &updated)
}

/// `DELETE /apps/{app_id}` (3.28.3): with its AppCodes, authorisations and excluded
/// throttling configurations.
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    app(db, id)?;
    db.apps.remove(id);
    db.app_codes.retain(|_, c| c.app_id != id);
    db.app_auths.retain(|_, a| a.app_id != id);
    db.throttle_specials.retain(|_, s| {
        !(s.object_type == crate::model::SpecialObjectType::App && s.object_id == id)
    });
    Reply::no_content()
}

/// `GET /apps/{app_id}` (3.28.6).
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, app(db, req.param(0))?)
}

/// `GET /apps/validation/{app_id}` (3.28.5).
pub fn check(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let a = app(db, req.param(0))?;
    Reply::json(
        200,
        &json!({"id": a.id, "name": a.name, "remark": a.remark}),
    )
}

#[derive(Deserialize)]
struct SecretReset {
    #[serde(default)]
    app_secret: Option<String>,
}

/// `PUT /apps/secret/{app_id}` (3.28.4).
pub fn reset_secret(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = app(db, id)?.clone();
    let body: SecretReset = if req.body.is_empty() {
        SecretReset { app_secret: None }
    } else {
        req.json()?
    };
    let secret = body.app_secret.unwrap_or_else(new_id);
    validate::app(&AppCreate {
        name: updated.name.clone(),
        remark: None,
        app_key: None,
        app_secret: Some(secret.clone()),
    })?;
    updated.app_secret = secret;
    updated.update_time = now();
    db.apps.insert(id.to_owned(), updated.clone());
    Reply::json(200, &updated)
}

/// `GET /apps` (3.28.7): filters `id`, `name`, `status`, `app_key`, `creator`,
/// `precise_search`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<&App> = db
        .apps
        .values()
        .filter(|a| matches_exact(req, "id", Some(&a.id)))
        .filter(|a| matches_name(req, "name", &a.name))
        .filter(|a| matches_exact(req, "app_key", Some(&a.app_key)))
        .filter(|a| matches_exact(req, "creator", Some(&a.creator)))
        .filter(|a| req.q("status").is_none_or(|s| s == a.status.to_string()))
        .collect();
    page(req, "apps", items)
}

#[derive(Deserialize)]
struct AppCodeCreate {
    app_code: String,
}

fn add_code(db: &mut Db, app_id: &str, code: String) -> Result<Reply, ApiError> {
    let len = code.chars().count();
    if !(64..=180).contains(&len) {
        return Err(ApiError::invalid("app_code", "64 to 180 characters"));
    }
    let id = new_id();
    let created = AppCode {
        id: id.clone(),
        app_code: code,
        app_id: app_id.to_owned(),
        create_time: now(),
    };
    db.app_codes.insert(id, created.clone());
    Reply::json(201, &created)
}

/// `POST /apps/{app_id}/app-codes` (3.28.8).
pub fn create_code(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let app_id = req.param(0).to_owned();
    app(db, &app_id)?;
    let body: AppCodeCreate = req.json()?;
    add_code(db, &app_id, body.app_code)
}

/// `PUT /apps/{app_id}/app-codes` (3.28.9): a generated AppCode.
pub fn generate_code(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let app_id = req.param(0).to_owned();
    app(db, &app_id)?;
    let code = format!("{}{}", new_id(), new_id());
    add_code(db, &app_id, code)
}

fn code<'d>(db: &'d Db, app_id: &str, id: &str) -> Result<&'d AppCode, ApiError> {
    app(db, app_id)?;
    db.app_codes
        .get(id)
        .filter(|c| c.app_id == app_id)
        .ok_or_else(|| ApiError::not_found("APIG.3082", "AppCode", id))
}

/// `GET /apps/{app_id}/app-codes/{app_code_id}` (3.28.11).
pub fn show_code(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, code(db, req.param(0), req.param(1))?)
}

/// `DELETE /apps/{app_id}/app-codes/{app_code_id}` (3.28.10).
pub fn delete_code(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    code(db, req.param(0), req.param(1))?;
    db.app_codes.remove(req.param(1));
    Reply::no_content()
}

/// `GET /apps/{app_id}/app-codes` (3.28.12).
pub fn list_codes(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let app_id = req.param(0);
    app(db, app_id)?;
    let items: Vec<&AppCode> = db
        .app_codes
        .values()
        .filter(|c| c.app_id == app_id)
        .collect();
    page(req, "app_codes", items)
}

#[derive(Deserialize)]
struct ApiAuthCreate {
    env_id: String,
    app_ids: Vec<String>,
    api_ids: Vec<String>,
}

/// `POST /app-auths` (3.10.1): every app and API must exist and every API be published in the
/// environment; an existing authorisation is reported as `SKIPPED`.
pub fn authorize(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let body: ApiAuthCreate = req.json()?;
    db.env(&body.env_id)?;
    if body.app_ids.is_empty() {
        return Err(ApiError::missing("app_ids"));
    }
    if body.api_ids.is_empty() {
        return Err(ApiError::missing("api_ids"));
    }
    for app_id in &body.app_ids {
        app(db, app_id)?;
    }
    for api_id in &body.api_ids {
        db.api(api_id)?;
        if db.publication_of(api_id, &body.env_id).is_none() {
            return Err(ApiError::new(
                404,
                "APIG.3015",
                format!(
                    "The API publication record does not exist: API {api_id} in environment {}",
                    body.env_id
                ),
            ));
        }
    }
    let time = now();
    let mut auths = Vec::new();
    for api_id in &body.api_ids {
        for app_id in &body.app_ids {
            let existing = db
                .app_auths
                .values()
                .find(|a| &a.api_id == api_id && &a.app_id == app_id && a.env_id == body.env_id)
                .cloned();
            let (record, status) = match existing {
                Some(record) => (record, "SKIPPED"),
                None => {
                    let record = AppAuth {
                        id: new_id(),
                        api_id: api_id.clone(),
                        app_id: app_id.clone(),
                        env_id: body.env_id.clone(),
                        auth_time: time.clone(),
                    };
                    db.app_auths.insert(record.id.clone(), record.clone());
                    (record, "SUCCESS")
                }
            };
            auths.push(json!({
                "id": record.id, "api_id": record.api_id, "app_id": record.app_id,
                "auth_time": record.auth_time, "auth_role": "PROVIDER", "auth_tunnel": "NORMAL",
                "auth_result": {"status": status}
            }));
        }
    }
    Reply::json(201, &json!({ "auths": auths }))
}

/// `DELETE /app-auths/{app_auth_id}` (3.10.2).
pub fn cancel(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    if db.app_auths.remove(id).is_none() {
        return Err(ApiError::not_found(
            "APIG.3009",
            "App authorization record",
            id,
        ));
    }
    Reply::no_content()
}

fn auth_row(db: &Db, a: &AppAuth) -> Value {
    let api = db.apis.get(&a.api_id);
    let app = db.apps.get(&a.app_id);
    let group = api.and_then(|x| db.groups.get(&x.group_id));
    json!({
        "id": a.id,
        "api_id": a.api_id,
        "api_name": api.map(|x| x.name.clone()),
        "group_name": group.map(|g| g.name.clone()),
        "group_id": api.map(|x| x.group_id.clone()),
        "api_type": api.map(|x| x.api_type.value()),
        "api_remark": api.and_then(|x| x.remark.clone()),
        "env_id": a.env_id,
        "env_name": db.env(&a.env_id).map(|e| e.name).ok(),
        "auth_role": "PROVIDER",
        "auth_time": a.auth_time,
        "auth_tunnel": "NORMAL",
        "app_id": a.app_id,
        "app_name": app.map(|x| x.name.clone()),
        "app_remark": app.and_then(|x| x.remark.clone()),
        "app_type": app.map(|x| x.app_type.clone()),
        "app_creator": app.map(|x| x.creator.clone()),
        "publish_id": db.publication_of(&a.api_id, &a.env_id).map(|p| p.publish_id.clone()),
        "req_uri": api.map(|x| x.req_uri.clone()),
        "req_method": api.map(|x| x.req_method.as_str()),
    })
}

/// `GET /app-auths/binded-apps?api_id=` (3.10.5): key `auths`.
pub fn apps_of_api(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.q("api_id").ok_or_else(|| ApiError::missing("api_id"))?;
    db.api(api_id)?;
    let items: Vec<&AppAuth> = db
        .app_auths
        .values()
        .filter(|a| a.api_id == api_id)
        .filter(|a| matches_exact(req, "app_id", Some(&a.app_id)))
        .filter(|a| matches_exact(req, "env_id", Some(&a.env_id)))
        .filter(|a| {
            req.q("app_name")
                .is_none_or(|n| db.apps.get(&a.app_id).is_some_and(|x| x.name.contains(n)))
        })
        .collect();
    page_viewed(req, "auths", items, |a| auth_row(db, a))
}

/// `GET /app-auths/binded-apis?app_id=` (3.10.3): key `auths`.
pub fn apis_of_app(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let app_id = req.q("app_id").ok_or_else(|| ApiError::missing("app_id"))?;
    app(db, app_id)?;
    let items: Vec<&AppAuth> = db
        .app_auths
        .values()
        .filter(|a| a.app_id == app_id)
        .filter(|a| matches_exact(req, "api_id", Some(&a.api_id)))
        .filter(|a| matches_exact(req, "env_id", Some(&a.env_id)))
        .filter(|a| {
            let api = db.apis.get(&a.api_id);
            req.q("api_name")
                .is_none_or(|n| api.is_some_and(|x| x.name.contains(n)))
                && req
                    .q("group_id")
                    .is_none_or(|g| api.is_some_and(|x| x.group_id == g))
        })
        .collect();
    page_viewed(req, "auths", items, |a| auth_row(db, a))
}

/// `GET /app-auths/unbinded-apis?app_id=&env_id=` (3.10.4): published APIs the app may not
/// call yet; key `apis`.
pub fn apis_not_of_app(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let app_id = req.q("app_id").ok_or_else(|| ApiError::missing("app_id"))?;
    app(db, app_id)?;
    let bound = db
        .app_auths
        .values()
        .filter(|a| a.app_id == app_id)
        .map(|a| (a.api_id.as_str(), a.env_id.as_str()))
        .collect();
    unbound_apis(db, req, &bound)
}
