//! VPC channels (API Reference 3.17): create 201, update/show/list 200, delete 204; their
//! backend servers (members): add or update 201, replace and list 200, remove, enable and
//! disable 204; their health check: update 200; and their backend server groups: add or update
//! 201, list/show/update 200, delete 204.
//!
//! A channel is gateway-wide; APIs reach it through `backend_api.vpc_channel_info` and
//! `policy_https[].vpc_channel_info` (`vpc_channel_id`), which must name an existing channel
//! (checked in [`super::apis`], 404 APIG.3023), and a channel an API uses cannot be deleted
//! (403 APIG.3414, API Reference 5.4). Names are unique (400 APIG.3208); at most
//! [`MAX_CHANNELS`] channels exist at once (403 APIG.3109, the note of 3.17.1).
//!
//! Members live inside their channel: a member's address (`host` for `member_type: ip`,
//! `ecs_id` for `ecs`) identifies it, and adding a member at an address the channel has updates
//! that member (3.17.6). Backend server groups live there too, set on create and update or by
//! their own operations (3.17.13 to 3.17.17; adding a group of a name the channel has updates
//! it), and members name them by `member_group_name`. Replacing members (3.17.8) replaces
//! those of one group, or all; enabling and disabling them (3.17.10, 3.17.11) sets their
//! `status`; the health check (3.17.12) is stored with its own id. Microservice channels'
//! registries are not emulated: `microservice_info` is stored as given.
//!
//! The checks here are the field constraints of the request tables; the checks that need the
//! store (names, references, use) are in the handlers below.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::checks::{Check, First, at_most, one_of, text, within};
use super::list::{integer, matches_exact, matches_name, page};
use super::state::{Db, new_id, now};
use super::{ApiError, Reply, Req};

/// Most VPC channels a gateway holds (API Reference 3.17.1, note: "a maximum of 30").
pub const MAX_CHANNELS: usize = 30;

/// A tag of a microservice backend server group (API Reference 3.17.1, Table 3-854).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MicroserviceLabel {
    /// Tag name, 1 to 63 characters.
    pub label_name: String,
    /// Tag value, 1 to 63 characters.
    pub label_value: String,
}

/// A backend server group (API Reference 3.17.1, Table 3-853 `MemberGroupCreate`; Table 3-862
/// `MemberGroupInfo` in answers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberGroup {
    /// Name: 3 to 64 characters, a letter first, then letters, digits, `_`, `-`, `.`.
    pub member_group_name: String,
    /// Description, at most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_group_remark: Option<String>,
    /// Weight, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_group_weight: Option<i64>,
    /// Dictionary code, 3 to 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dict_code: Option<String>,
    /// Microservice version, at most 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microservice_version: Option<String>,
    /// Microservice port, 0 to 65535.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microservice_port: Option<i64>,
    /// Microservice tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microservice_labels: Option<Vec<MicroserviceLabel>>,
    /// Id (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_group_id: Option<String>,
    /// Creation time (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Update time (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<String>,
}

/// A backend server (API Reference 3.17.1, Table 3-855 `MemberInfo`; 3.17.6, Table 3-940
/// `VpcMemberInfo` in answers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Address, at most 64 characters; required for `member_type: ip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Weight, 0 to 10000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    /// Standby node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_backup: Option<bool>,
    /// Backend server group the member belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_group_name: Option<String>,
    /// `1` available, `2` unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Port, 0 to 65535.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Cloud server id; required for `member_type: ecs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_id: Option<String>,
    /// Cloud server name; required for `member_type: ecs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecs_name: Option<String>,
    /// Id (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Channel id (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_channel_id: Option<String>,
    /// Time added (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// Id of the member's backend server group (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_group_id: Option<String>,
}

/// A channel's health check (API Reference 3.17.1, Table 3-856 `VpcHealthConfig`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthConfig {
    /// `TCP`, `HTTP` or `HTTPS` (the Reference's own examples write `http`).
    pub protocol: String,
    /// Path; required for HTTP and HTTPS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// `GET` or `HEAD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Port, 0 to 65535 (0: the channel's port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Healthy threshold, 1 to 10.
    pub threshold_normal: i64,
    /// Unhealthy threshold, 1 to 10.
    pub threshold_abnormal: i64,
    /// Interval in seconds, 1 to 300, above `timeout`.
    pub time_interval: i64,
    /// Success codes (`200,201`, `200-299`), 100 to 599; required for HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_code: Option<String>,
    /// Two-way authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_client_ssl: Option<bool>,
    /// `1` available, `2` unavailable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Timeout in seconds, 1 to 30, below `time_interval`.
    pub timeout: i64,
    /// Channel id (answers only, Table 3-913).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_channel_id: Option<String>,
    /// Id of the health check (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Creation time (answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
}

