//! Apps (API Reference 3.28), AppCodes and app authorisation (3.10).

use serde::{Deserialize, Serialize};

/// An app (API Reference 3.28.1, Table 3-1734 request body; Table 3-1735 answer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppCreate {
    /// App name: 3 to 64 characters, a letter first, then letters, digits, `_`.
    pub name: String,
    /// Description, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// AppKey, 8 to 64 characters; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_key: Option<String>,
    /// AppSecret, 8 to 64 characters; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_secret: Option<String>,
}

/// A stored app, as answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct App {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// Creator: `USER`.
    pub creator: String,
    /// Update time.
    pub update_time: String,
    /// AppKey.
    pub app_key: String,
    /// AppSecret.
    pub app_secret: String,
    /// Registration time.
    pub register_time: String,
    /// Status, `1` = valid.
    pub status: i64,
    /// App type: `apig`.
    pub app_type: String,
}

/// An AppCode of an app (API Reference 3.28.8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppCode {
    /// Id.
    pub id: String,
    /// The code.
    pub app_code: String,
    /// App id.
    pub app_id: String,
    /// Creation time.
    pub create_time: String,
}

/// An authorisation of an app to call an API in an environment (API Reference 3.10.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppAuth {
    /// Authorisation id.
    pub id: String,
    /// API id.
    pub api_id: String,
    /// App id.
    pub app_id: String,
    /// Environment id.
    pub env_id: String,
    /// Authorisation time.
    pub auth_time: String,
}
