//! API groups (API Reference 3.1): create 201, update/show/list 200, delete 204, name check.

use serde::Deserialize;

use crate::model::ApiGroupCreate;

use super::list::{matches_exact, matches_name, page};
use super::state::{Db, new_id, now};
use super::{ApiError, Reply, Req, validate};

fn check_unique(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .groups
        .iter()
        .any(|(id, g)| g.name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3201",
            format!("The API group name already exists: {name}"),
        ));
    }
    Ok(())
}

/// The body of create and update: the request fields only.
fn requested(req: &Req) -> Result<ApiGroupCreate, ApiError> {
    let g: ApiGroupCreate = req.json()?;
    validate::group(&g)?;
    Ok(g)
}

/// `POST /api-groups` (3.1.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let g = requested(req)?;
    check_unique(db, &g.name, None)?;
    let id = new_id();
    let time = now();
    let domain = format!("{id}.apic.emulator.local");
    let group = ApiGroupCreate {
        id: Some(id.clone()),
        name: g.name,
        remark: g.remark,
        roma_app_id: None,
        version: Some(g.version.unwrap_or_else(|| "V1".to_owned())),
        status: Some(1),
        sl_domain: Some(domain.clone()),
        register_time: Some(time.clone()),
        update_time: Some(time),
        on_sell_status: Some(crate::model::OnSellStatus::NotListed),
        url_domains: Some(Vec::new()),
        sl_domain_access_enabled: Some(true),
        sl_domains: Some(vec![domain]),
        call_limits: None,
        time_interval: None,
        time_unit: None,
        is_default: Some(2),
        roma_app_name: None,
    };
    db.groups.insert(id, group.clone());
    Reply::json(201, &group)
}

/// `PUT /api-groups/{group_id}` (3.1.2).
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    db.group(id)?;
    let g = requested(req)?;
    check_unique(db, &g.name, Some(id))?;
    let group = db.groups.get_mut(id).ok_or_else(ApiError::internal)?;
    group.name = g.name;
    group.remark = g.remark;
    group.update_time = Some(now());
    let group = group.clone();
    Reply::json(200, &group)
}

/// `DELETE /api-groups/{group_id}` (3.1.3): refused while the group has APIs (APIG.3415).
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    db.group(id)?;
    if db.apis.values().any(|a| a.group_id == id) {
        return Err(ApiError::forbidden(
            "APIG.3415",
            "The API group cannot be deleted because it contains APIs",
        ));
    }
    db.groups.remove(id);
    db.variables.retain(|_, v| v.group_id != id);
    Reply::no_content()
}

/// `GET /api-groups/{group_id}` (3.1.4).
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, db.group(req.param(0))?)
}

/// `GET /api-groups` (3.1.5): filters `id`, `name`, `precise_search`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<&ApiGroupCreate> = db
        .groups
        .values()
        .filter(|g| matches_exact(req, "id", g.id.as_deref()))
        .filter(|g| matches_name(req, "name", &g.name))
        .collect();
    page(req, "groups", items)
}

#[derive(Deserialize)]
struct GroupCheck {
    group_name: String,
}

/// `POST /api-groups/check` (3.1.6): 200 when the name is free, APIG.3201 when taken.
pub fn check(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let c: GroupCheck = req.json()?;
    check_unique(db, &c.group_name, None)?;
    Reply::json(200, &serde_json::json!({}))
}