/// The body of create and update (API Reference 3.17.1, Table 3-852; 3.17.2, Table 3-875):
/// the SDK's `VpcCreate`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcCreate {
    /// Name: 3 to 64 characters, a letter first, then letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Host port, 1 to 65535.
    pub port: i64,
    /// `1` WRR, `2` WLC, `3` source hashing, `4` URI hashing.
    pub balance_strategy: i64,
    /// `ip` or `ecs`.
    pub member_type: String,
    /// `2` server, `3` microservice; default `2`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<i64>,
    /// Dictionary code, 3 to 64 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dict_code: Option<String>,
    /// Backend server groups; on update, a given list (even empty) replaces the channel's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_groups: Option<Vec<MemberGroup>>,
    /// Backend servers; on update, a given list (even empty) replaces the channel's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
    /// Health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_health_config: Option<HealthConfig>,
    /// Microservice details (Table 3-857), stored as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microservice_info: Option<Value>,
}

/// A stored channel, as show answers it (API Reference 3.17.4, Table 3-905); create, update
/// and list answer it without `members` and `vpc_health_config` (Tables 3-861, 3-884, 3-923).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VpcChannel {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Host port.
    pub port: i64,
    /// Distribution algorithm.
    pub balance_strategy: i64,
    /// `ip` or `ecs`.
    pub member_type: String,
    /// `2` server, `3` microservice.
    #[serde(rename = "type")]
    pub channel_type: i64,
    /// Dictionary code (empty when not given, as in the Reference's examples).
    #[serde(default)]
    pub dict_code: String,
    /// Creation time.
    pub create_time: String,
    /// `1` normal.
    pub status: i64,
    /// Backend server groups.
    #[serde(default)]
    pub member_groups: Vec<MemberGroup>,
    /// Microservice details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microservice_info: Option<Value>,
    /// Backend servers.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_health_config: Option<HealthConfig>,
}

/// A name: a letter first, then letters, digits and `extra`.
fn name(param: &str, value: &str, extra: &str) -> Check {
    text(param, value, (3, 64), First::Letter, extra)
}

/// The fields of a create or update body (API Reference 3.17.1, Tables 3-852 to 3-856; the
/// same in 3.17.2, Tables 3-875 to 3-879).
///
/// # Errors
///
/// APIG.2011 naming the first parameter that breaks a constraint, APIG.2012 for a value
/// outside an enumeration, APIG.2001 for a member without its address.
pub fn check(v: &VpcCreate) -> Check {
    name("name", &v.name, "-_.")?;
    within("port", Some(v.port), 1, 65_535)?;
    one_of("balance_strategy", &v.balance_strategy, &[1, 2, 3, 4])?;
    one_of("member_type", &v.member_type.as_str(), &["ip", "ecs"])?;
    if let Some(kind) = v.channel_type {
        one_of("type", &kind, &[2, 3])?;
    }
    if let Some(code) = &v.dict_code {
        text("dict_code", code, (3, 64), First::Any, "-_.")?;
    }
    check_groups(v.member_groups.as_deref().unwrap_or_default())?;
    for (i, m) in v.members.iter().flatten().enumerate() {
        check_member(&format!("members[{i}]"), m, &v.member_type)?;
    }
    if let Some(health) = &v.vpc_health_config {
        check_health("vpc_health_config.", health)?;
    }
    Ok(())
}

/// A backend server group (API Reference 3.17.1, Tables 3-853 and 3-854).
fn check_group(at: &str, g: &MemberGroup) -> Check {
    name(
        &format!("{at}.member_group_name"),
        &g.member_group_name,
        "-_.",
    )?;
    at_most(
        &format!("{at}.member_group_remark"),
        g.member_group_remark.as_deref(),
        255,
    )?;
    within(
        &format!("{at}.member_group_weight"),
        g.member_group_weight,
        0,
        100,
    )?;
    if let Some(code) = &g.dict_code {
        text(&format!("{at}.dict_code"), code, (3, 64), First::Any, "-_.")?;
    }
    at_most(
        &format!("{at}.microservice_version"),
        g.microservice_version.as_deref(),
        64,
    )?;
    within(
        &format!("{at}.microservice_port"),
        g.microservice_port,
        0,
        65_535,
    )?;
    for (k, label) in g.microservice_labels.iter().flatten().enumerate() {
        for (field, value) in [
            ("label_name", &label.label_name),
            ("label_value", &label.label_value),
        ] {
            let param = format!("{at}.microservice_labels[{k}].{field}");
            text(&param, value, (1, 63), First::LetterOrDigit, "-_.")?;
            if !value.ends_with(|c: char| c.is_ascii_alphanumeric()) {
                return Err(ApiError::invalid(&param, "must end with a letter or digit"));
            }
        }
    }
    Ok(())
}

