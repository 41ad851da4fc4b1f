//! `apigctl serve` as a command: generated credentials, clean shutdown on SIGTERM, argument
//! errors.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_address_and_generated_credentials_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listen = lines.next().unwrap().unwrap();
    assert!(
        listen.starts_with("apigctl serve: listening on http://127.0.0.1:"),
        "{listen}"
    );
    let generated = lines.next().unwrap().unwrap();
    assert!(
        generated.starts_with("apigctl serve: generated credentials AK="),
        "{generated}"
    );
    let sk = generated.split("SK=").nth(1).unwrap();
    assert_eq!(sk.len(), 40, "{generated}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("stopped"));
}

#[test]
fn bad_credentials_and_fault_specs_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let credentials = dir.path().join("creds");
    std::fs::write(&credentials, "# comment\nAK_WITHOUT_SECRET\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["serve", "--listen", "127.0.0.1:0", "--credentials"])
        .arg(&credentials)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("creds:2: expected `ACCESS_KEY:SECRET_KEY`"),
        "{stderr}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--inject-faults",
            "503:0.5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bad fault `503:0.5`"));

    let state = dir.path().join("state.json");
    // Not JSON, truncated, and an array where the state object belongs.
    for (text, place, what) in [
        ("not json", "1:1", "expected a JSON object"),
        ("{\"apis\": {", "1:10", "EOF while parsing an object"),
        ("  []", "1:3", "expected a JSON object"),
        ("\n\n  []", "3:3", "expected a JSON object"),
    ] {
        std::fs::write(&state, text).unwrap();
        let output = serve_with_state(&state);
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let expected = format!(
            "{}:{place}: the state file is not valid emulator state: {what}; repair it, or move it away",
            state.display()
        );
        assert!(stderr.contains(&expected), "{text}: {stderr}");
    }

    // A state file in a directory that does not exist: refused before listening.
    let output = serve_with_state(&dir.path().join("nodir/state.json"));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .contains("does not exist; create it, or give a --state path in an existing directory")
            && !stderr.contains("listening"),
        "{stderr}"
    );
}

/// `apigctl serve --state STATE` on an ephemeral loopback port, for a state it refuses (so it
/// exits before serving).
fn serve_with_state(state: &std::path::Path) -> std::process::Output {
    serve_state_command(state).output().unwrap()
}

/// The command line of `apigctl serve --state STATE` on an ephemeral loopback port.
fn serve_state_command(state: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apigctl"));
    command
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--auth-token",
            "t",
            "--state",
        ])
        .arg(state);
    command
}

/// `apigctl serve` with credentials `AK1:SK1` answering every request 300 ms late (`slow`), so
/// a sync can be interrupted halfway; with its endpoint.
fn slow_serve(dir: &std::path::Path) -> (std::process::Child, String) {
    let credentials = dir.join("credentials");
    std::fs::write(&credentials, "AK1:SK1\n").unwrap();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["serve", "--listen", "127.0.0.1:0", "--credentials"])
        .arg(&credentials)
        .args(["--inject-faults", "slow@after:1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut listen = String::new();
    BufReader::new(serve.stdout.take().unwrap())
        .read_line(&mut listen)
        .unwrap();
    (serve, listen.trim().rsplit(' ').next().unwrap().to_owned())
}

/// The emulator's request counters (`GET /__apigctl/stats`, no authentication).
fn stats(endpoint: &str) -> serde_json::Value {
    let mut stream = std::net::TcpStream::connect(endpoint.trim_start_matches("http://")).unwrap();
    std::io::Write::write_all(&mut stream, b"GET /__apigctl/stats HTTP/1.0\r\n\r\n").unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap()
}

/// Ctrl-C while `apigctl sync` still reads the gateway: nothing is sent, exit 130.
#[test]
fn a_sync_interrupted_while_reading_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, endpoint) = slow_serve(dir.path());
    let sync = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["sync", "testdata/sync/shop-3.0.yaml", "--env", "DEV"])
        .args([
            "--parallelism",
            "1",
            "--endpoint",
            &endpoint,
            "--instance-id",
            "i1",
        ])
        .env("HUAWEICLOUD_SDK_AK", "AK1")
        .env("HUAWEICLOUD_SDK_SK", "SK1")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reads take 300 ms each, one at a time: half a second in, it is still reading.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let kill = Command::new("kill")
        .args(["-INT", &sync.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = sync.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.ends_with("sync: interrupted before anything was sent\n"),
        "{stderr}"
    );
    let stats = stats(&endpoint);
    assert_eq!(stats["applied"], serde_json::json!({}), "{stats}");
    let _ = serve.kill();
    let _ = serve.wait();
}

