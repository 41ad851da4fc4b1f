//! One snapshot per extension of the reference (§2.1–§2.24): each extension's own small
//! example, as a complete document under `testdata/import/extensions/`, imported to a reviewed
//! definition. Each snapshot holds the diagnostics (severity, code, line:column, message) and
//! the definition YAML.

use std::path::Path;

use apigctl::convert::import::{ImportOptions, import};
use apigctl::convert::yaml::definition_to_yaml;
use apigctl::openapi::{self, DocumentKind};
use apigctl::source::Input;
use apigctl::source::Limits;
use apigctl::source::refs::{RefOptions, Workspace};

fn snapshot_of(path: &Path) -> String {
    let mut ws = Workspace::load(&Input::Path(path.to_owned()), &Limits::default())
        .unwrap_or_else(|_| panic!("{} loads", path.display()));
    let problems = ws.resolve_refs(&Limits::default(), &RefOptions::default());
    assert!(problems.is_empty(), "{problems:?}");
    let Ok(DocumentKind::OpenApi(version)) = openapi::detect(ws.root()) else {
        panic!("{} is OpenAPI", path.display());
    };
    let result = import(&ws, version, &ImportOptions::default());
    let mut out = String::from("# diagnostics\n");
    for d in &result.diagnostics {
        let at = d.primary.expect("located");
        let lc = ws.sources.file(at.file).line_col(at.span.start as usize);
        out.push_str(&format!(
            "{} {}@{}:{} {}\n",
            d.severity.as_str(),
            d.code,
            lc.line,
            lc.col,
            d.message
        ));
    }
    out.push_str("# definition\n");
    out.push_str(&definition_to_yaml(&result.definition).expect("renders"));
    out
}

#[test]
fn each_extension_example_imports_to_its_reviewed_definition() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/import/extensions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata/import/extensions")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        24,
        "one example per extension section 2.1-2.24"
    );
    for path in files {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 name")
            .to_owned();
        insta::assert_snapshot!(name, snapshot_of(&path));
    }
}
