//! Huawei Cloud AK/SK request signing (`SDK-HMAC-SHA256`, and the derived-key `V11-HMAC-SHA256`),
//! byte for byte as the official SDK (`huaweicloudsdkcore.signer`) computes it.
//!
//! The same functions serve both ends: the client signs what it is about to send, and the
//! emulator recomputes the signature from what it received. Everything works on bytes because
//! the SDK percent-decodes paths and queries before re-encoding them, and a decoded segment need
//! not be UTF-8.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name the SDK puts first in `Authorization` and in the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The derived-key variant (only used when a caller opts in; never by `ApigClient` defaults).
pub const ALGORITHM_V11: &str = "V11-HMAC-SHA256";
/// Header carrying the request time, `%Y%m%dT%H%M%SZ` in UTC.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// Header replacing the body hash for payloads that are not JSON (e.g. multipart import).
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";
/// The value of [`CONTENT_SHA256_HEADER`] the SDK uses.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// How far a request's date may be from the server's clock (API Reference: 15 minutes).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// An access key pair. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Access key id (AK).
    pub access_key: String,
    /// Secret access key (SK).
    pub secret_key: String,
    /// Security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// The parts of an HTTP request the signature covers.
#[derive(Clone, Copy, Debug)]
pub struct SignableRequest<'a> {
    /// HTTP method (any case; upper-cased for signing).
    pub method: &'a str,
    /// The path exactly as sent on the wire (percent-encoded), without the query.
    pub path: &'a str,
    /// Query pairs, decoded.
    pub query: &'a [(String, String)],
    /// Every header sent (name, value); names in any case.
    pub headers: &'a [(String, String)],
    /// The exact body bytes (empty when there is none).
    pub body: &'a [u8],
}

impl SignableRequest<'_> {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(self.headers, name)
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request could not be signed or its signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    /// No `Authorization` header.
    #[error("the request has no Authorization header")]
    MissingAuthorization,
    /// The header does not have the `ALG Access=…, SignedHeaders=…, Signature=…` shape.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(String),
    /// An algorithm other than the supported ones.
    #[error("unsupported signing algorithm `{0}` (expected {ALGORITHM} or {ALGORITHM_V11})")]
    UnsupportedAlgorithm(String),
    /// The access key is not configured.
    #[error("unknown access key `{0}`")]
    UnknownAccessKey(String),
    /// No `X-Sdk-Date` header.
    #[error("the request has no X-Sdk-Date header")]
    MissingDate,
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date `{0}` is not in the form YYYYMMDDTHHMMSSZ")]
    BadDate(String),
    /// The request time is too far from the server's clock.
    #[error("X-Sdk-Date `{0}` is more than 15 minutes away from the server time")]
    DateSkew(String),
    /// A header listed in `SignedHeaders` was not sent.
    #[error("signed header `{0}` is missing from the request")]
    SignedHeaderMissing(String),
    /// The recomputed signature differs: wrong secret key, or the request changed in transit.
    #[error("signature mismatch: check the secret key for access key `{0}`")]
    SignatureMismatch(String),
}

/// A parsed `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    /// `SDK-HMAC-SHA256` or `V11-HMAC-SHA256`.
    pub algorithm: String,
    /// The access key.
    pub access_key: String,
    /// For V11: the `date/region/service` derivation info after the access key.
    pub derivation_info: Option<String>,
    /// Lower-case header names, in the client's order.
    pub signed_headers: Vec<String>,
    /// Lower-case hex signature.
    pub signature: String,
}

