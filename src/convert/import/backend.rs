//! Backends: the default backend, its parameters, and the policy backends with their
//! conditions.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn backend(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(backend) = node.get("x-apigateway-backend") else {
            // A warning, not an error: plain OpenAPI documents (no extensions at all) import,
            // each API a stand-in. `diff` and `sync` refuse it by this code (a gateway would
            // serve the empty mock).
            self.warn(
                MISSING_BACKEND,
                file,
                node.span,
                "operation has no `x-apigateway-backend`; imported with an empty MOCK backend"
                    .into(),
            );
            empty_mock(obj, "the operation has no `x-apigateway-backend`");
            return;
        };
        if backend.as_map().is_none() {
            self.invalid(
                file,
                backend.span,
                format!(
                    "`x-apigateway-backend` must be a mapping, not a {}",
                    backend.value.kind()
                ),
                "write `type: HTTP|HTTP-VPC|FUNCTION|MOCK` and the endpoint of that type (`httpEndpoints`, `httpVpcEndpoints`, `functionEndpoints` or `mockEndpoints`)",
            );
            empty_mock(obj, "`x-apigateway-backend` is not a mapping");
            return;
        }
        let kind = backend
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let type_node = backend.get("type").unwrap_or(backend);
        // The endpoint object of the backend's own type is the one read.
        let used = match kind.to_ascii_uppercase().as_str() {
            "HTTP" | "HTTP-VPC" => {
                self.set(obj, "backend_type", "HTTP", file, type_node);
                let vpc = kind.eq_ignore_ascii_case("HTTP-VPC");
                let mut api = Obj::new(self.provenance.at(obj.at, "backend_api"));
                self.http_endpoint(backend, vpc, &mut api, file, true);
                obj.insert("backend_api", Val::Obj(api.fields));
                if vpc {
                    "httpVpcEndpoints"
                } else {
                    "httpEndpoints"
                }
            }
            "FUNCTION" => {
                self.set(obj, "backend_type", "FUNCTION", file, type_node);
                let mut func = Obj::new(self.provenance.at(obj.at, "func_info"));
                self.function_endpoint(backend, &mut func, file, true);
                obj.insert("func_info", Val::Obj(func.fields));
                "functionEndpoints"
            }
            "MOCK" => {
                self.set(obj, "backend_type", "MOCK", file, type_node);
                let mut mock = Obj::new(self.provenance.at(obj.at, "mock_info"));
                self.mock_endpoint(backend, &mut mock, file, true);
                obj.insert("mock_info", Val::Obj(mock.fields));
                "mockEndpoints"
            }
            // Documented (reference §2.14) but restricted, and without an API Reference
            // mapping: a stand-in, like an operation without a backend, which `diff` and
            // `sync` refuse by its code.
            _ if kind.eq_ignore_ascii_case("HTTP-VPC-MEMBER-GROUP") => {
                self.warn(
                    MISSING_BACKEND,
                    file,
                    type_node.span,
                    format!("backend type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; imported with an empty MOCK backend"),
                );
                empty_mock(obj, "backend type HTTP-VPC-MEMBER-GROUP is not imported");
                "mockEndpoints"
            }
            // Anything else is a mistake (`HTTPS`, a missing `type`): an empty mock in its
            // place would be published as if it were the backend meant, so the API is refused.
            _ => {
                let message = match backend.get("type") {
                    None => "`x-apigateway-backend` has no `type`".to_owned(),
                    Some(t) if t.as_str().is_none() => {
                        format!("backend type must be a string, not a {}", t.value.kind())
                    }
                    Some(_) => format!(
                        "backend type `{kind}` is not one of HTTP, HTTP-VPC, FUNCTION or MOCK, so the API cannot be imported"
                    ),
                };
                self.invalid(
                    file,
                    type_node.span,
                    message,
                    "write `type: HTTP`, `HTTP-VPC`, `FUNCTION` or `MOCK` (any case), with the endpoint object of that type",
                );
                self.rejected = true;
                return;
            }
        };
        let params_at = self.provenance.at(obj.at, "backend_params");
        if let Some(params) = self.backend_params(backend, params_at, file) {
            obj.insert("backend_params", params);
        }
        if let Some(map) = backend.as_map() {
            for entry in &map.entries {
                let key = &*entry.key.name;
                let message = match key {
                    "type" | "parameters" => continue,
                    "httpEndpoints" | "httpVpcEndpoints" | "functionEndpoints"
                    | "mockEndpoints" => {
                        if key == used {
                            continue;
                        }
                        format!(
                            "`{key}` is not read for a backend of type `{kind}` (it uses `{used}`); dropped"
                        )
                    }
                    _ => format!("backend field `{key}` is not imported"),
                };
                self.warn(DROPPED, file, entry.key.span, message);
            }
        }
    }

    pub(super) fn http_endpoint(
        &mut self,
        backend: &'a Node,
        vpc: bool,
        obj: &mut Obj<'a>,
        file: FileId,
        default_backend: bool,
    ) {
        let key = if vpc {
            "httpVpcEndpoints"
        } else {
            "httpEndpoints"
        };
        let Some((ep, entries)) = self.endpoint(backend, key, obj.at, file, true) else {
            return;
        };
        if default_backend {
            // `backend_api` is what the endpoint becomes: a finding on the object (an address
            // it lacks) is there, not at the operation. A policy is recorded already.
            self.provenance.record(obj.at, file, ep.span);
        }
        for entry in entries {
            let v = &entry.value;
            match &*entry.key.name {
                "address" if !vpc => self.set(obj, "url_domain", Val::Node(v), file, v),
                // A value that is not a string is passed on as it is, for the model to say
                // what type it wanted.
                "scheme" => {
                    let s = v.as_str().map_or(Val::Node(v), upper);
                    self.set(obj, "req_protocol", s, file, v);
                }
                "method" => {
                    let s = v.as_str().map_or(Val::Node(v), upper);
                    self.set(obj, "req_method", s, file, v);
                }
                "path" => self.set(obj, "req_uri", Val::Node(v), file, v),
                "timeout" => self.set(obj, "timeout", Val::Node(v), file, v),
                "retryCount" | "retry_count" => {
                    self.finite(file, v);
                    self.set(obj, "retry_count", scalar_string(v), file, v);
                }
                "enableClientSsl" if default_backend => {
                    self.set(obj, "enable_client_ssl", Val::Node(v), file, v);
                }
                "description" if default_backend => self.set(obj, "remark", Val::Node(v), file, v),
                "name" if vpc => {
                    let info = self.provenance.at(obj.at, "vpc_channel_info");
                    self.provenance
                        .record_at(info, "vpc_channel_name", file, v.span);
                }
                "host" if vpc => {}
                // Written by gateway exports, not part of an API (reference §2.13): a note,
                // so that importing a pristine export passes `--strict`.
                "cascade_flag" if vpc => self.note(
                    file,
                    entry.key.span,
                    "`httpVpcEndpoints.cascade_flag` is written by gateway exports and is not part of an API (reference §2.13); not carried over".into(),
                ),
                _ => self.dropped(key, entry, file),
            }
        }
        if !obj.contains_key("timeout") && default_backend {
            obj.insert("timeout", 5000);
        }
        if vpc {
            let mut info = Vec::with_capacity(2);
            if let Some(host) = ep.get("host") {
                info.push(("vpc_channel_proxy_host", Val::Node(host)));
            }
            if let Some(name) = ep.get("name") {
                info.push(("vpc_channel_name", Val::Node(name)));
            }
            obj.insert("vpc_channel_info", Val::Obj(info));
            obj.insert("vpc_channel_status", 1);
        } else {
            obj.insert("vpc_channel_status", 2);
        }
    }

    pub(super) fn function_endpoint(
        &mut self,
        backend: &'a Node,
        obj: &mut Obj<'a>,
        file: FileId,
        default_backend: bool,
    ) {
        let key = "functionEndpoints";
        let Some((ep, entries)) = self.endpoint(backend, key, obj.at, file, true) else {
            return;
        };
        if default_backend {
            // `func_info` is what `functionEndpoints` becomes: a finding on the object (a
            // member it lacks) is there, not at the operation. A policy is recorded already.
            self.provenance.record(obj.at, file, ep.span);
        }
        for entry in entries {
            let v = &entry.value;
            let target = match &*entry.key.name {
                "function-urn" | "function_urn" => "function_urn",
                "version" => "version",
                "invocation-type" | "invocation_type" => "invocation_type",
                "timeout" => "timeout",
                "network-type" | "network_type" => "network_type",
                // Gateway exports write `alias-urn: ''` for "no alias" (AR 3.5.1, Table 3-170).
                "alias-urn" | "alias_urn" if v.as_str() == Some("") => continue,
                "alias-urn" | "alias_urn" => "alias_urn",
                "req_protocol" => "req_protocol",
                "description" if default_backend => "remark",
                _ => {
                    self.dropped(key, entry, file);
                    continue;
                }
            };
            self.set(obj, target, Val::Node(v), file, v);
        }
        if !obj.contains_key("network_type") {
            obj.insert("network_type", "V1");
        }
        if !obj.contains_key("timeout") {
            obj.insert("timeout", 5000);
        }
    }

    pub(super) fn mock_endpoint(
        &mut self,
        backend: &'a Node,
        obj: &mut Obj<'a>,
        file: FileId,
        default_backend: bool,
    ) {
        let key = "mockEndpoints";
        let Some((_, entries)) = self.endpoint(backend, key, obj.at, file, false) else {
            return;
        };
        for entry in entries {
            let v = &entry.value;
            match &*entry.key.name {
                // A number or boolean written unquoted is the text it spells, as a backend
                // parameter's or a condition's value is: the gateway keeps a string, and the
                // document's meaning is plain (`result-content: 200` answers `200`). Refusing
                // all of them instead would refuse what the gateway's own exports may write.
                "result-content" | "result_content"
                    if v.as_number().is_some() || v.as_bool().is_some() =>
                {
                    self.finite(file, v);
                    let text = self.text(file, v);
                    self.set(obj, "result_content", text, file, v);
                }
                "result-content" | "result_content" => {
                    self.set(obj, "result_content", Val::Node(v), file, v)
                }
                // Policy backends have no `remark` (API Reference 3.5.1, Table 3-172).
                "description" if default_backend => self.set(obj, "remark", Val::Node(v), file, v),
                _ => self.dropped(key, entry, file),
            }
        }
    }

    /// The endpoint object `backend.key` and its entries; a missing one is reported when the
    /// backend type needs it. The key's place is recorded under `at`, the object the endpoint
    /// becomes, as `key` (no definition member has that name): a member the object misses is
    /// reported there, in the extension's terms ([`Cx::finish`]).
    fn endpoint(
        &mut self,
        backend: &'a Node,
        key: &'static str,
        at: Loc,
        file: FileId,
        required: bool,
    ) -> Option<(&'a Node, &'a [Entry])> {
        let Some(written) = backend.as_map().and_then(|m| m.entry(key)) else {
            if required {
                let fields = match key {
                    "functionEndpoints" => "`function-urn` and `invocation-type`",
                    _ => "`scheme`, `method` and `path` (and `address` or the channel `name`)",
                };
                self.invalid(
                    file,
                    backend.span,
                    format!("this backend has no `{key}`, so the API cannot be imported"),
                    format!("add `{key}` with {fields}, or change the backend `type`"),
                );
                self.rejected = true;
            } else {
                // A MOCK without `mockEndpoints` answers an empty body: importable, but
                // hardly meant (lint's rules refuse it).
                self.warn(
                    UNSUPPORTED,
                    file,
                    backend.span,
                    format!("this MOCK backend has no `{key}`; imported with an empty `mock_info` (no `result-content`)"),
                );
            }
            return None;
        };
        self.provenance.record_at(at, key, file, written.key.span);
        let ep = &written.value;
        let entries = ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default();
        Some((ep, entries))
    }

    /// Refuses `node`, written where `what` (a list) belongs: read as nothing, it would vanish
    /// without a word. The API is not imported.
    fn not_a_list(&mut self, file: FileId, node: &Node, what: &str, help: &str) {
        self.invalid(
            file,
            node.span,
            format!("{what} must be a list, not a {}", node.value.kind()),
            help,
        );
        self.rejected = true;
    }

    /// `x-apigateway-is-send-fg-body-base64` of the operation `node`: the gateway field it sets
    /// is not in the API Reference, so it is not carried over. On a FUNCTION backend, where it
    /// changes what the function receives, that is a warning (`--strict` refuses it); on the
    /// others it means nothing, and a note says so.
    pub(super) fn fg_body_base64(&mut self, node: &Node, entry: &Entry, file: FileId) {
        let function = node
            .get("x-apigateway-backend")
            .and_then(|b| b.get("type"))
            .and_then(Node::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("FUNCTION"));
        if function {
            self.warn(
                DROPPED,
                file,
                entry.key.span,
                "`x-apigateway-is-send-fg-body-base64` sets a gateway field the 2025 API Reference does not document (no field of the API object, 3.5.1), so it is dropped: the function receives the body as the gateway sends it by default".into(),
            );
        } else {
            self.note(
                file,
                entry.key.span,
                "`x-apigateway-is-send-fg-body-base64` has no field on the API object (API Reference 3.5.1); not carried over".into(),
            );
        }
    }

    /// Warns that `key.<entry>` has no place in the API Reference's objects.
    fn dropped(&mut self, key: &str, entry: &Entry, file: FileId) {
        let message = format!(
            "`{key}.{}` has no API Reference counterpart here; dropped",
            entry.key.name
        );
        self.warn(DROPPED, file, entry.key.span, message);
    }

    pub(super) fn backend_params(
        &mut self,
        backend: &'a Node,
        at: Loc,
        file: FileId,
    ) -> Option<Val<'a>> {
        let written = backend.get("parameters")?;
        let Some(list) = written.as_seq() else {
            self.not_a_list(
                file,
                written,
                "backend `parameters`",
                "write each backend parameter as an item of a list: `parameters: [{name: q, value: q, in: query, origin: REQUEST}]`",
            );
            return None;
        };
        let mut out = Vec::with_capacity(list.len());
        for p in list {
            let mut obj = Obj::new(self.provenance.record_at(at, out.len(), file, p.span));
            for entry in p.as_map().map(|m| m.entries.as_slice()).unwrap_or_default() {
                let key = &*entry.key.name;
                if !matches!(key, "origin" | "name" | "description" | "in" | "value") {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend parameter field `{key}` has no API Reference counterpart (3.5.1, Table 3-176); dropped"),
                    );
                }
            }
            for key in ["origin", "name", "description", "in", "value"] {
                let Some(v) = p.get(key) else { continue };
                if key == "value" {
                    self.finite(file, v);
                }
                let (target, value) = match key {
                    "origin" => ("origin", v.as_str().map_or(Val::Node(v), upper)),
                    "in" => ("location", v.as_str().map_or(Val::Node(v), upper)),
                    "description" => ("remark", Val::Node(v)),
                    // A constant written unquoted (`value: 10`) is the string the API keeps.
                    "value" if v.as_number().is_some() || v.as_bool().is_some() => {
                        ("value", Val::Str(self.text(file, v)))
                    }
                    other => (other, Val::Node(v)),
                };
                self.set(&mut obj, target, value, file, v);
            }
            out.push(Val::Obj(obj.fields));
        }
        Some(Val::Arr(out))
    }

    pub(super) fn policies(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(written) = node.get("x-apigateway-backend-policies") else {
            return;
        };
        let Some(list) = written.as_seq() else {
            self.not_a_list(
                file,
                written,
                "`x-apigateway-backend-policies`",
                "write each policy as an item of a list: `x-apigateway-backend-policies: [{name: p, type: HTTP, effectMode: ANY, ...}]`",
            );
            return;
        };
        let mut https = Vec::new();
        let mut functions = Vec::new();
        let mut mocks = Vec::new();
        let mut lists: [Option<Loc>; 3] = [None; 3];
        for policy in list {
            let kind = policy
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let (field, slot, len) = match kind.as_str() {
                "HTTP" | "HTTP-VPC" => ("policy_https", 0, https.len()),
                "FUNCTION" => ("policy_functions", 1, functions.len()),
                "MOCK" => ("policy_mocks", 2, mocks.len()),
                // A mistake, as an unknown backend `type` is (reference §4 #69): dropping the
                // policy would publish the API without the routing it was written with.
                _ => {
                    let message = match policy.get("type") {
                        None => {
                            "backend policy has no `type`, so the API cannot be imported".to_owned()
                        }
                        Some(t) if t.as_str().is_none() => format!(
                            "backend policy type must be a string, not a {}, so the API cannot be imported",
                            t.value.kind()
                        ),
                        Some(_) => format!(
                            "backend policy type `{}` is not one of HTTP, HTTP-VPC, FUNCTION or MOCK, so the API cannot be imported",
                            policy
                                .get("type")
                                .and_then(Node::as_str)
                                .unwrap_or_default()
                        ),
                    };
                    let span = policy.get("type").map_or(policy.span, |t| t.span);
                    self.invalid(
                        file,
                        span,
                        message,
                        "write `type: HTTP`, `HTTP-VPC`, `FUNCTION` or `MOCK` (any case), with the endpoint object of that type",
                    );
                    self.rejected = true;
                    continue;
                }
            };
            for entry in policy
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                if !matches!(
                    &*entry.key.name,
                    "name"
                        | "type"
                        | "effectMode"
                        | "effect_mode"
                        | "parameters"
                        | "conditions"
                        | "httpEndpoints"
                        | "httpVpcEndpoints"
                        | "functionEndpoints"
                        | "mockEndpoints"
                ) {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend policy field `{}` is not imported", entry.key.name),
                    );
                }
            }
            let list_at = match lists[slot] {
                Some(at) => at,
                None => {
                    // Recorded, so a finding on a whole list (too many policies) is at the
                    // written list rather than at the operation.
                    let at = self.provenance.record_at(obj.at, field, file, written.span);
                    lists[slot] = Some(at);
                    at
                }
            };
            let mut p = Obj::new(self.provenance.record_at(list_at, len, file, policy.span));
            // The list a policy is in says its type: the definition has no `type` member. Its
            // source is recorded under that name all the same, so a finding about the type (a
            // MOCK policy on an HTTP backend) is at the `type` the document writes.
            if let Some(t) = policy.get("type") {
                self.provenance.record_at(p.at, "type", file, t.span);
            }
            if let Some(n) = policy.get("name") {
                self.set(&mut p, "name", Val::Node(n), file, n);
            }
            match policy
                .get("effectMode")
                .or_else(|| policy.get("effect_mode"))
            {
                Some(e) => {
                    let v = upper(e.as_str().unwrap_or_default());
                    self.set(&mut p, "effect_mode", v, file, e);
                }
                None => {
                    // Required by the API (Table 3-172) and by the reference (§6-6), missing
                    // from the extension pages. A warning, not an error: the policy is still
                    // imported, as ANY (what lint's `apig-backend-policy-effect-mode`, an
                    // error, says import assumes); `--strict` refuses it.
                    self.warn(
                        UNSUPPORTED,
                        file,
                        policy.span,
                        "backend policy has no `effectMode` (ANY or ALL, required: API Reference 3.5.1, Table 3-172; reference §6-6); imported as ANY".into(),
                    );
                    p.insert("effect_mode", "ANY");
                }
            }
            match kind.as_str() {
                "HTTP" => self.http_endpoint(policy, false, &mut p, file, false),
                "HTTP-VPC" => self.http_endpoint(policy, true, &mut p, file, false),
                "FUNCTION" => self.function_endpoint(policy, &mut p, file, false),
                _ => self.mock_endpoint(policy, &mut p, file, false),
            }
            let params_at = self.provenance.at(p.at, "backend_params");
            if let Some(params) = self.backend_params(policy, params_at, file) {
                p.insert("backend_params", params);
            }
            let written = policy.get("conditions");
            let list = match written {
                Some(node) => match node.as_seq() {
                    Some(list) => list,
                    None => {
                        self.not_a_list(
                            file,
                            node,
                            "`conditions`",
                            "write each condition as an item of a list: `conditions: [{origin: request, parameter: q, type: exact, value: a}]`",
                        );
                        &[]
                    }
                },
                None => {
                    // At least one is required (reference §2.18; API Reference 3.5.1, Table
                    // 3-172), which lint's rules say as an error; import keeps the policy.
                    self.warn(
                        UNSUPPORTED,
                        file,
                        policy.span,
                        "backend policy has no `conditions` (at least one is required: reference §2.18, API Reference 3.5.1, Table 3-172); imported without any".into(),
                    );
                    &[]
                }
            };
            let mut conditions = Vec::with_capacity(list.len());
            // Recorded, so a finding on the list itself (an empty one) is at `conditions`.
            let conditions_at = match written {
                Some(node) => self
                    .provenance
                    .record_at(p.at, "conditions", file, node.span),
                None => self.provenance.at(p.at, "conditions"),
            };
            for c in list {
                let mut cond = Obj::new(self.provenance.at(conditions_at, conditions.len()));
                self.condition(c, &mut cond, file);
                conditions.push(Val::Obj(cond.fields));
            }
            p.insert("conditions", Val::Arr(conditions));
            let value = Val::Obj(p.fields);
            match field {
                "policy_https" => https.push(value),
                "policy_functions" => functions.push(value),
                _ => mocks.push(value),
            }
        }
        for (field, list) in [
            ("policy_https", https),
            ("policy_functions", functions),
            ("policy_mocks", mocks),
        ] {
            if !list.is_empty() {
                obj.insert(field, Val::Arr(list));
            }
        }
    }

    pub(super) fn condition(&mut self, c: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        self.provenance.record(obj.at, file, c.span);
        let Some(map) = c.as_map() else { return };
        let origin = map
            .get("origin")
            .or_else(|| map.get("condition_origin"))
            .and_then(Node::as_str)
            .map(|o| match o {
                "request" | "request_parameter" | "param" => "param",
                other => other,
            })
            .unwrap_or("param");
        if map.get("origin").is_none() && map.get("condition_origin").is_none() {
            // `condition_origin` is mandatory in the API (Table 3-177); the extension's default
            // is a request parameter.
            obj.insert("condition_origin", origin);
        }
        for entry in &map.entries {
            let v = &entry.value;
            match &*entry.key.name {
                "type" | "condition_type" => {
                    let t = match v.as_str() {
                        Some("equal" | "exact") => "exact",
                        Some(other) => other,
                        None => "exact",
                    };
                    self.set(obj, "condition_type", t, file, v);
                }
                "origin" | "condition_origin" => self.set(obj, "condition_origin", origin, file, v),
                // The API keeps one string (Table 3-177): an `enum` condition's values are
                // comma-separated in it, as an ACL's are.
                "value" | "condition_value" if v.as_seq().is_some() || v.as_map().is_some() => {
                    self.invalid(
                        file,
                        v.span,
                        format!(
                            "a condition `value` is one string, not a {}",
                            v.value.kind()
                        ),
                        "write the values as one comma-separated string: `value: \"a,b\"`",
                    );
                    self.rejected = true;
                }
                "value" | "condition_value" => {
                    self.finite(file, v);
                    let text = self.text(file, v);
                    self.set(obj, "condition_value", text, file, v);
                }
                "parameter" | "parameter_name" | "param" | "req_param_name" => {
                    let target = match origin {
                        "system" => "sys_param_name",
                        "cookie" => "cookie_param_name",
                        "frontend_authorizer" => "frontend_authorizer_param_name",
                        _ => "req_param_name",
                    };
                    self.set(obj, target, Val::Node(v), file, v);
                }
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!(
                        "policy condition field `{other}` has no API Reference counterpart; dropped"
                    ),
                ),
            }
        }
    }
}

/// An empty MOCK backend, for an operation whose backend cannot be read.
/// The stand-in backend of an operation without one import can read, marked as such (see
/// [`crate::model::api::PLACEHOLDER_REMARK`]) with `why`.
fn empty_mock(obj: &mut Obj<'_>, why: &str) {
    obj.insert("backend_type", "MOCK");
    let remark = format!(
        "{} {why}; give it a backend before publishing",
        crate::model::api::PLACEHOLDER_REMARK
    );
    obj.insert("mock_info", Val::Obj(vec![("remark", Val::from(remark))]));
}
