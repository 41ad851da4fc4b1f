//! Every field the model refuses in an imported object, not only the first.
//!
//! serde stops at the first value it refuses. A user fixing a document should see all of
//! them in one run, so a refused object is read again with the refused value left out, until
//! it reads or nothing more can be left out (bounded by [`MOST`]). This runs only for an
//! object the model already refused: the common path reads each object once, as before.

use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// At most this many refusals are collected from one object (each costs one more reading).
const MOST: usize = 32;

/// A step of a path into the JSON form of an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// An object member (or an enum variant, written as a one-member object).
    Key(String),
    /// An array element.
    Index(usize),
}

/// The JSON pointer `path` is, below the object read.
pub(crate) fn pointer(path: &[Seg]) -> crate::source::Pointer {
    path.iter()
        .fold(crate::source::Pointer::root(), |p, seg| match seg {
            Seg::Key(key) => p.push(key),
            Seg::Index(i) => p.index(*i),
        })
}

/// Why an object could not be read: every refused value, and the object without them.
pub(crate) struct Refused<T> {
    /// The refused values, in the order serde met them.
    pub(crate) found: Vec<Refusal>,
    /// The object read with the refused values left out or replaced, if it could be.
    pub(crate) partial: Option<T>,
}

/// A value the model refused: where (in the object as it was built) and serde's reason.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) path: Vec<Seg>,
    pub(crate) message: String,
}

/// Reads `value` as `T`, or says every value that keeps it from being read.
///
/// After each refusal the refused value is left out and the rest read again: a member at its
/// key, an array element at its index (later elements are still reported at the index they
/// have in `value`), an object that misses a field as a whole. A field missing only because
/// it was left out follows from its refusal and is not reported again. The first refusal is
/// the one a single reading reports.
///
/// With the refusals comes the object read without the refused values (left out, or replaced
/// by stand-ins), for lint to check the rest of it; `None` when an array element had to be
/// left out, since the elements after it would then be read at other indices than the
/// document's.
pub(crate) fn read_all<T: DeserializeOwned>(mut value: Json) -> Result<T, Refused<T>> {
    let mut found = Vec::new();
    // Members left out: (the original path of their object, their key).
    let mut left_out: Vec<(Vec<Seg>, String)> = Vec::new();
    // Array elements left out: (the original path of their array, their original index).
    let mut removed: Vec<(Vec<Seg>, usize)> = Vec::new();
    // Original paths of refused values replaced by a stand-in of the expected kind.
    let mut stand_ins: Vec<Vec<Seg>> = Vec::new();
    let mut partial = None;
    for _ in 0..MOST {
        let error = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(t) if found.is_empty() => return Ok(t),
            Ok(t) => {
                partial = removed.is_empty().then_some(t);
                break;
            }
            Err(error) => error,
        };
        let mut current = segments(error.path());
        let original = to_original(&current, &removed);
        let message = error.inner().to_string();
        // A stand-in the model refuses after all (a number out of its range) is no refusal
        // of the document's: it is left out instead.
        if let Some(depth) = stand_ins
            .iter()
            .find(|p| original.starts_with(p))
            .map(Vec::len)
        {
            current.truncate(depth);
            let original = to_original(&current, &removed);
            if !leave_out(&mut value, &current, &original, &mut left_out, &mut removed) {
                break;
            }
            continue;
        }
        let follows = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            .is_some_and(|field| left_out.iter().any(|(p, k)| *p == original && k == field));
        if !follows {
            found.push(Refusal {
                path: original.clone(),
                message: message.clone(),
            });
        }
        // A refused value is replaced by one of the kind the model expects where the message
        // names one, so that a required field refused does not hide the object's other
        // fields (serde says only the first missing field of an object); else left out.
        if !follows
            && let Some(stand_in) = stand_in(&message)
            && let Some(slot) = at_mut(&mut value, &current)
        {
            *slot = stand_in;
            stand_ins.push(original);
            continue;
        }
        if !leave_out(&mut value, &current, &original, &mut left_out, &mut removed) {
            break;
        }
    }
    Err(Refused { found, partial })
}

/// A value of the kind serde's `message` says was expected: the first choice an enumeration
/// lists, or an empty value of the expected type. `None` when the message names none.
fn stand_in(message: &str) -> Option<Json> {
    let (_, expected) = message.rsplit_once(", expected ")?;
    let choice = expected
        .strip_prefix("one of ")
        .unwrap_or(expected)
        .strip_prefix('`')
        .and_then(|rest| rest.split('`').next());
    if let Some(choice) = choice {
        return Some(match choice.parse::<i64>() {
            Ok(n) => Json::from(n),
            Err(_) => Json::from(choice),
        });
    }
    Some(match expected {
        "a boolean" => Json::Bool(false),
        "a string" => Json::from(""),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => Json::from(0),
        "f32" | "f64" => Json::from(0.0),
        "a sequence" => Json::Array(Vec::new()),
        _ => return None,
    })
}

