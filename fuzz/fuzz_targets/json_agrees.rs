//! The JSON parser reads what `serde_json` reads, as it reads it, rejects what it rejects
//! (and duplicate keys too), and spans every node and key where its text is.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    apigctl::source::fuzzing::json_agrees_with_serde_json(text);
});