impl Authorization {
    /// Parses `ALG Access=AK, SignedHeaders=a;b, Signature=hex` (or `Credential=AK/info` for V11).
    pub fn parse(value: &str) -> Result<Self, SigningError> {
        let malformed = || SigningError::MalformedAuthorization(value.to_owned());
        let (algorithm, rest) = value.trim().split_once(' ').ok_or_else(malformed)?;
        if algorithm != ALGORITHM && algorithm != ALGORITHM_V11 {
            return Err(SigningError::UnsupportedAlgorithm(algorithm.to_owned()));
        }
        let (mut access, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, val) = part.trim().split_once('=').ok_or_else(malformed)?;
            match key {
                "Access" | "Credential" => access = Some(val),
                "SignedHeaders" => signed = Some(val),
                "Signature" => signature = Some(val),
                _ => return Err(malformed()),
            }
        }
        let (access, signed, signature) = (
            access.ok_or_else(malformed)?,
            signed.ok_or_else(malformed)?,
            signature.ok_or_else(malformed)?,
        );
        let (access_key, derivation_info) = if algorithm == ALGORITHM_V11 {
            let (ak, info) = access.split_once('/').ok_or_else(malformed)?;
            (ak.to_owned(), Some(info.to_owned()))
        } else {
            (access.to_owned(), None)
        };
        if access_key.is_empty() || signed.is_empty() || signature.is_empty() {
            return Err(malformed());
        }
        Ok(Authorization {
            algorithm: algorithm.to_owned(),
            access_key,
            derivation_info,
            signed_headers: signed.split(';').map(str::to_owned).collect(),
            signature: signature.to_owned(),
        })
    }
}

