//! Error answers in the gateway's shape: `{"error_code": "APIG.xxxx", "error_msg": "…"}` with the
//! HTTP status and code of API Reference 5.4 (Table "Error Codes"), and messages worded like the
//! API Reference's example answers.

use serde::Serialize;

/// An error answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// `APIG.xxxx` code.
    pub code: &'static str,
    /// Message.
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error_code: &'a str,
    error_msg: &'a str,
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 APIG.2001: a required parameter is missing.
    pub fn missing(parameter: &str) -> ApiError {
        ApiError::new(
            400,
            "APIG.2001",
            format!("The request parameters must be specified, parameter name:{parameter}"),
        )
    }

    /// 400 APIG.2011: a parameter breaks a documented constraint.
    pub fn invalid(parameter: &str, why: &str) -> ApiError {
        ApiError::new(
            400,
            "APIG.2011",
            format!(
                "Invalid parameter value,parameterName:{parameter}. Please refer to the support documentation{}",
                if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({why})")
                }
            ),
        )
    }

    /// 400 APIG.2012: a parameter has the wrong type or an unknown enumeration value, or the
    /// body is not JSON.
    pub fn malformed(parameter: &str, why: &str) -> ApiError {
        ApiError::new(
            400,
            "APIG.2012",
            format!(
                "Invalid parameter value,parameterName:{parameter}. Please refer to the support documentation ({why})"
            ),
        )
    }

    /// 404 with a "`what` `id` does not exist" message.
    pub fn not_found(code: &'static str, what: &str, id: &str) -> ApiError {
        ApiError::new(404, code, format!("{what} {id} does not exist"))
    }

    /// 400 for a name or definition that already exists (APIG.32xx, APIG.33xx).
    pub fn exists(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }

    /// 403 for an operation the object's state forbids (APIG.34xx).
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(403, code, message)
    }

    /// 401 APIG.1002: not authenticated.
    pub fn unauthorized(why: &str) -> ApiError {
        ApiError::new(
            401,
            "APIG.1002",
            format!("Incorrect token or token resolution failed: {why}"),
        )
    }

    /// 500 APIG.9999.
    pub fn internal() -> ApiError {
        ApiError::new(500, "APIG.9999", "System error")
    }

    /// 404 for a path no operation answers. The gateway fronting the real management API
    /// answers unknown paths with its data-plane code APIG.0101.
    pub fn no_route(method: &str, path: &str) -> ApiError {
        ApiError::new(
            404,
            "APIG.0101",
            format!(
                "The API does not exist or has not been published in the environment ({method} {path})"
            ),
        )
    }

    /// 413 APIG.0201: the body exceeds 12 MB.
    pub fn too_large() -> ApiError {
        ApiError::new(413, "APIG.0201", "Request entity too large")
    }

    /// The JSON body.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&Body {
            error_code: self.code,
            error_msg: &self.message,
        })
        .unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// Deserialises a JSON request body into `T`, mapping serde's complaints to gateway errors that
/// name the parameter: a missing field is APIG.2001, a wrong type or unknown enumeration value
/// APIG.2012, a body that is not JSON APIG.2012 on `body`.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::missing("body"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let text = inner.to_string();
        if let Some(field) = missing_field(&text) {
            let name = if path == "." || path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            return ApiError::missing(&name);
        }
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::malformed("body", &text);
        }
        let name = if path == "." { "body".to_owned() } else { path };
        ApiError::malformed(&name, &strip_position(&text))
    })?;
    de.end()
        .map_err(|e| ApiError::malformed("body", &e.to_string()))?;
    Ok(value)
}

fn missing_field(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn strip_position(text: &str) -> String {
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text.to_owned(),
    }
}
