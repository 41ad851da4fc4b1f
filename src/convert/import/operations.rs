//! Operations: one API each, with its name, protocol, path, security and samples, and the
//! duplicate checks across operations.

use super::*;

impl<'a> Cx<'a> {
    pub(super) fn operations(
        &mut self,
        root: &'a Node,
        apis: &mut Vec<ApiDef>,
        bindings: &mut Bindings,
    ) {
        let file = self.file;
        let Some(paths) = root.get("paths").and_then(Node::as_map) else {
            return;
        };
        for entry in &paths.entries {
            let path = &*entry.key.name;
            if !path.starts_with("x-")
                && path
                    .split('/')
                    .any(|seg| seg.contains('{') && !(seg.starts_with('{') && seg.ends_with('}')))
            {
                self.warn(
                    UNSUPPORTED,
                    file,
                    entry.key.span,
                    format!("`{path}`: the gateway's frontend paths take a template only as a whole segment (`/users/{{name}}`), not with a prefix or suffix (reference §3.3)"),
                );
            }
            let Some((item_file, item)) = self.deref(file, &entry.value) else {
                continue;
            };
            for key in item
                .as_map()
                .map(|m| m.entries.as_slice())
                .unwrap_or_default()
            {
                let name = &*key.key.name;
                if name == "trace" {
                    self.warn(
                        UNSUPPORTED,
                        item_file,
                        key.key.span,
                        "APIG has no TRACE method; operation not imported".into(),
                    );
                } else if name.starts_with("x-apigateway-") && name != "x-apigateway-any-method" {
                    self.warn(
                        UNKNOWN_EXTENSION,
                        item_file,
                        key.key.span,
                        format!("`{name}` is not a path item extension apigctl imports; ignored"),
                    );
                }
            }
        }
        let operations = self.collect_operations(paths);
        // About 60 values per API have a recorded source.
        self.provenance
            .reserve(operations.len() * 72, operations.len() * 64);
        let mut used_names: FastMap<String, usize> = FastMap::default();
        for op in &operations {
            if let Some(id) = op.node.get("operationId").and_then(Node::as_str) {
                *used_names.entry(id.to_owned()).or_default() += 1;
            }
        }
        // (method, uri, match mode) → the key span of the first operation.
        let mut seen: FastMap<(String, String, String), (FileId, Span)> = FastMap::default();
        // API name → where it was taken from.
        let mut names: FastMap<String, (FileId, Span)> = FastMap::default();
        for op in operations {
            let index = apis.len();
            let Some((api, dup_key)) = self.operation(root, &op, index, &mut used_names, bindings)
            else {
                continue;
            };
            // Templates at the same position match the same requests: `/a/{x}` is `/a/{y}`.
            let dup_key = (dup_key.0, template_shape(&dup_key.1), dup_key.2);
            if let Some(first) = seen.get(&dup_key) {
                self.diagnostics.push(
                    Diagnostic::error(
                        DUPLICATE_API,
                        format!(
                            "another operation has method {}, path `{}` and match mode {} (the gateway answers APIG.3301)",
                            dup_key.0, api.req_uri, dup_key.2
                        ),
                    )
                    .at(op.file, op.key_span)
                    .related(first.0, first.1, "first defined here")
                    .help("change the path, the method or `x-apigateway-match-mode` of one of them")
                    .source("API Reference 3.16.2 (APIG.3301)"),
                );
                continue;
            }
            if let Some(first) = names.get(api.name.as_str()) {
                let at = op.node.get("operationId").map_or(op.key_span, |n| n.span);
                self.diagnostics.push(
                    Diagnostic::error(
                        DUPLICATE_NAME,
                        format!("another operation has the operationId `{}`; API names are unique in a group (the gateway answers APIG.3202)", api.name),
                    )
                    .at(op.file, at)
                    .related(first.0, first.1, "first used here")
                    .help("give each operation its own `operationId`")
                    .source("API Reference 3.5.1, Table 3-167 (APIG.3202)"),
                );
                continue;
            }
            let at = op.node.get("operationId").map_or(op.key_span, |n| n.span);
            names.insert(api.name.clone(), (op.file, at));
            seen.insert(dup_key, (op.file, op.key_span));
            apis.push(api);
        }
    }

