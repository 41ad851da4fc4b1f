//! The official SARIF 2.1.0 schema, for the tests that check SARIF logs against it.

use serde_json::Value;

/// The official schema is fetched by `.ci/fetch-sarif-schema` (CI runs it before the tests, and
/// sets `APIGCTL_REQUIRE_SARIF_SCHEMA=1` so that a missing schema fails instead of skipping).
pub fn validator() -> Option<jsonschema::Validator> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/target/test-fixtures/sarif-schema-2.1.0.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        assert!(
            std::env::var_os("APIGCTL_REQUIRE_SARIF_SCHEMA").is_none(),
            "{path} is missing: run .ci/fetch-sarif-schema"
        );
        eprintln!(
            "skipping SARIF schema validation: {path} is missing (run .ci/fetch-sarif-schema)"
        );
        return None;
    };
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .map(Some)
        .expect("SARIF schema compiles")
}

/// What the schema finds wrong with `sarif`, one line per error.
pub fn errors(validator: &jsonschema::Validator, sarif: &Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Asserts that `sarif` is valid, when the schema is there.
pub fn assert_valid(sarif: &Value) {
    if let Some(validator) = validator() {
        assert_eq!(errors(&validator, sarif), Vec::<String>::new(), "{sarif:#}");
    }
}
