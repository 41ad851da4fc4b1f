//! Every vector computed by the official Huawei SDK signer (testdata/signing, copied from the
//! reference) is reproduced by signing, and accepted by verification; tampering is rejected.

use std::time::Duration;

use apigctl::gateway::signing::{self, Credentials, SignableRequest, SigningError};
use serde_json::Value;

struct Vector {
    name: String,
    algorithm: String,
    method: String,
    host: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    region: Option<String>,
    service: Option<String>,
    expected: Value,
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        // The SDK stringifies booleans as Python does, lower-cased by its query builder.
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn vectors() -> (Credentials, Vec<Vector>) {
    let raw = std::fs::read_to_string("testdata/signing/signing-vectors-huawei.json").unwrap();
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let common = &doc["common"];
    let credentials = Credentials {
        access_key: text(&common["ak"]),
        secret_key: text(&common["sk"]),
        security_token: None,
    };
    let vectors = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let input = &v["input"];
            let body = match input["body_utf8"].as_str() {
                Some(s) => s.as_bytes().to_vec(),
                None => Vec::new(),
            };
            Vector {
                name: text(&v["name"]),
                algorithm: text(&v["algorithm"]),
                method: text(&input["method"]),
                host: text(&input["host"]),
                path: text(&input["resource_path_sent"]),
                query: input["query_params"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| (text(&p[0]), text(&p[1])))
                    .collect(),
                headers: input["headers_before_signing"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), text(v)))
                    .collect(),
                body,
                region: input["region_id"].as_str().map(str::to_owned),
                service: input["derived_auth_service_name"]
                    .as_str()
                    .map(str::to_owned),
                expected: v["expected"].clone(),
            }
        })
        .collect();
    (credentials, vectors)
}

fn sent_headers(v: &Vector) -> Vec<(String, String)> {
    v.expected["headers_sent"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, val)| (k.clone(), text(val)))
        .collect()
}

#[test]
fn every_vector_is_reproduced() {
    let (credentials, vectors) = vectors();
    assert!(vectors.len() >= 10, "expected the full vector set");
    for v in &vectors {
        let mut headers = v.headers.clone();
        let credentials = Credentials {
            security_token: headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("x-security-token"))
                .map(|(_, t)| t.clone()),
            ..credentials.clone()
        };
        let now = signing::parse_date(&text(&v.expected["headers_sent"]["X-Sdk-Date"])).unwrap();
        signing::add_signing_headers(&mut headers, &credentials, &v.host, now);
        let request = SignableRequest {
            method: &v.method,
            path: &v.path,
            query: &v.query,
            headers: &headers,
            body: &v.body,
        };
        let signed = signing::signed_header_names(&headers);
        assert_eq!(
            signed.join(";"),
            text(&v.expected["signed_headers"]),
            "{}",
            v.name
        );
        let canonical = signing::canonical_request(&request, &signed).unwrap();
        assert_eq!(
            canonical,
            text(&v.expected["canonical_request"]),
            "{}",
            v.name
        );
        let authorization = if v.algorithm == signing::ALGORITHM_V11 {
            signing::sign_v11(
                &credentials,
                &request,
                v.region.as_deref().unwrap(),
                v.service.as_deref().unwrap(),
            )
        } else {
            assert_eq!(
                signing::string_to_sign(
                    &text(&v.expected["headers_sent"]["X-Sdk-Date"]),
                    &canonical
                ),
                text(&v.expected["string_to_sign"]),
                "{}",
                v.name
            );
            signing::sign(&credentials, &request)
        }
        .unwrap();
        assert_eq!(
            authorization,
            text(&v.expected["authorization"]),
            "{}",
            v.name
        );
        // What is sent on the wire: path plus the canonical query.
        let query = signing::canonical_query(&v.query);
        let uri = if query.is_empty() {
            v.path.clone()
        } else {
            format!("{}?{query}", v.path)
        };
        assert_eq!(uri, text(&v.expected["request_uri_sent"]), "{}", v.name);
    }
}

