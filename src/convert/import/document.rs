//! Document level: the group, custom authorizers, and the policies defined once for the
//! document (throttling, access control, group responses).

use super::*;
use crate::openapi::schema::is_known_dialect;
use crate::source::hash::FastSet;

impl<'a> Cx<'a> {
    pub(super) fn group(&mut self, root: &'a Node, options: &ImportOptions) -> ApiGroupDef {
        let file = self.file;
        let info = root.get("info");
        let title = info.and_then(|i| i.get("title"));
        let name = match (&options.group_name, title.and_then(Node::as_str)) {
            (Some(name), _) => name.clone(),
            (None, Some(title)) => {
                if let Some(t) = title_node(info) {
                    let group = self.provenance.top("group");
                    self.provenance.record_at(group, "name", file, t.span);
                }
                title.to_owned()
            }
            (None, None) => {
                self.warn(
                    UNSUPPORTED,
                    file,
                    info.map_or(root.span, |i| i.span),
                    "no `info.title` to name the group; using `imported_group` (set --group-name)"
                        .into(),
                );
                "imported_group".to_owned()
            }
        };
        let remark = info.and_then(|i| i.get("description"));
        if let Some(r) = remark {
            let group = self.provenance.top("group");
            self.provenance.record_at(group, "remark", file, r.span);
        }
        ApiGroupDef {
            name,
            remark: remark.and_then(Node::as_str).map(str::to_owned),
            version: None,
        }
    }

    /// A document-level map extension at the root and (OpenAPI 3) under `components`: exports
    /// write `x-apigateway-responses` under `components`, the extension pages at the root
    /// (reference §3.4, §6), so both are read, the root's first.
    pub(super) fn root_extensions(&self, root: &'a Node, key: &str) -> Vec<&'a Node> {
        let components = match self.version {
            OasVersion::V2_0 => None,
            _ => root.get("components").and_then(|c| c.get(key)),
        };
        root.get(key).into_iter().chain(components).collect()
    }

    /// Custom authorizers: security schemes carrying `x-apigateway-authorizer`, named by their
    /// scheme key. Unknown `x-apigateway-*` keys on any scheme are reported.
    pub(super) fn authorizers(&mut self, root: &'a Node) -> Vec<AuthorizerDef> {
        let Some(schemes) = self.security_schemes(root).and_then(Node::as_map) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in &schemes.entries {
            let Some((file, scheme)) = self.deref(self.file, &entry.value) else {
                continue;
            };
            let Some(map) = scheme.as_map() else { continue };
            const KNOWN: [&str; 3] = [
                "x-apigateway-auth-type",
                "x-apigateway-auth-opt",
                "x-apigateway-authorizer",
            ];
            for item in &map.entries {
                let what = "a security scheme extension apigctl imports";
                self.unknown_extension(file, item, &KNOWN, what);
            }
            self.auth_type_value(file, &entry.key.name, scheme);
            if let Some(opt) = scheme.get("x-apigateway-auth-opt").and_then(Node::as_map) {
                for item in &opt.entries {
                    let key = &*item.key.name;
                    if !matches!(key, "appcode-auth-type" | "app_code_auth_type") {
                        self.warn(
                            DROPPED,
                            file,
                            item.key.span,
                            format!("`x-apigateway-auth-opt` field `{key}` has no API Reference counterpart (`auth_opt` has only `app_code_auth_type`, 3.5.1, Table 3-168); dropped"),
                        );
                    }
                }
            }
            let Some(authorizer) = scheme.get("x-apigateway-authorizer") else {
                continue;
            };
            let list = self.provenance.top("authorizers");
            let at = self
                .provenance
                .record_at(list, out.len(), file, authorizer.span);
            let mut obj = Obj::new(at);
            self.set(
                &mut obj,
                "name",
                &*entry.key.name,
                self.file,
                &Node::new(entry.key.span, Value::Null),
            );
            for item in authorizer
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                const FIELDS: [&str; 10] = [
                    "authorizer_type",
                    "authorizer_uri",
                    "type",
                    "network_type",
                    "authorizer_version",
                    "authorizer_alias_uri",
                    "identities",
                    "ttl",
                    "need_body",
                    "user_data",
                ];
                let key = &*item.key.name;
                match FIELDS.iter().copied().find(|f| *f == key) {
                    Some(field) => {
                        self.set(&mut obj, field, Val::Node(&item.value), file, &item.value);
                    }
                    None => self.warn(
                        DROPPED,
                        file,
                        item.key.span,
                        format!(
                            "authorizer field `{key}` is not in the API Reference (3.15.1); dropped"
                        ),
                    ),
                }
            }
            match self.finish::<AuthorizerDef>(obj, (file, entry.key.span)) {
                Some(a) => out.push(a),
                None => self
                    .dropped
                    .push(("authorizers", entry.key.name.to_string())),
            }
        }
        out
    }