/// A backend server (API Reference 3.17.1, Table 3-855; 3.17.6, Table 3-938): its address is
/// `host` for `ip` channels and `ecs_id` with `ecs_name` for `ecs` channels.
fn check_member(at: &str, m: &Member, member_type: &str) -> Check {
    if member_type == "ip" && m.host.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::missing(&format!("{at}.host")));
    }
    if member_type == "ecs" {
        for (field, value) in [("ecs_id", &m.ecs_id), ("ecs_name", &m.ecs_name)] {
            if value.as_deref().is_none_or(str::is_empty) {
                return Err(ApiError::missing(&format!("{at}.{field}")));
            }
        }
    }
    at_most(&format!("{at}.host"), m.host.as_deref(), 64)?;
    within(&format!("{at}.weight"), m.weight, 0, 10_000)?;
    if let Some(status) = m.status {
        one_of(&format!("{at}.status"), &status, &[1, 2])?;
    }
    within(&format!("{at}.port"), m.port, 0, 65_535)?;
    if let Some(id) = &m.ecs_id {
        text(&format!("{at}.ecs_id"), id, (1, 255), First::Any, "-_")?;
    }
    if let Some(ecs_name) = &m.ecs_name {
        text(
            &format!("{at}.ecs_name"),
            ecs_name,
            (1, 64),
            First::Any,
            "-_.",
        )?;
    }
    Ok(())
}

/// Each member's `member_group_name` names one of `groups` (the channel's backend server
/// groups, as they are after the request).
fn check_member_groups(members: &[Member], groups: &[MemberGroup]) -> Check {
    for (i, m) in members.iter().enumerate() {
        check_member_group(&format!("members[{i}]"), m, groups)?;
    }
    Ok(())
}

/// The member's `member_group_name`, if any, names one of `groups`.
fn check_member_group(at: &str, m: &Member, groups: &[MemberGroup]) -> Check {
    match m.member_group_name.as_deref().filter(|g| !g.is_empty()) {
        Some(group) if !groups.iter().any(|g| g.member_group_name == group) => {
            Err(ApiError::invalid(
                &format!("{at}.member_group_name"),
                &format!("the channel has no backend server group `{group}`"),
            ))
        }
        _ => Ok(()),
    }
}

/// A health check (API Reference 3.17.1, Table 3-856; 3.17.12, Table 3-992), its parameters
/// named with `at` before them (`vpc_health_config.` inside a channel, nothing on its own).
fn check_health(at: &str, h: &HealthConfig) -> Check {
    let param = |field: &str| format!("{at}{field}");
    let protocol = h.protocol.to_ascii_uppercase();
    one_of(
        &param("protocol"),
        &protocol.as_str(),
        &["TCP", "HTTP", "HTTPS"],
    )?;
    if protocol != "TCP" && h.path.as_deref().is_none_or(str::is_empty) {
        return Err(ApiError::missing(&param("path")));
    }
    if let Some(method) = &h.method {
        one_of(&param("method"), &method.as_str(), &["GET", "HEAD"])?;
    }
    within(&param("port"), h.port, 0, 65_535)?;
    within(&param("threshold_normal"), Some(h.threshold_normal), 1, 10)?;
    within(
        &param("threshold_abnormal"),
        Some(h.threshold_abnormal),
        1,
        10,
    )?;
    within(&param("time_interval"), Some(h.time_interval), 1, 300)?;
    within(&param("timeout"), Some(h.timeout), 1, 30)?;
    if h.timeout >= h.time_interval {
        return Err(ApiError::invalid(
            &param("timeout"),
            "must be less than time_interval",
        ));
    }
    if let Some(status) = h.status {
        one_of(&param("status"), &status, &[1, 2])?;
    }
    match h.http_code.as_deref() {
        None | Some("") if protocol == "HTTP" => Err(ApiError::missing(&param("http_code"))),
        None | Some("") => Ok(()),
        Some(codes) if http_codes(codes) => Ok(()),
        Some(_) => Err(ApiError::invalid(
            &param("http_code"),
            "codes of 100 to 599 and ranges of them, separated by commas (200,201,210-299)",
        )),
    }
}

/// Whether `codes` is a comma-separated list of codes and `low-high` ranges within 100-599.
fn http_codes(codes: &str) -> bool {
    let code = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=599).contains(c))
    };
    codes.split(',').all(|part| match part.split_once('-') {
        Some((low, high)) => matches!((code(low), code(high)), (Some(l), Some(h)) if l <= h),
        None => code(part).is_some(),
    })
}

