//! The fast YAML path and the general parser read every text the fast path accepts alike:
//! the same values, keys and spans.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    apigctl::source::fuzzing::yaml_parsers_agree(text);
});