    /// Checks a security scheme's `x-apigateway-auth-type` (an error when it names no
    /// documented mode: every API using the scheme is refused, see [`Cx::security`]) and warns
    /// at an `x-apigateway-auth-opt` on a scheme that is not APP, which is left out.
    fn auth_type_value(&mut self, file: FileId, name: &str, scheme: &'a Node) {
        let auth = scheme.get("x-apigateway-auth-type");
        let auth_type = match auth {
            Some(a) => match super::operations::auth_type_of(a) {
                Some(t) => t,
                None => {
                    let shown = quoted("x-apigateway-auth-type", a);
                    self.invalid(
                        file,
                        a.span,
                        format!("{shown} is not an APIG authentication mode; every API using security scheme `{name}` is not imported (it would have no authentication)"),
                        "write `AppSigv1` (APP authentication), `IAM`, or `AUTHORIZER` (a custom authorizer, with `x-apigateway-authorizer`)",
                    );
                    return;
                }
            },
            None if scheme.get("x-apigateway-authorizer").is_some() => "AUTHORIZER",
            None => return,
        };
        if auth_type != "APP"
            && let Some(opt) = scheme
                .as_map()
                .and_then(|m| m.entry("x-apigateway-auth-opt"))
        {
            self.warn(
                DROPPED,
                file,
                opt.key.span,
                format!("`x-apigateway-auth-opt` (AppCode) applies only to APP authentication (`x-apigateway-auth-type: AppSigv1`), not {auth_type} (API Reference 3.5.1, Table 3-168); not imported"),
            );
        }
    }

