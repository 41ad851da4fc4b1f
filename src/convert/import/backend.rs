//! Backends: the default backend, its parameters, and the policy backends with their
//! conditions.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn backend(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(backend) = node.get("x-apigateway-backend") else {
            self.warn(
                UNSUPPORTED,
                file,
                node.span,
                "operation has no `x-apigateway-backend`; imported with an empty MOCK backend"
                    .into(),
            );
            obj.map.insert("backend_type".into(), json!("MOCK"));
            obj.map.insert("mock_info".into(), json!({}));
            return;
        };
        let kind = backend
            .get("type")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let pointer = obj.pointer.clone();
        let type_node = backend.get("type").unwrap_or(backend);
        match kind.to_ascii_uppercase().as_str() {
            "HTTP" | "HTTP-VPC" => {
                self.set(obj, "backend_type", json!("HTTP"), file, type_node);
                let vpc = kind.eq_ignore_ascii_case("HTTP-VPC");
                let mut api = Obj::new(format!("{pointer}/backend_api"));
                self.http_endpoint(backend, vpc, &mut api, file, true);
                obj.map.insert("backend_api".into(), Json::Object(api.map));
            }
            "FUNCTION" => {
                self.set(obj, "backend_type", json!("FUNCTION"), file, type_node);
                let mut func = Obj::new(format!("{pointer}/func_info"));
                self.function_endpoint(backend, &mut func, file, true);
                obj.map.insert("func_info".into(), Json::Object(func.map));
            }
            "MOCK" => {
                self.set(obj, "backend_type", json!("MOCK"), file, type_node);
                let mut mock = Obj::new(format!("{pointer}/mock_info"));
                self.mock_endpoint(backend, &mut mock, file);
                obj.map.insert("mock_info".into(), Json::Object(mock.map));
            }
            _ => {
                self.warn(
                    UNSUPPORTED,
                    file,
                    type_node.span,
                    format!("backend type `{kind}` is not HTTP, HTTP-VPC, FUNCTION or MOCK; imported with an empty MOCK backend"),
                );
                obj.map.insert("backend_type".into(), json!("MOCK"));
                obj.map.insert("mock_info".into(), json!({}));
            }
        }
        if let Some(params) =
            self.backend_params(backend, &format!("{pointer}/backend_params"), file)
        {
            obj.map.insert("backend_params".into(), params);
        }
        if let Some(map) = backend.as_map() {
            for entry in &map.entries {
                if !matches!(
                    &*entry.key.name,
                    "type"
                        | "parameters"
                        | "httpEndpoints"
                        | "httpVpcEndpoints"
                        | "functionEndpoints"
                        | "mockEndpoints"
                ) {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("backend field `{}` is not imported", entry.key.name),
                    );
                }
            }
        }
    }

    pub(super) fn http_endpoint(
        &mut self,
        backend: &'a Node,
        vpc: bool,
        obj: &mut Obj,
        file: FileId,
        default_backend: bool,
    ) {
        let key = if vpc {
            "httpVpcEndpoints"
        } else {
            "httpEndpoints"
        };
        let Some(ep) = backend.get(key) else {
            self.warn(
                UNSUPPORTED,
                file,
                backend.span,
                format!("backend has no `{key}`"),
            );
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            let v = &entry.value;
            match &*entry.key.name {
                "address" if !vpc => self.set(obj, "url_domain", v.to_json(), file, v),
                "scheme" => {
                    let s = v.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(obj, "req_protocol", json!(s), file, v);
                }
                "method" => {
                    let s = v.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(obj, "req_method", json!(s), file, v);
                }
                "path" => self.set(obj, "req_uri", v.to_json(), file, v),
                "timeout" => self.set(obj, "timeout", v.to_json(), file, v),
                "retryCount" | "retry_count" => {
                    self.set(obj, "retry_count", json!(scalar_string(v)), file, v);
                }
                "enableClientSsl" if default_backend => {
                    self.set(obj, "enable_client_ssl", v.to_json(), file, v);
                }
                "description" if default_backend => self.set(obj, "remark", v.to_json(), file, v),
                "name" if vpc => {
                    self.provenance.record(
                        format!("{}/vpc_channel_info/vpc_channel_name", obj.pointer),
                        file,
                        v.span,
                    );
                }
                "host" if vpc => {}
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!("`{key}.{other}` has no API Reference counterpart here; dropped"),
                ),
            }
        }
        if !obj.map.contains_key("timeout") && default_backend {
            obj.map.insert("timeout".into(), json!(5000));
        }
        if vpc {
            let mut info = JsonMap::new();
            if let Some(host) = ep.get("host") {
                info.insert("vpc_channel_proxy_host".into(), host.to_json());
            }
            if let Some(name) = ep.get("name") {
                info.insert("vpc_channel_name".into(), name.to_json());
            }
            obj.map
                .insert("vpc_channel_info".into(), Json::Object(info));
            obj.map.insert("vpc_channel_status".into(), json!(1));
        } else {
            obj.map.insert("vpc_channel_status".into(), json!(2));
        }
    }

    pub(super) fn function_endpoint(
        &mut self,
        backend: &'a Node,
        obj: &mut Obj,
        file: FileId,
        default_backend: bool,
    ) {
        let Some(ep) = backend.get("functionEndpoints") else {
            self.warn(
                UNSUPPORTED,
                file,
                backend.span,
                "backend has no `functionEndpoints`".into(),
            );
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
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
                other => {
                    self.warn(
                        DROPPED,
                        file,
                        entry.key.span,
                        format!("`functionEndpoints.{other}` has no API Reference counterpart here; dropped"),
                    );
                    continue;
                }
            };
            self.set(obj, target, v.to_json(), file, v);
        }
        if !obj.map.contains_key("network_type") {
            obj.map.insert("network_type".into(), json!("V1"));
        }
        if !obj.map.contains_key("timeout") {
            obj.map.insert("timeout".into(), json!(5000));
        }
    }

    pub(super) fn mock_endpoint(&mut self, backend: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(ep) = backend.get("mockEndpoints") else {
            return;
        };
        for entry in ep
            .as_map()
            .map(|m| m.entries.as_slice())
            .unwrap_or_default()
        {
            let v = &entry.value;
            match &*entry.key.name {
                "result-content" | "result_content" => {
                    self.set(obj, "result_content", v.to_json(), file, v)
                }
                "description" => self.set(obj, "remark", v.to_json(), file, v),
                other => self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!("`mockEndpoints.{other}` has no API Reference counterpart; dropped"),
                ),
            }
        }
    }

    pub(super) fn backend_params(
        &mut self,
        backend: &'a Node,
        pointer: &str,
        file: FileId,
    ) -> Option<Json> {
        let list = backend.get("parameters")?.as_seq()?;
        let mut out = Vec::new();
        for p in list {
            let mut obj = Obj::new(format!("{pointer}/{}", out.len()));
            self.provenance.record(obj.pointer.clone(), file, p.span);
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
                let (target, value) = match key {
                    "origin" => (
                        "origin",
                        json!(v.as_str().unwrap_or_default().to_ascii_uppercase()),
                    ),
                    "in" => (
                        "location",
                        json!(v.as_str().unwrap_or_default().to_ascii_uppercase()),
                    ),
                    "description" => ("remark", v.to_json()),
                    other => (other, v.to_json()),
                };
                self.set(&mut obj, target, value, file, v);
            }
            out.push(Json::Object(obj.map));
        }
        Some(Json::Array(out))
    }

    pub(super) fn policies(&mut self, node: &'a Node, obj: &mut Obj, file: FileId) {
        let Some(list) = node
            .get("x-apigateway-backend-policies")
            .and_then(Node::as_seq)
        else {
            return;
        };
        let mut https = Vec::new();
        let mut functions = Vec::new();
        let mut mocks = Vec::new();
        let pointer = obj.pointer.clone();
        for policy in list {
            let kind = policy
                .get("type")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let (field, len) = match kind.as_str() {
                "HTTP" | "HTTP-VPC" => ("policy_https", https.len()),
                "FUNCTION" => ("policy_functions", functions.len()),
                "MOCK" => ("policy_mocks", mocks.len()),
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
            let mut p = Obj::new(format!("{pointer}/{field}/{len}"));
            self.provenance.record(p.pointer.clone(), file, policy.span);
            if let Some(n) = policy.get("name") {
                self.set(&mut p, "name", n.to_json(), file, n);
            }
            match policy
                .get("effectMode")
                .or_else(|| policy.get("effect_mode"))
            {
                Some(e) => {
                    let v = e.as_str().unwrap_or_default().to_ascii_uppercase();
                    self.set(&mut p, "effect_mode", json!(v), file, e);
                }
                None => {
                    p.map.insert("effect_mode".into(), json!("ANY"));
                }
            }
            match kind.as_str() {
                "HTTP" => self.http_endpoint(policy, false, &mut p, file, false),
                "HTTP-VPC" => self.http_endpoint(policy, true, &mut p, file, false),
                "FUNCTION" => self.function_endpoint(policy, &mut p, file, false),
                _ => self.mock_endpoint(policy, &mut p, file),
            }
            if let Some(params) =
                self.backend_params(policy, &format!("{}/backend_params", p.pointer), file)
            {
                p.map.insert("backend_params".into(), params);
            }
            let mut conditions = Vec::new();
            for c in policy
                .get("conditions")
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                let mut cond = Obj::new(format!("{}/conditions/{}", p.pointer, conditions.len()));
                self.condition(c, &mut cond, file);
                conditions.push(Json::Object(cond.map));
            }
            p.map.insert("conditions".into(), Json::Array(conditions));
            let value = Json::Object(p.map);
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
                obj.map.insert(field.into(), Json::Array(list));
            }
        }
    }

    pub(super) fn condition(&mut self, c: &'a Node, obj: &mut Obj, file: FileId) {
        self.provenance.record(obj.pointer.clone(), file, c.span);
        let Some(map) = c.as_map() else { return };
        let origin = map
            .get("origin")
            .or_else(|| map.get("condition_origin"))
            .and_then(Node::as_str)
            .map(|o| match o {
                "request" | "request_parameter" | "param" => "param",
                other => other,
            })
            .unwrap_or("param")
            .to_owned();
        for entry in &map.entries {
            let v = &entry.value;
            match &*entry.key.name {
                "type" | "condition_type" => {
                    let t = match v.as_str() {
                        Some("equal" | "exact") => "exact",
                        Some(other) => other,
                        None => "exact",
                    };
                    self.set(obj, "condition_type", json!(t), file, v);
                }
                "origin" | "condition_origin" => {
                    self.set(obj, "condition_origin", json!(origin), file, v)
                }
                "value" | "condition_value" => {
                    self.set(obj, "condition_value", json!(scalar_string(v)), file, v)
                }
                "parameter" | "parameter_name" | "param" | "req_param_name" => {
                    let target = match origin.as_str() {
                        "system" => "sys_param_name",
                        "cookie" => "cookie_param_name",
                        "frontend_authorizer" => "frontend_authorizer_param_name",
                        _ => "req_param_name",
                    };
                    self.set(obj, target, v.to_json(), file, v);
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
