//! Request parameters (`req_params`, API Reference 3.5.1, Table 3-171).

use super::*;

/// A parameter to import: its file and node, the `description` written beside its `$ref` (3.1),
/// and its (in, name).
type Param<'a> = (FileId, &'a Node, Option<&'a Node>, (&'a str, &'a str));

impl<'a> Cx<'a> {
    pub(super) fn req_params(&mut self, op: &Operation<'a>, obj: &mut Obj<'a>) {
        // Each parameter with its (in, name): an operation-level one replaces the path item's.
        let mut params: Vec<Param<'a>> = Vec::new();
        for list in [op.item.get("parameters"), op.node.get("parameters")]
            .into_iter()
            .flatten()
        {
            for p in list.as_seq().unwrap_or_default() {
                let Some((pf, param)) = self.deref(op.file, p) else {
                    continue;
                };
                let Some(location) = param.get("in") else {
                    // Written inline, the schema check says so too; a `$ref` to something that
                    // is not a Parameter Object (`#/info`) only shows here.
                    self.invalid(
                        op.file,
                        p.span,
                        "this is not a Parameter Object (it has no `in`); not imported",
                        "give the parameter `name` and `in`, or point its `$ref` at a parameter",
                    );
                    continue;
                };
                let key = (
                    location.as_str().unwrap_or_default(),
                    param.get("name").and_then(Node::as_str).unwrap_or_default(),
                );
                if !std::ptr::eq(p, param) {
                    self.ignored_beside_ref(op.file, p);
                }
                // In 3.1 a Reference Object's `description` replaces its target's.
                let described = (self.version == OasVersion::V3_1 && !std::ptr::eq(p, param))
                    .then(|| p.get("description"))
                    .flatten();
                match params.iter_mut().find(|(_, _, _, k)| *k == key) {
                    Some(slot) => *slot = (pf, param, described, key),
                    None => params.push((pf, param, described, key)),
                }
            }
        }
        let mut out = Vec::with_capacity(params.len());
        let list = self.provenance.at(obj.at, "req_params");
        for (pf, param, described, _) in params {
            let description = described.map(|d| (op.file, d));
            if let Some(p) = self.req_param(pf, param, description, list, out.len()) {
                out.push(p);
            }
        }
        if !out.is_empty() {
            obj.insert("req_params", Val::Arr(out));
        }
    }

