//! APIs (API Reference 3.5): create, update, delete, show, list, check, publish and take
//! offline (one and in batch), versions and runtime definitions.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::model::{
    ApiActionInfo, ApiActionResult, ApiCreate, ApiGroupCommonInfo, MatchMode, PublishAction,
    ReqMethod, route_path,
};

use super::list::{integer, matches_exact, matches_name, page, page_viewed};
use super::state::{Db, Publication, Version, new_id, now};
use super::{ApiError, Reply, Req, validate, vpc_channels};

/// Whether two paths are the same route ([`route_path`]).
fn same_path(a: &str, b: &str) -> bool {
    a == b || route_path(a) == route_path(b)
}

fn match_mode(a: &ApiCreate) -> MatchMode {
    a.match_mode.unwrap_or(MatchMode::Normal)
}

/// A group's API route: method, match mode and the path as routes compare.
type RouteKey = (String, ReqMethod, MatchMode, String);

/// Where each group's APIs are, by route and by name, for the conflict checks of creates and
/// updates, which would otherwise look at every API of the instance. Kept by [`insert`],
/// [`replace`] and [`delete`], the only writers of `Db::apis`; not persisted, rebuilt when a
/// state file is loaded. Ids are kept in order, so the first conflicting API is the one a scan
/// of `Db::apis` would find.
#[derive(Clone, Debug, Default)]
pub struct ApiIndex {
    routes: HashMap<RouteKey, BTreeSet<String>>,
    names: HashMap<(String, String), BTreeSet<String>>,
}

impl ApiIndex {
    /// The index of `apis`.
    pub fn of(apis: &BTreeMap<String, ApiCreate>) -> ApiIndex {
        let mut index = ApiIndex::default();
        for (id, api) in apis {
            index.add(id, api);
        }
        index
    }

    fn route(api: &ApiCreate) -> RouteKey {
        (
            api.group_id.clone(),
            api.req_method,
            match_mode(api),
            route_path(&api.req_uri),
        )
    }

    fn add(&mut self, id: &str, api: &ApiCreate) {
        let name = (api.group_id.clone(), api.name.clone());
        self.routes
            .entry(ApiIndex::route(api))
            .or_default()
            .insert(id.to_owned());
        self.names.entry(name).or_default().insert(id.to_owned());
    }

    fn remove(&mut self, id: &str, api: &ApiCreate) {
        let route = ApiIndex::route(api);
        if let Some(ids) = self.routes.get_mut(&route) {
            ids.remove(id);
            if ids.is_empty() {
                self.routes.remove(&route);
            }
        }
        let name = (api.group_id.clone(), api.name.clone());
        if let Some(ids) = self.names.get_mut(&name) {
            ids.remove(id);
            if ids.is_empty() {
                self.names.remove(&name);
            }
        }
    }
}

/// The first id in `ids` other than `except`.
fn other(ids: Option<&BTreeSet<String>>, except: Option<&str>) -> Option<String> {
    ids?.iter().find(|id| Some(id.as_str()) != except).cloned()
}

/// Same method + path + match mode in the group (APIG.3301, checked first, as the import
/// reports it) or duplicate name in the group (APIG.3202).
fn check_conflicts(db: &Db, api: &ApiCreate, except: Option<&str>) -> Result<(), ApiError> {
    if let Some(id) = same_route_except(db, api, except) {
        return Err(ApiError::exists(
            "APIG.3301",
            format!(
                "The API already exists: {} {} ({}) is API {id}",
                api.req_method,
                api.req_uri,
                match_mode(api)
            ),
        ));
    }
    let name = (api.group_id.clone(), api.name.clone());
    if other(db.api_index.names.get(&name), except).is_some() {
        return Err(ApiError::exists(
            "APIG.3202",
            format!("The API name already exists: {}", api.name),
        ));
    }
    Ok(())
}

