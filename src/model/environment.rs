//! Environments and their variables (API Reference 3.2.1 and 3.3.1).
//!
//! Environments are gateway-wide; variables belong to one group in one environment. A definition
//! nests each environment's variables under it, so variables need neither `env_id` nor
//! `group_id`.

use super::macros::twin;

twin! {
    /// An environment (API Reference 3.2.1, Table 3-56 request body of `POST .../envs`; Table 3-57
    /// for the fields the gateway adds to its answers).
    pub struct EnvCreate;
    /// An environment (API Reference 3.2.1, Table 3-56) with the group's variables in it. REST form:
    /// [`EnvCreate`].
    pub struct EnvironmentDef;
    {
        /// Environment id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Environment name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        /// Definitions refer to environments by this name.
        name: String,
        /// Description, at most 255 characters.
        #[serde(skip_serializing_if = "Option::is_none")]
        remark: Option<String>,
        /// Creation time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest create_time: Option<String>,
        /// The group's variables in this environment (API Reference 3.3.1).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        def variables: Vec<EnvVariableDef>,
    }
}

twin! {
    /// An environment variable (API Reference 3.3.1, Table 3-88 request body of `POST
    /// .../env-variables`; Table 3-89 for the fields the gateway adds to its answers).
    pub struct EnvVariableCreate;
    /// A variable of the group in the enclosing environment (API Reference 3.3.1, Table 3-88). REST
    /// form: [`EnvVariableCreate`].
    pub struct EnvVariableDef;
    {
        /// Variable id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Variable name: 3 to 32 characters, a letter first, then letters, digits, `-`, `_`;
        /// written `#name#` in API definitions.
        variable_name: String,
        /// Variable value: 1 to 255 characters.
        variable_value: String,
        /// Gateway id of the environment.
        rest env_id: String,
        /// Gateway id of the API group.
        rest group_id: String,
    }
}