fn channel<'d>(db: &'d Db, id: &str) -> Result<&'d VpcChannel, ApiError> {
    db.vpc_channels.get(id).ok_or_else(|| not_found(id))
}

/// 404 APIG.3023, worded as the Reference's examples (3.17.3).
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        404,
        "APIG.3023",
        format!("The VPC channel does not exist,id:{id}"),
    )
}

fn check_name(db: &Db, name: &str, except: Option<&str>) -> Check {
    if db
        .vpc_channels
        .iter()
        .any(|(id, c)| c.name == name && Some(id.as_str()) != except)
    {
        return Err(ApiError::exists(
            "APIG.3208",
            format!("The VPC channel name already exists: {name}"),
        ));
    }
    Ok(())
}

/// The groups as stored: ids and times kept for names the channel had (`previous`).
fn stamp_groups(
    groups: Vec<MemberGroup>,
    previous: &[MemberGroup],
    time: &str,
) -> Vec<MemberGroup> {
    groups
        .into_iter()
        .map(|mut g| {
            let old = previous
                .iter()
                .find(|p| p.member_group_name == g.member_group_name);
            g.member_group_id = old
                .and_then(|o| o.member_group_id.clone())
                .or_else(|| Some(new_id()));
            g.create_time = old
                .and_then(|o| o.create_time.clone())
                .or_else(|| Some(time.to_owned()));
            g.update_time = Some(time.to_owned());
            g
        })
        .collect()
}

/// The address that identifies a member of a channel of `member_type`.
fn address<'m>(m: &'m Member, member_type: &str) -> Option<&'m str> {
    if member_type == "ecs" {
        m.ecs_id.as_deref()
    } else {
        m.host.as_deref()
    }
}

/// Merges `added` into `members` (3.17.6): a member at an address the channel has replaces it
/// (keeping its id and time), the first of several at one address wins; returns the members as
/// stored, in the order added.
fn merge_members(channel: &mut VpcChannel, added: Vec<Member>, time: &str) -> Vec<Member> {
    let mut seen = HashSet::new();
    // Ids of the members added, in order.
    let mut stored = Vec::new();
    for mut m in added {
        let key = address(&m, &channel.member_type)
            .unwrap_or_default()
            .to_owned();
        if !seen.insert(key.clone()) {
            continue;
        }
        let old = channel
            .members
            .iter()
            .position(|o| address(o, &channel.member_type) == Some(key.as_str()));
        let previous = old.map(|i| channel.members.remove(i));
        m.id = previous
            .as_ref()
            .and_then(|p| p.id.clone())
            .or_else(|| Some(new_id()));
        m.create_time = previous
            .as_ref()
            .and_then(|p| p.create_time.clone())
            .or_else(|| Some(time.to_owned()));
        m.vpc_channel_id = Some(channel.id.clone());
        m.status = Some(m.status.unwrap_or(1));
        m.is_backup = Some(m.is_backup.unwrap_or(false));
        if channel.member_type == "ip" {
            // The Reference's answers (3.17.7) name an address member by its address.
            m.ecs_id = m.ecs_id.or_else(|| m.host.clone());
            m.ecs_name = m.ecs_name.or_else(|| m.host.clone());
        }
        stored.push(m.id.clone());
        channel.members.push(m);
    }
    relink_groups(channel);
    stored
        .iter()
        .filter_map(|id| channel.members.iter().find(|m| &m.id == id).cloned())
        .collect()
}

/// The channel as create, update and list answer it (Tables 3-861, 3-884, 3-923).
fn summary(c: &VpcChannel) -> Result<Value, ApiError> {
    let mut value = serde_json::to_value(c).map_err(|_| ApiError::internal())?;
    if let Some(map) = value.as_object_mut() {
        map.remove("members");
        map.remove("vpc_health_config");
    }
    Ok(value)
}

