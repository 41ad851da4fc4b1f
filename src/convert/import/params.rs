//! Request parameters (`req_params`, API Reference 3.5.1, Table 3-171).

use super::*;
use crate::openapi::schema::is_known_dialect;

/// A parameter to import.
struct Param<'a> {
    /// The Parameter Object (a `$ref` followed) and its file.
    file: FileId,
    node: &'a Node,
    /// The `description` written beside its `$ref` (3.1), with its file.
    described: Option<(FileId, &'a Node)>,
    /// Its (in, name).
    key: Key<'a>,
    /// Where it is written.
    written: Written<'a>,
}

/// A parameter's (in, name). OpenAPI compares names case-sensitively ("Parameter names are
/// case sensitive"), so an operation's `x-trace` does not replace a path item's `X-Trace`:
/// both are imported, and the definition rule `apig-header-param-unique` refuses the pair
/// (reference §4 rule 24).
type Key<'a> = (&'a str, &'a str);

/// Where a parameter is written: the ordinal of its list among the operation's parameter
/// lists, its file and the list item (a `$ref` or the parameter).
#[derive(Clone, Copy)]
struct Written<'a> {
    list: usize,
    file: FileId,
    item: &'a Node,
}

/// Header parameters OpenAPI 3.x ignores: "If `in` is `header` and the `name` field is
/// `Accept`, `Content-Type` or `Authorization`, the parameter definition SHALL be ignored"
/// (3.0.3 and 3.1.0, Parameter Object). Header names compare case-insensitively.
const IGNORED_HEADERS: [&str; 3] = ["Accept", "Content-Type", "Authorization"];

impl<'a> Cx<'a> {
    pub(super) fn req_params(&mut self, op: &Operation<'a>, obj: &mut Obj<'a>) {
        // Each parameter with its (in, name): an operation-level one replaces the path item's.
        let mut params: Vec<Param<'a>> = Vec::new();
        // The index of each parameter by key, filled once there are many.
        let mut by_key: crate::source::hash::FastMap<Key<'a>, usize> = Default::default();
        for (list_ordinal, (file, list)) in op.parameter_lists().enumerate() {
            for p in list.as_seq().unwrap_or_default() {
                let Some((pf, param)) = self.deref(file, p) else {
                    continue;
                };
                let Some(location) = param.get("in") else {
                    // Written inline, the schema check says so too; a `$ref` to something that
                    // is not a Parameter Object (`#/info`) only shows here.
                    self.invalid(
                        file,
                        p.span,
                        "this is not a Parameter Object (it has no `in`); not imported",
                        "give the parameter `name` and `in`, or point its `$ref` at a parameter",
                    );
                    continue;
                };
                let location = location.as_str().unwrap_or_default();
                let name_node = param.get("name");
                let name = name_node.and_then(Node::as_str).unwrap_or_default();
                if self.version != OasVersion::V2_0
                    && location == "header"
                    && let Some(ignored) = IGNORED_HEADERS
                        .iter()
                        .find(|h| h.eq_ignore_ascii_case(name))
                {
                    let span = name_node.map_or(param.span, |n| n.span);
                    self.diagnostics.push(
                        Diagnostic::warn(
                            DROPPED,
                            format!("OpenAPI {} ignores a header parameter named `{ignored}` (\"the parameter definition SHALL be ignored\"); not imported", self.version),
                        )
                        .at(pf, span)
                        .help("remove it: `Authorization` is the security scheme's, `Content-Type` the request body's media type (or `x-apigateway-content-type`), `Accept` the responses' media types")
                        .source("OpenAPI 3.0.3 and 3.1.0, Parameter Object (`in: header`)"),
                    );
                    continue;
                }
                let key: Key<'a> = (location, name);
                if !std::ptr::eq(p, param) {
                    self.ignored_beside_ref(file, p, false);
                }
                // In 3.1 a Reference Object's `description` replaces its target's.
                let described = (self.version == OasVersion::V3_1 && !std::ptr::eq(p, param))
                    .then(|| Some((file, p.get("description")?)))
                    .flatten();
                // A few parameters are compared in turn; many are looked up by key, so an
                // operation with thousands of them is not read in quadratic time.
                let found = if params.len() > 16 {
                    for (i, p) in params.iter().enumerate().skip(by_key.len()) {
                        by_key.insert(p.key, i);
                    }
                    by_key.get(&key).copied()
                } else {
                    params.iter().position(|p| p.key == key)
                };
                let written = Written {
                    list: list_ordinal,
                    file,
                    item: p,
                };
                let imported = Param {
                    file: pf,
                    node: param,
                    described,
                    key,
                    written,
                };
                match found {
                    Some(i) if params[i].written.list == list_ordinal => {
                        // OpenAPI: "The list MUST NOT include duplicated parameters": the
                        // document is invalid, and which one it means is unknown; the first
                        // is kept.
                        let first = params[i].written;
                        self.diagnostics
                            .push(duplicated_parameter(location, name, written, first));
                    }
                    Some(i) => params[i] = imported,
                    None => params.push(imported),
                }
            }
        }
        let mut out = Vec::with_capacity(params.len());
        let list = self.provenance.at(obj.at, "req_params");
        for Param {
            file,
            node,
            described,
            ..
        } in params
        {
            if let Some(p) = self.req_param(file, node, described, list, out.len()) {
                out.push(p);
            }
        }
        if !out.is_empty() {
            obj.insert("req_params", Val::Arr(out));
        }
    }

