//! Shared by the sync tests and the sync benchmark: an emulator on loopback and a generated
//! definition of many APIs.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;

use apigctl::commands::Outcome;
use apigctl::commands::diff::{DiffOptions, GatewayOptions, PlanFormat};
use apigctl::commands::sync::SyncOptions;
use apigctl::emulator::{self, Config, ThreadHandle, faults::FaultPlan};
use apigctl::source::Input;

/// Credentials the emulator accepts.
pub const AK: &str = "AK-SYNC-TEST";
/// Secret key of [`AK`].
pub const SK: &str = "sk-sync-test-secret";

/// An emulator running on 127.0.0.1:0.
pub struct Gateway {
    /// Where it listens.
    pub addr: SocketAddr,
    _handle: ThreadHandle,
}

impl Gateway {
    /// A fresh, empty emulator; `faults` as for `apigctl serve --inject-faults`.
    pub fn start(faults: Option<&str>) -> Gateway {
        let faults = match faults {
            Some(spec) => FaultPlan::parse(spec, 7).expect("fault spec"),
            None => FaultPlan::default(),
        };
        let config = Config {
            credentials: vec![(AK.to_owned(), SK.to_owned())],
            faults,
            ..Config::default()
        };
        let (addr, handle) = emulator::spawn_thread(config).expect("emulator starts");
        Gateway {
            addr,
            _handle: handle,
        }
    }

    /// Client settings pointing at this emulator.
    pub fn gateway_options(&self, parallelism: usize) -> GatewayOptions {
        let vars: BTreeMap<String, String> = [
            ("HUAWEICLOUD_SDK_AK", AK.to_owned()),
            ("HUAWEICLOUD_SDK_SK", SK.to_owned()),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1".to_owned()),
            ("APIGCTL_INSTANCE_ID", "i1".to_owned()),
            ("APIGCTL_ENDPOINT", format!("http://{}", self.addr)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        GatewayOptions {
            overrides: apigctl::gateway::ConfigOverrides {
                parallelism: Some(parallelism),
                ..Default::default()
            },
            env_vars: Some(vars),
        }
    }

    /// `apigctl diff SOURCE --env DEV`.
    pub fn diff(&self, source: &str, prune: bool, format: PlanFormat) -> Outcome {
        apigctl::commands::diff::run(&Input::from_arg(source), &self.diff_options(prune, format))
    }

    /// `apigctl diff SOURCE --env ENV`.
    pub fn diff_in(&self, source: &str, env: &str) -> Outcome {
        let options = DiffOptions {
            env: env.to_owned(),
            ..self.diff_options(false, PlanFormat::Human)
        };
        apigctl::commands::diff::run(&Input::from_arg(source), &options)
    }

    fn diff_options(&self, prune: bool, format: PlanFormat) -> DiffOptions {
        DiffOptions {
            gateway: self.gateway_options(4),
            env: "DEV".to_owned(),
            prune,
            format,
            ..DiffOptions::default()
        }
    }

    /// `apigctl sync SOURCE --env DEV`.
    pub fn sync(&self, source: &str, prune: bool) -> Outcome {
        let options = SyncOptions {
            diff: self.diff_options(prune, PlanFormat::Human),
            ..SyncOptions::default()
        };
        apigctl::commands::sync::run(&Input::from_arg(source), &options)
    }

    /// `apigctl sync SOURCE --env DEV --format FORMAT`.
    pub fn sync_as(&self, source: &str, prune: bool, format: PlanFormat) -> Outcome {
        let options = SyncOptions {
            diff: self.diff_options(prune, format),
            ..SyncOptions::default()
        };
        apigctl::commands::sync::run(&Input::from_arg(source), &options)
    }

    /// `apigctl sync SOURCE --env ENV`.
    pub fn sync_in(&self, source: &str, env: &str) -> Outcome {
        self.sync_with(source, env, false)
    }

    /// `apigctl sync SOURCE --env ENV --prune`.
    pub fn sync_in_pruned(&self, source: &str, env: &str) -> Outcome {
        self.sync_with(source, env, true)
    }

    fn sync_with(&self, source: &str, env: &str, prune: bool) -> Outcome {
        let options = SyncOptions {
            diff: DiffOptions {
                env: env.to_owned(),
                ..self.diff_options(prune, PlanFormat::Human)
            },
            ..SyncOptions::default()
        };
        apigctl::commands::sync::run(&Input::from_arg(source), &options)
    }

    /// `apigctl dump --group GROUP --env DEV --format json`, parsed.
    pub fn dump(&self, group: &str) -> apigctl::model::Definition {
        let options = apigctl::commands::dump::DumpOptions {
            gateway: self.gateway_options(4),
            group: group.to_owned(),
            env: Some("DEV".to_owned()),
            format: apigctl::commands::import::OutputFormat::Json,
            ..Default::default()
        };
        let outcome = apigctl::commands::dump::run(&options);
        assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        apigctl::model::Definition::from_json(serde_json::from_str(&outcome.stdout).expect("json"))
            .expect("definition")
    }

    /// The emulator's request counters (`GET /__apigctl/stats`).
    pub fn stats(&self) -> serde_json::Value {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            reqwest::get(format!("http://{}/__apigctl/stats", self.addr))
                .await
                .expect("stats answer")
                .json()
                .await
                .expect("stats json")
        })
    }