/// References to other objects must exist.
fn check_references(db: &Db, api: &ApiCreate) -> Result<(), ApiError> {
    db.group(&api.group_id)?;
    let authorizers = std::iter::once(api.authorizer_id.as_deref())
        .chain(std::iter::once(
            api.backend_api
                .as_ref()
                .and_then(|b| b.authorizer_id.as_deref()),
        ))
        .chain(std::iter::once(
            api.func_info
                .as_ref()
                .and_then(|f| f.authorizer_id.as_deref()),
        ))
        .chain(std::iter::once(
            api.mock_info
                .as_ref()
                .and_then(|m| m.authorizer_id.as_deref()),
        ))
        .flatten();
    for id in authorizers {
        if !db.authorizers.contains_key(id) {
            return Err(ApiError::new(
                404,
                "APIG.3081",
                format!("authorizer with id: {id} not found"),
            ));
        }
    }
    // The VPC channels of the backend and of each backend policy (API Reference 5.4: 404
    // APIG.3023, "The VPC channel does not exist").
    if let Some(id) = vpc_channels::channels_of(api).find(|id| !db.vpc_channels.contains_key(*id)) {
        return Err(vpc_channels::not_found(id));
    }
    Ok(())
}

/// Fills in the ids and times the gateway adds, keeping those of `previous` (an update).
fn stamp(mut api: ApiCreate, id: String, previous: Option<&ApiCreate>, db: &Db) -> ApiCreate {
    let time = now();
    api.id = Some(id);
    api.status = Some(1);
    api.arrange_necessary = Some(2);
    api.register_time = previous
        .and_then(|p| p.register_time.clone())
        .or_else(|| Some(time.clone()));
    api.update_time = Some(time.clone());
    api.group_name = db.groups.get(&api.group_id).map(|g| g.name.clone());
    api.group_version = Some("V1".to_owned());
    api.match_mode = Some(match_mode(&api));
    api.cors = Some(api.cors.unwrap_or(false));
    // The three backend objects carry the same id, time and status fields.
    macro_rules! stamp_backend_of {
        ($field:ident) => {
            if let Some(b) = api.$field.as_mut() {
                let old = previous.and_then(|p| p.$field.as_ref());
                stamp_backend(
                    [&mut b.id, &mut b.register_time, &mut b.update_time],
                    &mut b.status,
                    old.map(|o| (o.id.clone(), o.register_time.clone())),
                    &time,
                );
            }
        };
    }
    stamp_backend_of!(backend_api);
    stamp_backend_of!(mock_info);
    stamp_backend_of!(func_info);
    for p in api.req_params.iter_mut().flatten() {
        p.id = Some(new_id());
    }
    for p in api.backend_params.iter_mut().flatten() {
        p.id = Some(new_id());
    }
    for p in api.policy_https.iter_mut().flatten() {
        p.id = Some(new_id());
    }
    for p in api.policy_functions.iter_mut().flatten() {
        p.id = Some(new_id());
    }
    for p in api.policy_mocks.iter_mut().flatten() {
        p.id = Some(new_id());
    }
    api
}

/// Sets a backend's `[id, register_time, update_time]` and status, keeping the id and
/// registration time of the previous backend (`old`) on an update.
fn stamp_backend(
    [id, register_time, update_time]: [&mut Option<String>; 3],
    status: &mut Option<i64>,
    old: Option<(Option<String>, Option<String>)>,
    time: &str,
) {
    let (old_id, old_time) = old.unwrap_or_default();
    *id = old_id.or_else(|| Some(new_id()));
    *register_time = old_time.or_else(|| Some(time.to_owned()));
    *update_time = Some(time.to_owned());
    *status = Some(1);
}

/// The API as answered: with its publications (`run_env_*`, `publish_*`) and group.
pub fn view(db: &Db, api: &ApiCreate) -> ApiCreate {
    let id = api.id.as_deref().unwrap_or("");
    view_published(db, api, &db.publications_of(id))
}

/// [`view`], given the API's publications (a list finds those of all its APIs at once).
fn view_published(db: &Db, api: &ApiCreate, publications: &[&Publication]) -> ApiCreate {
    let mut out = api.clone();
    if !publications.is_empty() {
        let join = |f: &dyn Fn(&Publication) -> String| {
            publications
                .iter()
                .map(|p| f(p))
                .collect::<Vec<_>>()
                .join("|")
        };
        out.run_env_id = Some(join(&|p| p.env_id.clone()));
        out.run_env_name = Some(join(&|p| {
            db.env(&p.env_id).map(|e| e.name).unwrap_or_default()
        }));
        out.publish_id = Some(join(&|p| p.publish_id.clone()));
        out.publish_time = Some(join(&|p| p.publish_time.clone()));
    }
    out.group_name = db.groups.get(&api.group_id).map(|g| g.name.clone());
    out.api_group_info = db.groups.get(&api.group_id).map(|g| ApiGroupCommonInfo {
        id: g.id.clone(),
        name: Some(g.name.clone()),
        status: g.status,
        sl_domain: g.sl_domain.clone(),
        register_time: g.register_time.clone(),
        update_time: g.update_time.clone(),
        on_sell_status: g.on_sell_status,
        url_domains: g.url_domains.clone(),
        sl_domain_access_enabled: g.sl_domain_access_enabled,
    });
    out
}

