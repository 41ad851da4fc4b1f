//! Functions comparing numeric fields of one object.

use super::{ArgDef, ArgKind, Call, Finding, FunctionDef};

/// `ordered`: the listed numeric fields, where present, do not decrease.
pub const ORDERED: FunctionDef = FunctionDef {
    name: "ordered",
    description: "On an object: the numeric fields named in `fields`, where present, are in non-decreasing order (`[app_call_limits, user_call_limits, api_call_limits]` means app <= user <= api). Each field greater than a later one is reported at its value, with the later field as related location.",
    args: &[ArgDef {
        name: "fields",
        kind: ArgKind::StringList,
        required: true,
        description: "field names, smallest first",
    }],
    placeholders: &["field", "limit_field", "limit"],
    run: ordered,
};

fn ordered(call: &Call<'_, '_>) -> Vec<Finding> {
    let present: Vec<(&str, f64)> = call
        .list_arg("fields")
        .into_iter()
        .filter_map(|f| Some((f, call.target.node.get(f)?.as_number()?.as_f64())))
        .collect();
    let mut out = Vec::new();
    for (i, (field, value)) in present.iter().enumerate() {
        // Compare with the smallest later value so each bad field is reported once.
        let smallest_later = present[i + 1..].iter().min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((limit_field, limit)) = smallest_later
            && value > limit
        {
            out.push(
                Finding::at(call.target.pointer.push(field))
                    .arg("field", *field)
                    .arg("limit_field", *limit_field)
                    .arg("limit", limit.to_string())
                    .related(
                        call.target.pointer.push(limit_field),
                        format!("`{limit_field}` is {limit}"),
                    ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::functions::testing::run;

    const ARGS: &str = "fields: [app, user, api]";

    #[test]
    fn fields_in_order_pass() {
        assert!(run(&ORDERED, "t: {app: 1, user: 1, api: 5}", "$.t", ARGS).is_empty());
        assert!(run(&ORDERED, "t: {app: 1, api: 5}", "$.t", ARGS).is_empty());
        assert!(run(&ORDERED, "t: {app: x, user: 1}", "$.t", ARGS).is_empty());
    }

    #[test]
    fn a_field_above_a_later_one_is_reported_once() {
        assert_eq!(
            run(&ORDERED, "t: {app: 10, user: 20, api: 5}", "$.t", ARGS),
            [
                "/t/app: field=app, limit_field=api, limit=5 (related /t/api)",
                "/t/user: field=user, limit_field=api, limit=5 (related /t/api)",
            ]
        );
    }
}
