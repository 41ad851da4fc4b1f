//! Policies, bindings, authorizers, plug-ins, apps, app authorisation and VPC channels against
//! the emulator.

mod emulator_support;

use emulator_support::{Client, config, start};
use serde_json::{Value, json};

struct Fixture {
    group: String,
    env: String,
    api: String,
    publish_id: String,
}

async fn published_api(c: &Client) -> Fixture {
    let group = c
        .post("/api-groups", &json!({"name": "fam_group"}))
        .await
        .id();
    let env = c.post("/envs", &json!({"name": "TEST"})).await.id();
    let api = c
        .post(
            "/apis",
            &json!({
                "group_id": group, "name": "pets", "type": 1, "req_protocol": "HTTPS",
                "req_method": "GET", "req_uri": "/pets", "auth_type": "APP",
                "backend_type": "HTTP",
                "backend_api": {"req_protocol": "HTTPS", "req_method": "GET", "req_uri": "/pets",
                                "url_domain": "backend.example.com", "timeout": 5000}
            }),
        )
        .await;
    assert_eq!(api.status, 201, "{:?}", api.body);
    let api = api.id();
    let published = c
        .post(
            "/apis/action",
            &json!({"action": "online", "api_id": api, "env_id": env}),
        )
        .await;
    Fixture {
        group,
        env,
        api,
        publish_id: published.body["publish_id"].as_str().unwrap().to_owned(),
    }
}

fn throttle_body(name: &str) -> Value {
    json!({"name": name, "api_call_limits": 100, "user_call_limits": 50, "app_call_limits": 10,
           "time_interval": 1, "time_unit": "SECOND", "type": 1})
}