/// Checks and stores a new API; returns it as stored.
///
/// # Errors
///
/// Constraint violations, unknown references, name or route conflicts.
pub fn insert(db: &mut Db, api: ApiCreate) -> Result<ApiCreate, ApiError> {
    validate::api(&api)?;
    check_references(db, &api)?;
    check_conflicts(db, &api, None)?;
    let id = new_id();
    let api = stamp(api, id.clone(), None, db);
    db.api_index.add(&id, &api);
    db.apis.insert(id, api.clone());
    Ok(api)
}

/// Checks and stores a new definition of the API `id`; returns it as stored.
///
/// # Errors
///
/// Unknown API, constraint violations, unknown references, name or route conflicts.
pub fn replace(db: &mut Db, id: &str, api: ApiCreate) -> Result<ApiCreate, ApiError> {
    let previous = db.api(id)?.clone();
    validate::api(&api)?;
    check_references(db, &api)?;
    check_conflicts(db, &api, Some(id))?;
    let api = stamp(api, id.to_owned(), Some(&previous), db);
    db.api_index.remove(id, &previous);
    db.api_index.add(id, &api);
    db.apis.insert(id.to_owned(), api.clone());
    Ok(api)
}

/// The id of the API of `api`'s group with the same method, path and match mode.
pub fn same_route(db: &Db, api: &ApiCreate) -> Option<String> {
    same_route_except(db, api, None)
}

fn same_route_except(db: &Db, api: &ApiCreate, except: Option<&str>) -> Option<String> {
    other(db.api_index.routes.get(&ApiIndex::route(api)), except)
}

/// `POST /apis` (3.5.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let api = insert(db, req.json()?)?;
    Reply::json(201, &view(db, &api))
}

/// `PUT /apis/{api_id}` (3.5.2).
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0).to_owned();
    db.api(&id)?;
    let api = replace(db, &id, req.json()?)?;
    Reply::json(200, &view(db, &api))
}

/// `DELETE /apis/{api_id}` (3.5.3): also removes its publications, bindings and
/// authorisations.
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    db.api(id)?;
    let publications: Vec<String> = db
        .publications_of(id)
        .into_iter()
        .map(|p| p.publish_id.clone())
        .collect();
    for publish_id in publications {
        db.remove_publication(&publish_id);
    }
    db.versions.retain(|_, v| v.api_id != id);
    db.app_auths.retain(|_, a| a.api_id != id);
    if let Some(api) = db.apis.remove(id) {
        db.api_index.remove(id, &api);
    }
    Reply::no_content()
}

/// `GET /apis/{api_id}` (3.5.5).
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api = db.api(req.param(0))?;
    Reply::json(200, &view(db, api))
}

/// `GET /apis` (3.5.6): filters `id`, `name`, `group_id`, `req_protocol`, `req_method`,
/// `req_uri`, `auth_type`, `env_id`, `type`, `precise_search`, `tags`, `vpc_channel_name` (the
/// APIs whose backend or a backend policy goes through the channel of that name).
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let wanted_type = integer(req, "type")?;
    let published = db.publications_by_api();
    let items: Vec<&ApiCreate> = db
        .apis
        .values()
        .filter(|a| matches_exact(req, "id", a.id.as_deref()))
        .filter(|a| matches_name(req, "name", &a.name))
        .filter(|a| matches_exact(req, "group_id", Some(&a.group_id)))
        .filter(|a| matches_exact(req, "req_protocol", Some(a.req_protocol.as_str())))
        .filter(|a| matches_exact(req, "req_method", Some(a.req_method.as_str())))
        .filter(|a| matches_name(req, "req_uri", &a.req_uri))
        .filter(|a| matches_exact(req, "auth_type", Some(a.auth_type.as_str())))
        .filter(|a| wanted_type.is_none_or(|t| t == i64::from(a.api_type.value())))
        .filter(|a| {
            req.q("env_id").is_none_or(|env| {
                published
                    .get(a.id.as_deref().unwrap_or(""))
                    .is_some_and(|ps| ps.iter().any(|p| p.env_id == env))
            })
        })
        .filter(|a| {
            req.q("vpc_channel_name").is_none_or(|name| {
                vpc_channels::channels_of(a)
                    .any(|id| db.vpc_channels.get(id).is_some_and(|c| c.name == name))
            })
        })
        .filter(|a| {
            req.q("tags").is_none_or(|tag| {
                a.tags
                    .as_ref()
                    .is_some_and(|tags| tags.iter().any(|t| t == tag))
            })
        })
        .collect();
    page_viewed(req, "apis", items, |a| {
        let publications = published.get(a.id.as_deref().unwrap_or(""));
        view_published(db, a, publications.map_or(&[], Vec::as_slice))
    })
}