    pub(super) fn req_param(
        &mut self,
        file: FileId,
        param: &'a Node,
        description_beside_ref: Option<(FileId, &'a Node)>,
        list: Loc,
        index: usize,
    ) -> Option<Val<'a>> {
        let map = param.as_map()?;
        // Each object's keys are found in one pass; a lookup per key would scan it each time.
        let [
            in_,
            schema_entry,
            name,
            x_sample,
            example,
            required_entry,
            description,
            pass_through,
            orchestrations,
            content,
        ] = map.entries_of([
            "in",
            "schema",
            "name",
            "x-apigateway-sample",
            "example",
            "required",
            "description",
            "x-apigateway-pass-through",
            "x-apigateway-orchestrations",
            "content",
        ]);
        // `req_params` reports a parameter without `in`.
        let location_node = value(in_)?;
        let location = match location_node.as_str() {
            Some("path") => "PATH",
            Some("query") => "QUERY",
            Some("header") => "HEADER",
            Some(other) => {
                self.warn(
                    DROPPED,
                    file,
                    location_node.span,
                    format!("`in: {other}` parameters have no APIG location; not imported as a request parameter"),
                );
                return None;
            }
            None => return None,
        };
        // 2.0: attributes on the parameter; 3.x: under `schema`.
        let mut beside_ref = None;
        let schema: (FileId, &'a Node) = match self.version {
            OasVersion::V2_0 => (file, param),
            _ => match value(schema_entry) {
                Some(s) => {
                    let target = self.deref(file, s)?;
                    if !std::ptr::eq(s, target.1) {
                        self.ignored_beside_ref(file, s);
                    }
                    // In 3.1 the keywords written beside a `$ref` apply with its target's.
                    if self.version == OasVersion::V3_1
                        && !std::ptr::eq(s, target.1)
                        && s.as_map().is_some_and(|m| m.len() > 1)
                    {
                        beside_ref = s.as_map();
                    }
                    target
                }
                None => {
                    let span = content.map_or(param.span, |e| e.key.span);
                    self.warn(
                        UNSUPPORTED,
                        file,
                        span,
                        "a parameter without `schema` has no APIG type; not imported".into(),
                    );
                    return None;
                }
            },
        };
        let (target_file, schema) = schema;
        // Where a schema keyword was written: beside the `$ref` (in this file) or in its target.
        let in_file = |node: &Node| match beside_ref {
            Some(m) if m.entries.iter().any(|e| std::ptr::eq(&e.value, node)) => file,
            _ => target_file,
        };
        let [
            type_entry,
            default,
            schema_example,
            enum_entry,
            minimum,
            maximum,
            min_length,
            max_length,
            pattern,
            format,
            exclusive_minimum,
            exclusive_maximum,
            multiple_of,
        ] = schema
            .as_map()
            .map(|m| {
                let keys = [
                    "type",
                    "default",
                    "example",
                    "enum",
                    "minimum",
                    "maximum",
                    "minLength",
                    "maxLength",
                    "pattern",
                    "format",
                    "exclusiveMinimum",
                    "exclusiveMaximum",
                    "multipleOf",
                ];
                let found = m.entries_of(keys);
                match beside_ref {
                    // What is written beside the `$ref` wins over the target's.
                    Some(beside) => {
                        let mut beside = beside.entries_of(keys);
                        for (b, f) in beside.iter_mut().zip(found) {
                            *b = b.or(f);
                        }
                        beside
                    }
                    None => found,
                }
            })
            .unwrap_or_default();
        let type_node = value(type_entry);
        let param_type = match type_node.and_then(type_name) {
            Some("integer" | "number") => "NUMBER",
            Some("string") | None => "STRING",
            Some(other) => {
                let span = type_node.map_or(param.span, |t| t.span);
                self.warn(
                    UNSUPPORTED,
                    type_node.map_or(target_file, in_file),
                    span,
                    format!("parameter type `{other}` has no APIG counterpart (STRING or NUMBER); parameter not imported"),
                );
                return None;
            }
        };
        let at = self.provenance.record_at(list, index, file, param.span);
        let mut obj = Obj::new(at);
        if let Some(n) = value(name) {
            self.set(&mut obj, "name", Val::Node(n), file, n);
        }
        match type_node {
            Some(t) => self.set(&mut obj, "type", param_type, in_file(t), t),
            None => obj.insert("type", param_type),
        }
        self.set(&mut obj, "location", location, file, location_node);
        if let Some(d) = value(default) {
            self.set(&mut obj, "default_value", scalar_string(d), in_file(d), d);
        }
        let sample = value(x_sample)
            .or(value(example))
            .map(|s| (file, s))
            .or_else(|| value(schema_example).map(|s| (in_file(s), s)));
        if let Some((f, s)) = sample {
            self.set(&mut obj, "sample_value", scalar_string(s), f, s);
        }
        let required_node = value(required_entry);
        let required = if location == "PATH" || required_node.and_then(Node::as_bool) == Some(true)
        {
            1
        } else {
            2
        };
        match required_node {
            Some(r) => self.set(&mut obj, "required", required, file, r),
            None => obj.insert("required", required),
        }
        let mut checked = false;
        let description = description_beside_ref.or(value(description).map(|d| (file, d)));
        if let Some((f, d)) = description {
            self.set(&mut obj, "remark", Val::Node(d), f, d);
        }
        if let Some(e) = value(enum_entry) {
            let items = e.as_seq().unwrap_or_default();
            let values: Vec<String> = items.iter().map(scalar_string).collect();
            // The API holds the values as one comma-separated string.
            for (item, text) in items.iter().zip(&values) {
                if text.contains(',') {
                    self.warn(
                        UNSUPPORTED,
                        in_file(e),
                        item.span,
                        format!("`enumerations` is one comma-separated string, so `{text}` would read as {} values; imported as written", text.split(',').count()),
                    );
                }
            }
            self.set(&mut obj, "enumerations", values.join(","), in_file(e), e);
            checked = true;
        }
        let (bounds, other_bounds) = if param_type == "NUMBER" {
            (
                [
                    ("minimum", "min_num", minimum),
                    ("maximum", "max_num", maximum),
                ],
                [("minLength", min_length), ("maxLength", max_length)],
            )
        } else {
            (
                [
                    ("minLength", "min_size", min_length),
                    ("maxLength", "max_size", max_length),
                ],
                [("minimum", minimum), ("maximum", maximum)],
            )
        };
        for (key, entry) in other_bounds {
            self.warn_entry(
                DROPPED,
                entry.map_or(target_file, |e| in_file(&e.value)),
                entry,
                || format!("`{key}` does not apply to a {param_type} parameter; dropped"),
            );
        }
        let mut limits = bounds.map(|(key, target, entry)| {
            let v = value(entry)?;
            match v.as_number().and_then(Number::as_i64) {
                Some(n) => Some((key, target, n, v)),
                None => {
                    self.warn(
                        DROPPED,
                        in_file(v),
                        v.span,
                        format!("`{key}` must be an integer for APIG (`{target}`); dropped"),
                    );
                    None
                }
            }
        });
        // Gateway exports write `minimum: 0, maximum: 0` and `maxLength: 0` for a parameter
        // without limits (reference §3.2). As limits they would refuse every value but `0` or
        // the empty string, which no API means: read as no limit. Any other 0 is a limit.
        let unset = match limits {
            [Some((_, _, 0, _)), Some((_, _, 0, _))] if param_type == "NUMBER" => [true, true],
            [_, Some((_, _, 0, _))] if param_type == "STRING" => [false, true],
            _ => [false, false],
        };
        for (limit, unset) in limits.iter_mut().zip(unset) {
            if let (Some((key, _, _, v)), true) = (*limit, unset) {
                self.note(
                    in_file(v),
                    v.span,
                    format!("`{key}: 0` is read as no limit (gateway exports write 0 for a parameter without limits)"),
                );
                *limit = None;
            }
        }
        for (_, target, n, v) in limits.into_iter().flatten() {
            self.set(&mut obj, target, n, in_file(v), v);
            checked = true;
        }
        if checked {
            obj.insert("valid_enable", 1);
        }
        if let Some(p) = value(pass_through) {
            let value = match p.as_str() {
                Some("always") => Some(1),
                Some("never") => Some(2),
                _ => None,
            };
            match value {
                Some(v) => self.set(&mut obj, "pass_through", v, file, p),
                None => self.warn(
                    UNSUPPORTED,
                    file,
                    p.span,
                    "`x-apigateway-pass-through` must be `always` or `never`; dropped".into(),
                ),
            }
        }
        self.warn_entry(
            DROPPED,
            pattern.map_or(target_file, |e| in_file(&e.value)),
            pattern,
            || "`pattern` is not checked by APIG (`regular` is not supported yet); dropped".into(),
        );
        // Numeric formats (int32, int64, float, double) are what NUMBER means; a string
        // format (date-time, uuid, ...) is a check the gateway does not make.
        if param_type == "STRING" {
            self.warn_entry(
                DROPPED,
                format.map_or(target_file, |e| in_file(&e.value)),
                format,
                || "a string `format` is not checked by APIG (the parameter is a plain STRING); dropped".into(),
            );
        }
        for (key, entry) in [
            ("exclusiveMinimum", exclusive_minimum),
            ("exclusiveMaximum", exclusive_maximum),
            ("multipleOf", multiple_of),
        ] {
            self.warn_entry(
                DROPPED,
                entry.map_or(target_file, |e| in_file(&e.value)),
                entry,
                || format!("`{key}` has no counterpart in the API's parameter checks (min_num, max_num); dropped"),
            );
        }
        if let Some(entry) = orchestrations {
            // An empty list (what exports write) carries nothing; anything else would be lost.
            if !entry.value.as_seq().is_some_and(<[Node]>::is_empty) {
                self.warn(
                    UNSUPPORTED,
                    file,
                    entry.key.span,
                    "the API object has no field for orchestration rules (API Reference 3.5.1, Table 3-171); dropped".into(),
                );
            }
        }
        for entry in &map.entries {
            let key = &*entry.key.name;
            if key.starts_with("x-apigateway-")
                && !matches!(
                    key,
                    "x-apigateway-sample"
                        | "x-apigateway-pass-through"
                        | "x-apigateway-orchestrations"
                )
            {
                self.warn(
                    UNKNOWN_EXTENSION,
                    file,
                    entry.key.span,
                    format!("`{key}` is not a parameter extension apigctl imports; ignored"),
                );
            }
        }
        Some(Val::Obj(obj.fields))
    }
}