    pub(super) fn collect_operations(&self, paths: &'a Map) -> Vec<Operation<'a>> {
        let mut out = Vec::new();
        for entry in &paths.entries {
            if entry.key.name.starts_with("x-") {
                continue;
            }
            // A `$ref`'d path item is followed; a broken one is reported by `resolve_refs`.
            let (item_file, item) = self
                .ws
                .deref(self.file, &entry.value)
                .unwrap_or((self.file, &entry.value));
            let Some(map) = item.as_map() else { continue };
            for op_entry in &map.entries {
                let key = &*op_entry.key.name;
                let method = if key == "x-apigateway-any-method" {
                    "ANY"
                } else if let Some(i) = METHODS.iter().position(|m| *m == key) {
                    UPPER_METHODS[i]
                } else {
                    continue;
                };
                out.push(Operation {
                    path: &entry.key.name,
                    path_span: entry.key.span,
                    method,
                    file: item_file,
                    item,
                    node: &op_entry.value,
                    key_span: op_entry.key.span,
                });
            }
        }
        out
    }

    pub(super) fn operation(
        &mut self,
        root: &'a Node,
        op: &Operation<'a>,
        index: usize,
        used_names: &mut FastMap<String, usize>,
        bindings: &mut Bindings,
    ) -> Option<(ApiDef, (String, String, String))> {
        let file = op.file;
        let node = op.node;
        let map = node.as_map()?;
        let apis = self.provenance.top("apis");
        let at = self.provenance.record_at(apis, index, file, node.span);
        let mut obj = Obj::new(at);

        // name
        let name = match node.get("operationId") {
            Some(id) if id.as_str().is_some() => {
                self.set(&mut obj, "name", Val::Node(id), file, id);
                id.as_str().unwrap_or_default().to_owned()
            }
            _ => {
                let name = generated_name(op.method, op.path, used_names);
                self.warn(
                    GENERATED_NAME,
                    file,
                    op.key_span,
                    format!("operation has no `operationId`; the API is named `{name}`"),
                );
                self.provenance.record_at(at, "name", file, op.key_span);
                obj.insert("name", name.clone());
                name
            }
        };

        // type (visibility)
        let api_type = match node.get("x-apigateway-request-type") {
            Some(t) => {
                let value = match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("private") => 2,
                    Some("public") => 1,
                    _ => {
                        self.warn(
                            UNSUPPORTED,
                            file,
                            t.span,
                            "`x-apigateway-request-type` must be `public` or `private`; using public".into(),
                        );
                        1
                    }
                };
                self.set(&mut obj, "type", value, file, t);
                value
            }
            None => 1,
        };
        obj.insert("type", api_type);

        // protocol
        let (protocol, protocol_node) = self.protocol(root, op);
        if let Some(n) = protocol_node {
            self.provenance.record_at(at, "req_protocol", file, n.span);
        }
        obj.insert("req_protocol", protocol);
        self.provenance
            .record_at(at, "req_method", file, op.key_span);
        obj.insert("req_method", op.method);

        // uri
        let base = self.base_path(root, op);
        let uri = join_path(base, op.path);
        self.provenance
            .record_at(at, "req_uri", self.file, op.path_span);
        obj.insert("req_uri", uri.clone());

        // security
        self.security(root, op, &mut obj);

        if let Some(cors) = node.get("x-apigateway-cors") {
            self.set(&mut obj, "cors", Val::Node(cors), file, cors);
        }
        let match_mode = match node.get("x-apigateway-match-mode") {
            Some(m) => {
                let value = upper(m.as_str().unwrap_or("NORMAL"));
                let text = match &value {
                    Val::Name(s) => (*s).to_owned(),
                    Val::Str(s) => s.clone(),
                    _ => String::new(),
                };
                self.set(&mut obj, "match_mode", value, file, m);
                text
            }
            None => "NORMAL".to_owned(),
        };
        if let Some(ct) = node.get("x-apigateway-content-type") {
            self.set(&mut obj, "content_type", Val::Node(ct), file, ct);
        } else if self.version != OasVersion::V2_0 {
            self.infer_content_type(node, &mut obj, file);
        }
        if let Some(d) = node.get("description") {
            self.set(&mut obj, "remark", Val::Node(d), file, d);
        }
        if let Some(tags) = node.get("tags") {
            let list = self.provenance.record_at(obj.at, "tags", file, tags.span);
            for (i, tag) in tags.as_seq().unwrap_or_default().iter().enumerate() {
                self.provenance.record_at(list, i, file, tag.span);
            }
            obj.insert("tags", Val::Node(tags));
        }
        self.samples(node, &mut obj, file);
        if let Some(r) = node.get("x-apigateway-response") {
            self.set(&mut obj, "response_name", Val::Node(r), file, r);
        }

        self.req_params(op, &mut obj);
        self.backend(node, &mut obj, file);
        self.policies(node, &mut obj, file);

        // Operation-level constructs the gateway has no place for.
        if let Some(entry) = map.entry("callbacks") {
            self.warn(
                DROPPED,
                file,
                entry.key.span,
                "callbacks have no API Gateway counterpart; dropped".into(),
            );
        }
        if let Some(entry) = map.entry("x-apigateway-is-send-fg-body-base64") {
            self.diagnostics.push(
                Diagnostic::new(
                    DROPPED,
                    Severity::Info,
                    "`x-apigateway-is-send-fg-body-base64` has no field on the API object (API Reference 3.5.1); not carried over",
                )
                .at(file, entry.key.span)
                .source(SOURCE_REF),
            );
        }
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-") && !OPERATION_EXTENSIONS.contains(&key) {
                self.warn(
                    UNKNOWN_EXTENSION,
                    file,
                    entry.key.span,
                    format!("`{key}` is not an operation extension apigctl imports; ignored"),
                );
            }
        }

        // Bindings by name.
        if let Some(t) = node.get("x-apigateway-ratelimit")
            && let Some(policy) = t.as_str()
        {
            bind(&mut bindings.throttles, policy, &name, file, t.span);
        }
        if let Some(a) = node.get("x-apigateway-access-control")
            && let Some(policy) = a.as_str()
        {
            bind(&mut bindings.acls, policy, &name, file, a.span);
        }
        if let Some(plugins) = node.get("x-apigateway-plugins").and_then(Node::as_seq) {
            for p in plugins {
                if let Some(plugin) = p.as_str() {
                    bind(&mut bindings.plugins, plugin, &name, file, p.span);
                }
            }
        }

        let api = self.finish::<ApiDef>(obj, (file, op.key_span))?;
        Some((api, (op.method.to_owned(), uri, match_mode)))
    }

    /// OpenAPI 3: the single media type of `requestBody.content`, when it is one of the four
    /// `content_type` values (the reference's inference; the extension is documented for 2.0).
    pub(super) fn infer_content_type(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(body) = node.get("requestBody") else {
            return;
        };
        let Some((body_file, body)) = self.deref(file, body) else {
            return;
        };
        let Some(content) = body.get("content").and_then(Node::as_map) else {
            return;
        };
        if let [only] = content.entries.as_slice()
            && matches!(
                &*only.key.name,
                "application/json" | "application/xml" | "multipart/form-data" | "text/plain"
            )
        {
            let key = Node::new(only.key.span, Value::Null);
            self.set(obj, "content_type", &*only.key.name, body_file, &key);
        }
    }

    /// `basePath` (2.0) or the path of the first server URL (3.x), without a trailing `/`.
    pub(super) fn base_path(&self, root: &'a Node, op: &Operation<'a>) -> &'a str {
        let base = match self.version {
            OasVersion::V2_0 => root
                .get("basePath")
                .and_then(Node::as_str)
                .unwrap_or_default(),
            _ => self
                .servers(root, op)
                .and_then(|s| s.first())
                .and_then(|s| s.get("url"))
                .and_then(Node::as_str)
                .map(url_path)
                .unwrap_or_default(),
        };
        base.trim_end_matches('/')
    }

    /// The servers that apply to an operation (operation, then path item, then root).
    pub(super) fn servers(&self, root: &'a Node, op: &Operation<'a>) -> Option<&'a [Node]> {
        [
            op.node.get("servers"),
            op.item.get("servers"),
            root.get("servers"),
        ]
        .into_iter()
        .flatten()
        .find_map(Node::as_seq)
        .filter(|s| !s.is_empty())
    }

    pub(super) fn protocol(
        &self,
        root: &'a Node,
        op: &Operation<'a>,
    ) -> (&'static str, Option<&'a Node>) {
        let (schemes, node): (Vec<&str>, Option<&Node>) = match self.version {
            OasVersion::V2_0 => {
                let node = op.node.get("schemes").or_else(|| root.get("schemes"));
                let schemes = node
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .collect();
                (schemes, node)
            }
            _ => {
                let servers = self.servers(root, op);
                let schemes = servers
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| s.get("url").and_then(Node::as_str))
                    .filter_map(|u| u.split_once("://").map(|(s, _)| s))
                    .collect();
                (schemes, servers.and_then(|s| s.first()))
            }
        };
        let http = schemes.iter().any(|s| s.eq_ignore_ascii_case("http"));
        let https = schemes.iter().any(|s| s.eq_ignore_ascii_case("https"));
        let protocol = match (http, https) {
            (true, true) => "BOTH",
            (true, false) => "HTTP",
            _ => "HTTPS",
        };
        (protocol, node)
    }

    pub(super) fn security_schemes(&self, root: &'a Node) -> Option<&'a Node> {
        match self.version {
            OasVersion::V2_0 => root.get("securityDefinitions"),
            _ => root.get("components")?.get("securitySchemes"),
        }
    }

    pub(super) fn security(&mut self, root: &'a Node, op: &Operation<'a>, obj: &mut Obj<'a>) {
        let file = op.file;
        let requirements = op
            .node
            .get("security")
            .map(|n| (file, n))
            .or_else(|| root.get("security").map(|n| (self.file, n)));
        let Some((req_file, requirements)) = requirements else {
            obj.insert("auth_type", "NONE");
            return;
        };
        let list = requirements.as_seq().unwrap_or_default();
        for extra in list.iter().skip(1) {
            self.warn(
                UNSUPPORTED,
                req_file,
                extra.span,
                "an API has one authentication mode; only the first security requirement is used"
                    .into(),
            );
        }
        let Some(first) = list
            .first()
            .and_then(Node::as_map)
            .and_then(|m| m.entries.first())
        else {
            self.set(obj, "auth_type", "NONE", req_file, requirements);
            return;
        };
        if let Some(map) = list.first().and_then(Node::as_map) {
            for extra in map.entries.iter().skip(1) {
                self.warn(
                    UNSUPPORTED,
                    req_file,
                    extra.key.span,
                    "an API has one authentication mode; only the first scheme of the requirement is used".into(),
                );
            }
        }
        let scheme_name = &*first.key.name;
        let scheme = self
            .security_schemes(root)
            .and_then(|s| s.get(scheme_name))
            .and_then(|s| self.ws.deref(self.file, s).ok());
        let Some((scheme_file, scheme)) = scheme else {
            self.warn(
                UNSUPPORTED,
                req_file,
                first.key.span,
                format!("security scheme `{scheme_name}` is not defined; using auth_type NONE"),
            );
            self.set(obj, "auth_type", "NONE", req_file, &first.value);
            return;
        };
        let auth = scheme.get("x-apigateway-auth-type");
        let auth_type = match auth.and_then(Node::as_str) {
            Some("AppSigv1" | "APP" | "app") => "APP",
            Some("IAM" | "IAM_NONE" | "iam") => "IAM",
            Some("AUTHORIZER") => {
                obj.insert("authorizer_name", scheme_name);
                "AUTHORIZER"
            }
            _ => {
                if scheme.get("x-apigateway-authorizer").is_some() {
                    obj.insert("authorizer_name", scheme_name);
                    "AUTHORIZER"
                } else {
                    self.warn(
                        UNSUPPORTED,
                        req_file,
                        first.key.span,
                        format!("security scheme `{scheme_name}` has no `x-apigateway-auth-type` APIG understands; using auth_type NONE"),
                    );
                    "NONE"
                }
            }
        };
        match auth {
            Some(a) => self.set(obj, "auth_type", auth_type, scheme_file, a),
            None => self.set(obj, "auth_type", auth_type, req_file, &first.value),
        }
        if let Some(opt) = scheme.get("x-apigateway-auth-opt").and_then(|o| {
            o.get("appcode-auth-type")
                .or_else(|| o.get("app_code_auth_type"))
        }) {
            let value = opt.as_str().unwrap_or_default().to_ascii_uppercase();
            let auth_opt = self.provenance.at(obj.at, "auth_opt");
            self.provenance
                .record_at(auth_opt, "app_code_auth_type", scheme_file, opt.span);
            obj.insert(
                "auth_opt",
                Val::Obj(vec![("app_code_auth_type", Val::Str(value))]),
            );
        }
    }

    pub(super) fn samples(&mut self, node: &'a Node, obj: &mut Obj<'a>, file: FileId) {
        let Some(responses) = node.get("responses").and_then(Node::as_map) else {
            return;
        };
        for (key, target) in [
            ("x-apigateway-result-normal-sample", "result_normal_sample"),
            (
                "x-apigateway-result-failure-sample",
                "result_failure_sample",
            ),
        ] {
            // Directly in the Responses map (V1 import page) or inside a Response object.
            let found = responses.get(key).or_else(|| {
                responses
                    .entries
                    .iter()
                    .filter(|e| !e.key.name.starts_with("x-"))
                    .find_map(|e| {
                        let (_, r) = self.ws.deref(file, &e.value).ok()?;
                        r.get(key)
                    })
            });
            if let Some(sample) = found {
                self.set(obj, target, Val::Node(sample), file, sample);
            }
        }
    }
}