/// The headers the SDK adds before signing: `X-Sdk-Date` (from `now`) and `Host` when absent,
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` for a content type other than JSON/BSON, and
/// `X-Security-Token` for temporary credentials.
pub fn add_signing_headers(
    headers: &mut Vec<(String, String)>,
    credentials: &Credentials,
    host: &str,
    now: SystemTime,
) {
    if header(headers, DATE_HEADER).is_none() {
        headers.push((DATE_HEADER.to_owned(), format_date(now)));
    }
    if header(headers, "host").is_none() {
        headers.push(("Host".to_owned(), host.to_owned()));
    }
    let unsigned = header(headers, "content-type").is_some_and(|ct| {
        !(ct.starts_with("application/json") || ct.starts_with("application/bson"))
    });
    if unsigned && header(headers, CONTENT_SHA256_HEADER).is_none() {
        headers.push((
            CONTENT_SHA256_HEADER.to_owned(),
            UNSIGNED_PAYLOAD.to_owned(),
        ));
    }
    if let Some(token) = &credentials.security_token
        && header(headers, "x-security-token").is_none()
    {
        headers.push(("X-Security-Token".to_owned(), token.clone()));
    }
}

/// Signs a request whose headers already hold `X-Sdk-Date` and `Host` (see
/// [`add_signing_headers`]) and returns the `Authorization` header value (`SDK-HMAC-SHA256`).
pub fn sign(
    credentials: &Credentials,
    request: &SignableRequest<'_>,
) -> Result<String, SigningError> {
    let date = request
        .header(DATE_HEADER)
        .ok_or(SigningError::MissingDate)?;
    let signed = signed_header_names(request.headers);
    let canonical = canonical_request(request, &signed)?;
    let signature = signature(
        credentials.secret_key.as_bytes(),
        &string_to_sign(date, &canonical),
    );
    Ok(format!(
        "{ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
        credentials.access_key,
        signed.join(";")
    ))
}

/// Signs with the derived-key variant: `info` is `yyyymmdd/region/service`.
pub fn sign_v11(
    credentials: &Credentials,
    request: &SignableRequest<'_>,
    region: &str,
    service: &str,
) -> Result<String, SigningError> {
    let date = request
        .header(DATE_HEADER)
        .ok_or(SigningError::MissingDate)?;
    let info = derivation_info(date, region, service)?;
    let signed = signed_header_names(request.headers);
    let canonical = canonical_request(request, &signed)?;
    let key = derived_signing_key(credentials, &info);
    let signature = signature(key.as_bytes(), &string_to_sign_v11(date, &info, &canonical));
    Ok(format!(
        "{ALGORITHM_V11} Credential={}/{info}, SignedHeaders={}, Signature={signature}",
        credentials.access_key,
        signed.join(";")
    ))
}

/// Checks a received request's signature. `secret_for` maps an access key to its secret key.
/// Returns the access key that signed it.
pub fn verify<'k>(
    request: &SignableRequest<'_>,
    secret_for: impl Fn(&str) -> Option<&'k str>,
    now: SystemTime,
) -> Result<String, SigningError> {
    let auth = Authorization::parse(
        request
            .header("authorization")
            .ok_or(SigningError::MissingAuthorization)?,
    )?;
    let secret = secret_for(&auth.access_key)
        .ok_or_else(|| SigningError::UnknownAccessKey(auth.access_key.clone()))?;
    let date = request
        .header(DATE_HEADER)
        .ok_or(SigningError::MissingDate)?;
    let sent_at = parse_date(date)?;
    let skew = now
        .duration_since(sent_at)
        .or_else(|_| sent_at.duration_since(now))
        .unwrap_or_default();
    if skew > MAX_CLOCK_SKEW {
        return Err(SigningError::DateSkew(date.to_owned()));
    }
    let canonical = canonical_request(request, &auth.signed_headers)?;
    // A signed body hash vouches for the body only if it is the body's: a request that
    // signs the hash of one body and sends another is refused (`UNSIGNED-PAYLOAD`, which the
    // SDKs send for multipart bodies, vouches for none).
    if let Some(claimed) = signed_payload_hash(request, &auth.signed_headers)
        && !request.body.is_empty()
        && claimed != UNSIGNED_PAYLOAD
        && !claimed.eq_ignore_ascii_case(&hex(&Sha256::digest(request.body)))
    {
        return Err(SigningError::SignatureMismatch(auth.access_key));
    }
    let expected = if auth.algorithm == ALGORITHM_V11 {
        let info = auth.derivation_info.clone().unwrap_or_default();
        let credentials = Credentials {
            access_key: auth.access_key.clone(),
            secret_key: secret.to_owned(),
            security_token: None,
        };
        let key = derived_signing_key(&credentials, &info);
        signature(key.as_bytes(), &string_to_sign_v11(date, &info, &canonical))
    } else {
        signature(secret.as_bytes(), &string_to_sign(date, &canonical))
    };
    // Constant-time comparison: the signature is attacker-controlled.
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(auth.access_key)
    } else {
        Err(SigningError::SignatureMismatch(auth.access_key))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Header names that are signed: every name without `_`, lower-cased, sorted, deduplicated.
pub fn signed_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = headers
        .iter()
        .filter(|(k, _)| !k.contains('_'))
        .map(|(k, _)| k.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The six-line canonical request over the given signed header names.
pub fn canonical_request(
    request: &SignableRequest<'_>,
    signed: &[String],
) -> Result<String, SigningError> {
    let mut out = String::with_capacity(256 + request.path.len());
    out.push_str(&request.method.to_ascii_uppercase());
    out.push('\n');
    out.push_str(&canonical_uri(request.path));
    out.push('\n');
    out.push_str(&canonical_query(request.query));
    out.push('\n');
    for name in signed {
        let value = request
            .header(name)
            .ok_or_else(|| SigningError::SignedHeaderMissing(name.clone()))?;
        out.push_str(name);
        out.push(':');
        out.push_str(value.trim());
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed.join(";"));
    out.push('\n');
    // The header stands for the body only when it is signed itself: an unsigned one could
    // carry the hash of a body other than the one sent.
    let payload_hash = if request.body.is_empty() {
        hex(&Sha256::digest(b""))
    } else if let Some(marker) = signed_payload_hash(request, signed) {
        marker.to_owned()
    } else {
        hex(&Sha256::digest(request.body))
    };
    out.push_str(&payload_hash);
    Ok(out)
}

/// The `X-Sdk-Content-Sha256` header, when it is among the `signed` headers.
fn signed_payload_hash<'r>(request: &'r SignableRequest<'_>, signed: &[String]) -> Option<&'r str> {
    signed
        .iter()
        .any(|name| name.eq_ignore_ascii_case(CONTENT_SHA256_HEADER))
        .then(|| request.header(CONTENT_SHA256_HEADER))
        .flatten()
}

/// The canonical URI: percent-decode, split on `/`, RFC 3986-encode each segment, end with `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = percent_decode(path);
    let mut out = String::with_capacity(path.len() + 8);
    for (i, segment) in decoded.split(|b| *b == b'/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(segment, &mut out);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// The canonical query, which is also exactly the query string the SDK sends: pairs sorted on the
/// decoded strings (byte order of UTF-8, i.e. code-point order), each part RFC 3986-encoded.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    let mut out = String::new();
    for (i, (key, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(key.as_bytes(), &mut out);
        out.push('=');
        encode_into(value.as_bytes(), &mut out);
    }
    out
}

/// Splits a raw query string (`a=1&b=%20`) into decoded pairs; a key without `=` has an empty
/// value. `+` is kept literally: the SDK always encodes a space as `%20`.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (
                String::from_utf8_lossy(&percent_decode(key)).into_owned(),
                String::from_utf8_lossy(&percent_decode(value)).into_owned(),
            )
        })
        .collect()
}

