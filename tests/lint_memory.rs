//! Memory of `lint` against the length of the keys a document's pointers pass through.
//!
//! Every node a rule selects has a JSON pointer. Below a long key (a path of hundreds of
//! kilobytes is valid JSON), pointers that each held their own text made lint's memory grow
//! with the number of nodes times the key's length: this test's 0.4 MB document took 1.6 GB. The
//! live heap is counted by this binary's allocator, so the test holds on any machine.
//!
//! One test in its own binary: a test running beside it would be counted too.

use std::fmt::Write as _;

use apigctl::commands::lint::{LintOptions, lint_text};

#[path = "common/counting.rs"]
mod counting;

/// Two operations of `parameters` query parameters each, under one path `/` + `key_len` bytes.
fn document(key_len: usize, parameters: usize) -> String {
    let mut params = String::new();
    for i in 0..parameters {
        let _ = write!(
            params,
            r#"{}{{"name": "p{i}", "in": "query", "type": "string"}}"#,
            if i > 0 { ", " } else { "" }
        );
    }
    let path = format!("/{}", "a".repeat(key_len));
    let operation = |method: &str| {
        format!(
            r#""{method}": {{"operationId": "op_{method}", "parameters": [{params}], "responses": {{"200": {{"description": "ok"}}}}}}"#
        )
    };
    format!(
        r#"{{"swagger": "2.0", "info": {{"title": "long_path", "version": "1"}}, "paths": {{"{path}": {{{}, {}}}}}}}"#,
        operation("get"),
        operation("post")
    )
}

/// The most heap `lint_text` holds at once on `text`, beyond what was live before it.
fn peak_of_lint(text: &str) -> usize {
    let (report, peak) =
        counting::peak_during(|| lint_text("long-path.json", text, &LintOptions::default()));
    let report = report.expect("the document lints");
    assert!(
        !report.diagnostics.is_empty(),
        "the path is over the API Reference's 512 characters, which lint reports"
    );
    peak
}

#[test]
fn memory_grows_with_a_long_path_key_not_with_it_times_the_nodes_below_it() {
    const KEY: usize = 200_000;
    const PARAMETERS: usize = 2_000;
    let short = peak_of_lint(&document(8, PARAMETERS));
    let long = peak_of_lint(&document(KEY, PARAMETERS));
    // The key is in the text, in the tree and in the few diagnostics that quote the path:
    // a few dozen copies at most. A copy per selected node below it (4,000 parameters, each
    // selected by several rules) would be thousands.
    let copies = long.saturating_sub(short) / KEY;
    assert!(
        copies < 64,
        "linting with a {KEY}-byte path key took {} MB more at its peak than with an 8-byte \
         key ({copies} copies of the key)",
        long.saturating_sub(short) / 1_000_000
    );
}