#[derive(Deserialize)]
struct ApiCheck {
    #[serde(rename = "type")]
    check_type: String,
    name: Option<String>,
    req_method: Option<ReqMethod>,
    req_uri: Option<String>,
    match_mode: Option<MatchMode>,
    group_id: Option<String>,
    api_id: Option<String>,
}

/// `POST /apis/check` (3.5.7): 200 when the name or path is free, APIG.3202 / APIG.3301 when not.
pub fn check(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let c: ApiCheck = req.json()?;
    let others = db.apis.iter().filter(|(id, a)| {
        Some(id.as_str()) != c.api_id.as_deref()
            && c.group_id.as_deref().is_none_or(|g| g == a.group_id)
    });
    match c.check_type.as_str() {
        "name" => {
            let name = c.name.ok_or_else(|| ApiError::missing("name"))?;
            if others.clone().any(|(_, a)| a.name == name) {
                return Err(ApiError::exists(
                    "APIG.3202",
                    format!("The API name already exists: {name}"),
                ));
            }
        }
        "path" => {
            let method = c
                .req_method
                .ok_or_else(|| ApiError::missing("req_method"))?;
            let uri = c.req_uri.ok_or_else(|| ApiError::missing("req_uri"))?;
            let mode = c.match_mode.unwrap_or(MatchMode::Normal);
            if others.clone().any(|(_, a)| {
                a.req_method == method && match_mode(a) == mode && same_path(&a.req_uri, &uri)
            }) {
                return Err(ApiError::exists(
                    "APIG.3301",
                    format!("The API already exists: {method} {uri} ({mode})"),
                ));
            }
        }
        _ => return Err(ApiError::invalid("type", "path or name")),
    }
    Reply::json(200, &serde_json::json!({}))
}

/// Publishes `api_id` in `env_id`: a new version, and the publication record (its id is kept
/// across re-publications so bindings stay attached).
fn publish(
    db: &mut Db,
    api_id: &str,
    env_id: &str,
    remark: Option<String>,
) -> Result<ApiActionResult, ApiError> {
    let api = db.api(api_id)?.clone();
    db.env(env_id)?;
    let time = now();
    let version_id = new_id();
    for v in db.versions.values_mut() {
        if v.api_id == api_id && v.env_id == env_id {
            v.status = 2;
        }
    }
    db.versions.insert(
        version_id.clone(),
        Version {
            version_id: version_id.clone(),
            version_no: time.clone(),
            api_id: api_id.to_owned(),
            env_id: env_id.to_owned(),
            remark: remark.clone(),
            publish_time: time.clone(),
            status: 1,
            api: api.clone(),
        },
    );
    let publish_id = db
        .publication_of(api_id, env_id)
        .map_or_else(new_id, |p| p.publish_id.clone());
    db.insert_publication(Publication {
        publish_id: publish_id.clone(),
        api_id: api_id.to_owned(),
        env_id: env_id.to_owned(),
        remark: remark.clone(),
        publish_time: time.clone(),
        version_id: version_id.clone(),
    });
    Ok(ApiActionResult {
        publish_id: Some(publish_id),
        api_id: Some(api_id.to_owned()),
        api_name: Some(api.name),
        env_id: Some(env_id.to_owned()),
        remark,
        publish_time: Some(time),
        version_id: Some(version_id),
    })
}

