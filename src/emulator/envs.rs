//! Environments (API Reference 3.2) and environment variables (3.3).

use serde::Deserialize;

use crate::model::{EnvCreate, EnvVariableCreate};

use super::list::{matches_exact, matches_name, page};
use super::state::{Db, RELEASE_ENV_ID, new_id, now};
use super::{ApiError, Reply, Req, validate};

fn check_unique(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .all_envs()
        .iter()
        .any(|e| e.name == name && e.id.as_deref() != except)
    {
        return Err(ApiError::exists(
            "APIG.3205",
            format!("The environment name already exists: {name}"),
        ));
    }
    Ok(())
}

fn builtin(id: &str) -> Result<(), ApiError> {
    if id == RELEASE_ENV_ID {
        return Err(ApiError::forbidden(
            "APIG.1103",
            "No permissions to perform operations on this environment (RELEASE is built in)",
        ));
    }
    Ok(())
}

/// `POST /envs` (3.2.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let e: EnvCreate = req.json()?;
    validate::env(&e)?;
    check_unique(db, &e.name, None)?;
    let id = new_id();
    let env = EnvCreate {
        id: Some(id.clone()),
        name: e.name,
        remark: e.remark,
        create_time: Some(now()),
    };
    db.envs.insert(id, env.clone());
    Reply::json(201, &env)
}

/// `PUT /envs/{env_id}` (3.2.2).
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    db.env(id)?;
    builtin(id)?;
    let e: EnvCreate = req.json()?;
    validate::env(&e)?;
    check_unique(db, &e.name, Some(id))?;
    let env = db.envs.get_mut(id).ok_or_else(ApiError::internal)?;
    env.name = e.name;
    env.remark = e.remark;
    let env = env.clone();
    Reply::json(200, &env)
}

/// `DELETE /envs/{env_id}` (3.2.3): refused while APIs are published in it (APIG.3418).
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    db.env(id)?;
    builtin(id)?;
    if db.publications.values().any(|p| p.env_id == id) {
        return Err(ApiError::forbidden(
            "APIG.3418",
            "The environment contains published APIs",
        ));
    }
    db.envs.remove(id);
    db.variables.retain(|_, v| v.env_id != id);
    Reply::no_content()
}

/// `GET /envs` (3.2.4): filter `name`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<EnvCreate> = db
        .all_envs()
        .into_iter()
        .filter(|e| matches_name(req, "name", &e.name))
        .collect();
    page(req, "envs", items)
}

/// `POST /env-variables` (3.3.1): the group and environment must exist; one variable of a name
/// per group and environment (APIG.3303).
pub fn create_variable(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let v: EnvVariableCreate = req.json()?;
    validate::env_variable(&v)?;
    db.group(&v.group_id)?;
    db.env(&v.env_id)?;
    if db.variables.values().any(|x| {
        x.group_id == v.group_id && x.env_id == v.env_id && x.variable_name == v.variable_name
    }) {
        return Err(ApiError::exists(
            "APIG.3303",
            format!(
                "The environment variable already exists: {}",
                v.variable_name
            ),
        ));
    }
    let id = new_id();
    let variable = EnvVariableCreate {
        id: Some(id.clone()),
        ..v
    };
    db.variables.insert(id, variable.clone());
    Reply::json(201, &variable)
}

#[derive(Deserialize)]
struct VariableValue {
    variable_value: String,
}

fn variable<'d>(db: &'d Db, id: &str) -> Result<&'d EnvVariableCreate, ApiError> {
    db.variables
        .get(id)
        .ok_or_else(|| ApiError::not_found("APIG.3011", "Environment variable", id))
}

/// `PUT /env-variables/{env_variable_id}` (3.3.5): only the value changes.
pub fn update_variable(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = variable(db, id)?.clone();
    let body: VariableValue = req.json()?;
    updated.variable_value = body.variable_value;
    validate::env_variable(&updated)?;
    db.variables.insert(id.to_owned(), updated.clone());
    Reply::json(200, &updated)
}

/// `DELETE /env-variables/{env_variable_id}` (3.3.2).
pub fn delete_variable(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    variable(db, id)?;
    db.variables.remove(id);
    Reply::no_content()
}

/// `GET /env-variables/{env_variable_id}` (3.3.3).
pub fn show_variable(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, variable(db, req.param(0))?)
}

/// `GET /env-variables` (3.3.4): `group_id` is required; filters `env_id`, `variable_name`.
pub fn list_variables(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let group_id = req
        .q("group_id")
        .ok_or_else(|| ApiError::missing("group_id"))?;
    let items: Vec<&EnvVariableCreate> = db
        .variables
        .values()
        .filter(|v| v.group_id == group_id)
        .filter(|v| matches_exact(req, "env_id", Some(&v.env_id)))
        .filter(|v| {
            // `precise_search` says `name` for this list (Table 3-117).
            match req.q("variable_name") {
                None => true,
                Some(w) if req.q("precise_search").is_some() => v.variable_name == w,
                Some(w) => v.variable_name.contains(w),
            }
        })
        .collect();
    page(req, "variables", items)
}