    /// The `name: policy` entries of a document-level policy extension (root or `components`).
    /// A value that is not a mapping cannot become a policy; it is reported, never skipped
    /// silently.
    /// The object of a document-level policy (an entry of an `x-apigateway-…` mapping),
    /// recorded as item `index` of the definition's `list`, holding its name (the entry's
    /// key) in `name_field`.
    fn named_policy(
        &mut self,
        list: &'static str,
        index: usize,
        name_field: &'static str,
        entry: &'a Entry,
    ) -> Obj<'a> {
        let file = self.file;
        let list = self.provenance.top(list);
        let at = self
            .provenance
            .record_at(list, index, file, entry.value.span);
        let mut obj = Obj::new(at);
        let key = Node::new(entry.key.span, Value::Null);
        self.set(&mut obj, name_field, &*entry.key.name, file, &key);
        obj
    }

    /// Copies `item` into `obj` under the API Reference's name for it in `fields` (accepted
    /// spelling, field); a field not listed is dropped with a warning naming `what` (and
    /// `cite`, the section that lists the fields, when there is one).
    fn copy_field(
        &mut self,
        obj: &mut Obj<'a>,
        item: &'a Entry,
        fields: &[(&str, &'static str)],
        what: &str,
        cite: &str,
    ) {
        let file = self.file;
        let name = &*item.key.name;
        match fields.iter().find(|(spelling, _)| *spelling == name) {
            Some((_, target)) => {
                self.set(obj, target, Val::Node(&item.value), file, &item.value);
            }
            None => self.warn(
                DROPPED,
                file,
                item.key.span,
                format!("{what} field `{name}` has no API Reference counterpart{cite}; dropped"),
            ),
        }
    }

    pub(super) fn policy_entries(
        &mut self,
        root: &'a Node,
        key: &str,
        what: &str,
    ) -> Vec<&'a Entry> {
        let mut entries: Vec<&'a Entry> = Vec::new();
        let mut names: FastSet<&'a str> = FastSet::default();
        for node in self.root_extensions(root, key) {
            let Some(map) = node.as_map() else {
                let message = format!(
                    "`{key}` must map {what} names to {what}s, found a {}; nothing imported",
                    node.value.kind()
                );
                self.warn(DROPPED, self.file, node.span, message);
                continue;
            };
            for entry in &map.entries {
                if entry.value.as_map().is_none() {
                    let message = format!(
                        "{what} `{}` must be a mapping, found a {}; not imported",
                        entry.key.name,
                        entry.value.value.kind()
                    );
                    self.warn(DROPPED, self.file, entry.value.span, message);
                } else if !names.insert(&entry.key.name) {
                    let message = format!(
                        "{what} `{}` is defined both at the root and under `components`; the root's is imported",
                        entry.key.name
                    );
                    self.warn(DROPPED, self.file, entry.key.span, message);
                } else {
                    entries.push(entry);
                }
            }
        }
        entries
    }

    pub(super) fn throttles(&mut self, root: &'a Node) -> Vec<ThrottleDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(root, "x-apigateway-ratelimits", "throttling policy") {
            let mut obj = self.named_policy("throttles", out.len(), "name", entry);
            let Some(policy) = entry.value.as_map() else {
                continue;
            };
            let mut rejected = false;
            for item in &policy.entries {
                match &*item.key.name {
                    "shared" => match item.value.as_bool() {
                        Some(shared) => self.set(
                            &mut obj,
                            "type",
                            if shared { 2 } else { 1 },
                            file,
                            &item.value,
                        ),
                        // Not guessed: `"false"` read as true (or `"true"` as false) would
                        // change what the policy limits.
                        None => {
                            self.invalid(
                                file,
                                item.value.span,
                                format!("`shared` must be a boolean, not a {}; the throttling policy is not imported", item.value.value.kind()),
                                "write `shared: true` (one limit for all APIs bound) or `shared: false`, unquoted",
                            );
                            rejected = true;
                        }
                    },
                    "special" => {
                        let mut specials = Vec::new();
                        let Some(list) = item.value.as_seq() else {
                            self.warn(
                                DROPPED,
                                file,
                                item.value.span,
                                format!("`special` must be a list of excluded configurations, found a {}; dropped", item.value.value.kind()),
                            );
                            continue;
                        };
                        let specials_at = self.provenance.at(obj.at, "special");
                        for (i, s) in list.iter().enumerate() {
                            let mut sp =
                                Obj::new(self.provenance.record_at(specials_at, i, file, s.span));
                            // `instance` is Table 3-505's `object_id`; the definition form
                            // names that slot `object_name` (no gateway ids in files).
                            for e in s.as_map().map(|m| m.entries.as_slice()).unwrap_or_default() {
                                self.copy_field(
                                    &mut sp,
                                    e,
                                    SPECIAL_FIELDS,
                                    "excluded configuration",
                                    " (3.9.1)",
                                );
                            }
                            specials.push(Val::Obj(sp.fields));
                        }
                        obj.insert("special", Val::Arr(specials));
                    }
                    _ => self.copy_field(&mut obj, item, THROTTLE_FIELDS, "throttling policy", ""),
                }
            }
            if rejected {
                self.dropped.push(("throttles", entry.key.name.to_string()));
                continue;
            }
            match self.finish::<ThrottleDef>(obj, (file, entry.key.span)) {
                Some(t) => out.push(t),
                None => self.dropped.push(("throttles", entry.key.name.to_string())),
            }
        }
        out
    }

    pub(super) fn acls(&mut self, root: &'a Node) -> Vec<AclDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(
            root,
            "x-apigateway-access-controls",
            "access control policy",
        ) {
            let mut obj = self.named_policy("acls", out.len(), "acl_name", entry);
            let Some(policy) = entry.value.as_map() else {
                continue;
            };
            for item in &policy.entries {
                self.copy_field(&mut obj, item, ACL_FIELDS, "access control", "");
            }
            match self.finish::<AclDef>(obj, (file, entry.key.span)) {
                Some(a) => out.push(a),
                None => self.dropped.push(("acls", entry.key.name.to_string())),
            }
        }
        out
    }

    pub(super) fn responses(&mut self, root: &'a Node) -> Vec<GroupResponseDef> {
        let file = self.file;
        let mut out = Vec::new();
        for entry in self.policy_entries(root, "x-apigateway-responses", "group response") {
            let mut obj = self.named_policy("responses", out.len(), "name", entry);
            let at = obj.at;
            let errors_at = self.provenance.at(at, "responses");
            let mut errors = JsonMap::new();
            // A body or headers of the wrong shape: refused, never read as none.
            let mut refused = false;
            for error in entry
                .value
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                let at = self.provenance.record_at(
                    errors_at,
                    Token::Text(error.key.name.clone()),
                    file,
                    error.value.span,
                );
                let mut info = JsonMap::new();
                for item in error
                    .value
                    .as_map()
                    .map(|m| m.entries.as_slice())
                    .unwrap_or_default()
                {
                    let key = &*item.key.name;
                    if !matches!(key, "status" | "body" | "headers") {
                        self.warn(
                            DROPPED,
                            file,
                            item.key.span,
                            format!("group response field `{key}` has no API Reference counterpart (`status`, `body`, `headers`; 3.19.1); dropped"),
                        );
                    }
                }
                if let Some(status) = error.value.get("status") {
                    self.provenance.record_at(at, "status", file, status.span);
                    info.insert("status".into(), status.to_json());
                }
                if let Some(body) = error.value.get("body") {
                    // The gateway keeps one body template; the reference's map holds one per
                    // media type.
                    let bodies = body
                        .as_map()
                        .map(|m| m.entries.as_slice())
                        .unwrap_or_default();
                    if let Some(first) = bodies.first() {
                        self.provenance
                            .record_at(at, "body", file, first.value.span);
                        info.insert("body".into(), first.value.to_json());
                    } else if body.as_str().is_some() {
                        // The definition's own form, one template: read as meant.
                        info.insert("body".into(), body.to_json());
                    } else if body.as_map().is_none() {
                        self.invalid(
                            file,
                            body.span,
                            format!(
                                "a group response `body` maps media types to templates, not a {}",
                                body.value.kind()
                            ),
                            "write `body: {application/json: '{\"error\": \"$context.error.message\"}'}` (reference §2.23)",
                        );
                        refused = true;
                    }
                    for extra in bodies.iter().skip(1) {
                        self.warn(
                            DROPPED,
                            file,
                            extra.key.span,
                            "a group response has one body template; only the first media type is kept".into(),
                        );
                    }
                }
                if let Some(headers) = error.value.as_map().and_then(|m| m.entry("headers")) {
                    // Each header where it is written: a finding about a header's name is
                    // shown at that name, one about its value at the value, and one about the
                    // list (too many headers) at `headers:`, not at the whole error type.
                    let list_at = self
                        .provenance
                        .record_at(at, "headers", file, headers.key.span);
                    if !matches!(headers.value.value, Value::Map(_) | Value::Seq(_)) {
                        self.invalid(
                            file,
                            headers.value.span,
                            format!(
                                "group response `headers` must be a list of `{{key, value}}` (or a mapping of names to values), not a {}",
                                headers.value.value.kind()
                            ),
                            "write `headers: [{key: X-A, value: '1'}]`, or `headers: {X-A: '1'}`",
                        );
                        refused = true;
                    }
                    let list: Vec<Json> = match &headers.value.value {
                        Value::Map(m) => m
                            .entries
                            .iter()
                            .enumerate()
                            .map(|(i, h)| {
                                let item_at =
                                    self.provenance.record_at(list_at, i, file, h.key.span);
                                self.provenance.record_at(item_at, "key", file, h.key.span);
                                self.provenance
                                    .record_at(item_at, "value", file, h.value.span);
                                json!({"key": &*h.key.name, "value": h.value.to_json()})
                            })
                            .collect(),
                        _ => headers
                            .value
                            .as_seq()
                            .unwrap_or_default()
                            .iter()
                            .enumerate()
                            .map(|(i, h)| {
                                let item_at = self.provenance.record_at(list_at, i, file, h.span);
                                for field in ["key", "value"] {
                                    if let Some(v) = h.get(field) {
                                        self.provenance.record_at(item_at, field, file, v.span);
                                    }
                                }
                                h.to_json()
                            })
                            .collect(),
                    };
                    info.insert("headers".into(), Json::Array(list));
                }
                errors.insert(error.key.name.to_string(), Json::Object(info));
            }
            obj.insert("responses", Val::Json(Json::Object(errors)));
            if refused {
                self.dropped.push(("responses", entry.key.name.to_string()));
                continue;
            }
            match self.finish::<GroupResponseDef>(obj, (file, entry.key.span)) {
                Some(r) => out.push(r),
                None => self.dropped.push(("responses", entry.key.name.to_string())),
            }
        }
        out
    }

    /// Warns about what the document's servers say that the APIs do not take (see
    /// [`Cx::check_servers`]).
    pub(super) fn other_servers(&mut self, root: &'a Node) {
        if self.version == OasVersion::V2_0 {
            self.relative_base_path(root);
            return;
        }
        if let Some(servers) = root.get("servers").and_then(Node::as_seq) {
            self.check_servers(self.file, servers);
        }
    }

    /// Warns about a Swagger 2.0 `basePath` without its leading `/`, which its APIs' paths
    /// are given from the host's root (see [`base_from_root`]), as a relative server URL's are.
    fn relative_base_path(&mut self, root: &'a Node) {
        let Some(node) = root.get("basePath") else {
            return;
        };
        let Some(text) = node.as_str() else { return };
        let written = text.trim_end_matches('/');
        if relative_path(written).is_none() {
            return;
        }
        let taken = base_from_root(text);
        let taken = if taken.is_empty() { "/" } else { &taken };
        self.diagnostics.push(
            Diagnostic::warn(
                UNSUPPORTED,
                format!(
                    "`basePath` `{text}` does not start with `/`; its APIs are imported under `{taken}`"
                ),
            )
            .at(self.file, node.span)
            .help(format!("write `basePath: {taken}`"))
            .source("Swagger 2.0, Swagger Object (basePath: MUST start with a leading slash); API Reference 3.5.1, Table 3-167 (req_uri)"),
        );
    }

    /// Warns of what the document's top level holds that import does not read: unknown
    /// extensions, webhooks, and a schema dialect whose keywords it may misread.
    pub(super) fn unknown_root_extensions(&mut self, root: &'a Node) {
        let file = self.file;
        const KNOWN: [&str; 3] = [
            "x-apigateway-ratelimits",
            "x-apigateway-access-controls",
            "x-apigateway-responses",
        ];
        let Some(map) = root.as_map() else { return };
        for entry in &map.entries {
            let key = &*entry.key.name;
            // Requests the API sends, not requests it takes: nothing a gateway API can be.
            if key == "webhooks" && entry.value.as_map().is_some_and(|m| !m.is_empty()) {
                self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    "webhooks (requests the API makes to its clients) have no API Gateway counterpart; not imported".into(),
                );
            }
            if key == "jsonSchemaDialect"
                && self.version == OasVersion::V3_1
                && let Some(uri) = entry.value.as_str()
                && !is_known_dialect(uri)
            {
                self.unknown_dialect(file, &entry.value, "jsonSchemaDialect", uri);
            }
            self.unknown_extension(
                file,
                entry,
                &KNOWN,
                "a document-level extension apigctl imports",
            );
            // `info` and `paths` take extensions too (OpenAPI), but import reads none there: a
            // document-level one written a level too deep would be lost without a word. `paths`
            // has one key per path; a prefix test of each is the whole cost.
            if matches!(key, "info" | "paths")
                && let Some(inner) = entry.value.as_map()
            {
                for item in &inner.entries {
                    self.extension_under(file, item, key, &KNOWN);
                }
            }
        }
        // OpenAPI 3 documents hold the same extensions under `components` too (exports write
        // `x-apigateway-responses` there), so a misspelt one there is as likely.
        if self.version == OasVersion::V2_0 {
            return;
        }
        let Some(components) = root.get("components").and_then(Node::as_map) else {
            return;
        };
        for entry in &components.entries {
            let what = "an extension apigctl imports under `components` (only `x-apigateway-ratelimits`, `x-apigateway-access-controls` and `x-apigateway-responses`)";
            self.unknown_extension(file, entry, &KNOWN, what);
        }
    }
}

