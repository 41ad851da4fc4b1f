//! Gateway lint rules: rule files (`rules/*.yaml`, embedded at build time), the selector
//! language, built-in functions and the engine that runs them.
//!
//! A rule runs either on the OpenAPI document as written (`given: openapi`) or on the gateway
//! definition (`given: definition`): the one [`crate::convert::import`] makes from an OpenAPI
//! document, whose findings are mapped back to the OpenAPI source through import provenance,
//! or a definition file itself. The rule file format is documented in `rules/README.md`.

pub mod baseline;
pub mod config;
pub mod engine;
pub mod functions;
pub mod rule;
pub mod selector;

use std::sync::OnceLock;

pub use engine::{Engine, Ignore, Locator, RuleSettings};
pub use rule::{ErrorPlace, Given, Rule, RuleError};
pub use selector::PathItemRefs;

use crate::convert::import::{self, ImportOptions};
use crate::diagnostic::{Diagnostic, Location, Related};
use crate::openapi::OasVersion;
use crate::source::inline::Inlined;
use crate::source::refs::Workspace;
use crate::source::{Document, KeyIndex, Limits, Node, Pointer, Sources};
use crate::timings;

/// The rule on the stand-in backend import writes (see
/// [`crate::model::api::PLACEHOLDER_REMARK`]).
const PLACEHOLDER_RULE: &str = "apig-backend-placeholder";

/// The rule files compiled into the binary: `(file name, text)`, sorted by name.
pub static BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Loads rule files; ids must be unique.
pub fn load_rules<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Rule>, RuleError> {
    let files = files
        .into_iter()
        .map(|(name, text)| (name, text.as_bytes().to_vec()));
    load_rules_in(&mut Sources::new(), files)
}

/// Loads rule files into `sources`, where the locations of an error are; ids must be unique.
pub fn load_rules_in<'a>(
    sources: &mut Sources,
    files: impl IntoIterator<Item = (&'a str, Vec<u8>)>,
) -> Result<Vec<Rule>, RuleError> {
    let mut rules: Vec<(Rule, Location)> = Vec::new();
    for (name, bytes) in files {
        let (rule, id) = rule::parse_rule_in(sources, name, bytes)?;
        if let Some((other, first)) = rules.iter().find(|(r, _)| r.id == rule.id) {
            let mut error = RuleError::at(
                sources,
                id,
                format!("rule id `{}` is also defined in {}", rule.id, other.file),
            );
            error.related.push(Related {
                location: *first,
                message: "first defined here".to_owned(),
            });
            return Err(error);
        }
        rules.push((rule, id));
    }
    Ok(rules.into_iter().map(|(rule, _)| rule).collect())
}

/// The built-in rules, loaded once.
pub fn builtin_rules() -> Result<&'static [Rule], &'static RuleError> {
    static RULES: OnceLock<Result<Vec<Rule>, RuleError>> = OnceLock::new();
    RULES
        .get_or_init(|| {
            load_rules(BUILTIN_FILES.iter().map(|(name, text)| (*name, *text))).map_err(|e| {
                RuleError {
                    file: format!("rules/{}", e.file),
                    ..e
                }
            })
        })
        .as_ref()
        .map(Vec::as_slice)
}

/// Lints an OpenAPI document (references resolved): the `openapi` rules on the document, then
/// an import and the `definition` rules on its result. Import's own diagnostics are included.
/// `limits` bound the view the `openapi` rules see of content in other files.
pub fn check_openapi(
    engine: &Engine<'_>,
    ws: &Workspace,
    version: OasVersion,
    limits: &Limits,
) -> Vec<Diagnostic> {
    let (inlined, mut out) = ws.inline_external(limits);
    out.extend(check_openapi_rules(engine, ws, inlined.as_ref()));
    out.extend(check_imported(engine, ws, version));
    out
}

/// The `openapi` rules on an OpenAPI document (the first half of [`check_openapi`]). With
/// `inlined` (the root with its references into other files inlined, see
/// [`Workspace::inline_external`]) they run on that view, and a finding in inlined content is
/// reported in the file it was written in.
///
/// The rules on the path items of `paths` also see each path item that a `paths` entry names
/// by a `$ref` within the root document (OpenAPI 3.1's `components/pathItems`), as import
/// does: at the place it is written, once however many entries name it.
pub fn check_openapi_rules(
    engine: &Engine<'_>,
    ws: &Workspace,
    inlined: Option<&Inlined>,
) -> Vec<Diagnostic> {
    let doc = ws.root();
    timings::time("openapi rules", || match inlined {
        Some(view) => engine.run_following(
            Given::OpenApi,
            &view.root,
            &Locator::Inlined { view },
            &path_item_refs(ws, &view.root, Some(view)),
        ),
        None => engine.run_following(
            Given::OpenApi,
            &doc.root,
            &Locator::Tree {
                file: doc.file,
                root: &doc.root,
            },
            &path_item_refs(ws, &doc.root, None),
        ),
    })
}