/// Takes `api_id` offline in `env_id` (APIG.3015 when it is not published there).
fn offline(db: &mut Db, api_id: &str, env_id: &str) -> Result<ApiActionResult, ApiError> {
    let api = db.api(api_id)?.clone();
    db.env(env_id)?;
    let publication = db.publication_of(api_id, env_id).cloned().ok_or_else(|| {
        ApiError::new(
            404,
            "APIG.3015",
            format!(
                "The API publication record does not exist: API {api_id} in environment {env_id}"
            ),
        )
    })?;
    db.remove_publication(&publication.publish_id);
    Ok(ApiActionResult {
        publish_id: Some(publication.publish_id),
        api_id: Some(api_id.to_owned()),
        api_name: Some(api.name),
        env_id: Some(env_id.to_owned()),
        remark: publication.remark,
        publish_time: Some(publication.publish_time),
        version_id: Some(publication.version_id),
    })
}

/// `POST /apis/action` (3.5.4): 201.
pub fn action(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let a: ApiActionInfo = req.json()?;
    validate::publication(a.remark.as_deref())?;
    let result = match a.action {
        PublishAction::Online => publish(db, &a.api_id, &a.env_id, a.remark)?,
        PublishAction::Offline => offline(db, &a.api_id, &a.env_id)?,
    };
    Reply::json(201, &result)
}

#[derive(Deserialize)]
struct BatchPublish {
    #[serde(default)]
    apis: Option<Vec<String>>,
    env_id: String,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    remark: Option<String>,
}

#[derive(Serialize)]
struct BatchFailure {
    api_id: String,
    api_name: String,
    error_code: String,
    error_msg: String,
}

/// `POST /apis/publish?action=online|offline` (3.5.9): 200 with `success` and `failure`.
pub fn batch(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let action = match req.q("action") {
        Some("online") => PublishAction::Online,
        Some("offline") => PublishAction::Offline,
        Some(_) => return Err(ApiError::invalid("action", "online or offline")),
        None => return Err(ApiError::missing("action")),
    };
    let b: BatchPublish = req.json()?;
    validate::publication(b.remark.as_deref())?;
    db.env(&b.env_id)?;
    let ids: Vec<String> = match (&b.apis, &b.group_id) {
        (Some(apis), _) if !apis.is_empty() => {
            if apis.len() > 1000 {
                return Err(ApiError::invalid("apis", "at most 1000 APIs"));
            }
            apis.clone()
        }
        (_, Some(group)) => {
            db.group(group)?;
            db.apis
                .values()
                .filter(|a| &a.group_id == group)
                .filter_map(|a| a.id.clone())
                .collect()
        }
        _ => return Err(ApiError::missing("apis")),
    };
    let mut success = Vec::new();
    let mut failure = Vec::new();
    for id in ids {
        let outcome = match action {
            PublishAction::Online => publish(db, &id, &b.env_id, b.remark.clone()),
            PublishAction::Offline => offline(db, &id, &b.env_id),
        };
        match outcome {
            Ok(result) => success.push(result),
            Err(e) => failure.push(BatchFailure {
                api_name: db.apis.get(&id).map(|a| a.name.clone()).unwrap_or_default(),
                api_id: id,
                error_code: e.code.to_owned(),
                error_msg: e.message,
            }),
        }
    }
    Reply::json(
        200,
        &serde_json::json!({ "success": success, "failure": failure }),
    )
}

#[derive(Serialize)]
struct VersionResp<'a> {
    version_id: &'a str,
    version_no: &'a str,
    api_id: &'a str,
    env_id: &'a str,
    env_name: String,
    remark: Option<&'a str>,
    publish_time: &'a str,
    status: i64,
}

/// `GET /apis/publish/{api_id}` (3.5.10): filters `env_id`, `env_name`.
pub fn versions(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0);
    db.api(api_id)?;
    let items: Vec<VersionResp<'_>> = db
        .versions
        .values()
        .filter(|v| v.api_id == api_id)
        .filter(|v| matches_exact(req, "env_id", Some(&v.env_id)))
        .map(|v| VersionResp {
            version_id: &v.version_id,
            version_no: &v.version_no,
            api_id: &v.api_id,
            env_id: &v.env_id,
            env_name: db.env(&v.env_id).map(|e| e.name).unwrap_or_default(),
            remark: v.remark.as_deref(),
            publish_time: &v.publish_time,
            status: v.status,
        })
        .filter(|v| matches_exact(req, "env_name", Some(&v.env_name)))
        .collect();
    page(req, "api_versions", items)
}

fn version<'d>(db: &'d Db, id: &str) -> Result<&'d Version, ApiError> {
    db.versions.get(id).ok_or_else(|| {
        ApiError::new(
            404,
            "APIG.3022",
            format!("The API version does not exist,id:{id}"),
        )
    })
}

