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
    Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--auth-token",
            "t",
            "--state",
        ])
        .arg(state)
        .output()
        .unwrap()
}
