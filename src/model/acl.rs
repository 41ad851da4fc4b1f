//! Access control policies (API Reference 3.13.1).

use super::macros::{str_enum, twin};

str_enum! {
    /// Whether an access control policy allows or denies its objects (API Reference 3.13.1, Table
    /// 3-669 `acl_type`).
    pub enum AclType {
        /// Whitelist.
        Permit = "PERMIT",
        /// Blacklist.
        Deny = "DENY",
    }
}

str_enum! {
    /// What the objects of an access control policy are (API Reference 3.13.1, Table 3-669
    /// `entity_type`).
    pub enum AclEntityType {
        /// IP addresses (at most 100).
        Ip = "IP",
        /// Account names.
        Domain = "DOMAIN",
        /// Account ids.
        DomainId = "DOMAIN_ID",
    }
}

twin! {
    /// An access control policy (API Reference 3.13.1, Table 3-669 request body of `POST
    /// .../acls`; Table 3-670 for the fields the gateway adds to its answers).
    pub struct ApiAclCreate;
    /// An access control policy (API Reference 3.13.1, Table 3-669). REST form: [`ApiAclCreate`].
    pub struct AclDef;
    {
        /// Policy id (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest id: Option<String>,
        /// Policy name: 3 to 64 characters, a letter first, then letters, digits, `_`.
        /// Definitions refer to policies by this name.
        acl_name: String,
        /// Allow or deny.
        acl_type: AclType,
        /// Comma-separated objects: IP addresses, account names or account ids. Account ids
        /// (`DOMAIN_ID`) are accounts, not gateway objects, so they stay ids in a definition.
        acl_value: String,
        /// What `acl_value` lists.
        entity_type: AclEntityType,
        /// Update time (answers only).
        #[serde(skip_serializing_if = "Option::is_none")]
        rest update_time: Option<String>,
    }
}
