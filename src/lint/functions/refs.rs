//! Functions about names that refer to other objects.

use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};

/// `refers-to`: a string names one of the values a selector collects.
pub const REFERS_TO: FunctionDef = FunctionDef {
    name: "refers-to",
    description: "On a string: it equals one of the strings `collection` selects from the document root (e.g. `$.authorizers[*].name`), or one of `builtin`; with `if_any`, only when that selector selects something. Reports the string itself.",
    args: &[
        ArgDef {
            name: "collection",
            kind: ArgKind::Selector,
            required: true,
            description: "selector of the names that may be referred to",
        },
        ArgDef {
            name: "builtin",
            kind: ArgKind::StringList,
            required: false,
            description: "names that always exist (e.g. `default`)",
        },
        ArgDef {
            name: "if_any",
            kind: ArgKind::Selector,
            required: false,
            description: "check only when this selector selects something (e.g. `$.plugins[*]`: names can only be checked once the document defines any)",
        },
    ],
    placeholders: &["known"],
    run: refers_to,
};

fn refers_to(call: &Call<'_, '_>) -> Vec<Finding> {
    let Some(name) = call.target.text() else {
        return Vec::new();
    };
    let builtin = call.list_arg("builtin");
    if builtin.contains(&name) {
        return Vec::new();
    }
    if let Some(guard) = call.str_arg("if_any").and_then(|s| call.select(s))
        && guard.count == 0
    {
        return Vec::new();
    }
    // Validated at load time; an unparsable selector cannot reach here.
    let Some(collection) = call.str_arg("collection").and_then(|s| call.select(s)) else {
        return Vec::new();
    };
    if collection.set.contains(name) {
        return Vec::new();
    }
    let known: Vec<&str> = collection
        .texts
        .iter()
        .copied()
        .chain(builtin.iter().copied())
        .collect();
    // A document may define thousands of names: the message lists the first few.
    const LISTED: usize = 20;
    let listed = if known.is_empty() {
        "none".to_owned()
    } else {
        let mut listed = known
            .iter()
            .take(LISTED)
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if known.len() > LISTED {
            listed.push_str(&format!(" and {} more", known.len() - LISTED));
        }
        listed
    };
    vec![Finding {
        at_key: call.target.is_key,
        ..Finding::at(call.target.pointer.clone()).arg("known", listed)
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    const DOC: &str = "authorizers: [{name: auth_a}]\napis:\n  - authorizer_name: auth_a\n  - authorizer_name: auth_b\n  - authorizer_name: default\n";

    #[test]
    fn unknown_names_are_reported_with_the_known_ones() {
        assert_eq!(
            run(
                &REFERS_TO,
                DOC,
                "$.apis[*].authorizer_name",
                "collection: $.authorizers[*].name"
            ),
            [
                "/apis/1/authorizer_name: known=`auth_a`",
                "/apis/2/authorizer_name: known=`auth_a`",
            ]
        );
    }

    #[test]
    fn long_lists_of_known_names_are_cut_short() {
        let mut doc = String::from("apis:\n  - authorizer_name: nowhere\nauthorizers:\n");
        for i in 0..25 {
            doc.push_str(&format!("  - name: auth_{i}\n"));
        }
        let found = run(
            &REFERS_TO,
            &doc,
            "$.apis[*].authorizer_name",
            "collection: $.authorizers[*].name",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("`auth_19` and 5 more"), "{}", found[0]);
        assert!(!found[0].contains("auth_20"), "{}", found[0]);
    }

    #[test]
    fn builtin_names_always_exist() {
        assert_eq!(
            run(
                &REFERS_TO,
                DOC,
                "$.apis[*].authorizer_name",
                "{collection: '$.nothing[*]', builtin: [default, auth_b]}"
            ),
            ["/apis/0/authorizer_name: known=`default`, `auth_b`"]
        );
    }

    #[test]
    fn if_any_skips_the_check_while_its_selector_selects_nothing() {
        let args = "{collection: '$.authorizers[*].name', if_any: '$.nothing[*]'}";
        assert!(run(&REFERS_TO, DOC, "$.apis[*].authorizer_name", args).is_empty());
        let args = "{collection: '$.authorizers[*].name', if_any: '$.authorizers[*]'}";
        assert_eq!(
            run(&REFERS_TO, DOC, "$.apis[*].authorizer_name", args).len(),
            2
        );
    }
}
