//! `schema/definition.schema.json` is the JSON Schema generated from `Definition`; this test
//! keeps the checked-in copy current. Regenerate it with
//! `UPDATE_SCHEMA=1 cargo test --test model_schema`.

use std::path::{Path, PathBuf};

use apigctl::model::Definition;

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/definition.schema.json")
}

fn generated() -> String {
    let mut text =
        serde_json::to_string_pretty(&Definition::json_schema()).expect("a schema serialises");
    text.push('\n');
    text
}

#[test]
fn checked_in_schema_is_current() {
    let path = schema_path();
    let generated = generated();
    if std::env::var_os("UPDATE_SCHEMA").is_some_and(|value| value == "1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create schema/");
        }
        std::fs::write(&path, &generated).expect("write schema/definition.schema.json");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != generated {
        let line = current
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| current.lines().count().min(generated.lines().count()));
        panic!(
            "schema/definition.schema.json does not match the model (first difference at line \
             {}).\nRegenerate it with `UPDATE_SCHEMA=1 cargo test --test model_schema` and \
             commit the result.",
            line + 1
        );
    }
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let schema = Definition::json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::meta::validate(&schema).expect("schema conforms to its meta-schema");
}

#[test]
fn definition_objects_refuse_unknown_properties() {
    let schema = Definition::json_schema();
    assert_eq!(schema["additionalProperties"], false);
    let defs = schema["$defs"].as_object().expect("$defs");
    for (name, def) in defs {
        if def["type"] == "object" && def.get("properties").is_some() {
            assert_eq!(
                def["additionalProperties"], false,
                "{name} must not allow unknown properties"
            );
        }
    }
    // The REST-only spellings never appear in the definition schema.
    let text = serde_json::to_string(&schema).expect("serialises");
    for id_field in [
        "\"authorizer_id\"",
        "\"response_id\"",
        "\"vpc_channel_id\"",
        "\"group_id\"",
        "\"env_id\"",
        "\"object_id\"",
        "\"roma_app_id\"",
        "\"ld_api_id\"",
    ] {
        assert!(
            !text.contains(id_field),
            "{id_field} in the definition schema"
        );
    }
}
