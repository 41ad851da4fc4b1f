//! The emulator in-process on 127.0.0.1:0, driven by a signing client: every endpoint family,
//! its status codes and its error answers.

mod emulator_support;

use emulator_support::{Answer, Client, config, start};
use serde_json::{Value, json};

async fn group(c: &Client, name: &str) -> String {
    let a = c
        .post("/api-groups", &json!({"name": name, "remark": "r"}))
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.id()
}

async fn env(c: &Client, name: &str) -> String {
    let a = c.post("/envs", &json!({"name": name})).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.id()
}

/// A MOCK API; each `{var}` of `uri` gets its PATH parameter, as the gateway requires
/// (the linter's apig-path-params-declared, which the emulator runs too).
fn mock_api(group_id: &str, name: &str, method: &str, uri: &str) -> Value {
    let params: Vec<Value> = uri
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(var, _)| json!({"name": var, "type": "STRING", "location": "PATH", "required": 1}))
        .collect();
    json!({
        "group_id": group_id, "name": name, "type": 1, "req_protocol": "HTTPS",
        "req_method": method, "req_uri": uri, "auth_type": "NONE", "backend_type": "MOCK",
        "mock_info": {"result_content": "{\"ok\":true}"}, "req_params": params
    })
}

async fn api(c: &Client, group_id: &str, name: &str, method: &str, uri: &str) -> String {
    let a = c
        .post("/apis", &mock_api(group_id, name, method, uri))
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    a.id()
}