/// `SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(date: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

fn string_to_sign_v11(date: &str, info: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM_V11}\n{date}\n{info}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

fn derivation_info(date: &str, region: &str, service: &str) -> Result<String, SigningError> {
    let day = date
        .get(..8)
        .ok_or_else(|| SigningError::BadDate(date.to_owned()))?;
    Ok(format!("{day}/{region}/{service}"))
}

/// HKDF-SHA256 (salt = AK, ikm = SK, info) to 32 bytes, hex-encoded; the hex text is the HMAC key.
pub fn derived_signing_key(credentials: &Credentials, info: &str) -> String {
    let prk = hmac_sha256(
        credentials.access_key.as_bytes(),
        credentials.secret_key.as_bytes(),
    );
    let mut block = info.as_bytes().to_vec();
    block.push(1);
    hex(&hmac_sha256(&prk, &block))
}

/// Lower-case hex HMAC-SHA256 of the string to sign.
pub fn signature(key: &[u8], string_to_sign: &str) -> String {
    hex(&hmac_sha256(key, string_to_sign.as_bytes()))
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Decodes `%XX` escapes; malformed escapes stay as written (as Python's `unquote` does).
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|c| (*c as char).to_digit(16)),
                bytes.get(i + 2).and_then(|c| (*c as char).to_digit(16)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// RFC 3986 encoding: only `A-Za-z0-9-._~` stay literal; everything else is `%XX` (upper case).
fn encode_into(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(DIGITS[usize::from(b >> 4)] as char);
            out.push(DIGITS[usize::from(b & 15)] as char);
        }
    }
}

/// Formats a time as `X-Sdk-Date` (`%Y%m%dT%H%M%SZ`, UTC).
pub fn format_date(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses `X-Sdk-Date`.
pub fn parse_date(text: &str) -> Result<SystemTime, SigningError> {
    let bad = || SigningError::BadDate(text.to_owned());
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, SigningError> {
        let part = &text[range];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s;
    u64::try_from(secs)
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
        .map_err(|_| bad())
}

// Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// One path segment encoded the way the SDK encodes a path parameter (`quote(v, safe='')`:
/// everything but `A-Za-z0-9-._~` becomes `%XX`), for building request paths.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_into(text.as_bytes(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for text in [
            "20240416T095341Z",
            "20000229T000000Z",
            "19700101T000000Z",
            "20991231T235959Z",
        ] {
            let time = parse_date(text).unwrap();
            assert_eq!(format_date(time), text);
        }
        for bad in [
            "2024-04-16T09:53:41Z",
            "20241316T095341Z",
            "20240416T095341",
            "2024041xT095341Z",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn authorization_parsing() {
        let a = Authorization::parse(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ab",
        )
        .unwrap();
        assert_eq!(a.access_key, "AK");
        assert_eq!(a.signed_headers, ["host", "x-sdk-date"]);
        assert!(matches!(
            Authorization::parse("AWS4-HMAC-SHA256 Credential=x"),
            Err(SigningError::UnsupportedAlgorithm(_))
        ));
        assert!(matches!(
            Authorization::parse("SDK-HMAC-SHA256 Access=AK"),
            Err(SigningError::MalformedAuthorization(_))
        ));
    }

    #[test]
    fn malformed_percent_escapes_stay_literal() {
        assert_eq!(percent_decode("a%2"), b"a%2");
        assert_eq!(percent_decode("%zz%41"), b"%zzA");
    }
}