/// Ctrl-C during `apigctl sync`: the request in flight finishes and is reported, no new one
/// starts, the summary says what was left, and the exit code is 130. Every write the gateway
/// applied is one the output reports. The emulator answers every request late (`slow`), so
/// the sync is interrupted halfway.
#[test]
fn an_interrupted_sync_finishes_what_is_in_flight_and_says_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let (mut serve, endpoint) = slow_serve(dir.path());
    let mut definition = String::from("apigctl: 1\ngroup: {name: interrupted_api}\napis:\n");
    for n in 0..8 {
        definition.push_str(&format!(
            "  - {{name: api_{n}, type: 1, req_protocol: HTTPS, req_method: GET, req_uri: /r{n}, auth_type: NONE, cors: false, match_mode: NORMAL, backend_type: MOCK, mock_info: {{result_content: ok}}}}\n"
        ));
    }
    let source = dir.path().join("apis.yaml");
    std::fs::write(&source, definition).unwrap();

    let mut sync = Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .arg("sync")
        .arg(&source)
        .args([
            "--env",
            "DEV",
            "--parallelism",
            "1",
            "--endpoint",
            &endpoint,
        ])
        .args(["--instance-id", "i1"])
        .env("HUAWEICLOUD_SDK_AK", "AK1")
        .env("HUAWEICLOUD_SDK_SK", "SK1")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p1")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(sync.stderr.take().unwrap());
    let mut text = String::new();
    loop {
        let mut line = String::new();
        assert_ne!(
            stderr.read_line(&mut line).unwrap(),
            0,
            "ended early:\n{text}"
        );
        text.push_str(&line);
        if line.starts_with("created api ") {
            break;
        }
    }
    let kill = Command::new("kill")
        .args(["-INT", &sync.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
    let status = sync.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{text}");
    assert!(
        text.contains("apigctl: interrupted: finishing the requests in flight, starting no new one (Ctrl-C again quits at once)\n"),
        "{text}"
    );
    let created = text.matches("\ncreated api ").count();
    assert!((1..8).contains(&created), "{text}");
    let summary = text.lines().last().unwrap();
    // Of 18 operations (the group, DEV, 8 APIs, 8 publications), the group and DEV are done.
    assert!(text.starts_with("created group interrupted_api\ncreated environment DEV\n"));
    let done = created + 2;
    assert!(
        summary.starts_with(&format!(
            "sync: interrupted: {done} operations done, 0 failed, {} not started;",
            18 - done
        )) && summary.ends_with("; run sync again to finish"),
        "{text}"
    );

    // What the gateway applied: as many APIs as the output reports.
    let stats = stats(&endpoint);
    assert_eq!(stats["applied"]["POST /apis"], created, "{stats}");
    let _ = serve.kill();
    let _ = serve.wait();
}

/// `apigctl serve ARGS` with only the environment variables `vars` of the key pair set, on an
/// ephemeral loopback port; stopped after 10 s if it is still running (then it did not
/// refuse to start).
fn serve_briefly(args: &[&str], vars: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_apigctl"));
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("HUAWEICLOUD_SDK_AK")
        .env_remove("HUAWEICLOUD_SDK_SK")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if child.try_wait().unwrap().is_none() {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    child.wait_with_output().unwrap()
}

/// Half a key pair is a usage error naming both variables, not a silently generated pair.
#[test]
fn an_access_key_without_its_secret_is_a_usage_error() {
    for (vars, message) in [
        (
            &[("HUAWEICLOUD_SDK_AK", "AK1")][..],
            "apigctl: error: HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not: set both HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (the key pair to accept), or neither (a pair is generated), or give --credentials FILE\n",
        ),
        (
            &[("HUAWEICLOUD_SDK_AK", ""), ("HUAWEICLOUD_SDK_SK", "SK1")],
            "apigctl: error: HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not: set both HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (the key pair to accept), or neither (a pair is generated), or give --credentials FILE\n",
        ),
    ] {
        let output = serve_briefly(&[], vars);
        assert_eq!(output.status.code(), Some(2), "{vars:?}: {output:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), message);
        assert!(output.stdout.is_empty(), "{output:?}");
    }
}

/// An empty state file (or one of white space only) is an empty gateway, as `touch` makes
/// one; one that is not UTF-8 is refused at the first byte that is not, saying how to fix it.
#[test]
fn an_empty_state_file_is_an_empty_gateway_and_a_binary_one_is_refused_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    for text in ["", " \n\t\n"] {
        std::fs::write(&state, text).unwrap();
        let mut child = serve_state_command(&state)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The first line: listening, or nothing when it refused to start.
        let first = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let output = child.wait_with_output().unwrap();
        assert!(
            first.starts_with("apigctl serve: listening on http://127.0.0.1:"),
            "{text:?}: {first} {output:?}"
        );
    }
    std::fs::write(&state, b"{\n  \"apis\xFF\": {}}").unwrap();
    let output = serve_with_state(&state);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        format!(
            "apigctl: error: {}:2:8: the state file is not valid emulator state: not UTF-8 text (byte 0xFF): a state file is the JSON `apigctl serve` writes; repair it, or move it away to start with an empty gateway\n",
            state.display()
        )
    );
    // A key the state does not have (a hand-edited `groupz`) is refused at its place, not read
    // as an empty gateway the next write would save over the file.
    std::fs::write(&state, "{\n  \"groupz\": {}\n}\n").unwrap();
    let output = serve_with_state(&state);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("apigctl: error: {}:2:", state.display()))
            && stderr.contains("unknown field `groupz`"),
        "{stderr}"
    );
}