impl Cx<'_> {
    /// An `x-apigateway-*` key in `info` or directly under `paths` (`under`), where import
    /// reads none; a document-level one (`root_level`) is said to belong at the root.
    fn extension_under(&mut self, file: FileId, entry: &Entry, under: &str, root_level: &[&str]) {
        let key = &*entry.key.name;
        if !key.starts_with("x-apigateway-") {
            return;
        }
        let message = if root_level.contains(&key) {
            format!(
                "`{key}` belongs at the document root (or under `components`), not in `{under}`; ignored"
            )
        } else {
            format!("`{key}` is not read in `{under}` (import reads no extension there); ignored")
        };
        self.diagnostics.push(
            Diagnostic::warn(UNKNOWN_EXTENSION, message)
                .at(file, entry.key.span)
                .source(SOURCE_REF),
        );
    }
}

/// Throttling policy fields (`x-apigateway-ratelimits`) and the API Reference's names for
/// them; `shared` and `special` are read on their own.
const THROTTLE_FIELDS: &[(&str, &str)] = &[
    ("api-limit", "api_call_limits"),
    ("user-limit", "user_call_limits"),
    ("app-limit", "app_call_limits"),
    ("ip-limit", "ip_call_limits"),
    ("interval", "time_interval"),
    ("unit", "time_unit"),
];

