//! Custom authorizers (API Reference 3.15): create 201, update/show/list 200, delete 204.
//! An authorizer used by an API cannot be deleted; API Reference 5.4 has no dedicated code for
//! that, so the emulator answers 403 APIG.1137 ("no permissions ... on this authorizer").

use crate::model::AuthorizerCreate;

use super::list::{matches_exact, matches_name, page};
use super::state::{Db, new_id, now};
use super::{ApiError, Reply, Req, validate};

fn authorizer<'d>(db: &'d Db, id: &str) -> Result<&'d AuthorizerCreate, ApiError> {
    db.authorizers.get(id).ok_or_else(|| {
        ApiError::new(
            404,
            "APIG.3081",
            format!("authorizer with id: {id} not found"),
        )
    })
}

fn check_name(db: &Db, name: &str, except: Option<&str>) -> Result<(), ApiError> {
    if db
        .authorizers
        .iter()
        .any(|(id, a)| a.name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3211",
            format!("The authorizer name already exists: {name}"),
        ));
    }
    Ok(())
}

/// `POST /authorizers` (3.15.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let mut a: AuthorizerCreate = req.json()?;
    validate::authorizer(&a)?;
    check_name(db, &a.name, None)?;
    let id = new_id();
    a.id = Some(id.clone());
    a.create_time = Some(now());
    db.authorizers.insert(id, a.clone());
    Reply::json(201, &a)
}

/// `PUT /authorizers/{authorizer_id}` (3.15.2): the type cannot change.
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let previous = authorizer(db, id)?.clone();
    let mut a: AuthorizerCreate = req.json()?;
    validate::authorizer(&a)?;
    check_name(db, &a.name, Some(id))?;
    if a.authorizer_kind != previous.authorizer_kind {
        return Err(ApiError::invalid(
            "type",
            "cannot be changed after creation",
        ));
    }
    a.id = previous.id;
    a.create_time = previous.create_time;
    db.authorizers.insert(id.to_owned(), a.clone());
    Reply::json(200, &a)
}

/// `DELETE /authorizers/{authorizer_id}` (3.15.3): refused while an API uses it.
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    authorizer(db, id)?;
    let used = db.apis.values().any(|a| {
        a.authorizer_id.as_deref() == Some(id)
            || a.backend_api
                .as_ref()
                .and_then(|b| b.authorizer_id.as_deref())
                == Some(id)
            || a.func_info
                .as_ref()
                .and_then(|f| f.authorizer_id.as_deref())
                == Some(id)
            || a.mock_info
                .as_ref()
                .and_then(|m| m.authorizer_id.as_deref())
                == Some(id)
    });
    if used {
        return Err(ApiError::forbidden(
            "APIG.1137",
            format!(
                "No permissions to perform operations on this authorizer: {id} is used by APIs"
            ),
        ));
    }
    db.authorizers.remove(id);
    Reply::no_content()
}

/// `GET /authorizers/{authorizer_id}` (3.15.4).
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, authorizer(db, req.param(0))?)
}

/// `GET /authorizers` (3.15.5): filters `id`, `name`, `type`; the list key is
/// `authorizer_list`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let items: Vec<&AuthorizerCreate> = db
        .authorizers
        .values()
        .filter(|a| matches_exact(req, "id", a.id.as_deref()))
        .filter(|a| matches_name(req, "name", &a.name))
        .filter(|a| matches_exact(req, "type", Some(a.authorizer_kind.as_str())))
        .collect();
    page(req, "authorizer_list", items)
}