    /// `METHOD /{path}` with an optional JSON body, signed as sync signs (project `p1`,
    /// instance `i1`); the answer (`null` when empty). For what sync never writes, such as VPC
    /// channels.
    pub fn rest(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> serde_json::Value {
        use apigctl::gateway::{Auth, Client, GatewayConfig, client::Call, signing::Credentials};
        let credentials = Credentials {
            access_key: AK.to_owned(),
            secret_key: SK.to_owned(),
            security_token: None,
        };
        let config = GatewayConfig::new(
            &format!("http://{}", self.addr),
            "p1",
            "i1",
            Auth::Signed(credentials),
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let client = Client::new(config).expect("client");
            let mut call = Call::new(method, format!("/{path}"), "call", path);
            if let Some(body) = body {
                call = call.json(body).expect("body");
            }
            client.fetch(&call).await.expect("answer")
        })
    }

    /// `POST /{path}` with a JSON body ([`Gateway::rest`]); the created object's `id`.
    pub fn create(&self, path: &str, body: &serde_json::Value) -> String {
        let created = self.rest(reqwest::Method::POST, path, Some(body));
        created["id"].as_str().expect("an id").to_owned()
    }

    /// Write requests (POST, PUT, DELETE) the emulator received so far.
    pub fn writes(&self) -> u64 {
        let stats = self.stats();
        ["POST", "PUT", "DELETE"]
            .iter()
            .map(|m| stats["by_method"][m].as_u64().unwrap_or(0))
            .sum()
    }
}

/// A definition of `apis` mock APIs in group `group`, with two variables in `DEV`. `cors` and
/// `match_mode` are spelled out because the gateway fills in their defaults and `dump` shows them.
pub fn generated_definition(group: &str, apis: usize) -> String {
    let apis: Vec<serde_json::Value> = (0..apis)
        .map(|i| {
            serde_json::json!({
                "name": format!("api_{i:04}"),
                "type": 1,
                "req_protocol": "HTTPS",
                "req_method": "GET",
                "req_uri": format!("/items/{i}"),
                "auth_type": "NONE",
                "cors": false,
                "match_mode": "NORMAL",
                "backend_type": "MOCK",
                "mock_info": { "result_content": format!("{{\"item\":{i}}}") }
            })
        })
        .collect();
    let definition = serde_json::json!({
        "apigctl": 1,
        "group": { "name": group, "remark": "generated" },
        "environments": [{ "name": "DEV", "variables": [
            { "variable_name": "backend_host", "variable_value": "10.0.0.1" },
            { "variable_name": "stage", "variable_value": "dev" }
        ]}],
        "apis": apis,
    });
    serde_json::to_string_pretty(&definition).expect("json")
}