/// For each entry of `paths` of `tree` (the root document, or its `inlined` view) that names
/// a path item by `$ref`, the pointer in `tree` of the path item at the end of the chain, as
/// import follows it. Only targets in the root document are recorded: one in another file
/// is in the view already, in place of its reference, unless the view's bounds kept the
/// reference (then it is reported as not checked).
fn path_item_refs<'n>(
    ws: &Workspace,
    tree: &'n Node,
    inlined: Option<&Inlined>,
) -> PathItemRefs<'n> {
    let root_file = ws.root().file;
    let mut refs = PathItemRefs::default();
    let Some(paths) = tree.get("paths").and_then(Node::as_map) else {
        return refs;
    };
    // Thousands of entries may name path items in one big `components/pathItems`.
    let keys = KeyIndex::default();
    for entry in &paths.entries {
        // Import reads no path item from an extension of `paths`.
        if entry.key.name.starts_with("x-") {
            continue;
        }
        let mut pointer = Pointer::root().push("paths").push_key(&entry.key.name);
        let mut node = &entry.value;
        let mut target = None;
        let mut visited: Vec<String> = Vec::new();
        // A chain ends, or loops (the `$ref` check reports that); the bound is only a guard.
        for _ in 0..64 {
            let Some(text) = node.get("$ref").and_then(Node::as_str) else {
                break;
            };
            // The file the `$ref` is written in: a view holds other files' content too.
            let file = inlined.map_or(root_file, |view| view.place(&pointer.text(), false).0);
            let Some((to, escaped)) = ws.resolve_pointer(file, text) else {
                break;
            };
            if to != root_file || escaped.is_empty() || visited.contains(&escaped) {
                break;
            }
            let Some(found) = keys.pointer(tree, &escaped) else {
                break;
            };
            pointer = canonical_pointer(&escaped);
            node = found.node;
            visited.push(escaped);
            target = Some((pointer.clone(), node));
        }
        if let Some((target, path_item)) = target {
            refs.insert(&entry.key.name, target, path_item);
        }
    }
    refs
}

/// `escaped` (a JSON pointer as a reference's fragment writes it) as [`Pointer::push`]
/// builds it, so that the pointers of findings in a path item are the same however it is
/// reached.
fn canonical_pointer(escaped: &str) -> Pointer {
    escaped
        .split('/')
        .skip(1)
        .fold(Pointer::root(), |p, token| {
            p.push(&crate::source::unescape_pointer_token(token))
        })
}

/// Imports an OpenAPI document and runs the `definition` rules on the result, with import's
/// own diagnostics (the second half of [`check_openapi`]). Every pointer is into the OpenAPI
/// source; the definition's is kept as `definition_pointer`.
pub fn check_imported(engine: &Engine<'_>, ws: &Workspace, version: OasVersion) -> Vec<Diagnostic> {
    let doc = ws.root();
    // An object with a refused value is kept, read without it, so that the rules check the
    // rest of it: one bad value does not hide an operation's other problems.
    let options = ImportOptions {
        keep_refused: true,
        ..ImportOptions::default()
    };
    let imported = timings::time("import", || import::import(ws, version, &options));
    // Where import refused a value (its stand-in, or the object left without it, is no
    // second finding).
    let refused: Vec<String> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code == import::INVALID)
        .filter_map(|d| d.pointer.clone())
        .collect();
    let mut out = imported.diagnostics;
    if engine.wants(Given::Definition) {
        let json = timings::time("definition to tree", || {
            serde_json::to_value(&imported.definition).map(|json| engine::json_tree(&json))
        });
        match json {
            Ok(tree) => {
                let fallback = (doc.file, crate::source::Span::new(0, 0));
                let mut found = timings::time("definition rules", || {
                    engine.run(
                        Given::Definition,
                        &tree,
                        &Locator::Provenance {
                            provenance: &imported.provenance,
                            ws,
                            fallback,
                        },
                    )
                });
                if !imported.dropped.is_empty() {
                    found.retain(|d| !names_dropped(d, &tree, &imported.dropped));
                }
                // Import said where an operation has no backend (`import-missing-backend`,
                // at the operation); its stand-in is no second finding.
                found.retain(|d| d.code != PLACEHOLDER_RULE);
                if !refused.is_empty() {
                    found.retain(|d| !at_refused(d, &refused));
                }
                name_request_path_bases(ws, &imported.provenance, &mut found);
                out.extend(found);
                crate::teardown::drop_in_background(tree);
            }
            Err(e) => out.push(Diagnostic::error(
                "internal",
                format!("imported definition could not be serialised: {e}"),
            )),
        }
    }
    crate::teardown::drop_in_background((imported.definition, imported.provenance));
    // Import's and the definition rules' pointers are into the imported definition; point
    // them into the OpenAPI source, which is what ignores and baselines need to stay put.
    timings::time("source pointers", || point_into_source(ws, &mut out));
    out
}

