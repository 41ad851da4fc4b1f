//! The router: `(method, path segments after /v2/{project_id}/apigw/instances/{instance_id})`
//! to an operation. Arms are tried in order and every literal path is listed before the
//! capture beside it (`/apis/action` before `/apis/{api_id}`, `/acl-bindings/binded-acls`
//! before `/acl-bindings/{id}`, ...), so literal segments always win over id captures.

use super::{Op, apis, apps, authorizers, envs, groups, openapi, plugins, policies, vpc_channels};

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
        ("POST", ["apis", id, "plugins", "attach"]) => write(
            plugins::attach_plugins,
            "/apis/{api_id}/plugins/attach",
            &[id],
        ),
        ("PUT", ["apis", id, "plugins", "detach"]) => write(
            plugins::detach_plugins,
            "/apis/{api_id}/plugins/detach",
            &[id],
        ),
        ("GET", ["apis", id, "attached-plugins"]) => read(
            plugins::attached_plugins,
            "/apis/{api_id}/attached-plugins",
            &[id],
        ),
        ("GET", ["apis", id, "attachable-plugins"]) => read(
            plugins::attachable_plugins,
            "/apis/{api_id}/attachable-plugins",
            &[id],
        ),
        ("POST", ["apis"]) => write(apis::create, "/apis", &[]),
        ("GET", ["apis"]) => read(apis::list, "/apis", &[]),
        ("GET", ["apis", id]) => read(apis::show, "/apis/{api_id}", &[id]),
        ("PUT", ["apis", id]) => write(apis::update, "/apis/{api_id}", &[id]),
        ("DELETE", ["apis", id]) => write(apis::delete, "/apis/{api_id}", &[id]),

        // Request throttling policies (3.4), excluded configurations (3.9), bindings (3.8).
        ("POST", ["throttles"]) => write(policies::create_throttle, "/throttles", &[]),
        ("GET", ["throttles"]) => read(policies::list_throttles, "/throttles", &[]),
        ("GET", ["throttles", id]) => {
            read(policies::show_throttle, "/throttles/{throttle_id}", &[id])
        }
        ("PUT", ["throttles", id]) => {
            write(policies::update_throttle, "/throttles/{throttle_id}", &[id])
        }
        ("DELETE", ["throttles", id]) => {
            write(policies::delete_throttle, "/throttles/{throttle_id}", &[id])
        }
        ("POST", ["throttles", id, "throttle-specials"]) => write(
            policies::create_special,
            "/throttles/{throttle_id}/throttle-specials",
            &[id],
        ),
        ("GET", ["throttles", id, "throttle-specials"]) => read(
            policies::list_specials,
            "/throttles/{throttle_id}/throttle-specials",
            &[id],
        ),
        ("PUT", ["throttles", id, "throttle-specials", sid]) => write(
            policies::update_special,
            "/throttles/{throttle_id}/throttle-specials/{strategy_id}",
            &[id, sid],
        ),
        ("DELETE", ["throttles", id, "throttle-specials", sid]) => write(
            policies::delete_special,
            "/throttles/{throttle_id}/throttle-specials/{strategy_id}",
            &[id, sid],
        ),
        ("GET", ["throttle-bindings", "binded-apis"]) => read(
            policies::throttle_bound_apis,
            "/throttle-bindings/binded-apis",
            &[],
        ),
        ("GET", ["throttle-bindings", "unbinded-apis"]) => read(
            policies::throttle_unbound_apis,
            "/throttle-bindings/unbinded-apis",
            &[],
        ),
        ("GET", ["throttle-bindings", "binded-throttles"]) => read(
            policies::throttles_of_api,
            "/throttle-bindings/binded-throttles",
            &[],
        ),
        ("POST", ["throttle-bindings"]) => {
            write(policies::bind_throttle, "/throttle-bindings", &[])
        }
        ("PUT", ["throttle-bindings"]) => {
            write(policies::unbind_throttles, "/throttle-bindings", &[])
        }
        ("DELETE", ["throttle-bindings", id]) => write(
            policies::unbind_throttle,
            "/throttle-bindings/{throttle_binding_id}",
            &[id],
        ),

        // Access control policies (3.13) and bindings (3.14).
        ("POST", ["acls"]) => write(policies::create_acl, "/acls", &[]),
        ("GET", ["acls"]) => read(policies::list_acls, "/acls", &[]),
        ("PUT", ["acls"]) => write(policies::delete_acls, "/acls", &[]),
        ("GET", ["acls", id]) => read(policies::show_acl, "/acls/{acl_id}", &[id]),
        ("PUT", ["acls", id]) => write(policies::update_acl, "/acls/{acl_id}", &[id]),
        ("DELETE", ["acls", id]) => write(policies::delete_acl, "/acls/{acl_id}", &[id]),
        ("GET", ["acl-bindings", "binded-acls"]) => {
            read(policies::acls_of_api, "/acl-bindings/binded-acls", &[])
        }
        ("GET", ["acl-bindings", "binded-apis"]) => {
            read(policies::acl_bound_apis, "/acl-bindings/binded-apis", &[])
        }
        ("GET", ["acl-bindings", "unbinded-apis"]) => read(
            policies::acl_unbound_apis,
            "/acl-bindings/unbinded-apis",
            &[],
        ),
        ("POST", ["acl-bindings"]) => write(policies::bind_acl, "/acl-bindings", &[]),
        ("PUT", ["acl-bindings"]) => write(policies::unbind_acls, "/acl-bindings", &[]),
        ("DELETE", ["acl-bindings", id]) => write(
            policies::unbind_acl,
            "/acl-bindings/{acl_bindings_id}",
            &[id],
        ),

        // Custom authorizers (3.15).
        ("POST", ["authorizers"]) => write(authorizers::create, "/authorizers", &[]),
        ("GET", ["authorizers"]) => read(authorizers::list, "/authorizers", &[]),
        ("GET", ["authorizers", id]) => {
            read(authorizers::show, "/authorizers/{authorizer_id}", &[id])
        }
        ("PUT", ["authorizers", id]) => {
            write(authorizers::update, "/authorizers/{authorizer_id}", &[id])
        }
        ("DELETE", ["authorizers", id]) => {
            write(authorizers::delete, "/authorizers/{authorizer_id}", &[id])
        }

        // Plug-ins (3.27).
        ("POST", ["plugins"]) => write(plugins::create, "/plugins", &[]),
        ("GET", ["plugins"]) => read(plugins::list, "/plugins", &[]),
        ("GET", ["plugins", id]) => read(plugins::show, "/plugins/{plugin_id}", &[id]),
        ("PUT", ["plugins", id]) => write(plugins::update, "/plugins/{plugin_id}", &[id]),
        ("DELETE", ["plugins", id]) => write(plugins::delete, "/plugins/{plugin_id}", &[id]),
        ("POST", ["plugins", id, "attach"]) => {
            write(plugins::attach_apis, "/plugins/{plugin_id}/attach", &[id])
        }
        ("PUT", ["plugins", id, "detach"]) => {
            write(plugins::detach_apis, "/plugins/{plugin_id}/detach", &[id])
        }
        ("GET", ["plugins", id, "attached-apis"]) => read(
            plugins::attached_apis,
            "/plugins/{plugin_id}/attached-apis",
            &[id],
        ),
        ("GET", ["plugins", id, "attachable-apis"]) => read(
            plugins::attachable_apis,
            "/plugins/{plugin_id}/attachable-apis",
            &[id],
        ),

        // Apps (3.28), AppCodes, app authorisation (3.10).
        ("GET", ["apps", "validation", id]) => {
            read(apps::check, "/apps/validation/{app_id}", &[id])
        }
        ("PUT", ["apps", "secret", id]) => {
            write(apps::reset_secret, "/apps/secret/{app_id}", &[id])
        }
        ("POST", ["apps"]) => write(apps::create, "/apps", &[]),
        ("GET", ["apps"]) => read(apps::list, "/apps", &[]),
        ("GET", ["apps", id]) => read(apps::show, "/apps/{app_id}", &[id]),
        ("PUT", ["apps", id]) => write(apps::update, "/apps/{app_id}", &[id]),
        ("DELETE", ["apps", id]) => write(apps::delete, "/apps/{app_id}", &[id]),
        ("POST", ["apps", id, "app-codes"]) => {
            write(apps::create_code, "/apps/{app_id}/app-codes", &[id])
        }
        ("PUT", ["apps", id, "app-codes"]) => {
            write(apps::generate_code, "/apps/{app_id}/app-codes", &[id])
        }
        ("GET", ["apps", id, "app-codes"]) => {
            read(apps::list_codes, "/apps/{app_id}/app-codes", &[id])
        }
        ("GET", ["apps", id, "app-codes", code]) => read(
            apps::show_code,
            "/apps/{app_id}/app-codes/{app_code_id}",
            &[id, code],
        ),
        ("DELETE", ["apps", id, "app-codes", code]) => write(
            apps::delete_code,
            "/apps/{app_id}/app-codes/{app_code_id}",
            &[id, code],
        ),
        ("GET", ["app-auths", "binded-apps"]) => {
            read(apps::apps_of_api, "/app-auths/binded-apps", &[])
        }
        ("GET", ["app-auths", "binded-apis"]) => {
            read(apps::apis_of_app, "/app-auths/binded-apis", &[])
        }
        ("GET", ["app-auths", "unbinded-apis"]) => {
            read(apps::apis_not_of_app, "/app-auths/unbinded-apis", &[])
        }
        ("POST", ["app-auths"]) => write(apps::authorize, "/app-auths", &[]),
        ("DELETE", ["app-auths", id]) => write(apps::cancel, "/app-auths/{app_auth_id}", &[id]),

        // VPC channels (3.17), their backend servers and backend server groups.
        ("POST", ["vpc-channels"]) => write(vpc_channels::create, "/vpc-channels", &[]),
        ("GET", ["vpc-channels"]) => read(vpc_channels::list, "/vpc-channels", &[]),
        ("GET", ["vpc-channels", id]) => {
            read(vpc_channels::show, "/vpc-channels/{vpc_channel_id}", &[id])
        }
        ("PUT", ["vpc-channels", id]) => write(
            vpc_channels::update,
            "/vpc-channels/{vpc_channel_id}",
            &[id],
        ),
        ("DELETE", ["vpc-channels", id]) => write(
            vpc_channels::delete,
            "/vpc-channels/{vpc_channel_id}",
            &[id],
        ),
        ("POST", ["vpc-channels", id, "members"]) => write(
            vpc_channels::add_members,
            "/vpc-channels/{vpc_channel_id}/members",
            &[id],
        ),
        ("PUT", ["vpc-channels", id, "members"]) => write(
            vpc_channels::update_members,
            "/vpc-channels/{vpc_channel_id}/members",
            &[id],
        ),
        ("POST", ["vpc-channels", id, "members", "batch-enable"]) => write(
            vpc_channels::enable_members,
            "/vpc-channels/{vpc_channel_id}/members/batch-enable",
            &[id],
        ),
        ("POST", ["vpc-channels", id, "members", "batch-disable"]) => write(
            vpc_channels::disable_members,
            "/vpc-channels/{vpc_channel_id}/members/batch-disable",
            &[id],
        ),
        ("PUT", ["vpc-channels", id, "health-config"]) => write(
            vpc_channels::update_health,
            "/vpc-channels/{vpc_channel_id}/health-config",
            &[id],
        ),
        ("GET", ["vpc-channels", id, "members"]) => read(
            vpc_channels::list_members,
            "/vpc-channels/{vpc_channel_id}/members",
            &[id],
        ),
        ("POST", ["vpc-channels", id, "member-groups"]) => write(
            vpc_channels::add_member_groups,
            "/vpc-channels/{vpc_channel_id}/member-groups",
            &[id],
        ),
        ("GET", ["vpc-channels", id, "member-groups"]) => read(
            vpc_channels::list_member_groups,
            "/vpc-channels/{vpc_channel_id}/member-groups",
            &[id],
        ),
        ("GET", ["vpc-channels", id, "member-groups", group]) => read(
            vpc_channels::show_member_group,
            "/vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}",
            &[id, group],
        ),
        ("PUT", ["vpc-channels", id, "member-groups", group]) => write(
            vpc_channels::update_member_group,
            "/vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}",
            &[id, group],
        ),
        ("DELETE", ["vpc-channels", id, "member-groups", group]) => write(
            vpc_channels::delete_member_group,
            "/vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}",
            &[id, group],
        ),
        ("DELETE", ["vpc-channels", id, "members", member]) => write(
            vpc_channels::delete_member,
            "/vpc-channels/{vpc_channel_id}/members/{member_id}",
            &[id, member],
        ),

        // OpenAPI import and export (3.16).
        ("POST", ["openapi", "import"]) => write(openapi::import, "/openapi/import", &[]),
        ("POST", ["openapi", "export"]) => read(openapi::export, "/openapi/export", &[]),

        _ => None,
    }
}