/// The value at `path`, if there is one.
fn at_mut<'v>(value: &'v mut Json, path: &[Seg]) -> Option<&'v mut Json> {
    let mut at = value;
    for seg in path {
        at = match (at, seg) {
            (Json::Object(members), Seg::Key(key)) => members.get_mut(key)?,
            (Json::Array(items), Seg::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// `path` as [`Seg`]s, up to a segment serde could not name (a non-string key).
fn segments(path: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    path.iter()
        .map_while(|segment| match segment {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// The path `current` (into the value with elements `removed`) had in the value as built.
fn to_original(current: &[Seg], removed: &[(Vec<Seg>, usize)]) -> Vec<Seg> {
    let mut out: Vec<Seg> = Vec::with_capacity(current.len());
    for seg in current {
        let seg = match seg {
            Seg::Index(i) => {
                let mut gone: Vec<usize> = removed
                    .iter()
                    .filter(|(array, _)| *array == out)
                    .map(|(_, j)| *j)
                    .collect();
                gone.sort_unstable();
                let mut j = *i;
                for g in gone {
                    if g <= j {
                        j += 1;
                    }
                }
                Seg::Index(j)
            }
            key => key.clone(),
        };
        out.push(seg);
    }
    out
}

/// Leaves out the value at `current` (whose original path is `original`); `false` when there
/// is none to leave out (the whole object, or a path that names nothing).
fn leave_out(
    value: &mut Json,
    current: &[Seg],
    original: &[Seg],
    left_out: &mut Vec<(Vec<Seg>, String)>,
    removed: &mut Vec<(Vec<Seg>, usize)>,
) -> bool {
    let (Some((last, parent)), Some((last_original, parent_original))) =
        (current.split_last(), original.split_last())
    else {
        return false;
    };
    let Some(holder) = at_mut(value, parent) else {
        return false;
    };
    match (holder, last, last_original) {
        (Json::Object(members), Seg::Key(key), _) => {
            if members.remove(key).is_none() {
                return false;
            }
            left_out.push((parent_original.to_vec(), key.clone()));
        }
        (Json::Array(items), Seg::Index(i), Seg::Index(j)) if *i < items.len() => {
            items.remove(*i);
            removed.push((parent_original.to_vec(), *j));
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReqParamDef;

    fn paths(found: &[Refusal]) -> Vec<String> {
        found
            .iter()
            .map(|r| {
                let path: Vec<String> = r
                    .path
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => k.clone(),
                        Seg::Index(i) => i.to_string(),
                    })
                    .collect();
                format!("/{}: {}", path.join("/"), r.message)
            })
            .collect()
    }

    #[test]
    fn every_refused_field_is_said_once_at_its_original_place() {
        // Two refused members of one object: both, and not the `name` missing after it is
        // left out.
        let value = serde_json::json!({"name": 5, "type": "TEXT", "location": "QUERY"});
        let Err(Refused { found, .. }) = read_all::<ReqParamDef>(value) else {
            panic!("refused");
        };
        assert_eq!(
            paths(&found),
            [
                "/name: invalid type: integer `5`, expected a string",
                "/type: unknown variant `TEXT`, expected `STRING` or `NUMBER`",
            ]
        );
        // Read without them (stand-ins of the expected kind), the rest of the object is there.
        let value =
            serde_json::json!({"name": 5, "type": "TEXT", "location": "QUERY", "remark": "kept"});
        let Err(Refused {
            partial: Some(partial),
            ..
        }) = read_all::<ReqParamDef>(value)
        else {
            panic!("refused, and read without the refused values");
        };
        assert_eq!(partial.remark.as_deref(), Some("kept"));
        // A required field refused does not hide another one missing.
        let value = serde_json::json!({"name": 5, "type": "STRING"});
        let Err(Refused { found, .. }) = read_all::<ReqParamDef>(value) else {
            panic!("refused");
        };
        assert_eq!(
            paths(&found),
            [
                "/name: invalid type: integer `5`, expected a string",
                "/: missing field `location`",
            ]
        );
        // Elements of an array: the third is reported at index 2 though the second is gone.
        let value = serde_json::json!([
            {"name": "a", "type": "STRING", "location": "QUERY"},
            {"name": "b", "type": "STRING", "location": "NOWHERE"},
            {"name": "c", "type": "STRING", "location": "QUERY", "required": 3},
        ]);
        let Err(Refused { found, .. }) = read_all::<Vec<ReqParamDef>>(value) else {
            panic!("refused");
        };
        assert_eq!(
            paths(&found),
            [
                "/1/location: unknown variant `NOWHERE`, expected one of `PATH`, `QUERY`, `HEADER`",
                "/2/required: invalid value: integer `3`, expected `1` or `2`",
            ]
        );
        // A field missing of itself is said.
        let value = serde_json::json!([{"type": "STRING"}, {"name": 1, "type": "STRING", "location": "QUERY"}]);
        let Err(Refused { found, partial }) = read_all::<Vec<ReqParamDef>>(value) else {
            panic!("refused");
        };
        // The element left out would move the one after it: no reading without it then.
        assert!(partial.is_none());
        assert_eq!(
            paths(&found),
            [
                "/0: missing field `name`",
                "/1/name: invalid type: integer `1`, expected a string",
            ]
        );
    }
}