fn is_gateway_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[tokio::test]
async fn groups_life_cycle_and_errors() {
    let (c, handle) = start(config()).await;
    let id = group(&c, "orders_api").await;
    assert!(is_gateway_id(&id), "{id}");

    let shown = c.get(&format!("/api-groups/{id}"), &[]).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["name"], "orders_api");
    assert_eq!(shown.body["status"], 1);
    assert!(shown.body["sl_domain"].as_str().unwrap().starts_with(&id));
    assert!(shown.headers.contains_key("x-request-id"));

    let dup = c.post("/api-groups", &json!({"name": "orders_api"})).await;
    assert_eq!((dup.status, dup.code()), (400, "APIG.3201"));

    let check = c
        .post("/api-groups/check", &json!({"group_name": "orders_api"}))
        .await;
    assert_eq!((check.status, check.code()), (400, "APIG.3201"));
    let check = c
        .post("/api-groups/check", &json!({"group_name": "free_name"}))
        .await;
    assert_eq!(check.status, 200);

    let missing = c.post("/api-groups", &json!({"remark": "x"})).await;
    assert_eq!((missing.status, missing.code()), (400, "APIG.2001"));
    assert!(missing.body["error_msg"].as_str().unwrap().contains("name"));

    let invalid = c.post("/api-groups", &json!({"name": "a"})).await;
    assert_eq!((invalid.status, invalid.code()), (400, "APIG.2011"));
    assert!(
        invalid.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("parameterName:name")
    );

    let wrong_type = c.post("/api-groups", &json!({"name": 5})).await;
    assert_eq!((wrong_type.status, wrong_type.code()), (400, "APIG.2012"));

    let not_json = c
        .send(
            "POST",
            &format!("{}/api-groups", c.prefix),
            &[],
            b"{not json".to_vec(),
            "application/json",
            true,
        )
        .await;
    assert_eq!((not_json.status, not_json.code()), (400, "APIG.2012"));

    let updated = c
        .put(&format!("/api-groups/{id}"), &json!({"name": "orders_v2"}))
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.body["name"], "orders_v2");

    let unknown = c
        .get("/api-groups/00000000000000000000000000000000", &[])
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, "APIG.3001"));

    // A group with APIs cannot be deleted.
    let api_id = api(&c, &id, "health", "GET", "/health").await;
    let refused = c.delete(&format!("/api-groups/{id}")).await;
    assert_eq!((refused.status, refused.code()), (403, "APIG.3415"));
    assert_eq!(c.delete(&format!("/apis/{api_id}")).await.status, 204);
    let deleted = c.delete(&format!("/api-groups/{id}")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.body, Value::Null);
    let gone = c.get(&format!("/api-groups/{id}"), &[]).await;
    assert_eq!(gone.code(), "APIG.3001");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_paging_and_filters() {
    let (c, handle) = start(config()).await;
    for i in 0..25 {
        group(&c, &format!("group_{i:02}")).await;
    }
    let first = c.get("/api-groups", &[]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["total"], 25);
    assert_eq!(first.body["size"], 20, "default limit 20");
    assert_eq!(first.body["groups"].as_array().unwrap().len(), 20);

    let page = c
        .get("/api-groups", &[("offset", "20"), ("limit", "10")])
        .await;
    assert_eq!(
        (page.body["total"].as_u64(), page.body["size"].as_u64()),
        (Some(25), Some(5))
    );

    let all = c.get("/api-groups", &[("limit", "1000")]).await;
    assert_eq!(all.body["size"], 25, "limit above 500 becomes 500");
    let zero = c
        .get("/api-groups", &[("limit", "0"), ("offset", "-3")])
        .await;
    assert_eq!(
        zero.body["size"], 20,
        "limit 0 becomes 20, negative offset 0"
    );

    let fuzzy = c.get("/api-groups", &[("name", "group_1")]).await;
    assert_eq!(fuzzy.body["total"], 10);
    let precise = c
        .get(
            "/api-groups",
            &[("name", "group_1"), ("precise_search", "name")],
        )
        .await;
    assert_eq!(precise.body["total"], 0);
    let exact = c
        .get(
            "/api-groups",
            &[("name", "group_12"), ("precise_search", "name")],
        )
        .await;
    assert_eq!(exact.body["total"], 1);

    let bad = c.get("/api-groups", &[("limit", "ten")]).await;
    assert_eq!((bad.status, bad.code()), (400, "APIG.2012"));
    assert!(bad.body["error_msg"].as_str().unwrap().contains("limit"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn environments_and_variables() {
    let (c, handle) = start(config()).await;
    let listed = c.get("/envs", &[]).await;
    assert_eq!(listed.body["total"], 1, "the built-in RELEASE environment");
    assert_eq!(listed.body["envs"][0]["name"], "RELEASE");

    let dev = env(&c, "DEV").await;
    let dup = c.post("/envs", &json!({"name": "DEV"})).await;
    assert_eq!((dup.status, dup.code()), (400, "APIG.3205"));
    let bad = c.post("/envs", &json!({"name": "1dev"})).await;
    assert_eq!(bad.code(), "APIG.2011");
    let renamed = c
        .put(
            &format!("/envs/{dev}"),
            &json!({"name": "DEV2", "remark": "x"}),
        )
        .await;
    assert_eq!(
        (renamed.status, renamed.body["name"].as_str()),
        (200, Some("DEV2"))
    );
    let filtered = c.get("/envs", &[("name", "DEV")]).await;
    assert_eq!(filtered.body["total"], 1);

    let g = group(&c, "vars_group").await;
    let body = json!({"group_id": g, "env_id": dev, "variable_name": "backend_host", "variable_value": "10.0.0.1"});
    let created = c.post("/env-variables", &body).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let var = created.id();
    let dup = c.post("/env-variables", &body).await;
    assert_eq!((dup.status, dup.code()), (400, "APIG.3303"));
    let no_env = c
        .post("/env-variables", &json!({"group_id": g, "env_id": "0000", "variable_name": "abc", "variable_value": "v"}))
        .await;
    assert_eq!((no_env.status, no_env.code()), (404, "APIG.3003"));

    let updated = c
        .put(
            &format!("/env-variables/{var}"),
            &json!({"variable_value": "10.0.0.2"}),
        )
        .await;
    assert_eq!(updated.body["variable_value"], "10.0.0.2");
    let shown = c.get(&format!("/env-variables/{var}"), &[]).await;
    assert_eq!(shown.body["variable_name"], "backend_host");
    let list = c.get("/env-variables", &[("group_id", &g)]).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["variables"][0]["id"], var.as_str());
    let no_group = c.get("/env-variables", &[]).await;
    assert_eq!((no_group.status, no_group.code()), (400, "APIG.2001"));

    assert_eq!(c.delete(&format!("/env-variables/{var}")).await.status, 204);
    let gone = c.get(&format!("/env-variables/{var}"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3011"));

    let release = c.delete("/envs/DEFAULT_ENVIRONMENT_RELEASE_ID").await;
    assert_eq!(release.status, 403);
    assert_eq!(c.delete(&format!("/envs/{dev}")).await.status, 204);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn apis_crud_conflicts_publish_and_versions() {
    let (c, handle) = start(config()).await;
    let g = group(&c, "shop").await;
    let dev = env(&c, "DEV").await;
    let id = api(&c, &g, "get_order", "GET", "/orders/{id}").await;
    let shown = c.get(&format!("/apis/{id}"), &[]).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["group_name"], "shop");
    assert_eq!(shown.body["match_mode"], "NORMAL");
    assert!(is_gateway_id(
        shown.body["mock_info"]["id"].as_str().unwrap()
    ));

    // Same method + path (parameter names aside) + match mode: APIG.3301.
    let clash = c
        .post("/apis", &mock_api(&g, "other", "GET", "/orders/{order_id}"))
        .await;
    assert_eq!((clash.status, clash.code()), (400, "APIG.3301"));
    // Same name in the group: APIG.3202.
    let named = c
        .post("/apis", &mock_api(&g, "get_order", "POST", "/orders"))
        .await;
    assert_eq!((named.status, named.code()), (400, "APIG.3202"));
    // Another match mode is another API.
    let mut swa = mock_api(&g, "orders_prefix", "GET", "/orders/{id}");
    swa["match_mode"] = json!("SWA");
    assert_eq!(c.post("/apis", &swa).await.status, 201);
    // A gateway takes the empty mock `apigctl import` marks as its stand-in (only apigctl's
    // own sync refuses to send it).
    let mut stand_in = mock_api(&g, "stand_in", "GET", "/stand-in");
    stand_in["mock_info"] =
        json!({"remark": "apigctl placeholder: the operation has no `x-apigateway-backend`"});
    let taken = c.post("/apis", &stand_in).await;
    assert_eq!(taken.status, 201, "{}", taken.body);
    let stand_in_id = taken.body["id"].as_str().unwrap().to_owned();
    assert_eq!(c.delete(&format!("/apis/{stand_in_id}")).await.status, 204);
    // Missing backend, unknown enum, missing group.
    let mut no_backend = mock_api(&g, "no_backend", "GET", "/nb");
    no_backend.as_object_mut().unwrap().remove("mock_info");
    let a = c.post("/apis", &no_backend).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2001"));
    assert!(a.body["error_msg"].as_str().unwrap().contains("mock_info"));
    let mut bad_enum = mock_api(&g, "bad_enum", "GET", "/be");
    bad_enum["req_method"] = json!("FETCH");
    let a = c.post("/apis", &bad_enum).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2012"));
    assert!(a.body["error_msg"].as_str().unwrap().contains("req_method"));
    let a = c
        .post("/apis", &mock_api("0000", "x_api", "GET", "/x"))
        .await;
    assert_eq!((a.status, a.code()), (404, "APIG.3001"));

    // Update keeps the id and the registration time.
    let mut changed = mock_api(&g, "get_order", "GET", "/orders/{id}");
    changed["remark"] = json!("changed");
    let updated = c.put(&format!("/apis/{id}"), &changed).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.body["id"], id.as_str());
    assert_eq!(updated.body["register_time"], shown.body["register_time"]);

    // Publish, then see it in the API and in the env filter.
    let published = c
        .post(
            "/apis/action",
            &json!({"action": "online", "api_id": id, "env_id": dev}),
        )
        .await;
    assert_eq!(published.status, 201, "{:?}", published.body);
    let publish_id = published.body["publish_id"].as_str().unwrap().to_owned();
    let version_id = published.body["version_id"].as_str().unwrap().to_owned();
    let shown = c.get(&format!("/apis/{id}"), &[]).await;
    assert_eq!(shown.body["run_env_name"], "DEV");
    assert_eq!(shown.body["publish_id"], publish_id.as_str());
    let in_dev = c.get("/apis", &[("env_id", &dev)]).await;
    assert_eq!(in_dev.body["total"], 1);
    // A listed API carries its publications as a shown one does.
    assert_eq!(in_dev.body["apis"][0]["run_env_name"], "DEV");
    assert_eq!(in_dev.body["apis"][0]["publish_id"], publish_id.as_str());
    let in_other = c.get("/apis", &[("env_id", "no-such-env")]).await;
    assert_eq!(in_other.body["total"], 0);
    let versions = c.get(&format!("/apis/publish/{id}"), &[]).await;
    assert_eq!(versions.body["total"], 1);
    assert_eq!(versions.body["api_versions"][0]["status"], 1);
    let detail = c.get(&format!("/apis/versions/{version_id}"), &[]).await;
    assert_eq!(detail.body["name"], "get_order");
    let runtime = c
        .get(&format!("/apis/runtime/{id}"), &[("env_id", &dev)])
        .await;
    assert_eq!(runtime.status, 200);
    assert_eq!(runtime.body["version_id"], version_id.as_str());

    // An environment with published APIs cannot be deleted.
    let refused = c.delete(&format!("/envs/{dev}")).await;
    assert_eq!((refused.status, refused.code()), (403, "APIG.3418"));

    // Offline; offline again is 404 APIG.3015.
    let offline = json!({"action": "offline", "api_id": id, "env_id": dev});
    assert_eq!(c.post("/apis/action", &offline).await.status, 201);
    let again = c.post("/apis/action", &offline).await;
    assert_eq!((again.status, again.code()), (404, "APIG.3015"));
    let bad_action = c
        .post(
            "/apis/action",
            &json!({"action": "up", "api_id": id, "env_id": dev}),
        )
        .await;
    assert_eq!(bad_action.code(), "APIG.2012");

    // Batch publish the group, then batch offline with one unknown API.
    let batch = c
        .call(
            "POST",
            "/apis/publish",
            &[("action", "online")],
            Some(&json!({"env_id": dev, "group_id": g})),
        )
        .await;
    assert_eq!(batch.status, 200, "{:?}", batch.body);
    assert_eq!(batch.body["success"].as_array().unwrap().len(), 2);
    let batch = c
        .call(
            "POST",
            "/apis/publish",
            &[("action", "offline")],
            Some(&json!({"env_id": dev, "apis": [id, "0000"]})),
        )
        .await;
    assert_eq!(batch.body["success"].as_array().unwrap().len(), 1);
    assert_eq!(batch.body["failure"][0]["error_code"], "APIG.3002");
    let no_action = c
        .post("/apis/publish", &json!({"env_id": dev, "apis": [id]}))
        .await;
    assert_eq!(no_action.code(), "APIG.2001");

    // The literal /apis/check is not an API id.
    let check = c
        .post(
            "/apis/check",
            &json!({"type": "name", "name": "get_order", "group_id": g}),
        )
        .await;
    assert_eq!((check.status, check.code()), (400, "APIG.3202"));
    let check = c
        .post(
            "/apis/check",
            &json!({"type": "path", "req_method": "GET", "req_uri": "/free", "group_id": g}),
        )
        .await;
    assert_eq!(check.status, 200);

    // Lists filter by group, method and name.
    let by_method = c
        .get("/apis", &[("group_id", &g), ("req_method", "GET")])
        .await;
    assert_eq!(by_method.body["total"], 2);
    let by_name = c
        .get(
            "/apis",
            &[("name", "get_order"), ("precise_search", "name")],
        )
        .await;
    assert_eq!(by_name.body["total"], 1);
    assert_eq!(by_name.body["apis"][0]["id"], id.as_str());

    // Deleting a published API is allowed and removes its publications.
    let a2 = api(&c, &g, "to_delete", "DELETE", "/orders/{id}").await;
    c.post(
        "/apis/action",
        &json!({"action": "online", "api_id": a2, "env_id": dev}),
    )
    .await;
    assert_eq!(c.delete(&format!("/apis/{a2}")).await.status, 204);
    let gone = c.get(&format!("/apis/{a2}"), &[]).await;
    assert_eq!((gone.status, gone.code()), (404, "APIG.3002"));
    // A deleted API's name and route are free again.
    let reused = c
        .post("/apis", &mock_api(&g, "to_delete", "DELETE", "/orders/{x}"))
        .await;
    assert_eq!(reused.status, 201, "{:?}", reused.body);
    // An updated API frees its old route and name and takes the new ones.
    let moved = c
        .put(
            &format!("/apis/{id}"),
            &mock_api(&g, "get_order_v2", "GET", "/v2/orders/{id}"),
        )
        .await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    let old_route = c
        .post("/apis", &mock_api(&g, "get_order", "GET", "/orders/{id}"))
        .await;
    assert_eq!(old_route.status, 201, "{:?}", old_route.body);
    let new_route = c
        .post("/apis", &mock_api(&g, "third", "GET", "/v2/orders/{n}"))
        .await;
    assert_eq!((new_route.status, new_route.code()), (400, "APIG.3301"));
    let new_name = c
        .post(
            "/apis",
            &mock_api(&g, "get_order_v2", "PUT", "/v2/orders/{n}"),
        )
        .await;
    assert_eq!((new_name.status, new_name.code()), (400, "APIG.3202"));
    // Updating an API to what it already is conflicts with nothing.
    let same = c
        .put(
            &format!("/apis/{id}"),
            &mock_api(&g, "get_order_v2", "GET", "/v2/orders/{id}"),
        )
        .await;
    assert_eq!(same.status, 200, "{:?}", same.body);
    // Another group has its own routes and names.
    let g2 = group(&c, "other_shop").await;
    let elsewhere = c
        .post(
            "/apis",
            &mock_api(&g2, "get_order_v2", "GET", "/v2/orders/{id}"),
        )
        .await;
    assert_eq!(elsewhere.status, 201, "{:?}", elsewhere.body);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn authentication_failures_are_401() {
    let (mut c, handle) = start(config()).await;
    let path = format!("{}/api-groups", c.prefix);
    let unsigned = c
        .send("GET", &path, &[], Vec::new(), "application/json", false)
        .await;
    assert_eq!((unsigned.status, unsigned.code()), (401, "APIG.1002"));

    // A wrong secret key.
    c.credentials.secret_key = "wrong".to_owned();
    let bad = c.get("/api-groups", &[]).await;
    assert_eq!(bad.status, 401);
    assert!(
        bad.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("signature")
    );

    // An unknown access key.
    c.credentials.secret_key = emulator_support::SK.to_owned();
    c.credentials.access_key = "NOBODY".to_owned();
    let unknown = c.get("/api-groups", &[]).await;
    assert_eq!(unknown.status, 401);
    assert!(
        unknown.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("NOBODY")
    );

    // A date 20 minutes old.
    c.credentials.access_key = emulator_support::AK.to_owned();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(20 * 60);
    c.date = Some(apigctl::gateway::signing::format_date(old));
    let skewed = c.get("/api-groups", &[]).await;
    assert_eq!(skewed.status, 401);
    assert!(
        skewed.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("15 minutes")
    );
    c.date = None;
    assert_eq!(c.get("/api-groups", &[]).await.status, 200);

    // A body changed after signing.
    let headers = c.signed_headers("POST", &path, &[], br#"{"name":"abc"}"#, "application/json");
    let mut request = c
        .http
        .post(format!("http://{}{path}", c.addr))
        .body(r#"{"name":"xyz"}"#);
    for (k, v) in &headers {
        request = request.header(k, v);
    }
    assert_eq!(request.send().await.unwrap().status().as_u16(), 401);

    // X-Auth-Token: configured passes, anything else fails.
    let ok = c
        .http
        .get(format!("http://{}{path}", c.addr))
        .header("X-Auth-Token", "test-token")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let no = c
        .http
        .get(format!("http://{}{path}", c.addr))
        .header("X-Auth-Token", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(no.status().as_u16(), 401);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn oversized_bodies_unknown_routes_and_pinned_ids() {
    let mut cfg = config();
    cfg.project_id = Some(emulator_support::PROJECT.to_owned());
    cfg.instance_id = Some(emulator_support::INSTANCE.to_owned());
    let (mut c, handle) = start(cfg).await;
    let big = vec![b' '; 12 * 1024 * 1024 + 1];
    let path = format!("{}/api-groups", c.prefix);
    let a = c
        .send("POST", &path, &[], big, "application/json", true)
        .await;
    assert_eq!((a.status, a.code()), (413, "APIG.0201"));

    let a = c.get("/no-such-thing", &[]).await;
    assert_eq!((a.status, a.code()), (404, "APIG.0101"));
    let a = c.call("PATCH", "/api-groups", &[], None).await;
    assert_eq!(a.status, 404);

    c.prefix = format!("/v2/{}/apigw/instances/other", emulator_support::PROJECT);
    let a = c.get("/api-groups", &[]).await;
    assert_eq!((a.status, a.code()), (404, "APIG.3030"));
    c.prefix = format!(
        "/v2/otherproject/apigw/instances/{}",
        emulator_support::INSTANCE
    );
    let a = c.get("/api-groups", &[]).await;
    assert_eq!(a.status, 403);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_serve_is_one_gateway_the_first_write_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut cfg = config();
    cfg.state_file = Some(state.clone());
    let (mut c, handle) = start(cfg.clone()).await;
    let own = c.prefix.clone();
    let other_instance = format!("/v2/{}/apigw/instances/other", emulator_support::PROJECT);
    let other_project = format!(
        "/v2/otherproject/apigw/instances/{}",
        emulator_support::INSTANCE
    );

    // Before any write, every gateway is this one, and a refused write names none.
    c.prefix = other_instance.clone();
    assert_eq!(c.get("/api-groups", &[]).await.status, 200);
    let refused = c.post("/api-groups", &json!({})).await;
    assert_eq!(refused.status, 400, "{:?}", refused.body);
    c.prefix = own.clone();
    let g = group(&c, "mine").await;

    // Another instance or project neither sees nor changes this gateway's objects.
    c.prefix = other_instance.clone();
    let read = c.get("/api-groups", &[]).await;
    assert_eq!((read.status, read.code()), (404, "APIG.3030"));
    let message = read.body["error_msg"].as_str().unwrap();
    assert!(
        message.starts_with("The instance does not exist;id:other")
            && message.contains(&format!("emulates instance {}", emulator_support::INSTANCE))
            && message.contains("run another `apigctl serve`"),
        "{message}"
    );
    let write = c.post("/api-groups", &json!({"name": "theirs"})).await;
    assert_eq!((write.status, write.code()), (404, "APIG.3030"));
    let delete = c.delete(&format!("/api-groups/{g}")).await;
    assert_eq!((delete.status, delete.code()), (404, "APIG.3030"));
    c.prefix = other_project;
    let read = c.get("/api-groups", &[]).await;
    assert_eq!((read.status, read.code()), (403, "APIC.7130"));
    c.prefix = own;
    let listed = c.get("/api-groups", &[]).await;
    assert_eq!(listed.body["total"], 1);
    handle.shutdown().await.unwrap();

    // The state file keeps whose gateway it is.
    let (mut c, handle) = start(cfg.clone()).await;
    c.prefix = other_instance;
    assert_eq!(c.get("/api-groups", &[]).await.code(), "APIG.3030");
    handle.shutdown().await.unwrap();
    let mut pinned = cfg;
    pinned.instance_id = Some("other".to_owned());
    let error = apigctl::emulator::spawn(pinned)
        .await
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        format!(
            "{}: the state file holds the gateway {}/{} (project/instance), not */other; give its ids, or another --state file for another gateway",
            state.display(),
            emulator_support::PROJECT,
            emulator_support::INSTANCE
        )
    );
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut cfg = config();
    cfg.state_file = Some(state.clone());
    let (c, handle) = start(cfg.clone()).await;
    let g = group(&c, "persisted").await;
    let a = api(&c, &g, "kept", "GET", "/kept").await;
    handle.shutdown().await.unwrap();
    assert!(state.exists());

    let (c, handle) = start(cfg).await;
    let shown = c.get(&format!("/apis/{a}"), &[]).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.body["group_id"], g.as_str());
    // The route and the name of a loaded API are still taken.
    let clash = c
        .post("/apis", &mock_api(&g, "other", "GET", "/kept"))
        .await;
    assert_eq!((clash.status, clash.code()), (400, "APIG.3301"));
    let named = c
        .post("/apis", &mock_api(&g, "kept", "GET", "/other"))
        .await;
    assert_eq!((named.status, named.code()), (400, "APIG.3202"));
    handle.shutdown().await.unwrap();

    std::fs::write(&state, b"{broken").unwrap();
    let mut cfg = config();
    cfg.state_file = Some(state);
    assert!(
        apigctl::emulator::spawn(cfg).await.is_err(),
        "a corrupt state file is refused"
    );
}

#[tokio::test]
async fn stats_and_fault_injection() {
    let mut cfg = config();
    cfg.faults = apigctl::emulator::faults::FaultPlan::parse("500@after:1", 0).unwrap();
    let (c, handle) = start(cfg).await;
    // The write is applied, its answer replaced by a 500.
    let a = c.post("/api-groups", &json!({"name": "applied"})).await;
    assert_eq!((a.status, a.code()), (500, "APIG.9999"));
    let stats = c.stats().await;
    assert_eq!(stats["applied"]["POST /api-groups"], 1);
    assert_eq!(stats["faults"]["500@after"], 1);
    assert_eq!(stats["by_method"]["POST"], 1);
    handle.shutdown().await.unwrap();

    let mut cfg = config();
    cfg.faults = apigctl::emulator::faults::FaultPlan::parse("drop:1", 0).unwrap();
    let (c, handle) = start(cfg).await;
    let path = format!("{}/api-groups", c.prefix);
    let outcome = c.try_send("GET", &path, Vec::new()).await;
    assert!(
        outcome.is_err(),
        "a dropped connection is an error for the client"
    );
    handle.shutdown().await.unwrap();

    let mut cfg = config();
    cfg.faults = apigctl::emulator::faults::FaultPlan::parse("429:1", 0).unwrap();
    let (c, handle) = start(cfg).await;
    let a = c.post("/api-groups", &json!({"name": "not_applied"})).await;
    assert_eq!(a.status, 429);
    let stats = c.stats().await;
    assert!(stats["applied"].as_object().unwrap().is_empty(), "{stats}");
    handle.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_of_one_name_yield_one_object() {
    let (c, handle) = start(config()).await;
    let c = std::sync::Arc::new(c);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let c = std::sync::Arc::clone(&c);
        tasks.push(tokio::spawn(async move {
            c.post("/api-groups", &json!({"name": "contended"}))
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 400).count(),
        15,
        "{statuses:?}"
    );
    let listed = c.get("/api-groups", &[]).await;
    assert_eq!(listed.body["total"], 1);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn version_switch_and_version_offline() {
    let (c, handle) = start(config()).await;
    let g = group(&c, "versions").await;
    let dev = env(&c, "DEV").await;
    let id = api(&c, &g, "versioned", "GET", "/v").await;
    let publish = json!({"action": "online", "api_id": id, "env_id": dev});
    let first = c.post("/apis/action", &publish).await;
    let v1 = first.body["version_id"].as_str().unwrap().to_owned();
    let mut changed = mock_api(&g, "versioned", "GET", "/v");
    changed["remark"] = json!("second");
    c.put(&format!("/apis/{id}"), &changed).await;
    let second = c.post("/apis/action", &publish).await;
    assert_eq!(
        second.body["publish_id"], first.body["publish_id"],
        "one publication per API and environment"
    );
    let v2 = second.body["version_id"].as_str().unwrap().to_owned();

    let versions = c
        .get(&format!("/apis/publish/{id}"), &[("env_id", &dev)])
        .await;
    assert_eq!(versions.body["total"], 2);
    let runtime = c
        .get(&format!("/apis/runtime/{id}"), &[("env_id", &dev)])
        .await;
    assert_eq!(runtime.body["remark"], "second");

    // Back to the first version: the runtime definition follows.
    let switched = c
        .put(&format!("/apis/publish/{id}"), &json!({"version_id": v1}))
        .await;
    assert_eq!(switched.status, 200, "{:?}", switched.body);
    let runtime = c
        .get(&format!("/apis/runtime/{id}"), &[("env_id", &dev)])
        .await;
    assert_eq!(runtime.body["version_id"], v1.as_str());
    assert!(runtime.body["remark"].is_null());
    let unknown = c
        .put(
            &format!("/apis/publish/{id}"),
            &json!({"version_id": "nope"}),
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (404, "APIG.3022"));

    // Taking the current version offline takes the API offline in that environment.
    assert_eq!(c.delete(&format!("/apis/versions/{v2}")).await.status, 204);
    assert_eq!(c.delete(&format!("/apis/versions/{v1}")).await.status, 204);
    let runtime = c
        .get(&format!("/apis/runtime/{id}"), &[("env_id", &dev)])
        .await;
    assert_eq!((runtime.status, runtime.code()), (404, "APIG.3015"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_connection_dropped_after_a_write_leaves_the_write_applied() {
    let mut cfg = config();
    cfg.faults = apigctl::emulator::faults::FaultPlan::parse("drop@after:1", 3).unwrap();
    let (c, handle) = start(cfg).await;
    let path = format!("{}/api-groups", c.prefix);
    let body = br#"{"name": "lost_answer"}"#.to_vec();
    let outcome = c.try_send("POST", &path, body).await;
    assert!(outcome.is_err(), "the client never sees the answer");
    let stats = c.stats().await;
    assert_eq!(stats["applied"]["POST /api-groups"], 1, "{stats}");
    assert_eq!(stats["faults"]["drop@after"], 1, "{stats}");
    handle.shutdown().await.unwrap();

    // Same store seen without faults: the group exists (a blind retry would be a duplicate).
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.state_file = Some(dir.path().join("s.json"));
    cfg.faults = apigctl::emulator::faults::FaultPlan::parse("500@after:1", 0).unwrap();
    let (c, handle) = start(cfg.clone()).await;
    let a = c
        .post("/api-groups", &json!({"name": "persisted_anyway"}))
        .await;
    assert_eq!(a.status, 500);
    handle.shutdown().await.unwrap();
    cfg.faults = apigctl::emulator::faults::FaultPlan::default();
    let (c, handle) = start(cfg).await;
    let listed = c
        .get(
            "/api-groups",
            &[("name", "persisted_anyway"), ("precise_search", "name")],
        )
        .await;
    assert_eq!(listed.body["total"], 1);
    handle.shutdown().await.unwrap();
}

/// The emulator answers with the linter's own rules (one source of truth): a request the
/// definition rules reject is refused with APIG.2011 naming the field and the rule.
#[tokio::test]
async fn api_requests_are_checked_by_the_lint_rules() {
    let (c, handle) = start(config()).await;
    let g = group(&c, "rules").await;
    let mut reserved = mock_api(&g, "reserved_header", "GET", "/reserved");
    reserved["req_params"] =
        json!([{"name": "X-Auth-Token", "type": "STRING", "location": "HEADER"}]);
    let a = c.post("/apis", &reserved).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    let message = a.body["error_msg"].as_str().unwrap();
    assert!(message.contains("req_params.name"), "{message}");
    assert!(message.contains("apig-header-x-auth-token"), "{message}");

    let mut undeclared = mock_api(&g, "undeclared", "GET", "/items/{item}");
    undeclared["req_params"] = json!([]);
    let a = c.post("/apis", &undeclared).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    assert!(
        a.body["error_msg"]
            .as_str()
            .unwrap()
            .contains("apig-path-params-declared")
    );

    // A policy backend without conditions, and a backend retry count out of its range.
    let mut unconditional = mock_api(&g, "unconditional", "GET", "/plain");
    unconditional["policy_mocks"] =
        json!([{"name": "canary", "effect_mode": "ANY", "result_content": "c", "conditions": []}]);
    let a = c.post("/apis", &unconditional).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    let message = a.body["error_msg"].as_str().unwrap();
    assert!(
        message.contains("apig-backend-policy-conditions-empty"),
        "{message}"
    );
    let mut retries = mock_api(&g, "retries", "GET", "/retries");
    retries["backend_type"] = json!("HTTP");
    retries["backend_api"] = json!({"url_domain": "example.com", "req_protocol": "HTTPS",
        "req_method": "GET", "req_uri": "/retries", "timeout": 5000, "retry_count": "11"});
    let a = c.post("/apis", &retries).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    let message = a.body["error_msg"].as_str().unwrap();
    assert!(
        message.contains("apig-backend-retry-count-range"),
        "{message}"
    );

    // The same API, valid, is accepted.
    let valid = mock_api(&g, "declared", "GET", "/items/{item}");
    assert_eq!(c.post("/apis", &valid).await.status, 201);

    // Policies too: an IP ACL entry that is no address (apig-acl-value).
    let acl = json!({"acl_name": "bad_acl", "acl_type": "PERMIT", "acl_value": "10.0.0.1,not-an-ip", "entity_type": "IP"});
    let a = c.post("/acls", &acl).await;
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    let message = a.body["error_msg"].as_str().unwrap();
    assert!(
        message.contains("acl_value") && message.contains("apig-acl-value"),
        "{message}"
    );
    handle.shutdown().await.unwrap();
}

/// Asserts that `a` is the APIG.2011 answer naming `field` and the rule `rule` (the emulator
/// answers with the linter's own rules).
fn refused_by(a: &Answer, field: &str, rule: &str) {
    assert_eq!((a.status, a.code()), (400, "APIG.2011"), "{:?}", a.body);
    let message = a.body["error_msg"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("parameterName:{field}")) && message.contains(rule),
        "{message}"
    );
}

/// The definition forms of rules that once checked OpenAPI documents only are the emulator's
/// checks too: a backend policy of a type the default backend does not take
/// (apig-backend-policy-type-compatible), and two-way TLS to a plain-HTTP backend
/// (apig-backend-client-ssl: a warning for a document, refused by the REST API, API Reference
/// 5.4 APIG.3717). Both are refused with APIG.2011 naming the field and the rule.
#[tokio::test]
async fn definition_forms_of_openapi_rules_are_enforced() {
    let (c, handle) = start(config()).await;
    let g = group(&c, "twins").await;
    let conditions = json!([{"condition_origin": "source", "condition_value": "10.0.0.0/8"}]);

    let mut mixed = mock_api(&g, "mixed", "GET", "/mixed");
    mixed["policy_functions"] = json!([{"name": "by_function", "effect_mode": "ANY",
        "function_urn": "urn:fss:x", "invocation_type": "sync", "network_type": "V1",
        "timeout": 5000, "conditions": conditions.clone()}]);
    let a = c.post("/apis", &mixed).await;
    refused_by(
        &a,
        "policy_functions",
        "apig-backend-policy-type-compatible",
    );
    let mut same_type = mock_api(&g, "same_type", "GET", "/same_type");
    same_type["policy_mocks"] = json!([{"name": "canary", "effect_mode": "ANY",
        "result_content": "c", "conditions": conditions}]);
    let a = c.post("/apis", &same_type).await;
    assert_eq!(a.status, 201, "{:?}", a.body);

    let web = |name: &str, protocol: &str| {
        let mut api = mock_api(&g, name, "GET", &format!("/{name}"));
        api["backend_type"] = json!("HTTP");
        api["mock_info"] = Value::Null;
        api["backend_api"] = json!({"url_domain": "example.com", "req_protocol": protocol,
            "req_method": "GET", "req_uri": "/orders", "timeout": 5000, "vpc_channel_status": 2,
            "enable_client_ssl": true});
        api
    };
    let a = c.post("/apis", &web("plain_tls", "HTTP")).await;
    refused_by(&a, "backend_api.req_protocol", "apig-backend-client-ssl");
    let a = c.post("/apis", &web("https_tls", "HTTPS")).await;
    assert_eq!(a.status, 201, "{:?}", a.body);

    // Repeats found by the rules are answered with the gateway's own codes (API Reference
    // 5.4): a header named twice in different case (apig-header-param-unique), a backend
    // policy name twice (apig-backend-policy-name-unique).
    let mut headers = mock_api(&g, "headers", "GET", "/headers");
    headers["req_params"] = json!([{"name": "X-Trace", "type": "STRING", "location": "HEADER"},
                                   {"name": "x-trace", "type": "STRING", "location": "HEADER"}]);
    let a = c.post("/apis", &headers).await;
    assert_eq!((a.status, a.code()), (400, "APIG.3209"), "{:?}", a.body);
    assert!(
        a.body["error_msg"]
            .as_str()
            .unwrap_or_default()
            .contains("x-trace")
    );
    let mut policies = mock_api(&g, "policies", "GET", "/policies");
    let canary = json!({"name": "canary", "effect_mode": "ANY", "result_content": "c",
        "conditions": [{"condition_origin": "source", "condition_value": "10.0.0.0/8"}]});
    policies["policy_mocks"] = json!([canary.clone(), canary]);
    let a = c.post("/apis", &policies).await;
    assert_eq!((a.status, a.code()), (400, "APIG.3210"), "{:?}", a.body);
    assert!(
        a.body["error_msg"]
            .as_str()
            .unwrap_or_default()
            .contains("canary")
    );
    handle.shutdown().await.unwrap();
}

/// Objects other than APIs are checked by the definition rules too, with the emulator's own
/// copies gone: a group description over the 1000 characters of Table 3-3 (a warning for a
/// document, refused by the REST API), an environment variable name, an excluded throttling
/// limit of 0 (apig-throttle-limit-range).
#[tokio::test]
async fn other_objects_are_checked_by_the_definition_rules() {
    let (c, handle) = start(config()).await;
    let long = c
        .post(
            "/api-groups",
            &json!({"name": "long_remark", "remark": "r".repeat(1001)}),
        )
        .await;
    refused_by(&long, "remark", "apig-group-remark-length");

    let g = group(&c, "objects").await;
    let dev = env(&c, "DEV").await;
    let bad = c
        .post(
            "/env-variables",
            &json!({"group_id": g, "env_id": dev, "variable_name": "1host", "variable_value": "v"}),
        )
        .await;
    refused_by(&bad, "variable_name", "apig-env-variable-definition-name");

    let t = c
        .post(
            "/throttles",
            &json!({"name": "per_second", "api_call_limits": 100, "time_interval": 1,
                    "time_unit": "SECOND", "type": 1}),
        )
        .await;
    assert_eq!(t.status, 201, "{:?}", t.body);
    let app = c.post("/apps", &json!({"name": "mobile_app"})).await.id();
    let zero = c
        .post(
            &format!("/throttles/{}/throttle-specials", t.id()),
            &json!({"object_type": "APP", "object_id": app, "call_limits": 0}),
        )
        .await;
    refused_by(&zero, "call_limits", "apig-throttle-limit-range");

    // A publication description over 255 characters, one API or a batch
    // (apig-publication-remark-length).
    let id = api(&c, &g, "published", "GET", "/published").await;
    let long = "r".repeat(256);
    let one = c
        .post(
            "/apis/action",
            &json!({"action": "online", "api_id": id, "env_id": dev, "remark": long}),
        )
        .await;
    let batch = c
        .call(
            "POST",
            "/apis/publish",
            &[("action", "online")],
            Some(&json!({"apis": [id], "env_id": dev, "remark": long})),
        )
        .await;
    for refused in [one, batch] {
        refused_by(&refused, "remark", "apig-publication-remark-length");
    }
    handle.shutdown().await.unwrap();
}

/// Values the API Reference forbids in a backend, its parameters and its policies are refused
/// by a direct create (APIG.2011 naming the rule): the emulator checks with the linter's
/// definition rules, which now cover them (not only OpenAPI documents).
#[tokio::test]
async fn backend_values_the_reference_forbids_are_refused() {
    let (c, handle) = start(config()).await;
    let g = group(&c, "backend_values").await;
    let http_api = |name: &str| {
        let mut api = mock_api(&g, name, "GET", &format!("/{name}"));
        api["backend_type"] = json!("HTTP");
        api["mock_info"] = Value::Null;
        api["backend_api"] = json!({"url_domain": "example.com", "req_protocol": "HTTPS",
            "req_method": "GET", "req_uri": "/orders", "timeout": 5000, "vpc_channel_status": 2});
        api
    };
    let policy = json!({"name": "canary", "effect_mode": "ANY", "url_domain": "c.example.com",
        "req_protocol": "HTTPS", "req_method": "GET", "req_uri": "/orders", "timeout": 5000,
        "vpc_channel_status": 2,
        "conditions": [{"condition_origin": "source", "condition_value": "10.0.0.0/8"}]});
    let cases: Vec<(&str, &str, &str, Value)> = vec![
        (
            "case_1",
            "/backend_api/timeout",
            "apig-backend-timeout",
            json!(9_999_999),
        ),
        (
            "case_2",
            "/backend_api/req_uri",
            "apig-backend-path",
            json!("orders"),
        ),
        (
            "case_3",
            "/backend_api/url_domain",
            "apig-backend-url-domain",
            json!("https://example.com/x"),
        ),
        (
            "case_4",
            "/backend_params",
            "apig-backend-param-name",
            json!([{"name": "1 bad", "location": "HEADER", "origin": "CONSTANT", "value": "x"}]),
        ),
        (
            "case_5",
            "/backend_params",
            "apig-backend-param-unique",
            json!([{"name": "X-A", "location": "HEADER", "origin": "CONSTANT", "value": "a"},
                   {"name": "X-A", "location": "HEADER", "origin": "CONSTANT", "value": "b"}]),
        ),
        (
            "case_6",
            "/policy_https/0/name",
            "apig-backend-policy-name",
            json!("p"),
        ),
        (
            "case_7",
            "/policy_https/0/timeout",
            "apig-backend-timeout",
            json!(0),
        ),
        (
            "case_8",
            "/policy_https/0/conditions/0/condition_value",
            "apig-policy-condition-source-value",
            json!("not-an-ip"),
        ),
    ];
    for (name, pointer, rule, value) in cases {
        let mut api = http_api(name);
        if pointer.starts_with("/policy_https") {
            api["policy_https"] = json!([policy.clone()]);
        }
        match api.pointer_mut(pointer) {
            Some(slot) => *slot = value,
            None => api[pointer.trim_start_matches('/')] = value,
        }
        let a = c.post("/apis", &api).await;
        assert_eq!(
            (a.status, a.code()),
            (400, "APIG.2011"),
            "{name}: {:?}",
            a.body
        );
        // The answer is the rule's (the emulator keeps no copy of its constraint): it names
        // the rule and the field.
        let message = a.body["error_msg"].as_str().unwrap_or_default();
        let field = pointer.rsplit('/').next().unwrap_or_default();
        assert!(
            message.contains(rule) && message.contains(field),
            "{name}: {message}"
        );
    }
    // The same API with none of these values is created.
    let mut fine = http_api("fine");
    fine["policy_https"] = json!([policy]);
    let a = c.post("/apis", &fine).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    handle.shutdown().await.unwrap();
}