/// Whether `d`, a definition rule's finding, is at or under one of the definition pointers
/// import refused a value at.
fn at_refused(d: &Diagnostic, refused: &[String]) -> bool {
    let Some(pointer) = d.pointer.as_deref() else {
        return false;
    };
    refused.iter().any(|r| {
        pointer
            .strip_prefix(r.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// A finding about an API's request path (`/apis/N/req_uri`, reported at its path key) also
/// names where the base joined before that path is written (Swagger 2.0's `basePath`, a
/// server URL), when there is one: a bad base is reported at every path, and this says
/// where to fix it.
fn name_request_path_bases(
    ws: &Workspace,
    provenance: &import::Provenance,
    diagnostics: &mut [Diagnostic],
) {
    for d in diagnostics {
        let Some(api) = d
            .pointer
            .as_deref()
            .and_then(|p| p.strip_suffix("/req_uri"))
        else {
            continue;
        };
        let base = format!("{api}/{}", import::REQ_URI_BASE);
        if let Some((file, span)) = provenance.get(ws, &base)
            && !d.related.iter().any(|r| r.location.span == span)
        {
            d.related.push(Related {
                location: Location::new(file, span),
                message: "the request path starts with this base path".into(),
            });
        }
    }
}

/// Points diagnostics made on the definition imported from `ws` (import's own, the definition
/// rules'), whose pointers are into that definition, into the OpenAPI source at their
/// location, and keeps the definition's pointer as `definition_pointer`: as lint reports them.
pub fn point_into_source(ws: &Workspace, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        let source = d.primary.and_then(|l| {
            let doc = ws.document(l.file)?;
            engine::pointer_at(&doc.root, l.span)
        });
        d.definition_pointer = d.pointer.take();
        d.pointer = source.map(|p| p.text());
    }
}

/// Whether `d` is a `refers-to` finding about a name that import dropped from the definition
/// (`dropped`, by list): it is not undefined, import said why it is missing, and that error is
/// the one to fix (`x-apigateway-response: r` where response `r` has a bad status).
fn names_dropped(d: &Diagnostic, tree: &Node, dropped: &[(&str, String)]) -> bool {
    let Some(name) = d
        .pointer
        .as_deref()
        .and_then(|p| tree.pointer(p))
        .and_then(|found| found.node.as_str())
    else {
        return false;
    };
    let Ok(rules) = builtin_rules() else {
        return false;
    };
    let Some(rule) = rules.iter().find(|r| r.id == d.code) else {
        return false;
    };
    rule.then.iter().any(|check| match &check.kind {
        rule::CheckKind::Function { def, args } if def.name == "refers-to" => args
            .get("collection")
            .and_then(Node::as_str)
            .and_then(|c| c.strip_prefix("$."))
            .and_then(|c| c.split(['[', '.']).next())
            .is_some_and(|list| dropped.iter().any(|(l, n)| *l == list && n == name)),
        _ => false,
    })
}

/// The errors of the built-in `definition` rules that `keep` selects on a definition held as
/// JSON (an object the emulator is asked to store, names given on the command line), pointers
/// into that JSON. Empty when the rule catalogue cannot be read: its tests fail then.
pub fn definition_value_errors(
    definition: &serde_json::Value,
    keep: impl Fn(&Rule) -> bool,
) -> Vec<Diagnostic> {
    definition_value_errors_with(definition, keep, &[])
}

/// [`definition_value_errors`], with the warnings named in `as_errors` run as errors: rules
/// that are warnings for a document (the extension reference grades them so) on values the
/// gateway's REST API refuses outright, which the emulator must refuse too.
pub fn definition_value_errors_with(
    definition: &serde_json::Value,
    keep: impl Fn(&Rule) -> bool,
    as_errors: &[&str],
) -> Vec<Diagnostic> {
    use crate::diagnostic::Severity;
    let Ok(rules) = builtin_rules() else {
        return Vec::new();
    };
    let rules = rules.iter().filter(|r| {
        r.given == Given::Definition
            && (r.severity == Severity::Error || as_errors.contains(&r.id.as_str()))
            && keep(r)
    });
    let settings = RuleSettings {
        severity: as_errors
            .iter()
            .map(|id| ((*id).to_owned(), Some(Severity::Error)))
            .collect(),
        ..RuleSettings::default()
    };
    let engine = Engine::new(rules, &settings);
    let root = engine::json_tree(definition);
    let locator = Locator::Tree {
        file: crate::source::FileId(0),
        root: &root,
    };
    let mut found = engine.run(Given::Definition, &root, &locator);
    found.retain(Diagnostic::is_error);
    found
}

/// Lints a gateway definition file: the `definition` rules on the file's own tree.
pub fn check_definition(engine: &Engine<'_>, doc: &Document) -> Vec<Diagnostic> {
    engine.run(
        Given::Definition,
        &doc.root,
        &Locator::Tree {
            file: doc.file,
            root: &doc.root,
        },
    )
}
