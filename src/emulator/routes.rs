//! The router: `(method, path segments after /v2/{project_id}/apigw/instances/{instance_id})`
//! to an operation. Arms are tried in order and every literal path is listed before the
//! capture beside it (`/apis/action` before `/apis/{api_id}`, `/acl-bindings/binded-acls`
//! before `/acl-bindings/{id}`, ...), so literal segments always win over id captures.

use super::{Op, apis, envs, groups};

type Route = (Op, &'static str, Vec<String>);

fn read(f: super::ReadFn, template: &'static str, params: &[&str]) -> Option<Route> {
    Some((
        Op::Read(f),
        template,
        params.iter().map(|s| (*s).to_owned()).collect(),
    ))
}

fn write(f: super::WriteFn, template: &'static str, params: &[&str]) -> Option<Route> {
    Some((
        Op::Write(f),
        template,
        params.iter().map(|s| (*s).to_owned()).collect(),
    ))
}

/// The operation for `method` on `segments`, its template (for the stats) and its captures.
pub fn route(method: &str, segments: &[&str]) -> Option<Route> {
    match (method, segments) {
        // API groups (3.1).
        ("POST", ["api-groups", "check"]) => read(groups::check, "/api-groups/check", &[]),
        ("POST", ["api-groups"]) => write(groups::create, "/api-groups", &[]),
        ("GET", ["api-groups"]) => read(groups::list, "/api-groups", &[]),
        ("GET", ["api-groups", id]) => read(groups::show, "/api-groups/{group_id}", &[id]),
        ("PUT", ["api-groups", id]) => write(groups::update, "/api-groups/{group_id}", &[id]),
        ("DELETE", ["api-groups", id]) => write(groups::delete, "/api-groups/{group_id}", &[id]),

        // Environments (3.2) and variables (3.3).
        ("POST", ["envs"]) => write(envs::create, "/envs", &[]),
        ("GET", ["envs"]) => read(envs::list, "/envs", &[]),
        ("PUT", ["envs", id]) => write(envs::update, "/envs/{env_id}", &[id]),
        ("DELETE", ["envs", id]) => write(envs::delete, "/envs/{env_id}", &[id]),
        ("POST", ["env-variables"]) => write(envs::create_variable, "/env-variables", &[]),
        ("GET", ["env-variables"]) => read(envs::list_variables, "/env-variables", &[]),
        ("GET", ["env-variables", id]) => read(
            envs::show_variable,
            "/env-variables/{env_variable_id}",
            &[id],
        ),
        ("PUT", ["env-variables", id]) => write(
            envs::update_variable,
            "/env-variables/{env_variable_id}",
            &[id],
        ),
        ("DELETE", ["env-variables", id]) => write(
            envs::delete_variable,
            "/env-variables/{env_variable_id}",
            &[id],
        ),

        // APIs (3.5): literals first.
        ("POST", ["apis", "check"]) => read(apis::check, "/apis/check", &[]),
        ("POST", ["apis", "action"]) => write(apis::action, "/apis/action", &[]),
        ("POST", ["apis", "publish"]) => write(apis::batch, "/apis/publish", &[]),
        ("GET", ["apis", "publish", id]) => read(apis::versions, "/apis/publish/{api_id}", &[id]),
        ("PUT", ["apis", "publish", id]) => {
            write(apis::switch_version, "/apis/publish/{api_id}", &[id])
        }
        ("GET", ["apis", "versions", id]) => {
            read(apis::version_detail, "/apis/versions/{version_id}", &[id])
        }
        ("DELETE", ["apis", "versions", id]) => {
            write(apis::delete_version, "/apis/versions/{version_id}", &[id])
        }
        ("GET", ["apis", "runtime", id]) => read(apis::runtime, "/apis/runtime/{api_id}", &[id]),
        ("POST", ["apis"]) => write(apis::create, "/apis", &[]),
        ("GET", ["apis"]) => read(apis::list, "/apis", &[]),
        ("GET", ["apis", id]) => read(apis::show, "/apis/{api_id}", &[id]),
        ("PUT", ["apis", id]) => write(apis::update, "/apis/{api_id}", &[id]),
        ("DELETE", ["apis", id]) => write(apis::delete, "/apis/{api_id}", &[id]),

        _ => None,
    }
}
