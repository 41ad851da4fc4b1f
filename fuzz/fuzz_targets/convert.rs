//! `import`, `convert` and `export` on any text: an OpenAPI document is imported and
//! converted to every version, the definition it gives exported as 2.0 and 3.0, and a gateway
//! definition read and exported; all without a panic.
#![no_main]

use apigctl::commands::export::render_document;
use apigctl::commands::import::OutputFormat;
use apigctl::commands::import::render_definition;
use apigctl::convert::convert_oas::convert;
use apigctl::convert::export::{ExportOptions, export};
use apigctl::convert::import::{ImportOptions, import};
use apigctl::model::Definition;
use apigctl::openapi::{self, DocumentKind, OasVersion};
use apigctl::report::{self, FileReport, Format};
use apigctl::source::refs::{RefOptions, Workspace};
use apigctl::source::{Limits, Sources, load_bytes};
use libfuzzer_sys::fuzz_target;

const VERSIONS: [OasVersion; 3] = [OasVersion::V2_0, OasVersion::V3_0, OasVersion::V3_1];

fn export_both(definition: &Definition) {
    for version in [OasVersion::V2_0, OasVersion::V3_0] {
        let options = ExportOptions {
            version,
            ..ExportOptions::default()
        };
        let result = export(definition, &options);
        let _ = render_document(&result.document, OutputFormat::Yaml);
    }
}

fuzz_target!(|text: &str| {
    let limits = Limits::default();
    let mut sources = Sources::new();
    let Ok(doc) = load_bytes(
        "fuzz.yaml".into(),
        None,
        text.as_bytes().to_vec(),
        &mut sources,
        &limits,
    ) else {
        return;
    };
    match openapi::detect(&doc) {
        Ok(DocumentKind::OpenApi(from)) => {
            let mut ws = Workspace::from_parts(sources, doc);
            let mut diagnostics = ws.resolve_refs(&limits, &RefOptions::default());
            let imported = import(&ws, from, &ImportOptions::default());
            let _ = render_definition(&imported.definition, OutputFormat::Yaml);
            export_both(&imported.definition);
            diagnostics.extend(imported.diagnostics);
            let _ = ws.link_refs(&limits, &RefOptions::default());
            for to in VERSIONS {
                let converted = convert(&ws, from, to);
                let _ = render_document(&converted.document, OutputFormat::Json);
                diagnostics.extend(converted.diagnostics);
            }
            let reports = [FileReport {
                name: "fuzz.yaml".into(),
                sources: std::mem::take(&mut ws.sources),
                diagnostics,
            }];
            let _ = report::render(Format::Human, &reports, false);
        }
        Ok(DocumentKind::Definition) => {
            if let Ok(definition) = Definition::from_node(&doc.root) {
                export_both(&definition);
            }
        }
        Err(_) => {}
    }
});