/// `POST /vpc-channels` (3.17.1).
pub fn create(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let v: VpcCreate = req.json()?;
    check(&v)?;
    check_name(db, &v.name, None)?;
    if db.vpc_channels.len() >= MAX_CHANNELS {
        return Err(ApiError::forbidden(
            "APIG.3109",
            format!(
                "The number of VPC channels exceeds the maximum allowed limit ({MAX_CHANNELS})"
            ),
        ));
    }
    let time = now();
    let id = new_id();
    let mut created = VpcChannel {
        vpc_health_config: v
            .vpc_health_config
            .map(|h| stamp_health(h, None, &id, &time)),
        id,
        name: v.name,
        port: v.port,
        balance_strategy: v.balance_strategy,
        member_type: v.member_type,
        channel_type: v.channel_type.unwrap_or(2),
        dict_code: v.dict_code.unwrap_or_default(),
        create_time: time.clone(),
        status: 1,
        member_groups: stamp_groups(v.member_groups.unwrap_or_default(), &[], &time),
        microservice_info: v.microservice_info,
        members: Vec::new(),
    };
    let members = v.members.unwrap_or_default();
    check_member_groups(&members, &created.member_groups)?;
    merge_members(&mut created, members, &time);
    let answer = summary(&created)?;
    db.vpc_channels.insert(created.id.clone(), created);
    Reply::json(201, &answer)
}

/// `PUT /vpc-channels/{vpc_channel_id}` (3.17.2): `members` and `member_groups`, when given,
/// replace the channel's (an empty list removes them all); absent, they stay.
pub fn update(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let v: VpcCreate = req.json()?;
    check(&v)?;
    check_name(db, &v.name, Some(id))?;
    let time = now();
    updated.name = v.name;
    updated.port = v.port;
    updated.balance_strategy = v.balance_strategy;
    if let Some(kind) = v.channel_type {
        updated.channel_type = kind;
    }
    if let Some(code) = v.dict_code {
        updated.dict_code = code;
    }
    if let Some(groups) = v.member_groups {
        updated.member_groups = stamp_groups(groups, &updated.member_groups, &time);
    }
    if v.microservice_info.is_some() {
        updated.microservice_info = v.microservice_info;
    }
    if let Some(health) = v.vpc_health_config {
        let previous = updated.vpc_health_config.as_ref();
        updated.vpc_health_config = Some(stamp_health(health, previous, id, &time));
    }
    let type_changed = updated.member_type != v.member_type;
    updated.member_type = v.member_type;
    if type_changed {
        // Addresses of the other type identify no member of the new one.
        updated.members.clear();
    }
    if let Some(members) = v.members {
        check_member_groups(&members, &updated.member_groups)?;
        // Replaced: the members given, with the ids of those at the same address.
        updated.members = merge_members(&mut updated, members, &time);
    }
    relink_groups(&mut updated);
    let answer = summary(&updated)?;
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::json(200, &answer)
}

/// Sets each member's `member_group_id` to the id of the group it names (groups get new ids
/// when an update replaces them).
fn relink_groups(channel: &mut VpcChannel) {
    for m in &mut channel.members {
        m.member_group_id = m.member_group_name.as_deref().and_then(|g| {
            channel
                .member_groups
                .iter()
                .find(|x| x.member_group_name == g)
                .and_then(|x| x.member_group_id.clone())
        });
    }
}

/// `DELETE /vpc-channels/{vpc_channel_id}` (3.17.3): refused while an API uses the channel.
pub fn delete(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    channel(db, id)?;
    if let Some(api) = db.apis.values().find(|a| uses(a, id)) {
        return Err(ApiError::forbidden(
            "APIG.3414",
            format!(
                "The VPC channel is already being used by another API: {}",
                api.id.as_deref().unwrap_or(&api.name)
            ),
        ));
    }
    db.vpc_channels.remove(id);
    Reply::no_content()
}

/// The VPC channel ids an API's backend and backend policies name.
pub fn channels_of(api: &crate::model::ApiCreate) -> impl Iterator<Item = &str> {
    let backend = api
        .backend_api
        .as_ref()
        .and_then(|b| b.vpc_channel_info.as_ref())
        .map(|v| v.vpc_channel_id.as_str());
    let policies = api
        .policy_https
        .iter()
        .flatten()
        .filter_map(|p| p.vpc_channel_info.as_ref())
        .map(|v| v.vpc_channel_id.as_str());
    backend.into_iter().chain(policies)
}

fn uses(api: &crate::model::ApiCreate, id: &str) -> bool {
    channels_of(api).any(|c| c == id)
}

/// `GET /vpc-channels/{vpc_channel_id}` (3.17.4): with members and health check.
pub fn show(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    Reply::json(200, channel(db, req.param(0))?)
}

