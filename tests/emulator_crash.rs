//! Crash safety: the real binary takes concurrent writes with `--state`, is killed with
//! SIGKILL mid-stream, and restarted on the same file. The file must load, and every write
//! the server acknowledged (201) before dying must be there.

mod emulator_support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use emulator_support::Client;
use serde_json::json;

const WRITERS: usize = 6;

async fn all_group_names(c: &Client) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut offset = 0;
    loop {
        let page = c
            .get(
                "/api-groups",
                &[("offset", &offset.to_string()), ("limit", "500")],
            )
            .await;
        assert_eq!(page.status, 200, "{:?}", page.body);
        let groups = page.body["groups"].as_array().unwrap().clone();
        for g in &groups {
            names.insert(g["name"].as_str().unwrap().to_owned());
        }
        offset += groups.len();
        if groups.is_empty() || offset as u64 >= page.body["total"].as_u64().unwrap() {
            return names;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap().to_owned();
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));

    for round in 0..3 {
        let (mut server, addr) =
            emulator_support::spawn_binary(dir.path(), &["--state", &state_arg]);
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let acknowledged = Arc::clone(&acknowledged);
            writers.push(tokio::spawn(async move {
                let c = Client::new(addr);
                for i in 0.. {
                    let name = format!("r{round}_w{w}_g{i}");
                    let url = format!("{}/api-groups", c.prefix);
                    let body = serde_json::to_vec(&json!({ "name": name })).unwrap();
                    match c.try_send("POST", &url, body).await {
                        Ok((201, _)) => {
                            acknowledged.lock().unwrap().insert(name);
                        }
                        // The server died under us: stop this writer.
                        _ => return,
                    }
                }
            }));
        }
        // Let the writers get going, then kill the server mid-stream.
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let count = acknowledged.lock().unwrap().len();
            if count >= (round + 1) * 60 {
                break;
            }
        }
        server.kill().expect("SIGKILL");
        server.wait().unwrap();
        for w in writers {
            w.await.unwrap();
        }

        // The file parses and holds every acknowledged write.
        let text = std::fs::read(&state).expect("state file exists");
        serde_json::from_slice::<serde_json::Value>(&text).expect("state file is valid JSON");
        let (mut server, addr) =
            emulator_support::spawn_binary(dir.path(), &["--state", &state_arg]);
        let present = all_group_names(&Client::new(addr)).await;
        let expected = acknowledged.lock().unwrap().clone();
        let missing: Vec<&String> = expected.difference(&present).collect();
        assert!(
            missing.is_empty(),
            "round {round}: acknowledged but lost: {missing:?}"
        );
        server.kill().unwrap();
        server.wait().unwrap();
    }
    assert!(acknowledged.lock().unwrap().len() >= 180);
}