#[test]
fn server_side_verification_accepts_every_vector_as_received() {
    let (credentials, vectors) = vectors();
    for v in &vectors {
        // The server sees the wire form: the sent URI and the sent headers (plus unsigned ones
        // that `requests` adds after signing).
        let uri = text(&v.expected["request_uri_sent"]);
        let (path, raw_query) = uri.split_once('?').unwrap_or((&uri, ""));
        let query = signing::parse_query(raw_query);
        let mut headers = sent_headers(v);
        headers.push(("Accept".into(), "*/*".into()));
        headers.push(("Content-Length".into(), v.body.len().to_string()));
        let request = SignableRequest {
            method: &v.method,
            path,
            query: &query,
            headers: &headers,
            body: &v.body,
        };
        let now = signing::parse_date(&text(&v.expected["headers_sent"]["X-Sdk-Date"])).unwrap();
        let secret = credentials.secret_key.as_str();
        let key = credentials.access_key.clone();
        let lookup = |ak: &str| (ak == key).then_some(secret);
        assert_eq!(
            signing::verify(&request, lookup, now + Duration::from_secs(60)),
            Ok(credentials.access_key.clone()),
            "{}",
            v.name
        );
        // A wrong secret, a changed body or path, and a stale date are all refused.
        assert_eq!(
            signing::verify(&request, |_| Some("wrong-secret"), now),
            Err(SigningError::SignatureMismatch(
                credentials.access_key.clone()
            )),
            "{}",
            v.name
        );
        let other_path = format!("{path}x");
        let tampered = SignableRequest {
            path: &other_path,
            ..request
        };
        assert!(matches!(
            signing::verify(&tampered, lookup, now),
            Err(SigningError::SignatureMismatch(_))
        ));
        assert!(matches!(
            signing::verify(&request, lookup, now + Duration::from_secs(16 * 60)),
            Err(SigningError::DateSkew(_))
        ));
        assert!(matches!(
            signing::verify(&request, |_| None, now),
            Err(SigningError::UnknownAccessKey(_))
        ));
    }
}

/// The body is vouched for by the signature: a body sent in place of the signed one is
/// refused, also when an `X-Sdk-Content-Sha256` header claims the signed body's hash, whether
/// that header is left out of the signed headers or signed with the hash of another body.
#[test]
fn a_body_other_than_the_signed_one_is_refused() {
    let credentials = Credentials {
        access_key: "AK1".into(),
        secret_key: "sk1".into(),
        security_token: None,
    };
    let lookup = |ak: &str| (ak == "AK1").then_some("sk1");
    let date = "20261207T120000Z";
    let now = signing::parse_date(date).unwrap();
    let signed_body = br#"{"name":"innocent_grp"}"#;
    let sent_body = br#"{"name":"evil_grp_injected"}"#;
    let hash_of = |body: &[u8]| {
        use sha2::Digest as _;
        sha2::Sha256::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let base = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Host".to_owned(), "127.0.0.1".to_owned()),
        ("X-Sdk-Date".to_owned(), date.to_owned()),
    ];
    fn request<'r>(headers: &'r [(String, String)], body: &'r [u8]) -> SignableRequest<'r> {
        SignableRequest {
            method: "POST",
            path: "/v2/p1/apigw/instances/i1/api-groups",
            query: &[],
            headers,
            body,
        }
    }
    let with_auth = |mut headers: Vec<(String, String)>, auth: String| {
        headers.push(("Authorization".to_owned(), auth));
        headers
    };
    // Signed without the header; the header added afterwards claims the signed body's hash.
    let auth = signing::sign(&credentials, &request(&base, signed_body)).unwrap();
    let mut unsigned_claim = with_auth(base.clone(), auth.clone());
    unsigned_claim.push(("X-Sdk-Content-Sha256".to_owned(), hash_of(signed_body)));
    assert_eq!(
        signing::verify(&request(&unsigned_claim, signed_body), lookup, now),
        Ok("AK1".to_owned())
    );
    assert!(matches!(
        signing::verify(&request(&unsigned_claim, sent_body), lookup, now),
        Err(SigningError::SignatureMismatch(_))
    ));
    // Signed with the header: the signature holds, but the header is not the body's hash.
    let mut claimed = base.clone();
    claimed.push(("X-Sdk-Content-Sha256".to_owned(), hash_of(signed_body)));
    let auth = signing::sign(&credentials, &request(&claimed, signed_body)).unwrap();
    let claimed = with_auth(claimed, auth);
    assert_eq!(
        signing::verify(&request(&claimed, signed_body), lookup, now),
        Ok("AK1".to_owned())
    );
    assert!(matches!(
        signing::verify(&request(&claimed, sent_body), lookup, now),
        Err(SigningError::SignatureMismatch(_))
    ));
    // `UNSIGNED-PAYLOAD`, signed, vouches for no body (the SDKs' multipart uploads).
    let mut unsigned = base.clone();
    unsigned.push((
        "X-Sdk-Content-Sha256".to_owned(),
        "UNSIGNED-PAYLOAD".to_owned(),
    ));
    let auth = signing::sign(&credentials, &request(&unsigned, signed_body)).unwrap();
    let unsigned = with_auth(unsigned, auth);
    assert_eq!(
        signing::verify(&request(&unsigned, sent_body), lookup, now),
        Ok("AK1".to_owned())
    );
}

#[test]
fn credentials_debug_hides_secrets() {
    let c = Credentials {
        access_key: "AK1".into(),
        secret_key: "very-secret".into(),
        security_token: Some("token-secret".into()),
    };
    let shown = format!("{c:?}");
    assert!(shown.contains("AK1"));
    assert!(
        !shown.contains("very-secret") && !shown.contains("token-secret"),
        "{shown}"
    );
}