/// Excluded configuration fields of a throttling policy (`special`), in both spellings.
const SPECIAL_FIELDS: &[(&str, &str)] = &[
    ("type", "object_type"),
    ("object_type", "object_type"),
    ("limit", "call_limits"),
    ("call_limits", "call_limits"),
    ("instance", "object_name"),
    ("object_name", "object_name"),
];

/// Access control policy fields (`x-apigateway-access-controls`), in both spellings.
const ACL_FIELDS: &[(&str, &str)] = &[
    ("acl-type", "acl_type"),
    ("acl_type", "acl_type"),
    ("entity-type", "entity_type"),
    ("entity_type", "entity_type"),
    ("value", "acl_value"),
    ("acl_value", "acl_value"),
];

impl Cx<'_> {
    /// Warns of a 3.1 schema dialect (`jsonSchemaDialect` or `$schema`, named by `key`, with
    /// the value `uri` at `node`) that is neither the OAS base dialect nor a JSON Schema
    /// draft, and so may give the keywords of parameter schemas other meanings.
    pub(super) fn unknown_dialect(&mut self, file: FileId, node: &Node, key: &str, uri: &str) {
        self.diagnostics.push(
            Diagnostic::warn(
                UNSUPPORTED,
                format!(
                    "`{key}: {uri}` is not a schema dialect apigctl knows; parameter schemas are read as JSON Schema 2020-12 (the OpenAPI 3.1 default), which may not be what this dialect's keywords mean"
                ),
            )
            .at(file, node.span)
            .help(format!(
                "if the parameter schemas use only JSON Schema keywords, remove `{key}` or name a JSON Schema draft (for example https://json-schema.org/draft/2020-12/schema)"
            ))
            .source("OpenAPI 3.1.0, jsonSchemaDialect and Schema Object (Specifying Schema Dialects)"),
        );
    }
}
