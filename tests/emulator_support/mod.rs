//! A tiny signing client for the emulator tests: signs every request with
//! `apigctl::gateway::signing` exactly as the official SDK does.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::SystemTime;

use apigctl::emulator::{self, Config};
use apigctl::gateway::signing::{self, Credentials, SignableRequest};
use serde_json::Value;

pub const AK: &str = "TESTACCESSKEY";
pub const SK: &str = "test-secret-key";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const INSTANCE: &str = "fedcba9876543210fedcba9876543210";

/// A config accepting `AK`/`SK` and the token `test-token`.
pub fn config() -> Config {
    Config {
        credentials: vec![(AK.to_owned(), SK.to_owned())],
        tokens: vec!["test-token".to_owned()],
        ..Config::default()
    }
}

/// An answer: status, JSON body (Null when empty or not JSON), headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["error_code"].as_str().unwrap_or("")
    }
    pub fn id(&self) -> String {
        self.body["id"].as_str().unwrap_or_default().to_owned()
    }
}

pub struct Client {
    pub http: reqwest::Client,
    pub addr: SocketAddr,
    pub credentials: Credentials,
    pub prefix: String,
    /// Overrides `X-Sdk-Date` (for skew tests).
    pub date: Option<String>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            http: reqwest::Client::new(),
            addr,
            credentials: Credentials {
                access_key: AK.to_owned(),
                secret_key: SK.to_owned(),
                security_token: None,
            },
            prefix: format!("/v2/{PROJECT}/apigw/instances/{INSTANCE}"),
            date: None,
        }
    }

    /// The signed request: (headers, wire query) for `method path?query` with `body`.
    pub fn signed_headers(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: &[u8],
        content_type: &str,
    ) -> Vec<(String, String)> {
        let mut headers = vec![
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("X-Project-Id".to_owned(), PROJECT.to_owned()),
            ("User-Agent".to_owned(), "apigctl-test".to_owned()),
        ];
        if let Some(date) = &self.date {
            headers.push(("X-Sdk-Date".to_owned(), date.clone()));
        }
        signing::add_signing_headers(
            &mut headers,
            &self.credentials,
            &self.addr.to_string(),
            SystemTime::now(),
        );
        let request = SignableRequest {
            method,
            path,
            query,
            headers: &headers,
            body,
        };
        let authorization = signing::sign(&self.credentials, &request).expect("sign");
        headers.push(("Authorization".to_owned(), authorization));
        headers
    }

    /// Sends a signed request on an absolute path and reads the whole answer; connection
    /// errors (a dropped connection) come back as `Err`.
    pub async fn try_send(
        &self,
        method: &str,
        full_path: &str,
        body: Vec<u8>,
    ) -> Result<(u16, Vec<u8>), reqwest::Error> {
        let headers = self.signed_headers(method, full_path, &[], &body, "application/json");
        let mut request = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("http://{}{full_path}", self.addr),
            )
            .body(body);
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        Ok((status, response.bytes().await?.to_vec()))
    }

    /// The hidden request counters.
    pub async fn stats(&self) -> Value {
        self.http
            .get(format!("http://{}/__apigctl/stats", self.addr))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sends `method prefix+path` with query pairs and an optional JSON body, signed.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let full = format!("{}{path}", self.prefix);
        let bytes = body
            .map(|b| serde_json::to_vec(b).unwrap())
            .unwrap_or_default();
        self.send(
            method,
            &full,
            query,
            bytes,
            "application/json;charset=utf-8",
            true,
        )
        .await
    }

    /// `POST prefix+path` with a JSON body, signed.
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call("POST", path, &[], Some(body)).await
    }

    /// `PUT prefix+path` with a JSON body, signed.
    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call("PUT", path, &[], Some(body)).await
    }

    /// `GET prefix+path` with query pairs, signed.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Answer {
        self.call("GET", path, query, None).await
    }

    /// `DELETE prefix+path`, signed.
    pub async fn delete(&self, path: &str) -> Answer {
        self.call("DELETE", path, &[], None).await
    }

    /// Sends raw bytes on an absolute path; `sign` false sends no Authorization.
    pub async fn send(
        &self,
        method: &str,
        full_path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
        content_type: &str,
        sign: bool,
    ) -> Answer {
        let pairs: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let wire_query = signing::canonical_query(&pairs);
        let headers = if sign {
            self.signed_headers(method, full_path, &pairs, &body, content_type)
        } else {
            vec![("Content-Type".to_owned(), content_type.to_owned())]
        };
        let url = if wire_query.is_empty() {
            format!("http://{}{full_path}", self.addr)
        } else {
            format!("http://{}{full_path}?{wire_query}", self.addr)
        };
        let mut request = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
            .body(body);
        for (k, v) in &headers {
            request = request.header(k, v);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            headers,
        }
    }
}

/// Starts an emulator with `config` on 127.0.0.1:0.
pub async fn start(config: Config) -> (Client, emulator::Handle) {
    let (addr, handle) = emulator::spawn(config).await.expect("spawn");
    (Client::new(addr), handle)
}

/// Runs the real `apigctl serve` binary on 127.0.0.1:0 with `AK:SK` credentials and `extra`
/// arguments; returns the child and the address it printed.
pub fn spawn_binary(dir: &std::path::Path, extra: &[&str]) -> (std::process::Child, SocketAddr) {
    use std::io::BufRead;
    let credentials = dir.join("credentials");
    std::fs::write(&credentials, format!("# test\n{AK}:{SK}\n")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_apigctl"))
        .args(["serve", "--listen", "127.0.0.1:0", "--credentials"])
        .arg(&credentials)
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start apigctl serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the listen line");
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from apigctl serve: {line:?}"));
    (child, addr)
}