/// `GET /vpc-channels` (3.17.5, Table 3-920): filters `id`, `name`, `dict_code`,
/// `vpc_channel_type`, `member_host`, `member_port`, `member_group_name`, `member_group_id`,
/// `precise_search` (`name`, `member_group_name`); the list key is `vpc_channels`.
pub fn list(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let port = integer(req, "member_port")?;
    let kind = integer(req, "vpc_channel_type")?;
    let mut items = Vec::new();
    for c in db.vpc_channels.values() {
        let keep = matches_exact(req, "id", Some(&c.id))
            && matches_name(req, "name", &c.name)
            && matches_exact(req, "dict_code", Some(&c.dict_code))
            && kind.is_none_or(|k| k == c.channel_type)
            && req
                .q("member_host")
                .is_none_or(|h| c.members.iter().any(|m| m.host.as_deref() == Some(h)))
            && port.is_none_or(|p| c.members.iter().any(|m| m.port == Some(p)))
            && (req.q("member_group_name").is_none()
                || c.member_groups
                    .iter()
                    .any(|g| matches_name(req, "member_group_name", &g.member_group_name)))
            && (req.q("member_group_id").is_none()
                || c.member_groups
                    .iter()
                    .any(|g| matches_exact(req, "member_group_id", g.member_group_id.as_deref())));
        if keep {
            items.push(summary(c)?);
        }
    }
    page(req, "vpc_channels", items)
}

#[derive(Deserialize)]
struct MembersCreate {
    members: Vec<Member>,
}

/// `{total, size, <key>}` of every item: the add operations (3.17.6, Table 3-939; 3.17.13,
/// Table 3-1004; 201) and the replacement of members (3.17.8, Table 3-960; 200) answer what
/// they stored as a list, unpaged.
fn stored_list<T: Serialize>(status: u16, key: &str, items: Vec<T>) -> Result<Reply, ApiError> {
    let mut body = serde_json::Map::new();
    body.insert("total".into(), items.len().into());
    body.insert("size".into(), items.len().into());
    let items = serde_json::to_value(items).map_err(|_| ApiError::internal())?;
    body.insert(key.into(), items);
    Reply::json(status, &body)
}

/// `POST /vpc-channels/{vpc_channel_id}/members` (3.17.6): adds the members, or updates those
/// at an address the channel has; answers the members of the request as stored.
pub fn add_members(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let body: MembersCreate = req.json()?;
    if body.members.is_empty() {
        return Err(ApiError::missing("members"));
    }
    for (i, m) in body.members.iter().enumerate() {
        check_member(&format!("members[{i}]"), m, &updated.member_type)?;
    }
    check_member_groups(&body.members, &updated.member_groups)?;
    let stored = merge_members(&mut updated, body.members, &now());
    db.vpc_channels.insert(id.to_owned(), updated);
    stored_list(201, "members", stored)
}

/// `GET /vpc-channels/{vpc_channel_id}/members` (3.17.7, Table 3-947): filters `name` (the
/// cloud server name), `member_group_name`, `member_group_id`, `precise_search`.
pub fn list_members(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let c = channel(db, req.param(0))?;
    let items: Vec<&Member> = c
        .members
        .iter()
        .filter(|m| {
            req.q("name").is_none()
                || matches_name(req, "name", m.ecs_name.as_deref().unwrap_or(""))
        })
        .filter(|m| {
            req.q("member_group_name").is_none()
                || matches_name(
                    req,
                    "member_group_name",
                    m.member_group_name.as_deref().unwrap_or(""),
                )
        })
        .filter(|m| matches_exact(req, "member_group_id", m.member_group_id.as_deref()))
        .collect();
    page(req, "members", items)
}

/// `DELETE /vpc-channels/{vpc_channel_id}/members/{member_id}` (3.17.9): 404 APIG.3024 for a
/// member the channel does not have.
pub fn delete_member(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let (id, member) = (req.param(0), req.param(1));
    let mut updated = channel(db, id)?.clone();
    let before = updated.members.len();
    updated.members.retain(|m| m.id.as_deref() != Some(member));
    if updated.members.len() == before {
        return Err(member_not_found(member));
    }
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::no_content()
}

/// 404 APIG.3024 for a backend server the channel does not have (API Reference 5.4).
fn member_not_found(id: &str) -> ApiError {
    ApiError::new(
        404,
        "APIG.3024",
        format!("The cloud server does not exist,id:{id}"),
    )
}

/// The body of 3.17.8 (Table 3-958, the SDK's `VpcMemberModify`).
#[derive(Deserialize)]
struct MembersModify {
    #[serde(default)]
    member_group_name: Option<String>,
    #[serde(default)]
    members: Vec<Member>,
}