#[tokio::test]
async fn throttles_specials_and_bindings() {
    let (c, handle) = start(config()).await;
    let f = published_api(&c).await;
    let created = c.post("/throttles", &throttle_body("per_second")).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let t = created.id();
    assert_eq!(created.body["bind_num"], 0);
    let dup = c.post("/throttles", &throttle_body("per_second")).await;
    assert_eq!((dup.status, dup.code()), (400, "APIG.3204"));
    let mut bad = throttle_body("bad_limits");
    bad["user_call_limits"] = json!(1000);
    let bad = c.post("/throttles", &bad).await;
    assert_eq!(bad.code(), "APIG.2011");
    assert!(
        bad.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("user_call_limits")
    );
    let mut renamed = throttle_body("per_second_2");
    renamed["remark"] = json!("r");
    let updated = c.put(&format!("/throttles/{t}"), &renamed).await;
    assert_eq!(
        (updated.status, updated.body["name"].as_str()),
        (200, Some("per_second_2"))
    );

    // Bind; binding the same publication twice is refused; unknown publication is 404.
    let bound = c
        .post(
            "/throttle-bindings",
            &json!({"strategy_id": t, "publish_ids": [f.publish_id]}),
        )
        .await;
    assert_eq!(bound.status, 201, "{:?}", bound.body);
    let bind_id = bound.body["throttle_applys"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = c
        .post(
            "/throttle-bindings",
            &json!({"strategy_id": t, "publish_ids": [f.publish_id]}),
        )
        .await;
    assert_eq!(again.status, 400);
    let unknown = c
        .post(
            "/throttle-bindings",
            &json!({"strategy_id": t, "publish_ids": ["nope"]}),
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, "APIG.3015"));

    let bound_apis = c
        .get("/throttle-bindings/binded-apis", &[("throttle_id", &t)])
        .await;
    assert_eq!(bound_apis.body["total"], 1);
    assert_eq!(bound_apis.body["apis"][0]["id"], f.api.as_str());
    assert_eq!(
        bound_apis.body["apis"][0]["throttle_apply_id"],
        bind_id.as_str()
    );
    // Rows are made for the page only; the total still counts every match.
    let past = c
        .get(
            "/throttle-bindings/binded-apis",
            &[("throttle_id", &t), ("offset", "1")],
        )
        .await;
    assert_eq!(
        (&past.body["total"], &past.body["size"], &past.body["apis"]),
        (&json!(1), &json!(0), &json!([]))
    );
    let unbound = c
        .get("/throttle-bindings/unbinded-apis", &[("throttle_id", &t)])
        .await;
    assert_eq!(unbound.body["total"], 0);
    let of_api = c
        .get("/throttle-bindings/binded-throttles", &[("api_id", &f.api)])
        .await;
    assert_eq!(of_api.body["throttles"][0]["bind_id"], bind_id.as_str());
    assert_eq!(of_api.body["throttles"][0]["env_name"], "TEST");
    let missing = c.get("/throttle-bindings/binded-apis", &[]).await;
    assert_eq!(missing.code(), "APIG.2001");
    assert_eq!(
        c.get(&format!("/throttles/{t}"), &[]).await.body["bind_num"],
        1
    );

    // Excluded configuration for an app.
    let app = c.post("/apps", &json!({"name": "mobile_app"})).await.id();
    let special = c
        .post(
            &format!("/throttles/{t}/throttle-specials"),
            &json!({"object_type": "APP", "object_id": app, "call_limits": 5}),
        )
        .await;
    assert_eq!(special.status, 201, "{:?}", special.body);
    assert_eq!(special.body["app_name"], "mobile_app");
    let sid = special.id();
    let dup = c
        .post(
            &format!("/throttles/{t}/throttle-specials"),
            &json!({"object_type": "APP", "object_id": app, "call_limits": 5}),
        )
        .await;
    assert_eq!(dup.code(), "APIG.3308");
    let changed = c
        .put(
            &format!("/throttles/{t}/throttle-specials/{sid}"),
            &json!({"call_limits": 7}),
        )
        .await;
    assert_eq!(changed.body["call_limits"], 7);
    let listed = c
        .get(&format!("/throttles/{t}/throttle-specials"), &[])
        .await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["throttle_specials"][0]["id"], sid.as_str());
    assert_eq!(
        c.delete(&format!("/throttles/{t}/throttle-specials/{sid}"))
            .await
            .status,
        204
    );

    // Unbind in batch (one unknown), then delete the policy.
    let batch = c
        .call(
            "PUT",
            "/throttle-bindings",
            &[("action", "delete")],
            Some(&json!({"throttle_bindings": [bind_id, "unknown"]})),
        )
        .await;
    assert_eq!(batch.status, 200);
    assert_eq!(batch.body["success_count"], 1);
    assert_eq!(batch.body["failure"][0]["error_code"], "APIG.3012");
    let gone = c.delete(&format!("/throttle-bindings/{bind_id}")).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3012"));
    assert_eq!(c.delete(&format!("/throttles/{t}")).await.status, 204);
    let listed = c.get("/throttles", &[]).await;
    assert_eq!(listed.body["total"], 0);
    let _ = (f.group, f.env);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn acls_and_bindings() {
    let (c, handle) = start(config()).await;
    let f = published_api(&c).await;
    let body = json!({"acl_name": "office_only", "acl_type": "PERMIT", "acl_value": "10.0.0.0/8", "entity_type": "IP"});
    let created = c.post("/acls", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let acl = created.id();
    assert_eq!(c.post("/acls", &body).await.code(), "APIG.3206");
    let bad = c
        .post("/acls", &json!({"acl_name": "x_acl", "acl_type": "MAYBE", "acl_value": "1.1.1.1", "entity_type": "IP"}))
        .await;
    assert_eq!(bad.code(), "APIG.2012");

    let bound = c
        .post(
            "/acl-bindings",
            &json!({"acl_id": acl, "publish_ids": [f.publish_id]}),
        )
        .await;
    assert_eq!(bound.status, 201, "{:?}", bound.body);
    let bind_id = bound.body["acl_bindings"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(bound.body["acl_bindings"][0]["api_id"], f.api.as_str());
    // One access control policy per API and environment, whatever its type (API Reference
    // 3.14.1).
    let deny = c
        .post(
            "/acls",
            &json!({"acl_name": "block_one", "acl_type": "DENY", "acl_value": "1.1.1.1", "entity_type": "IP"}),
        )
        .await
        .id();
    let second = c
        .post(
            "/acl-bindings",
            &json!({"acl_id": deny, "publish_ids": [f.publish_id]}),
        )
        .await;
    assert_eq!((second.status, second.code()), (400, "APIG.3309"));
    assert_eq!(c.delete(&format!("/acls/{deny}")).await.status, 204);

    // A bound policy cannot be deleted.
    let refused = c.delete(&format!("/acls/{acl}")).await;
    assert_eq!((refused.status, refused.code()), (403, "APIG.3447"));
    let of_api = c
        .get("/acl-bindings/binded-acls", &[("api_id", &f.api)])
        .await;
    assert_eq!(of_api.body["acls"][0]["acl_id"], acl.as_str());
    assert_eq!(of_api.body["acls"][0]["bind_id"], bind_id.as_str());
    let apis = c
        .get("/acl-bindings/binded-apis", &[("acl_id", &acl)])
        .await;
    assert_eq!(apis.body["apis"][0]["api_id"], f.api.as_str());
    let unbound = c
        .get("/acl-bindings/unbinded-apis", &[("acl_id", &acl)])
        .await;
    assert_eq!(unbound.body["total"], 0);

    // Taking the API offline removes the binding.
    c.post(
        "/apis/action",
        &json!({"action": "offline", "api_id": f.api, "env_id": f.env}),
    )
    .await;
    let apis = c
        .get("/acl-bindings/binded-apis", &[("acl_id", &acl)])
        .await;
    assert_eq!(apis.body["total"], 0);
    let gone = c.delete(&format!("/acl-bindings/{bind_id}")).await;
    assert_eq!(gone.code(), "APIG.3010");

    let list = c.get("/acls", &[("acl_type", "PERMIT")]).await;
    assert_eq!(list.body["total"], 1);
    let batch = c
        .call(
            "PUT",
            "/acls",
            &[("action", "delete")],
            Some(&json!({"acls": [acl, "missing"]})),
        )
        .await;
    assert_eq!(batch.body["success_count"], 1);
    assert_eq!(batch.body["failure"][0]["error_code"], "APIG.3006");
    let _ = f.group;
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn authorizers_are_listed_under_authorizer_list_and_guard_apis() {
    let (c, handle) = start(config()).await;
    let g = c
        .post("/api-groups", &json!({"name": "auth_group"}))
        .await
        .id();
    let body = json!({"name": "token_check", "type": "FRONTEND", "authorizer_type": "FUNC",
                      "authorizer_uri": "urn:fss:region:project:function:default:auth:latest",
                      "identities": [{"name": "Authorization", "location": "HEADER"}], "ttl": 60});
    let created = c.post("/authorizers", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.id();
    assert_eq!(c.post("/authorizers", &body).await.code(), "APIG.3211");
    let list = c.get("/authorizers", &[]).await;
    assert_eq!(list.body["authorizer_list"][0]["id"], id.as_str());

    let api = json!({"group_id": g, "name": "guarded", "type": 1, "req_protocol": "HTTPS",
                     "req_method": "GET", "req_uri": "/guarded", "auth_type": "AUTHORIZER",
                     "backend_type": "MOCK", "mock_info": {"result_content": "ok"}});
    let missing = c.post("/apis", &api).await;
    assert_eq!(
        missing.code(),
        "APIG.2001",
        "AUTHORIZER needs authorizer_id"
    );
    let mut with_unknown = api.clone();
    with_unknown["authorizer_id"] = json!("nope");
    assert_eq!(c.post("/apis", &with_unknown).await.code(), "APIG.3081");
    let mut ok = api.clone();
    ok["authorizer_id"] = json!(id);
    assert_eq!(c.post("/apis", &ok).await.status, 201);
    let refused = c.delete(&format!("/authorizers/{id}")).await;
    assert_eq!(refused.status, 403);

    let mut changed = body.clone();
    changed["ttl"] = json!(120);
    let updated = c.put(&format!("/authorizers/{id}"), &changed).await;
    assert_eq!(updated.body["ttl"], 120);
    let shown = c.get(&format!("/authorizers/{id}"), &[]).await;
    assert_eq!(shown.body["identities"][0]["name"], "Authorization");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn plugins_bind_to_published_apis_only() {
    let (c, handle) = start(config()).await;
    let f = published_api(&c).await;
    let body = json!({"plugin_name": "cors_all", "plugin_type": "cors", "plugin_scope": "global",
                      "plugin_content": "{\"allow_origin\":\"*\"}"});
    let created = c.post("/plugins", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let p = created.body["plugin_id"].as_str().unwrap().to_owned();
    assert_eq!(c.post("/plugins", &body).await.code(), "APIG.3326");
    let mut bad = body.clone();
    bad["plugin_name"] = json!("bad_content");
    bad["plugin_content"] = json!("{not json");
    assert_eq!(c.post("/plugins", &bad).await.code(), "APIG.2011");

    let attached = c
        .post(
            &format!("/plugins/{p}/attach"),
            &json!({"env_id": f.env, "api_ids": [f.api]}),
        )
        .await;
    assert_eq!(attached.status, 201, "{:?}", attached.body);
    assert_eq!(
        attached.body["attached_plugins"][0]["api_id"],
        f.api.as_str()
    );
    let apis = c.get(&format!("/plugins/{p}/attached-apis"), &[]).await;
    assert_eq!(apis.body["apis"][0]["api_id"], f.api.as_str());
    let plugins = c
        .get(&format!("/apis/{}/attached-plugins", f.api), &[])
        .await;
    assert_eq!(plugins.body["plugins"][0]["plugin_id"], p.as_str());
    let attachable = c
        .get(
            &format!("/apis/{}/attachable-plugins", f.api),
            &[("env_id", &f.env)],
        )
        .await;
    assert_eq!(attachable.body["total"], 0);

    // Detach from the API side, re-attach from the API side, then detach from the plug-in side.
    let detach = json!({"env_id": f.env, "plugin_ids": [p]});
    assert_eq!(
        c.put(&format!("/apis/{}/plugins/detach", f.api), &detach)
            .await
            .status,
        204
    );
    let attachable = c
        .get(
            &format!("/plugins/{p}/attachable-apis"),
            &[("env_id", &f.env)],
        )
        .await;
    assert_eq!(attachable.body["total"], 1);
    let attach = c
        .post(&format!("/apis/{}/plugins/attach", f.api), &detach)
        .await;
    assert_eq!(attach.status, 201);
    let off = json!({"env_id": f.env, "api_ids": [f.api]});
    assert_eq!(
        c.put(&format!("/plugins/{p}/detach"), &off).await.status,
        204
    );

    // Another plug-in of the type replaces the one the API has (API Reference 3.27.6), from
    // either side; one of another type is bound beside it.
    assert_eq!(
        c.post(&format!("/plugins/{p}/attach"), &off).await.status,
        201
    );
    let mut second = body.clone();
    second["plugin_name"] = json!("cors_two");
    let p2 = c.post("/plugins", &second).await.body["plugin_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let replaced = c
        .post(
            &format!("/apis/{}/plugins/attach", f.api),
            &json!({"env_id": f.env, "plugin_ids": [p2]}),
        )
        .await;
    assert_eq!(replaced.status, 201, "{:?}", replaced.body);
    let mut breaker = body.clone();
    breaker["plugin_name"] = json!("breaker_one");
    breaker["plugin_type"] = json!("breaker");
    let p3 = c.post("/plugins", &breaker).await.body["plugin_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        c.post(&format!("/plugins/{p3}/attach"), &off).await.status,
        201
    );
    let plugins = c
        .get(&format!("/apis/{}/attached-plugins", f.api), &[])
        .await;
    let mut names: Vec<&str> = plugins.body["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["plugin_name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["breaker_one", "cors_two"]);
    for id in [&p2, &p3] {
        assert_eq!(
            c.put(&format!("/plugins/{id}/detach"), &off).await.status,
            204
        );
    }

    // An unpublished API cannot be bound.
    let other = c
        .post(
            "/apis",
            &json!({"group_id": f.group, "name": "draft", "type": 1, "req_protocol": "HTTPS",
                         "req_method": "GET", "req_uri": "/draft", "auth_type": "NONE",
                         "backend_type": "MOCK", "mock_info": {}}),
        )
        .await
        .id();
    let refused = c
        .post(
            &format!("/plugins/{p}/attach"),
            &json!({"env_id": f.env, "api_ids": [other]}),
        )
        .await;
    assert_eq!((refused.status, refused.code()), (409, "APIG.3707"));
    assert_eq!(c.delete(&format!("/plugins/{p}")).await.status, 204);
    let gone = c.get(&format!("/plugins/{p}"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3068"));
    handle.shutdown().await.unwrap();
}

/// What the API Reference says of bindings and their lists, each checked once: a publication
/// named twice in one throttling binding request gets one policy or none (3.8.1); binding-list
/// rows carry the fields of `AclBindApiInfo` (3.14.4) and `PluginApiInfo` (3.27.10, 3.27.12);
/// a plug-in still bound cannot be deleted (3.27.3, 409 APIG.3462).
#[tokio::test]
async fn bindings_and_their_lists_follow_the_reference() {
    let (c, handle) = start(config()).await;
    let f = published_api(&c).await;
    let t = c
        .post("/throttles", &throttle_body("twice_named"))
        .await
        .id();
    let twice = c
        .post(
            "/throttle-bindings",
            &json!({"strategy_id": t, "publish_ids": [f.publish_id, f.publish_id]}),
        )
        .await;
    assert_eq!((twice.status, twice.code()), (400, "APIG.3309"));
    let bound = c
        .get("/throttle-bindings/binded-apis", &[("throttle_id", &t)])
        .await;
    assert_eq!(bound.body["total"], 0, "{:?}", bound.body);

    let acl = c
        .post(
            "/acls",
            &json!({"acl_name": "rows_acl", "acl_type": "PERMIT", "acl_value": "10.0.0.0/8", "entity_type": "IP"}),
        )
        .await
        .id();
    let acl_bound = c
        .post(
            "/acl-bindings",
            &json!({"acl_id": acl, "publish_ids": [f.publish_id]}),
        )
        .await;
    assert_eq!(acl_bound.status, 201, "{:?}", acl_bound.body);
    let rows = c
        .get("/acl-bindings/binded-apis", &[("acl_id", &acl)])
        .await;
    let row = &rows.body["apis"][0];
    assert_eq!(row["api_name"], "pets", "{row}");
    assert_eq!(row["api_type"], 1, "{row}");
    assert_eq!(row["env_name"], "TEST", "{row}");
    assert!(row.get("api_remark").is_some(), "{row}");

    let p = c
        .post(
            "/plugins",
            &json!({"plugin_name": "rows_cors", "plugin_type": "cors", "plugin_scope": "global",
                    "plugin_content": "{\"allow_origin\":\"*\"}"}),
        )
        .await
        .body["plugin_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attachable = c
        .get(
            &format!("/plugins/{p}/attachable-apis"),
            &[("env_id", &f.env)],
        )
        .await;
    let attached = c
        .post(
            &format!("/plugins/{p}/attach"),
            &json!({"env_id": f.env, "api_ids": [f.api]}),
        )
        .await;
    assert_eq!(attached.status, 201, "{:?}", attached.body);
    let attached_rows = c.get(&format!("/plugins/{p}/attached-apis"), &[]).await;
    for (what, row) in [
        ("attachable", &attachable.body["apis"][0]),
        ("attached", &attached_rows.body["apis"][0]),
    ] {
        for (key, value) in [
            ("api_id", json!(f.api)),
            ("api_name", json!("pets")),
            ("req_protocol", json!("HTTPS")),
            ("env_id", json!(f.env)),
            ("env_name", json!("TEST")),
        ] {
            assert_eq!(row[key], value, "{what} {key}: {row}");
        }
    }
    let refused = c.delete(&format!("/plugins/{p}")).await;
    assert_eq!((refused.status, refused.code()), (409, "APIG.3462"));
    let detached = c
        .put(
            &format!("/plugins/{p}/detach"),
            &json!({"env_id": f.env, "api_ids": [f.api]}),
        )
        .await;
    assert_eq!(detached.status, 204, "{:?}", detached.body);
    assert_eq!(c.delete(&format!("/plugins/{p}")).await.status, 204);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn apps_codes_and_authorisation() {
    let (c, handle) = start(config()).await;
    let f = published_api(&c).await;
    let created = c
        .post("/apps", &json!({"name": "web_app", "remark": "w"}))
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let app = created.id();
    assert!(!created.body["app_key"].as_str().unwrap().is_empty());
    assert_eq!(
        c.post("/apps", &json!({"name": "web_app"})).await.code(),
        "APIG.3203"
    );
    // Literal routes beside /apps/{app_id}.
    let check = c.get(&format!("/apps/validation/{app}"), &[]).await;
    assert_eq!(
        (check.status, check.body["name"].as_str()),
        (200, Some("web_app"))
    );
    let reset = c
        .put(
            &format!("/apps/secret/{app}"),
            &json!({"app_secret": "newsecret123"}),
        )
        .await;
    assert_eq!(reset.body["app_secret"], "newsecret123");
    let list = c.get("/apps", &[("name", "web")]).await;
    assert_eq!(list.body["apps"][0]["id"], app.as_str());

    let code = c
        .call("PUT", &format!("/apps/{app}/app-codes"), &[], None)
        .await;
    assert_eq!(code.status, 201, "{:?}", code.body);
    let code_id = code.id();
    let short = c
        .post(
            &format!("/apps/{app}/app-codes"),
            &json!({"app_code": "short"}),
        )
        .await;
    assert_eq!(short.code(), "APIG.2011");
    let codes = c.get(&format!("/apps/{app}/app-codes"), &[]).await;
    assert_eq!(codes.body["app_codes"][0]["id"], code_id.as_str());
    assert_eq!(
        c.delete(&format!("/apps/{app}/app-codes/{code_id}"))
            .await
            .status,
        204
    );

    let auth = c
        .post(
            "/app-auths",
            &json!({"env_id": f.env, "app_ids": [app], "api_ids": [f.api]}),
        )
        .await;
    assert_eq!(auth.status, 201, "{:?}", auth.body);
    let auth_id = auth.body["auths"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(auth.body["auths"][0]["auth_result"]["status"], "SUCCESS");
    let again = c
        .post(
            "/app-auths",
            &json!({"env_id": f.env, "app_ids": [app], "api_ids": [f.api]}),
        )
        .await;
    assert_eq!(again.body["auths"][0]["auth_result"]["status"], "SKIPPED");
    let apps = c.get("/app-auths/binded-apps", &[("api_id", &f.api)]).await;
    assert_eq!(apps.body["auths"][0]["app_name"], "web_app");
    let apis = c.get("/app-auths/binded-apis", &[("app_id", &app)]).await;
    assert_eq!(apis.body["auths"][0]["api_name"], "pets");
    let not = c.get("/app-auths/unbinded-apis", &[("app_id", &app)]).await;
    assert_eq!(not.body["total"], 0);
    assert_eq!(c.delete(&format!("/app-auths/{auth_id}")).await.status, 204);
    assert_eq!(
        c.delete(&format!("/app-auths/{auth_id}")).await.code(),
        "APIG.3009"
    );
    assert_eq!(c.delete(&format!("/apps/{app}")).await.status, 204);
    assert_eq!(
        c.get(&format!("/apps/{app}"), &[]).await.code(),
        "APIG.3004"
    );
    let _ = f.group;
    handle.shutdown().await.unwrap();
}

fn multipart_body(boundary: &str, fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file_name\"; filename=\"api.yaml\"\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn openapi_import_then_export_round_trips() {
    let (c, handle) = start(config()).await;
    let spec = std::fs::read("testdata/examples/orders-swagger-2.0.yaml").unwrap();
    let boundary = "0123456789abcdef";
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let path = format!("{}/openapi/import", c.prefix);
    // Imports `doc` into a new group.
    let import_new = |doc: &[u8]| {
        let body = multipart_body(boundary, &[("is_create_group", "true")], doc);
        c.send("POST", &path, &[], body, &content_type, true)
    };
    // A backend policy of the document goes through the VPC channel `wholesale_channel`: an
    // import names channels the gateway has (APIG.3023 for that API otherwise).
    let refused = import_new(&spec).await;
    assert_eq!(refused.status, 200, "{:?}", refused.body);
    assert_eq!(
        refused.body["failure"][0]["error_code"], "APIG.3023",
        "{:?}",
        refused.body
    );
    let first_group = refused.body["group_id"].as_str().unwrap().to_owned();
    for created in refused.body["success"].as_array().unwrap() {
        let id = created["id"].as_str().unwrap();
        assert_eq!(c.delete(&format!("/apis/{id}")).await.status, 204);
    }
    assert_eq!(
        c.delete(&format!("/api-groups/{first_group}")).await.status,
        204
    );
    let channel = c
        .post("/vpc-channels", &channel_body("wholesale_channel"))
        .await;
    assert_eq!(channel.status, 201, "{:?}", channel.body);
    let imported = import_new(&spec).await;
    assert_eq!(imported.status, 200, "{:?}", imported.body);
    let group = imported.body["group_id"].as_str().unwrap().to_owned();
    let created = imported.body["success"].as_array().unwrap().len();
    assert!(created >= 2, "{:?}", imported.body);
    let listed = c.get("/apis", &[("group_id", &group)]).await;
    assert_eq!(listed.body["total"].as_u64(), Some(created as u64));
    assert_eq!(
        c.get(&format!("/api-groups/{group}"), &[]).await.body["name"],
        "orders_api"
    );

    // Importing again into the same group: every API conflicts with the one already there.
    // `api_mode` settles it (Table 3-839): `merge`, the default, retains the existing API and
    // lists the document's under `ignore` (Table 3-844); `extend_mode` concerns extended
    // information only and does not change that; `api_mode: override` updates the API.
    let import_again = |modes: &'static [(&'static str, &'static str)]| {
        let mut fields = vec![("is_create_group", "false"), ("group_id", group.as_str())];
        fields.extend_from_slice(modes);
        c.send(
            "POST",
            &path,
            &[],
            multipart_body(boundary, &fields, &spec),
            &content_type,
            true,
        )
    };
    for modes in [
        &[][..],
        &[("api_mode", "merge")][..],
        &[("extend_mode", "override")][..],
    ] {
        let again = import_again(modes).await;
        assert_eq!(again.status, 200, "{modes:?}: {:?}", again.body);
        assert_eq!(
            again.body["success"],
            json!([]),
            "{modes:?}: {:?}",
            again.body
        );
        assert_eq!(
            again.body["failure"],
            json!([]),
            "{modes:?}: {:?}",
            again.body
        );
        let ignored = again.body["ignore"].as_array().unwrap();
        assert_eq!(ignored.len(), created, "{modes:?}: {:?}", again.body);
        assert!(ignored[0]["method"].is_string() && ignored[0]["path"].is_string());
    }
    let overridden = import_again(&[("api_mode", "override")]).await;
    assert_eq!(overridden.status, 200, "{:?}", overridden.body);
    let updated = overridden.body["success"].as_array().unwrap();
    assert_eq!(updated.len(), created, "{:?}", overridden.body);
    assert!(updated.iter().all(|s| s["action"] == "update"));
    assert_eq!(overridden.body["ignore"], json!([]));
    let listed = c.get("/apis", &[("group_id", &group)]).await;
    assert_eq!(listed.body["total"].as_u64(), Some(created as u64));
    // An unknown mode is an unknown enumeration value.
    let unknown = import_again(&[("api_mode", "replace")]).await;
    assert_eq!(unknown.code(), "APIG.2012", "{:?}", unknown.body);

    // Export, then import the export into a new group: the same routes come back.
    for oas in ["2.0", "3.0"] {
        let exported = c
            .call(
                "POST",
                "/openapi/export",
                &[("oas_version", oas)],
                // `dev`: every API, published or not (Table 3-830); `env_id` is mandatory.
                Some(
                    &json!({"group_id": group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID",
                             "define": "dev", "type": "json"}),
                ),
            )
            .await;
        assert_eq!(exported.status, 200, "{:?}", exported.body);
        let doc = exported.body.clone();
        assert!(doc["paths"].as_object().unwrap().len() >= 2);
        let mut renamed = doc.clone();
        renamed["info"]["title"] = json!(format!("orders_copy_{}", oas.replace('.', "_")));
        let bytes = serde_json::to_vec(&renamed).unwrap();
        let copy = import_new(&bytes).await;
        assert_eq!(copy.status, 200, "{:?}", copy.body);
        assert_eq!(
            copy.body["success"].as_array().unwrap().len(),
            created,
            "{:?}",
            copy.body
        );
    }

    // Export without the mandatory `env_id`, or with an unknown `define`.
    let no_env = c
        .post(
            "/openapi/export",
            &json!({"group_id": group, "define": "spec"}),
        )
        .await;
    assert_eq!(no_env.code(), "APIG.2001", "{:?}", no_env.body);
    let bad_define = c
        .post("/openapi/export", &json!({"group_id": group, "env_id": "DEFAULT_ENVIRONMENT_RELEASE_ID", "define": "full"}))
        .await;
    assert_eq!(bad_define.status, 400, "{:?}", bad_define.body);

    // Errors: not multipart, empty file, not OpenAPI.
    let not_multipart = c.post("/openapi/import", &json!({})).await;
    assert_eq!(not_multipart.code(), "APIG.2012");
    let empty = c
        .send(
            "POST",
            &path,
            &[],
            multipart_body(boundary, &[], b""),
            &content_type,
            true,
        )
        .await;
    assert_eq!(empty.code(), "APIG.3609");
    let not_openapi = c
        .send(
            "POST",
            &path,
            &[],
            multipart_body(boundary, &[], b"a: 1"),
            &content_type,
            true,
        )
        .await;
    assert_eq!(not_openapi.code(), "APIG.3601");
    handle.shutdown().await.unwrap();
}

// VPC channels (API Reference 3.17).

fn channel_body(name: &str) -> Value {
    json!({"name": name, "port": 8080, "balance_strategy": 1, "member_type": "ip", "type": 2,
           "member_groups": [{"member_group_name": "primary", "member_group_weight": 1}],
           "members": [{"host": "192.168.0.5", "weight": 1, "member_group_name": "primary"},
                       {"host": "192.168.0.6", "weight": 2}],
           "vpc_health_config": {"protocol": "http", "path": "/health", "http_code": "200-299",
                                 "threshold_normal": 2, "threshold_abnormal": 5,
                                 "time_interval": 10, "timeout": 5}})
}

/// An API whose backend goes through the VPC channel `channel`.
fn vpc_api(group: &str, name: &str, channel: &str) -> Value {
    json!({"group_id": group, "name": name, "type": 1, "req_protocol": "HTTPS",
           "req_method": "GET", "req_uri": format!("/{name}"), "auth_type": "NONE",
           "backend_type": "HTTP",
           "backend_api": {"req_protocol": "HTTP", "req_method": "GET", "req_uri": "/inner",
                           "timeout": 5000, "vpc_channel_status": 1,
                           "vpc_channel_info": {"vpc_channel_id": channel,
                                                "vpc_channel_proxy_host": "inner.local"}}})
}

#[tokio::test]
async fn vpc_channels_crud_and_list_filters() {
    let (c, handle) = start(config()).await;
    let created = c
        .post("/vpc-channels", &channel_body("orders_channel"))
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.id();
    assert_eq!(created.body["status"], 1);
    assert_eq!(created.body["type"], 2);
    assert_eq!(created.body["member_type"], "ip");
    assert!(created.body["create_time"].is_string());
    let group_id = created.body["member_groups"][0]["member_group_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Create and list answer without members (Tables 3-861, 3-923); show with them (3-905).
    assert!(created.body.get("members").is_none(), "{:?}", created.body);
    let shown = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["members"].as_array().unwrap().len(), 2);
    assert_eq!(
        shown.body["members"][0]["member_group_id"],
        group_id.as_str()
    );
    assert_eq!(shown.body["members"][0]["vpc_channel_id"], id.as_str());
    assert_eq!(shown.body["vpc_health_config"]["timeout"], 5);
    let dup = c
        .post("/vpc-channels", &channel_body("orders_channel"))
        .await;
    assert_eq!((dup.status, dup.code()), (400, "APIG.3208"));

    for n in 0..4 {
        let other = c
            .post(
                "/vpc-channels",
                &channel_body(&format!("other.channel-{n}")),
            )
            .await;
        assert_eq!(other.status, 201, "{:?}", other.body);
    }
    let all = c.get("/vpc-channels", &[]).await;
    assert_eq!(
        (all.body["total"].as_u64(), all.body["size"].as_u64()),
        (Some(5), Some(5))
    );
    let page = c
        .get("/vpc-channels", &[("offset", "3"), ("limit", "2")])
        .await;
    assert_eq!(
        (page.body["total"].as_u64(), page.body["size"].as_u64()),
        (Some(5), Some(2))
    );
    assert!(page.body["vpc_channels"][0].get("members").is_none());
    let by_name = c.get("/vpc-channels", &[("name", "other")]).await;
    assert_eq!(by_name.body["total"], 4);
    let precise = c
        .get(
            "/vpc-channels",
            &[("name", "other"), ("precise_search", "name")],
        )
        .await;
    assert_eq!(precise.body["total"], 0);
    let by_id = c.get("/vpc-channels", &[("id", &id)]).await;
    assert_eq!(by_id.body["vpc_channels"][0]["name"], "orders_channel");
    let bad_port = c.get("/vpc-channels", &[("member_port", "x")]).await;
    assert_eq!(bad_port.code(), "APIG.2012");

    // Update: members given replace the channel's; the member at a known address keeps its id.
    let first_member = shown.body["members"][0]["id"].as_str().unwrap().to_owned();
    let mut changed = channel_body("orders_channel_2");
    changed["balance_strategy"] = json!(2);
    changed["members"] = json!([{"host": "192.168.0.5", "weight": 9}]);
    let updated = c.put(&format!("/vpc-channels/{id}"), &changed).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["name"], "orders_channel_2");
    assert_eq!(updated.body["balance_strategy"], 2);
    let shown = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    assert_eq!(shown.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(shown.body["members"][0]["id"], first_member.as_str());
    assert_eq!(shown.body["members"][0]["weight"], 9);
    let taken = c
        .put(
            &format!("/vpc-channels/{id}"),
            &channel_body("other.channel-0"),
        )
        .await;
    assert_eq!(taken.code(), "APIG.3208");

    // Members: add (an address the channel has is updated), list, remove.
    let added = c
        .post(
            &format!("/vpc-channels/{id}/members"),
            &json!({"members": [{"host": "10.0.0.1", "weight": 3, "port": 80},
                                {"host": "192.168.0.5", "weight": 4},
                                {"host": "10.0.0.1", "weight": 5}]}),
        )
        .await;
    assert_eq!(added.status, 201, "{:?}", added.body);
    assert_eq!(added.body["total"], 2);
    assert_eq!(
        added.body["members"][0]["weight"], 3,
        "the first of one address wins"
    );
    assert_eq!(added.body["members"][1]["id"], first_member.as_str());
    let members = c.get(&format!("/vpc-channels/{id}/members"), &[]).await;
    assert_eq!(members.body["total"], 2);
    let named = c
        .get(
            &format!("/vpc-channels/{id}/members"),
            &[("name", "10.0.0")],
        )
        .await;
    assert_eq!(named.body["total"], 1);
    let by_host = c.get("/vpc-channels", &[("member_host", "10.0.0.1")]).await;
    assert_eq!(by_host.body["vpc_channels"][0]["id"], id.as_str());
    let by_port = c.get("/vpc-channels", &[("member_port", "80")]).await;
    assert_eq!(by_port.body["total"], 1);
    let removed = c
        .delete(&format!("/vpc-channels/{id}/members/{first_member}"))
        .await;
    assert_eq!(removed.status, 204);
    let again = c
        .delete(&format!("/vpc-channels/{id}/members/{first_member}"))
        .await;
    assert_eq!((again.status, again.code()), (404, "APIG.3024"));
    let empty = c
        .post(
            &format!("/vpc-channels/{id}/members"),
            &json!({"members": []}),
        )
        .await;
    assert_eq!(empty.code(), "APIG.2001");

    assert_eq!(c.delete(&format!("/vpc-channels/{id}")).await.status, 204);
    let gone = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3023"));
    let gone = c.get(&format!("/vpc-channels/{id}/members"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3023"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn vpc_channel_members_are_replaced_enabled_and_disabled_and_health_checks_updated() {
    let (c, handle) = start(config()).await;
    let mut body = channel_body("orders_channel");
    body["member_groups"] =
        json!([{"member_group_name": "primary"}, {"member_group_name": "spare"}]);
    body["members"] = json!([{"host": "10.0.0.1", "member_group_name": "primary"},
                             {"host": "10.0.0.2", "member_group_name": "primary"},
                             {"host": "10.0.0.3", "member_group_name": "spare"}]);
    let id = c.post("/vpc-channels", &body).await.id();
    let members = format!("/vpc-channels/{id}/members");
    let shown = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    let id_of = |shown: &Value, host: &str| {
        shown["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["host"] == host)
            .map(|m| m["id"].as_str().unwrap().to_owned())
    };
    let first = id_of(&shown.body, "10.0.0.1").unwrap();
    let health_id = shown.body["vpc_health_config"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(health_id.len(), 32);
    assert_eq!(
        shown.body["vpc_health_config"]["vpc_channel_id"],
        id.as_str()
    );

    // 3.17.8 with a group: only that group's members are replaced; a member given for another
    // group is ignored, one naming no group joins the scope; a kept address keeps its id.
    let replaced = c
        .put(
            &members,
            &json!({"member_group_name": "primary",
                    "members": [{"host": "10.0.0.1", "weight": 7},
                                {"host": "10.0.0.9", "member_group_name": "primary"},
                                {"host": "10.0.0.8", "member_group_name": "spare"}]}),
        )
        .await;
    assert_eq!(replaced.status, 200, "{:?}", replaced.body);
    assert_eq!(replaced.body["total"], 2);
    assert_eq!(replaced.body["members"][0]["id"], first.as_str());
    assert_eq!(replaced.body["members"][0]["weight"], 7);
    assert_eq!(replaced.body["members"][0]["member_group_name"], "primary");
    let shown = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    let mut hosts: Vec<&str> = shown.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["host"].as_str().unwrap())
        .collect();
    hosts.sort_unstable();
    assert_eq!(hosts, ["10.0.0.1", "10.0.0.3", "10.0.0.9"]);
    let unknown_group = c
        .put(
            &members,
            &json!({"member_group_name": "nope", "members": []}),
        )
        .await;
    assert_eq!(
        (unknown_group.status, unknown_group.code()),
        (400, "APIG.2011")
    );
    assert!(
        unknown_group.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("`nope`")
    );
    let bad_member = c
        .put(
            &members,
            &json!({"members": [{"host": "10.0.0.1"}, {"weight": 1}]}),
        )
        .await;
    assert_eq!(bad_member.code(), "APIG.2001");
    assert!(
        bad_member.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("members[1].host"),
        "{:?}",
        bad_member.body
    );

    // Without a group: all members are replaced.
    let all = c
        .put(
            &members,
            &json!({"members": [{"host": "10.0.0.1", "weight": 2}]}),
        )
        .await;
    assert_eq!(all.status, 200, "{:?}", all.body);
    let listed = c.get(&members, &[]).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["members"][0]["id"], first.as_str());

    // 3.17.10 and 3.17.11: status 2 disabled, 1 enabled; an unknown id changes nothing.
    let ids = json!({"member_ids": [first]});
    let disabled = c.post(&format!("{members}/batch-disable"), &ids).await;
    assert_eq!(disabled.status, 204, "{:?}", disabled.body);
    assert_eq!(c.get(&members, &[]).await.body["members"][0]["status"], 2);
    let unknown = c
        .post(
            &format!("{members}/batch-enable"),
            &json!({"member_ids": [first, "0123456789abcdef0123456789abcdef"]}),
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, "APIG.3024"));
    assert_eq!(c.get(&members, &[]).await.body["members"][0]["status"], 2);
    let enabled = c.post(&format!("{members}/batch-enable"), &ids).await;
    assert_eq!(enabled.status, 204, "{:?}", enabled.body);
    assert_eq!(c.get(&members, &[]).await.body["members"][0]["status"], 1);

    // 3.17.12: the health check is replaced and keeps its id; its fields are checked as in
    // the channel, named without `vpc_health_config.`.
    let health = format!("/vpc-channels/{id}/health-config");
    let tcp = json!({"protocol": "TCP", "threshold_normal": 3, "threshold_abnormal": 4,
                     "time_interval": 20, "timeout": 4});
    let updated = c.put(&health, &tcp).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["protocol"], "TCP");
    assert_eq!(updated.body["id"], health_id.as_str());
    assert_eq!(updated.body["vpc_channel_id"], id.as_str());
    assert!(updated.body["create_time"].is_string());
    let shown = c.get(&format!("/vpc-channels/{id}"), &[]).await;
    assert_eq!(shown.body["vpc_health_config"]["time_interval"], 20);
    let mut slow = tcp.clone();
    slow["timeout"] = json!(20);
    let refused = c.put(&health, &slow).await;
    assert_eq!(refused.code(), "APIG.2011");
    assert!(
        refused.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("parameterName:timeout."),
        "{:?}",
        refused.body
    );
    let mut http = tcp.clone();
    http["protocol"] = json!("HTTP");
    let no_path = c.put(&health, &http).await;
    assert_eq!(no_path.code(), "APIG.2001");
    let missing = c
        .put(
            "/vpc-channels/0123456789abcdef0123456789abcdef/health-config",
            &tcp,
        )
        .await;
    assert_eq!((missing.status, missing.code()), (404, "APIG.3023"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn vpc_channel_bodies_are_checked_against_the_reference_tables() {
    let (c, handle) = start(config()).await;
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("name", json!("ab"), "APIG.2011", "name"),
        ("name", json!("1channel"), "APIG.2011", "name"),
        ("name", json!("chan nel"), "APIG.2011", "name"),
        ("name", json!("a".repeat(65)), "APIG.2011", "name"),
        ("port", json!(0), "APIG.2011", "port"),
        ("port", json!(65_536), "APIG.2011", "port"),
        ("port", json!("80"), "APIG.2012", "port"),
        (
            "balance_strategy",
            json!(5),
            "APIG.2012",
            "balance_strategy",
        ),
        ("member_type", json!("vm"), "APIG.2012", "member_type"),
        ("type", json!(1), "APIG.2012", "type"),
        ("dict_code", json!("x"), "APIG.2011", "dict_code"),
        (
            "members",
            json!([{"weight": 1}]),
            "APIG.2001",
            "members[0].host",
        ),
        (
            "members",
            json!([{"host": "h", "weight": 10_001}]),
            "APIG.2011",
            "members[0].weight",
        ),
        (
            "members",
            json!([{"host": "h", "port": 70_000}]),
            "APIG.2011",
            "members[0].port",
        ),
        (
            "members",
            json!([{"host": "h", "status": 3}]),
            "APIG.2012",
            "members[0].status",
        ),
        (
            "members",
            json!([{"host": "h".repeat(65)}]),
            "APIG.2011",
            "members[0].host",
        ),
        (
            "members",
            json!([{"host": "h", "member_group_name": "nope"}]),
            "APIG.2011",
            "members[0].member_group_name",
        ),
        (
            "member_groups",
            json!([{"member_group_name": "g1", "member_group_weight": 1}]),
            "APIG.2011",
            "member_groups[0].member_group_name",
        ),
        (
            "member_groups",
            json!([{"member_group_name": "group", "member_group_weight": 101}]),
            "APIG.2011",
            "member_groups[0].member_group_weight",
        ),
        (
            "vpc_health_config",
            json!({"protocol": "UDP", "threshold_normal": 2,
            "threshold_abnormal": 2, "time_interval": 10, "timeout": 5}),
            "APIG.2012",
            "vpc_health_config.protocol",
        ),
        (
            "vpc_health_config",
            json!({"protocol": "TCP", "threshold_normal": 11,
            "threshold_abnormal": 2, "time_interval": 10, "timeout": 5}),
            "APIG.2011",
            "vpc_health_config.threshold_normal",
        ),
        (
            "vpc_health_config",
            json!({"protocol": "TCP", "threshold_normal": 2,
            "threshold_abnormal": 2, "time_interval": 10, "timeout": 10}),
            "APIG.2011",
            "vpc_health_config.timeout",
        ),
        (
            "vpc_health_config",
            json!({"protocol": "HTTP", "path": "/h", "threshold_normal": 2,
            "threshold_abnormal": 2, "time_interval": 10, "timeout": 5}),
            "APIG.2001",
            "vpc_health_config.http_code",
        ),
        (
            "vpc_health_config",
            json!({"protocol": "HTTP", "path": "/h", "http_code": "99",
            "threshold_normal": 2, "threshold_abnormal": 2, "time_interval": 10, "timeout": 5}),
            "APIG.2011",
            "vpc_health_config.http_code",
        ),
    ];
    for (field, value, code, parameter) in cases {
        let mut body = channel_body("checked_channel");
        body[field] = value.clone();
        let answer = c.post("/vpc-channels", &body).await;
        assert_eq!(
            (answer.status, answer.code()),
            (400, code),
            "{field}: {value}: {:?}",
            answer.body
        );
        let message = answer.body["error_msg"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("parameter name:{parameter}"))
                || message.contains(&format!("parameterName:{parameter}")),
            "{field}: {value}: {message}"
        );
    }
    let digit_first = c.post("/vpc-channels", &channel_body("1channel")).await;
    assert!(
        digit_first.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("must start with a letter"),
        "{:?}",
        digit_first.body
    );
    let mut missing = channel_body("checked_channel");
    missing.as_object_mut().unwrap().remove("port");
    assert_eq!(c.post("/vpc-channels", &missing).await.code(), "APIG.2001");
    // An ecs channel's members are cloud servers: id and name.
    let mut ecs = channel_body("ecs_channel");
    ecs["member_type"] = json!("ecs");
    ecs["members"] = json!([{"ecs_id": "3082720c-3c15", "weight": 1}]);
    let answer = c.post("/vpc-channels", &ecs).await;
    assert_eq!(answer.code(), "APIG.2001");
    assert!(
        answer.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("members[0].ecs_name")
    );
    ecs["members"][0]["ecs_name"] = json!("APIGtest");
    assert_eq!(c.post("/vpc-channels", &ecs).await.status, 201);
    // Nothing refused was stored.
    assert_eq!(c.get("/vpc-channels", &[]).await.body["total"], 1);
    // At most 30 channels (3.17.1).
    for n in 1..30 {
        let body = channel_body(&format!("quota_{n}"));
        assert_eq!(c.post("/vpc-channels", &body).await.status, 201);
    }
    let over = c.post("/vpc-channels", &channel_body("quota_30")).await;
    assert_eq!((over.status, over.code()), (403, "APIG.3109"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn apis_name_existing_vpc_channels_and_keep_them_in_use() {
    let (c, handle) = start(config()).await;
    let g = c
        .post("/api-groups", &json!({"name": "vpc_group"}))
        .await
        .id();
    let unknown = c.post("/apis", &vpc_api(&g, "via_unknown", "nope")).await;
    assert_eq!((unknown.status, unknown.code()), (404, "APIG.3023"));
    let channel = c
        .post("/vpc-channels", &channel_body("inner_channel"))
        .await
        .id();
    let api = c.post("/apis", &vpc_api(&g, "via_channel", &channel)).await;
    assert_eq!(api.status, 201, "{:?}", api.body);
    let api = api.id();
    let refused = c.delete(&format!("/vpc-channels/{channel}")).await;
    assert_eq!((refused.status, refused.code()), (403, "APIG.3414"));
    // API lists filter by the channel's name (3.5.6).
    let through = c
        .get("/apis", &[("vpc_channel_name", "inner_channel")])
        .await;
    assert_eq!(through.body["apis"][0]["id"], api.as_str());
    let none = c.get("/apis", &[("vpc_channel_name", "inner")]).await;
    assert_eq!(none.body["total"], 0);

    // A backend policy's channel counts too, on update as on create.
    let other = c
        .post("/vpc-channels", &channel_body("policy_channel"))
        .await
        .id();
    let mut with_policy = vpc_api(&g, "via_channel", &channel);
    with_policy["policy_https"] = json!([{
        "name": "by_tenant", "effect_mode": "ANY", "req_protocol": "HTTP", "req_method": "GET",
        "req_uri": "/tenant", "timeout": 5000, "vpc_channel_status": 1,
        "vpc_channel_info": {"vpc_channel_id": "missing"},
        "conditions": [{"condition_type": "exact", "condition_value": "a",
                        "condition_origin": "param", "req_param_name": "tenant"}]}]);
    with_policy["req_params"] = json!([{"name": "tenant", "type": "STRING", "location": "QUERY"}]);
    let missing = c.put(&format!("/apis/{api}"), &with_policy).await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, "APIG.3023"),
        "{:?}",
        missing.body
    );
    with_policy["policy_https"][0]["vpc_channel_info"]["vpc_channel_id"] = json!(other);
    let updated = c.put(&format!("/apis/{api}"), &with_policy).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(
        c.delete(&format!("/vpc-channels/{other}")).await.code(),
        "APIG.3414"
    );

    assert_eq!(c.delete(&format!("/apis/{api}")).await.status, 204);
    assert_eq!(
        c.delete(&format!("/vpc-channels/{other}")).await.status,
        204
    );
    assert_eq!(
        c.delete(&format!("/vpc-channels/{channel}")).await.status,
        204
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn vpc_channels_survive_a_restart_and_old_state_files_load() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut cfg = config();
    cfg.state_file = Some(state.clone());
    let (c, handle) = start(cfg.clone()).await;
    let id = c
        .post("/vpc-channels", &channel_body("kept_channel"))
        .await
        .id();
    let before = c.get(&format!("/vpc-channels/{id}"), &[]).await.body;
    handle.shutdown().await.unwrap();
    let (c, handle) = start(cfg.clone()).await;
    assert_eq!(
        c.get(&format!("/vpc-channels/{id}"), &[]).await.body,
        before
    );
    assert_eq!(
        c.post("/vpc-channels", &channel_body("kept_channel"))
            .await
            .code(),
        "APIG.3208"
    );
    handle.shutdown().await.unwrap();

    // A state file written before VPC channels were emulated has no `vpc_channels`.
    let mut old: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("vpc_channels");
    std::fs::write(&state, serde_json::to_vec(&old).unwrap()).unwrap();
    let (c, handle) = start(cfg).await;
    assert_eq!(c.get("/vpc-channels", &[]).await.body["total"], 0);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn vpc_channel_member_groups_are_added_updated_and_deleted() {
    let (c, handle) = start(config()).await;
    let id = c
        .post("/vpc-channels", &channel_body("grouped_channel"))
        .await
        .id();
    let groups = format!("/vpc-channels/{id}/member-groups");
    // `primary` is updated in place (its id stays), `secondary` added; a request that defines
    // one name twice is refused, as a create is.
    let primary = c.get(&groups, &[]).await.body["member_groups"][0]["member_group_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let added = c
        .post(
            &groups,
            &json!({"member_groups": [
                {"member_group_name": "primary", "member_group_weight": 7},
                {"member_group_name": "secondary", "member_group_remark": "spare"}]}),
        )
        .await;
    assert_eq!(added.status, 201, "{:?}", added.body);
    assert_eq!(added.body["total"], 2);
    assert_eq!(
        added.body["member_groups"][0]["member_group_id"],
        primary.as_str()
    );
    assert_eq!(added.body["member_groups"][0]["member_group_weight"], 7);
    let secondary = added.body["member_groups"][1]["member_group_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let twice = c
        .post(
            &groups,
            &json!({"member_groups": [{"member_group_name": "dup"}, {"member_group_name": "dup"}]}),
        )
        .await;
    assert_eq!(twice.code(), "APIG.2011");
    let bad = c
        .post(
            &groups,
            &json!({"member_groups": [{"member_group_name": "x", "member_group_weight": 1}]}),
        )
        .await;
    assert_eq!(bad.code(), "APIG.2011");

    let listed = c.get(&groups, &[("member_group_name", "ary")]).await;
    assert_eq!(listed.body["total"], 2);
    let precise = c
        .get(
            &groups,
            &[
                ("member_group_name", "primary"),
                ("precise_search", "member_group_name"),
            ],
        )
        .await;
    assert_eq!(precise.body["total"], 1);
    let shown = c.get(&format!("{groups}/{secondary}"), &[]).await;
    assert_eq!(shown.body["member_group_remark"], "spare");

    // Renaming a group carries its members along; a name another group has is refused.
    let renamed = c
        .put(
            &format!("{groups}/{primary}"),
            &json!({"member_group_name": "first", "member_group_weight": 3}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{:?}", renamed.body);
    assert_eq!(renamed.body["member_group_id"], primary.as_str());
    let members = c.get(&format!("/vpc-channels/{id}/members"), &[]).await;
    assert_eq!(members.body["members"][0]["member_group_name"], "first");
    assert_eq!(
        members.body["members"][0]["member_group_id"],
        primary.as_str()
    );
    let clash = c
        .put(
            &format!("{groups}/{primary}"),
            &json!({"member_group_name": "secondary"}),
        )
        .await;
    assert_eq!(clash.code(), "APIG.2011");

    // Deleting a group leaves its members in the channel, in no group.
    assert_eq!(c.delete(&format!("{groups}/{primary}")).await.status, 204);
    let members = c.get(&format!("/vpc-channels/{id}/members"), &[]).await;
    assert_eq!(members.body["total"], 2);
    assert!(members.body["members"][0].get("member_group_id").is_none());
    let gone = c.get(&format!("{groups}/{primary}"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3023"));
    let listed = c.get(&groups, &[]).await;
    assert_eq!(listed.body["total"], 1);
    handle.shutdown().await.unwrap();
}