/// The definition of a version as answered (3.5.13): the API as published plus the version's
/// fields.
fn version_view(db: &Db, v: &Version) -> Result<serde_json::Value, ApiError> {
    let mut value = serde_json::to_value(view(db, &v.api)).map_err(|_| ApiError::internal())?;
    if let Some(map) = value.as_object_mut() {
        map.insert("version_id".into(), v.version_id.clone().into());
        map.insert("env_id".into(), v.env_id.clone().into());
        map.insert(
            "env_name".into(),
            db.env(&v.env_id).map(|e| e.name).unwrap_or_default().into(),
        );
        map.insert("publish_time".into(), v.publish_time.clone().into());
        map.insert(
            "sl_domain".into(),
            db.groups
                .get(&v.api.group_id)
                .and_then(|g| g.sl_domain.clone())
                .into(),
        );
    }
    Ok(value)
}

#[derive(Deserialize)]
struct VersionSwitch {
    version_id: String,
}

/// `PUT /apis/publish/{api_id}` (3.5.11): makes another version of the API current in its
/// environment.
pub fn switch_version(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0).to_owned();
    db.api(&api_id)?;
    let s: VersionSwitch = req.json()?;
    let target = version(db, &s.version_id)?.clone();
    if target.api_id != api_id {
        return Err(ApiError::invalid("version_id", "a version of another API"));
    }
    for v in db.versions.values_mut() {
        if v.api_id == api_id && v.env_id == target.env_id {
            v.status = if v.version_id == target.version_id {
                1
            } else {
                2
            };
        }
    }
    let time = now();
    let publish_id = db
        .publication_of(&api_id, &target.env_id)
        .map_or_else(new_id, |p| p.publish_id.clone());
    db.insert_publication(Publication {
        publish_id: publish_id.clone(),
        api_id: api_id.clone(),
        env_id: target.env_id.clone(),
        remark: target.remark.clone(),
        publish_time: time.clone(),
        version_id: target.version_id.clone(),
    });
    Reply::json(
        200,
        &ApiActionResult {
            publish_id: Some(publish_id),
            api_id: Some(api_id),
            api_name: Some(target.api.name.clone()),
            env_id: Some(target.env_id.clone()),
            remark: target.remark.clone(),
            publish_time: Some(time),
            version_id: Some(target.version_id),
        },
    )
}

/// `GET /apis/versions/{version_id}` (3.5.13).
pub fn version_detail(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let v = version(db, req.param(0))?;
    Reply::json(200, &version_view(db, v)?)
}

/// `DELETE /apis/versions/{version_id}` (3.5.14): takes the version offline; when it is the
/// current one, the API goes offline in that environment.
pub fn delete_version(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let v = version(db, req.param(0))?.clone();
    if let Some(p) = db.publication_of(&v.api_id, &v.env_id).cloned()
        && p.version_id == v.version_id
    {
        db.remove_publication(&p.publish_id);
    }
    db.versions.remove(&v.version_id);
    Reply::no_content()
}

/// `GET /apis/runtime/{api_id}?env_id=` (3.5.12): the definition in effect in the environment
/// (`RELEASE` by default).
pub fn runtime(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let api_id = req.param(0);
    db.api(api_id)?;
    let env_id = req.q("env_id").unwrap_or(super::state::RELEASE_ENV_ID);
    db.env(env_id)?;
    let p = db.publication_of(api_id, env_id).ok_or_else(|| {
        ApiError::new(
            404,
            "APIG.3015",
            format!(
                "The API publication record does not exist: API {api_id} in environment {env_id}"
            ),
        )
    })?;
    let v = version(db, &p.version_id)?;
    Reply::json(200, &version_view(db, v)?)
}

#[cfg(test)]
mod tests {
    use super::same_path;

    #[test]
    fn path_parameter_names_do_not_distinguish_routes() {
        assert!(same_path("/a/{x}/b", "/a/{y}/b"));
        assert!(same_path("/a/{x+}", "/a/{rest+}"));
        // Paths are case-sensitive, and a greedy variable matches more than a plain one.
        assert!(!same_path("/A/{x}", "/a/{x}"));
        assert!(!same_path("/a/{x+}", "/a/{x}"));
        assert!(!same_path("/a/{x}", "/a/x"));
        assert!(!same_path("/a/{x}", "/a/{x}/b"));
    }
}
