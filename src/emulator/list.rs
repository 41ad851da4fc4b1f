//! List operations: `offset`/`limit` paging and name filters (API Reference 3.1.5, Table 3-37,
//! and the same parameters on every list): `offset` below 0 becomes 0; `limit` at most 0
//! becomes 20, above 500 becomes 500. The answer is `{total, size, <key>: [...]}`.

use serde::Serialize;

use super::{ApiError, Reply, Req};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size.
pub const MAX_LIMIT: usize = 500;

/// The page of `items` the request asks for, answered under `key`.
///
/// # Errors
///
/// APIG.2012 naming `offset` or `limit` when they are not integers.
pub fn page<T: Serialize>(req: &Req, key: &str, items: Vec<T>) -> Result<Reply, ApiError> {
    page_viewed(req, key, items, |item| item)
}

/// [`page`], with each item's answer made by `view` for the items of the page only: making an
/// answer may cost a look through other records (an API's publications), and doing it for
/// every item of every page made listing thousands of APIs quadratic.
///
/// # Errors
///
/// As [`page`].
pub fn page_viewed<T, U: Serialize>(
    req: &Req,
    key: &str,
    items: Vec<T>,
    view: impl FnMut(T) -> U,
) -> Result<Reply, ApiError> {
    let offset = integer(req, "offset")?.unwrap_or(0).max(0) as usize;
    let limit = match integer(req, "limit")? {
        None => DEFAULT_LIMIT,
        Some(n) if n <= 0 => DEFAULT_LIMIT,
        Some(n) => (n as usize).min(MAX_LIMIT),
    };
    let total = items.len();
    let page: Vec<U> = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(view)
        .collect();
    let mut body = serde_json::Map::new();
    body.insert("total".into(), total.into());
    body.insert("size".into(), page.len().into());
    body.insert(
        key.into(),
        serde_json::to_value(page).map_err(|_| ApiError::internal())?,
    );
    Reply::json(200, &body)
}

/// An integer query parameter.
///
/// # Errors
///
/// APIG.2012 naming the parameter when it is not an integer.
pub fn integer(req: &Req, name: &str) -> Result<Option<i64>, ApiError> {
    req.q(name)
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::malformed(name, "not an integer"))
        })
        .transpose()
}

/// Whether `value` passes the `name`-style filter `param`: exact when `precise_search` names
/// `param`, substring otherwise; no filter passes everything.
pub fn matches_name(req: &Req, param: &str, value: &str) -> bool {
    match req.q(param) {
        None => true,
        Some(wanted) => {
            let precise = req
                .q("precise_search")
                .is_some_and(|p| p.split(',').any(|p| p.trim() == param));
            if precise {
                value == wanted
            } else {
                value.contains(wanted)
            }
        }
    }
}

/// Whether `value` equals the filter `param` (no filter passes everything).
pub fn matches_exact(req: &Req, param: &str, value: Option<&str>) -> bool {
    match req.q(param) {
        None => true,
        Some(wanted) => value == Some(wanted),
    }
}
