//! Backends: the default backend, its parameters, and the policy backends with their
//! conditions.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn backend(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(backend) = node.get("x-apigateway-backend") else {
            self.warn(
                UNSUPPORTED,
                file,
                node.span,
                "operation has no `x-apigateway-backend`; imported with an empty MOCK backend"
                    .into(),
            );
            empty_mock(obj);
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
            empty_mock(obj);
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
            _ => {
                self.warn(
                    UNSUPPORTED,
                    file,
                    type_node.span,
                    format!("backend type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; imported with an empty MOCK backend"),
                );
                empty_mock(obj);
                "mockEndpoints"
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
        let Some((ep, entries)) = self.endpoint(backend, key, file, true) else {
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
        let Some((ep, entries)) = self.endpoint(backend, key, file, true) else {
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
        let Some((_, entries)) = self.endpoint(backend, key, file, false) else {
            return;
        };
        for entry in entries {
            let v = &entry.value;
            match &*entry.key.name {
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
    /// backend type needs it.
    fn endpoint(
        &mut self,
        backend: &'a Node,
        key: &str,
        file: FileId,
        required: bool,
    ) -> Option<(&'a Node, &'a [Entry])> {
        let Some(ep) = backend.get(key) else {
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
            }
            return None;
        };
        let entries = ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default();
        Some((ep, entries))
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
        let list = backend.get("parameters")?.as_seq()?;
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
                        ("value", Val::Str(scalar_string(v)))
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
                _ => {
                    let span = policy.get("type").map_or(policy.span, |t| t.span);
                    self.warn(
                        UNSUPPORTED,
                        file,
                        span,
                        format!("backend policy type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; policy dropped"),
                    );
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
            let list = written.and_then(Node::as_seq).unwrap_or_default();
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
                "value" | "condition_value" => {
                    self.finite(file, v);
                    self.set(obj, "condition_value", scalar_string(v), file, v)
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
fn empty_mock(obj: &mut Obj<'_>) {
    obj.insert("backend_type", "MOCK");
    obj.insert("mock_info", Val::Obj(Vec::new()));
}