    /// Reports what a parameter says that a request parameter has no field for: `deprecated`,
    /// `allowEmptyValue`, and a path parameter's `style` other than `simple` (the gateway reads
    /// `{id}` as the whole segment, so `;id=5` or `.5` would reach the backend as the value).
    /// Other locations' styles only change how arrays and objects are written, and those are
    /// reported as unsupported types.
    fn parameter_attributes(
        &mut self,
        file: FileId,
        location: &str,
        [deprecated, allow_empty_value, style]: [Option<&'a Entry>; 3],
    ) {
        for (entry, what) in [
            (
                deprecated,
                "the gateway accepts it like any other parameter",
            ),
            (
                allow_empty_value,
                "the gateway neither allows nor refuses an empty value by it",
            ),
        ] {
            if let Some(entry) = entry.filter(|e| matches!(e.value.value, Value::Bool(true))) {
                self.warn(
                    DROPPED,
                    file,
                    entry.key.span,
                    format!(
                        "`{}` has no request parameter field: {what}; dropped",
                        entry.key.name
                    ),
                );
            }
        }
        if self.version != OasVersion::V2_0
            && location == "PATH"
            && let Some(style) = value(style)
            && let Some(name) = style.as_str().filter(|s| *s != "simple")
        {
            self.warn(
                DROPPED,
                file,
                style.span,
                format!("`style: {name}` is not how the gateway reads a path parameter: it takes the whole segment (`simple`), prefix included; dropped"),
            );
        }
    }

    /// An `x-apigateway-*` key inside a 3.x parameter schema. A parameter's extensions sit on
    /// the Parameter object, beside `schema` (reference §2.24), and import reads no extension
    /// inside a schema, so one written a level too deep (an easy 3.0 mistake) would be lost
    /// without a word.
    fn extension_in_schema(&mut self, file: FileId, entry: &Entry) {
        let key = &*entry.key.name;
        if PARAMETER_EXTENSIONS.contains(&key) {
            self.diagnostics.push(
                Diagnostic::warn(
                    UNKNOWN_EXTENSION,
                    format!("`{key}` belongs beside `schema`, not inside it; ignored"),
                )
                .at(file, entry.key.span)
                .help("move it up one level, next to `schema` on the Parameter object")
                .source("x-apigateway-extensions reference §2.24 (\"3.0: next to `schema`\")"),
            );
        } else {
            let what =
                "read inside a parameter's `schema` (a parameter's extensions sit beside `schema`)";
            self.unknown_extension(file, entry, &[], what);
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
        // `x-apigateway-*` keys that are not a parameter's: found in the pass that reads the
        // keys (no allocation unless there is one).
        let mut unknown: Vec<&'a Entry> = Vec::new();
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
            examples,
            deprecated,
            allow_empty_value,
            style,
        ] = map.entries_of_else(
            [
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
                "examples",
                "deprecated",
                "allowEmptyValue",
                "style",
            ],
            |e| {
                if e.key.name.starts_with("x-apigateway-") {
                    unknown.push(e);
                }
            },
        );
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
        // The keywords written beside each `$ref` on the way to the schema (3.1), outermost first.
        let mut beside_ref: Vec<(FileId, &'a Map)> = Vec::new();
        let schema: (FileId, &'a Node) = match self.version {
            OasVersion::V2_0 => (file, param),
            _ => match value(schema_entry) {
                Some(s) => {
                    let target = self.deref(file, s)?;
                    if !std::ptr::eq(s, target.1) {
                        self.ignored_beside_ref(file, s, true);
                    }
                    // In 3.1 the keywords written beside a `$ref` apply with its target's, at
                    // every step of a chain of references (which `deref` has found sound).
                    if self.version == OasVersion::V3_1 {
                        let (mut f, mut n, mut hops) = (file, s, 0);
                        while let Some(m) = n.as_map()
                            && let Some(text) = m.get("$ref").and_then(Node::as_str)
                            && let Ok(next) = self.ws.resolve_at(f, n, text)
                            && hops < MAX_REF_HOPS
                        {
                            hops += 1;
                            if m.len() > 1 {
                                beside_ref.push((f, m));
                            }
                            (f, n) = next;
                        }
                    }
                    target
                }
                None => match content {
                    // A value serialised as a media type is a string on the wire.
                    Some(entry) => {
                        self.warn(
                            DROPPED,
                            file,
                            entry.key.span,
                            "a parameter given by `content` is imported as a STRING: the gateway does not check a media type's schema; dropped".into(),
                        );
                        (file, &NO_SCHEMA)
                    }
                    None => {
                        self.warn(
                            UNSUPPORTED,
                            file,
                            param.span,
                            "a parameter with neither `schema` nor `content` has no APIG type; not imported".into(),
                        );
                        return None;
                    }
                },
            },
        };
        let (target_file, schema) = schema;
        if self.version == OasVersion::V3_1
            && let Some(dialect) = schema.get("$schema")
            && let Some(uri) = dialect.as_str()
            && !is_known_dialect(uri)
        {
            self.unknown_dialect(target_file, dialect, "$schema", uri);
        }
        if matches!(schema.value, Value::Bool(false)) {
            self.warn(
                DROPPED,
                target_file,
                schema.span,
                "`schema: false` admits no value, which a request parameter cannot say; imported as a STRING without checks".into(),
            );
        }
        // The `enum`s besides the one read, when several apply (beside `$ref`s and the target).
        let mut other_enums: Vec<&'a Entry> = Vec::new();
        // `x-apigateway-*` keys inside a 3.x parameter schema (beside a `$ref` or in its
        // target), where import reads none: found in the pass that reads the schema's keywords.
        // In 2.0 the "schema" is the parameter itself, whose extensions are read above.
        let look_for_extensions = self.version != OasVersion::V2_0;
        let mut in_schema: Vec<(FileId, &'a Entry)> = Vec::new();
        // Where a schema keyword was written: beside a `$ref`, or in the target.
        let in_file = |node: &Node| {
            beside_ref
                .iter()
                .find(|(_, m)| m.entries.iter().any(|e| std::ptr::eq(&e.value, node)))
                .map_or(target_file, |(f, _)| *f)
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
            const_entry,
            schema_examples,
            all_of,
            one_of,
            any_of,
            not,
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
                    "const",
                    "examples",
                    "allOf",
                    "oneOf",
                    "anyOf",
                    "not",
                ];
                // The keywords beside a `$ref` and its target's all apply (JSON Schema
                // 2020-12: `$ref` is an applicator): of two bounds the tighter one counts, of
                // two enums the values in both (below); an annotation beside a `$ref` replaces
                // the target's. Innermost first, so the outermost annotation wins.
                let mut note = |f: FileId, e: &'a Entry| {
                    if look_for_extensions && e.key.name.starts_with("x-apigateway-") {
                        in_schema.push((f, e));
                    }
                };
                let mut merged = m.entries_of_else(keys, |e| note(target_file, e));
                for &(f, beside) in beside_ref.iter().rev() {
                    let outer = beside.entries_of_else(keys, |e| note(f, e));
                    for (i, (inner, outer)) in merged.iter_mut().zip(outer).enumerate() {
                        *inner = match (outer, *inner) {
                            (Some(o), Some(n)) if TIGHTER_IS_LARGER.contains(&keys[i]) => {
                                Some(tighter(o, n, true))
                            }
                            (Some(o), Some(n)) if TIGHTER_IS_SMALLER.contains(&keys[i]) => {
                                Some(tighter(o, n, false))
                            }
                            (Some(o), Some(n)) if keys[i] == "enum" => {
                                other_enums.push(n);
                                Some(o)
                            }
                            (o, n) => o.or(n),
                        };
                    }
                }
                merged
            })
            .unwrap_or_default();
        for (f, entry) in in_schema {
            self.extension_in_schema(f, entry);
        }
        let type_node = value(type_entry);
        let param_type = match type_node.map(param_type) {
            Some(Ok((t, None))) => t,
            Some(Ok((t, Some(types)))) => {
                let t_node = type_node.unwrap_or(param);
                self.warn(
                    DROPPED,
                    in_file(t_node),
                    t_node.span,
                    format!("a parameter of several types ({types}) is imported as {t}, the type that takes them all; the checks of the others are lost"),
                );
                t
            }
            None => "STRING",
            Some(Err(other)) => {
                let t_node = type_node.unwrap_or(param);
                self.warn(
                    UNSUPPORTED,
                    in_file(t_node),
                    t_node.span,
                    format!("parameter type `{other}` has no APIG counterpart (STRING or NUMBER); parameter not imported"),
                );
                return None;
            }
        };
        // Reported only for a parameter that is imported: of one that is not, nothing is.
        self.parameter_attributes(file, location, [deprecated, allow_empty_value, style]);
        // What a parameter schema combines from others is not read: its type and checks are
        // the keywords written in it.
        for (key, entry) in [
            ("allOf", all_of),
            ("oneOf", one_of),
            ("anyOf", any_of),
            ("not", not),
        ] {
            self.warn_entry(
                DROPPED,
                entry.map_or(target_file, |e| in_file(&e.value)),
                entry,
                || format!("`{key}` in a parameter schema is not read: the parameter's APIG type and checks come only from the keywords beside it; dropped"),
            );
        }
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
            if d.value == Value::Null {
                self.note(
                    in_file(d),
                    d.span,
                    "`default: null` is no value a query or header can carry; not imported".into(),
                );
            } else {
                self.finite(in_file(d), d);
                let text = self.text(in_file(d), d);
                self.set(&mut obj, "default_value", text, in_file(d), d);
            }
        }
        // The parameter's own example, then its first named example, then the schema's (3.1
        // writes a list, `examples`, where 3.0 writes `example`).
        // Which of them it is: 0 the parameter's own, 1 its first named example, 2 the schema's
        // `example`, 3 the first of the schema's `examples`.
        let named = value(examples).and_then(Node::as_map);
        let listed = value(schema_examples).and_then(Node::as_seq);
        let sample = value(x_sample)
            .or(value(example))
            .map(|s| (0, file, s))
            .or_else(|| {
                let (f, s) = first_example_value(self.ws, file, named?)?;
                Some((1, f, s))
            })
            .or_else(|| value(schema_example).map(|s| (2, in_file(s), s)))
            .or_else(|| {
                let first = listed?.first()?;
                Some((3, in_file(value(schema_examples)?), first))
            });
        if let Some((from, f, s)) = sample {
            self.finite(f, s);
            let text = self.text(f, s);
            self.set(&mut obj, "sample_value", text, f, s);
            // The gateway keeps one sample: the first example not imported (of the named
            // ones, then the schema's list) is reported, once for all of them.
            let skip_named = usize::from(from == 1);
            let skip_listed = usize::from(from == 3);
            let other_named = named
                .and_then(|m| m.entries.get(skip_named))
                .map(|e| (file, e.key.span));
            let other = other_named.or_else(|| {
                let item = listed?.get(skip_listed)?;
                Some((in_file(value(schema_examples)?), item.span))
            });
            if let Some((of, at)) = other {
                self.diagnostics.push(
                    Diagnostic::warn(
                        DROPPED,
                        "a request parameter has one sample (`sample_value`), the first example; this example and any after it are not imported",
                    )
                    .at(of, at)
                    .related(f, s.span, "the sample imported")
                    .help("keep the example the gateway is to show first, or as the only one")
                    .source("API Reference 3.5.1, Table 3-171 (`sample_value`); x-apigateway-extensions reference §2.24"),
                );
            }
        }
        let required_node = value(required_entry);
        // `required` is a boolean (OpenAPI, Parameter Object); `"true"` or `1` is no value of
        // it, and reading it as either would guess what the author meant.
        let required_bool = required_node.and_then(|r| {
            let b = r.as_bool();
            if b.is_none() {
                self.invalid(
                    file,
                    r.span,
                    format!(
                        "`required` must be a boolean (`true` or `false`), not `{}`",
                        r.to_json()
                    ),
                    "write `required: true` or `required: false`, unquoted",
                );
            }
            b
        });
        let required = if location == "PATH" || required_bool == Some(true) {
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
        // `const` is an enum of one value.
        if let Some(e) = value(const_entry).or(value(enum_entry)) {
            let items = match &e.value {
                Value::Seq(items) => items.as_slice(),
                _ if value(const_entry).is_some() => std::slice::from_ref(e),
                _ => &[],
            };
            // Every `enum` applies when there is one beside a `$ref` and one in its target.
            let also: Vec<&[Node]> = other_enums
                .iter()
                .filter_map(|t| t.value.as_seq())
                .collect();
            let mut kept = Vec::with_capacity(items.len());
            for item in items {
                if item.value == Value::Null {
                    self.note(
                        in_file(e),
                        item.span,
                        "`null` is no value a query or header can carry; left out of `enumerations`".into(),
                    );
                } else if also
                    .iter()
                    .any(|a| !a.iter().any(|v| v.value == item.value))
                {
                    self.note(
                        in_file(e),
                        item.span,
                        "this value is not in the `enum` of the `$ref`'s target, which applies too; left out of `enumerations`".into(),
                    );
                } else {
                    kept.push(item);
                }
            }
            let items = kept;
            for item in &items {
                self.finite(in_file(item), item);
            }
            let values: Vec<String> = items.iter().map(|i| self.text(in_file(i), i)).collect();
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
            if values.is_empty() {
                // No value to list: `enumerations: ""` would be a check no value passes.
                self.warn(
                    DROPPED,
                    in_file(e),
                    e.span,
                    "no value here can be a request parameter's enumeration (`enum` is a list of strings or numbers); dropped".into(),
                );
            } else {
                self.set(&mut obj, "enumerations", values.join(","), in_file(e), e);
                checked = true;
            }
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
            // A 0 is what gateway exports write for any bound that is not set (below), of
            // either type: not a bound that fails to apply.
            let entry = entry.filter(|e| !is_zero(&e.value));
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
                // A whole number too big for the 64-bit integer the field is read into (a
                // number is a 64-bit integer or float, README "Limits").
                None if v
                    .as_number()
                    .is_some_and(|n| n.as_f64().is_finite() && n.as_f64().fract() == 0.0) =>
                {
                    self.diagnostics.push(
                        Diagnostic::warn(
                            DROPPED,
                            format!("`{key}` is an integer beyond the range of `{target}` (-9223372036854775808..9223372036854775807); dropped"),
                        )
                        .at(in_file(v), v.span)
                        .help("write a bound within that range (a length or value the gateway checks is far smaller), or remove it")
                        .source("API Reference 3.5.1, Table 3-171 (min_num, max_num, min_size, max_size: Integer); README, Limits"),
                    );
                    None
                }
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
        // Gateway exports write `maxLength: 0`, `maximum: 0` and `minimum: 0` for a parameter
        // without limits, and reference §3.2 says to "treat 0 in exported files as unset": a 0
        // bound is no limit, silently. A length of 0 never is one anyone means (`minLength: 0`
        // lets every value through, `maxLength: 0` only the empty string). A number bound of 0
        // is read as written unless the other one is 0 too (exports write both): alone, beside
        // a nonzero bound of the other side (`minimum: -10, maximum: 0`), or made exclusive
        // (`exclusiveMinimum: true`), which no export writes. A lone `minimum: 0` (a count that
        // may not be negative) is written by hand and meant.
        let zero = |l: &Option<(&str, &str, i64, &Node)>| matches!(l, Some((_, _, 0, _)));
        let exclusive = |e: Option<&Entry>| value(e).is_some_and(|x| x.value == Value::Bool(true));
        let meant = if param_type == "NUMBER" {
            [
                !zero(&limits[1]) || exclusive(exclusive_minimum),
                !zero(&limits[0]) || exclusive(exclusive_maximum),
            ]
        } else {
            [false, false]
        };
        for (limit, meant) in limits.iter_mut().zip(meant) {
            if !meant && matches!(limit, Some((_, _, 0, _))) {
                *limit = None;
            }
        }
        // An exclusive bound of an integer parameter is the inclusive one next to it: the
        // boolean form (2.0, 3.0) moves `minimum`/`maximum`, the number form (3.1) is a bound of
        // its own (the tighter one counts). A number parameter's cannot be made inclusive.
        let integer = type_node.is_some_and(|t| match &t.value {
            Value::String(t) => t == "integer",
            Value::Seq(items) => {
                let mut types = items
                    .iter()
                    .filter_map(Node::as_str)
                    .filter(|t| *t != "null");
                types.clone().next().is_some() && types.all(|t| t == "integer")
            }
            _ => false,
        });
        let mut exclusive_read = [false, false];
        // A number's exclusive bound becomes the inclusive one (as 2.0 and 3.0 write it, with
        // `minimum`/`maximum`), which also lets the bound itself through: said where it is.
        let mut inclusive_now: [Option<&Entry>; 2] = [None, None];
        if param_type == "NUMBER" {
            for (side, (key, target, entry, step)) in [
                ("exclusiveMinimum", "min_num", exclusive_minimum, 1),
                ("exclusiveMaximum", "max_num", exclusive_maximum, -1),
            ]
            .into_iter()
            .enumerate()
            {
                let Some(x) = value(entry) else { continue };
                match x.value {
                    // The bound is inclusive, as written: nothing is lost.
                    Value::Bool(false) => exclusive_read[side] = true,
                    Value::Bool(true) if integer => {
                        if let Some((key, target, n, v)) = limits[side]
                            && let Some(n) = n.checked_add(step)
                        {
                            limits[side] = Some((key, target, n, v));
                            exclusive_read[side] = true;
                        }
                    }
                    Value::Bool(true) if limits[side].is_some() => inclusive_now[side] = entry,
                    Value::Number(bound) => {
                        let n = bound.as_i64().and_then(|n| {
                            if integer {
                                n.checked_add(step)
                            } else {
                                Some(n)
                            }
                        });
                        if let Some(n) = n {
                            let tighter = match limits[side] {
                                Some((_, _, m, _)) => (n > m) == (step > 0) && n != m,
                                None => true,
                            };
                            if tighter {
                                limits[side] = Some((key, target, n, x));
                            }
                            if integer {
                                exclusive_read[side] = true;
                            } else {
                                inclusive_now[side] = entry;
                            }
                        }
                    }
                    _ => {}
                }
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
            // Case-insensitive, as the other enumerated extensions are read.
            let value = match p.as_str() {
                Some(t) if t.eq_ignore_ascii_case("always") => Some(1),
                Some(t) if t.eq_ignore_ascii_case("never") => Some(2),
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
        for (side, (key, target)) in [
            ("exclusiveMinimum", "min_num"),
            ("exclusiveMaximum", "max_num"),
        ]
        .into_iter()
        .enumerate()
        {
            if let Some(e) = inclusive_now[side] {
                exclusive_read[side] = true;
                self.warn(
                    DROPPED,
                    in_file(&e.value),
                    e.key.span,
                    format!("`{key}` of a number parameter is imported as an inclusive `{target}` (the gateway's bounds are inclusive integers), which also lets the bound itself through"),
                );
            }
        }
        for (key, entry) in [
            (
                "exclusiveMinimum",
                exclusive_minimum.filter(|_| !exclusive_read[0]),
            ),
            (
                "exclusiveMaximum",
                exclusive_maximum.filter(|_| !exclusive_read[1]),
            ),
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
        for entry in unknown {
            self.unknown_extension(
                file,
                entry,
                &PARAMETER_EXTENSIONS,
                "a parameter extension apigctl imports",
            );
        }
        Some(Val::Obj(obj.fields))
    }
}

/// The extensions of a Parameter object (reference §2.24).
const PARAMETER_EXTENSIONS: [&str; 3] = [
    "x-apigateway-sample",
    "x-apigateway-pass-through",
    "x-apigateway-orchestrations",
];

/// Whether a bound is the number 0 (`0` or `0.0`).
fn is_zero(node: &Node) -> bool {
    node.as_number().is_some_and(|n| n.as_f64() == 0.0)
}

/// A schema standing for none (a parameter given by `content`): no type, no checks.
static NO_SCHEMA: Node = Node {
    span: Span { start: 0, end: 0 },
    value: Value::Null,
};

/// How many references a chain may take (`deref` has already found it ends): a bound, so a
/// walk that disagreed with it could not loop.
const MAX_REF_HOPS: usize = 256;

/// Bounds of which the larger one is the tighter.
const TIGHTER_IS_LARGER: [&str; 2] = ["minimum", "minLength"];
/// Bounds of which the smaller one is the tighter.
const TIGHTER_IS_SMALLER: [&str; 2] = ["maximum", "maxLength"];

/// Of two bounds both in force, the tighter one; a bound that is not a number loses (it is
/// reported where it is read).
fn tighter<'e>(a: &'e Entry, b: &'e Entry, larger: bool) -> &'e Entry {
    match (
        a.value.as_number().map(Number::as_f64),
        b.value.as_number().map(Number::as_f64),
    ) {
        (Some(x), Some(y)) if (y > x) == larger && y != x => b,
        (None, Some(_)) => b,
        _ => a,
    }
}

/// The parameter type for a schema's `type`: `Ok((type, None))`, or `Ok((type, Some(list)))`
/// when a list of several types is read as the one that takes them all (all numbers: NUMBER;
/// with `string`: STRING); `Err(name)` for a type APIG has no counterpart for. `null` in a list
/// adds nothing (a query or header value is never null).
fn param_type(node: &Node) -> Result<(&'static str, Option<String>), String> {
    let one = |t: &str| match t {
        "integer" | "number" => Ok("NUMBER"),
        "string" => Ok("STRING"),
        other => Err(other.to_owned()),
    };
    match &node.value {
        Value::String(t) => one(t).map(|t| (t, None)),
        Value::Seq(items) => {
            let types: Vec<&str> = items
                .iter()
                .filter_map(Node::as_str)
                .filter(|t| *t != "null")
                .collect();
            match types.as_slice() {
                [] => Err(if items.is_empty() { "[]" } else { "null" }.to_owned()),
                [t] => one(t).map(|t| (t, None)),
                several => {
                    let listed = several
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    if several.iter().all(|t| matches!(*t, "integer" | "number")) {
                        Ok(("NUMBER", None))
                    } else if several.contains(&"string") {
                        Ok(("STRING", Some(listed)))
                    } else {
                        Err(several
                            .iter()
                            .find(|t| one(t).is_err())
                            .map_or("", |t| t)
                            .to_owned())
                    }
                }
            }
        }
        _ => Err(node.to_json().to_string()),
    }
}

/// The value of the first Example Object of a parameter's `examples` map, when it is a
/// scalar, with the file it is written in.
fn first_example_value<'a>(
    ws: &'a Workspace,
    file: FileId,
    examples: &'a Map,
) -> Option<(FileId, &'a Node)> {
    let first = &examples.entries.first()?.value;
    let (file, example) = ws.deref(file, first).ok()?;
    let value = example.get("value")?;
    matches!(
        value.value,
        Value::String(_) | Value::Number(_) | Value::Bool(_)
    )
    .then_some((file, value))
}

/// A parameter with the `in` and `name` of an earlier one of its list (`first`).
fn duplicated_parameter(
    location: &str,
    name: &str,
    at: Written<'_>,
    first: Written<'_>,
) -> Diagnostic {
    Diagnostic::error(
        INVALID,
        format!("parameter `{name}` in {location} is already in this list, which OpenAPI forbids (\"The list MUST NOT include duplicated parameters\"); this one is not imported"),
    )
    .at(at.file, at.item.span)
    .related(first.file, first.item.span, "first defined here")
    .help("remove one of them, or merge what each says into one parameter")
    .source("OpenAPI 3.1.0, 3.0.3 and 2.0, Operation Object and Path Item Object (`parameters`)")
}