/// `PUT /vpc-channels/{vpc_channel_id}/members` (3.17.8): the members given replace the
/// channel's: with `member_group_name`, those of that backend server group (members given for
/// another group are ignored, as the Reference says, and one naming no group joins it);
/// without, all of them. A member at an address the channel has keeps its id and time, and an
/// address names one member of the channel, so a member given at the address of another
/// group's member replaces that one. Answers 200 with the members given, as stored.
pub fn update_members(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let body: MembersModify = req.json()?;
    let scope = body.member_group_name.filter(|g| !g.is_empty());
    if let Some(group) = &scope
        && !updated
            .member_groups
            .iter()
            .any(|g| &g.member_group_name == group)
    {
        return Err(ApiError::invalid(
            "member_group_name",
            &format!("the channel has no backend server group `{group}`"),
        ));
    }
    let in_scope = |m: &Member| match &scope {
        None => true,
        Some(group) => m
            .member_group_name
            .as_deref()
            .is_none_or(|g| g.is_empty() || g == group),
    };
    let mut members = Vec::new();
    for (i, mut m) in body.members.into_iter().enumerate() {
        if !in_scope(&m) {
            continue;
        }
        let at = format!("members[{i}]");
        check_member(&at, &m, &updated.member_type)?;
        check_member_group(&at, &m, &updated.member_groups)?;
        if scope.is_some() {
            m.member_group_name.clone_from(&scope);
        }
        members.push(m);
    }
    let member_type = updated.member_type.clone();
    let addresses: HashSet<&str> = members
        .iter()
        .filter_map(|m| address(m, &member_type))
        .collect();
    let (replaced, kept): (Vec<Member>, Vec<Member>) = std::mem::take(&mut updated.members)
        .into_iter()
        .partition(|m| {
            in_scope(m) || address(m, &member_type).is_some_and(|a| addresses.contains(a))
        });
    updated.members = replaced;
    let stored = merge_members(&mut updated, members, &now());
    updated.members = kept.into_iter().chain(stored.iter().cloned()).collect();
    relink_groups(&mut updated);
    db.vpc_channels.insert(id.to_owned(), updated);
    stored_list(200, "members", stored)
}

/// The body of 3.17.10 and 3.17.11 (Table 3-976, the SDK's `MembersBatchEnableOrDisable`).
#[derive(Deserialize)]
struct MemberIds {
    #[serde(default)]
    member_ids: Vec<String>,
}

/// Sets the `status` of the members named (1 available, 2 unavailable); 404 APIG.3024 for an
/// id the channel does not have, before any member changes.
fn set_member_status(db: &mut Db, req: &Req, status: i64) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let body: MemberIds = req.json()?;
    for member in &body.member_ids {
        let m = updated
            .members
            .iter_mut()
            .find(|m| m.id.as_deref() == Some(member.as_str()))
            .ok_or_else(|| member_not_found(member))?;
        m.status = Some(status);
    }
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::no_content()
}

/// `POST /vpc-channels/{vpc_channel_id}/members/batch-enable` (3.17.10): 204.
pub fn enable_members(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    set_member_status(db, req, 1)
}

/// `POST /vpc-channels/{vpc_channel_id}/members/batch-disable` (3.17.11): 204.
pub fn disable_members(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    set_member_status(db, req, 2)
}

/// A health check as stored: the channel's id, and the id and time of the one it replaces.
fn stamp_health(
    mut h: HealthConfig,
    previous: Option<&HealthConfig>,
    channel: &str,
    time: &str,
) -> HealthConfig {
    h.vpc_channel_id = Some(channel.to_owned());
    h.id = previous
        .and_then(|p| p.id.clone())
        .or_else(|| Some(new_id()));
    h.create_time = previous
        .and_then(|p| p.create_time.clone())
        .or_else(|| Some(time.to_owned()));
    h
}

/// `PUT /vpc-channels/{vpc_channel_id}/health-config` (3.17.12): replaces the channel's health
/// check; answers it as stored (Table 3-993).
pub fn update_health(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let config: HealthConfig = req.json()?;
    check_health("", &config)?;
    let stored = stamp_health(config, updated.vpc_health_config.as_ref(), id, &now());
    updated.vpc_health_config = Some(stored.clone());
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::json(200, &stored)
}

#[derive(Deserialize)]
struct MemberGroupsCreate {
    #[serde(default)]
    member_groups: Vec<MemberGroup>,
}

/// 404 for a backend server group the channel does not have. API Reference 5.4 has no code of
/// its own for one; the channel's (APIG.3023) is the nearest.
fn group_not_found(id: &str) -> ApiError {
    ApiError::new(
        404,
        "APIG.3023",
        format!("The backend server group of the VPC channel does not exist,id:{id}"),
    )
}

/// The backend server groups of a channel, checked (API Reference 3.17.13, Tables 3-1002 and
/// 3-1003), named once each.
fn check_groups(groups: &[MemberGroup]) -> Check {
    let mut names = HashSet::new();
    for (i, g) in groups.iter().enumerate() {
        check_group(&format!("member_groups[{i}]"), g)?;
        if !names.insert(g.member_group_name.as_str()) {
            return Err(ApiError::invalid(
                &format!("member_groups[{i}].member_group_name"),
                "names a backend server group listed before",
            ));
        }
    }
    Ok(())
}

/// `POST /vpc-channels/{vpc_channel_id}/member-groups` (3.17.13): adds the groups, or updates
/// those whose name the channel has (keeping their ids); answers the groups of the request as
/// stored.
pub fn add_member_groups(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let id = req.param(0);
    let mut updated = channel(db, id)?.clone();
    let body: MemberGroupsCreate = req.json()?;
    check_groups(&body.member_groups)?;
    let names: Vec<String> = body
        .member_groups
        .iter()
        .map(|g| g.member_group_name.clone())
        .collect();
    let stored = stamp_groups(body.member_groups, &updated.member_groups, &now());
    updated
        .member_groups
        .retain(|g| !names.contains(&g.member_group_name));
    updated.member_groups.extend(stored.iter().cloned());
    relink_groups(&mut updated);
    db.vpc_channels.insert(id.to_owned(), updated);
    stored_list(201, "member_groups", stored)
}

/// `GET /vpc-channels/{vpc_channel_id}/member-groups` (3.17.14, Table 3-1013): filters
/// `dict_code`, `member_group_name`, `precise_search`.
pub fn list_member_groups(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let c = channel(db, req.param(0))?;
    let items: Vec<&MemberGroup> = c
        .member_groups
        .iter()
        .filter(|g| matches_name(req, "member_group_name", &g.member_group_name))
        .filter(|g| matches_exact(req, "dict_code", g.dict_code.as_deref()))
        .collect();
    page(req, "member_groups", items)
}

fn member_group<'d>(c: &'d VpcChannel, id: &str) -> Result<&'d MemberGroup, ApiError> {
    c.member_groups
        .iter()
        .find(|g| g.member_group_id.as_deref() == Some(id))
        .ok_or_else(|| group_not_found(id))
}

/// `GET /vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}` (3.17.15).
pub fn show_member_group(db: &Db, req: &Req) -> Result<Reply, ApiError> {
    let c = channel(db, req.param(0))?;
    Reply::json(200, member_group(c, req.param(1))?)
}

/// `PUT /vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}` (3.17.17): the group's
/// new definition; a new name must not be another group's, and the members that named the
/// group follow it.
pub fn update_member_group(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let (id, group_id) = (req.param(0), req.param(1));
    let mut updated = channel(db, id)?.clone();
    let previous = member_group(&updated, group_id)?.clone();
    let group: MemberGroup = req.json()?;
    check_groups(std::slice::from_ref(&group))?;
    if updated.member_groups.iter().any(|g| {
        g.member_group_name == group.member_group_name
            && g.member_group_id.as_deref() != Some(group_id)
    }) {
        return Err(ApiError::invalid(
            "member_group_name",
            "names another backend server group of the channel",
        ));
    }
    let stored = MemberGroup {
        member_group_id: previous.member_group_id.clone(),
        create_time: previous.create_time.clone(),
        update_time: Some(now()),
        ..group
    };
    for m in &mut updated.members {
        if m.member_group_name.as_deref() == Some(previous.member_group_name.as_str()) {
            m.member_group_name = Some(stored.member_group_name.clone());
        }
    }
    for g in &mut updated.member_groups {
        if g.member_group_id.as_deref() == Some(group_id) {
            *g = stored.clone();
        }
    }
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::json(200, &stored)
}

/// `DELETE /vpc-channels/{vpc_channel_id}/member-groups/{member_group_id}` (3.17.16): the
/// group's members stay in the channel, in no group (the Reference does not say what becomes
/// of them; no server is removed behind the caller's back).
pub fn delete_member_group(db: &mut Db, req: &Req) -> Result<Reply, ApiError> {
    let (id, group_id) = (req.param(0), req.param(1));
    let mut updated = channel(db, id)?.clone();
    let name = member_group(&updated, group_id)?.member_group_name.clone();
    updated
        .member_groups
        .retain(|g| g.member_group_id.as_deref() != Some(group_id));
    for m in &mut updated.members {
        if m.member_group_name.as_deref() == Some(name.as_str()) {
            m.member_group_name = None;
        }
    }
    relink_groups(&mut updated);
    db.vpc_channels.insert(id.to_owned(), updated);
    Reply::no_content()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_codes_are_codes_and_ranges_of_100_to_599() {
        assert!(http_codes("200"));
        assert!(http_codes("200,201,210-299"));
        assert!(!http_codes("200-"));
        assert!(!http_codes("99"));
        assert!(!http_codes("300-200"));
        assert!(!http_codes("2xx"));
    }
}
