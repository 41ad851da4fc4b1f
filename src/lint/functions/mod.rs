//! Built-in functions for cross-field checks (`then: [{function: NAME, args: {...}}]`).
//!
//! A function is called once per selected node with the rule's `args` (validated against its
//! [`ArgDef`]s when the rule file loads) and returns findings. It sees the whole tree through
//! [`Call::root`], so it can look other objects up. One file per family; each function is
//! unit-tested there. To add one: write it, add a [`FunctionDef`] to [`FUNCTIONS`], document it
//! in `rules/README.md`.

mod api;
pub(crate) use api::{Route, path_variables, route};
mod backend;
mod order;
mod policy;
mod refs;
mod request;

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use crate::source::hash::{FastMap, FastSet};
use crate::source::{Node, Pointer};

use super::selector::{Selector, Target};

/// What a function is called with.
pub struct Call<'a, 'b> {
    /// The root of the tree the rule runs on (for looking other objects up).
    pub root: &'a Node,
    /// The selected node.
    pub target: &'b Target<'a>,
    /// The rule's `args` (an empty mapping when absent), already checked against the
    /// function's [`ArgDef`]s.
    pub args: &'b Node,
    /// Selections over [`Call::root`] made by earlier calls of the same check.
    pub selections: &'b Selections<'a>,
}

/// What a selector selects from the root, as far as functions need it.
#[derive(Debug, Default)]
pub struct Selection<'a> {
    /// How many nodes it selects.
    pub count: usize,
    /// The strings among them, in document order.
    pub texts: Vec<&'a str>,
    /// The same strings, for lookups.
    pub set: FastSet<&'a str>,
}

/// Selections over the root by selector text, made once per check and shared by its calls: a
/// check runs once per target, and selecting from a big document each time made `refers-to`
/// quadratic (30,000 binding entries over 10,000 APIs took half a minute).
#[derive(Default)]
pub struct Selections<'a> {
    made: RefCell<FastMap<String, Rc<Selection<'a>>>>,
    /// What functions work out from the root once per check, by a key they choose (see
    /// [`Call::memo`]).
    memos: RefCell<FastMap<String, Rc<dyn Any>>>,
}

impl std::fmt::Debug for Selections<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Selections")
            .field("made", &self.made)
            .field("memos", &self.memos.borrow().len())
            .finish()
    }
}

impl<'a> Call<'a, '_> {
    /// What `selector` (a selector argument, validated at load time) selects from the root;
    /// `None` if it does not parse.
    pub fn select(&self, selector: &str) -> Option<Rc<Selection<'a>>> {
        if let Some(made) = self.selections.made.borrow().get(selector) {
            return Some(Rc::clone(made));
        }
        let targets = Selector::parse(selector).ok()?.select(self.root);
        let texts: Vec<&'a str> = targets.iter().filter_map(Target::text).collect();
        let selection = Rc::new(Selection {
            count: targets.len(),
            set: texts.iter().copied().collect(),
            texts,
        });
        self.selections
            .made
            .borrow_mut()
            .insert(selector.to_owned(), Rc::clone(&selection));
        Some(selection)
    }

    /// What `make` works out from the root, made the first time a call of this check asks
    /// for `key` and shared by the calls after it: a function that would otherwise scan a
    /// big part of the tree once per target (the request parameters of one API, per backend
    /// parameter naming one) keeps a lookup table here. A key names what is made, function
    /// and place (`request-param-exists /apis/3`), so one `T` is stored under it.
    pub fn memo<T: Any>(&self, key: &str, make: impl FnOnce() -> T) -> Option<Rc<T>> {
        if let Some(made) = self.selections.memos.borrow().get(key) {
            return Rc::clone(made).downcast::<T>().ok();
        }
        let made: Rc<dyn Any> = Rc::new(make());
        self.selections
            .memos
            .borrow_mut()
            .insert(key.to_owned(), Rc::clone(&made));
        made.downcast::<T>().ok()
    }
}

impl Call<'_, '_> {
    /// A string argument.
    pub fn str_arg(&self, name: &str) -> Option<&str> {
        self.args.get(name).and_then(Node::as_str)
    }

    /// A count argument (validated at load time as a non-negative integer).
    pub fn count_arg(&self, name: &str) -> Option<u64> {
        self.args
            .get(name)
            .and_then(Node::as_i64)
            .and_then(|n| u64::try_from(n).ok())
    }

    /// A list-of-strings argument (empty when absent).
    pub fn list_arg(&self, name: &str) -> Vec<&str> {
        self.args
            .get(name)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect()
    }
}

/// One finding of a function.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finding {
    /// JSON pointer of the offending node (in the tree the rule runs on).
    pub pointer: Pointer,
    /// Point at the mapping key rather than the value.
    pub at_key: bool,
    /// Values for the rule message's placeholders (names listed in [`FunctionDef::placeholders`]).
    pub args: Vec<(&'static str, String)>,
    /// Other places worth showing: pointer and a short message.
    pub related: Vec<(Pointer, String)>,
    /// The bytes of the offending part of the string value (a `#name#` inside a path), to
    /// point at that part where the string is written as is; the whole string otherwise.
    pub within: Option<std::ops::Range<usize>>,
    /// A member the finding is about that the tree lacks but its source writes (a backend
    /// policy's `type`, which a definition expresses by the policy's list): the finding is
    /// placed there when import recorded where it was written; at `pointer` otherwise.
    pub member: Option<&'static str>,
}

impl Finding {
    /// A finding at a pointer.
    pub fn at(pointer: Pointer) -> Finding {
        Finding {
            pointer,
            ..Finding::default()
        }
    }

    /// Adds a placeholder value.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Finding {
        self.args.push((name, value.into()));
        self
    }

    /// Narrows the finding to these bytes of the string value.
    pub fn within(mut self, range: std::ops::Range<usize>) -> Finding {
        self.within = Some(range);
        self
    }

    /// Places the finding at the source of `member` of its node, where that is known.
    pub fn member(mut self, member: &'static str) -> Finding {
        self.member = Some(member);
        self
    }

    /// Adds a related location.
    pub fn related(mut self, pointer: Pointer, message: impl Into<String>) -> Finding {
        self.related.push((pointer, message.into()));
        self
    }
}

/// The type an argument must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A string.
    String,
    /// A sequence of strings.
    StringList,
    /// A selector string (parsed when the rule loads).
    Selector,
    /// One of these strings (checked when the rule loads, so a misspelt choice is a load
    /// error rather than a silently different check).
    OneOf(&'static [&'static str]),
    /// A non-negative integer.
    Count,
}

/// One argument a function accepts.
#[derive(Clone, Copy, Debug)]
pub struct ArgDef {
    /// Name under `args`.
    pub name: &'static str,
    /// Its type.
    pub kind: ArgKind,
    /// Whether the rule must give it.
    pub required: bool,
    /// What it means (shown in `rules/README.md`).
    pub description: &'static str,
}

/// A built-in function.
#[derive(Clone, Copy, Debug)]
pub struct FunctionDef {
    /// Name used in rule files.
    pub name: &'static str,
    /// What it checks.
    pub description: &'static str,
    /// Arguments it accepts.
    pub args: &'static [ArgDef],
    /// Placeholders its findings fill in (besides `{value}`, `{key}` and `{path}`).
    pub placeholders: &'static [&'static str],
    /// The check.
    pub run: fn(&Call<'_, '_>) -> Vec<Finding>,
}

/// Every built-in function, by name.
pub static FUNCTIONS: &[FunctionDef] = &[
    api::API_ROUTE_UNIQUE,
    api::PATH_PARAMS_DECLARED,
    api::URI_PATH,
    api::OPERATION_COUNT,
    order::ORDERED,
    refs::REFERS_TO,
    policy::NOT_IN,
    policy::EXCEEDS,
    policy::JSON_OBJECT,
    policy::BINDING_UNIQUE,
    policy::PLUGIN_TYPE_UNIQUE,
    policy::ACL_VALUE,
    policy::ACL_IP_RANGES,
    policy::THROTTLE_RATE,
    policy::ENV_VARIABLE_DEFINED,
    backend::BACKEND_ENDPOINTS_PRESENT,
    backend::BACKEND_ENDPOINTS_EXTRA,
    backend::API_BACKEND_OBJECT,
    backend::API_BACKEND_OBJECT_EXTRA,
    backend::POLICY_TYPE_COMPATIBLE,
    backend::BACKEND_PATH_PARAMS,
    backend::REQUEST_PARAM_EXISTS,
    backend::SYSTEM_PARAM_AUTHORIZER,
    backend::ITEMS_UNIQUE,
    backend::BACKEND_PARAMS_UNIQUE,
    backend::NOT_EMPTY,
    backend::REGEX_VALID,
    backend::HOST_PORT,
    request::REQ_PARAMS_UNIQUE,
    request::NOT_ONE_OF,
    request::BOUNDS_MATCH_TYPE,
    request::ENV_VARIABLE_NAMES,
    request::UNUSED_COMPONENTS,
];

/// The function called `name`.
pub fn find(name: &str) -> Option<&'static FunctionDef> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the functions' unit tests.
    use super::*;
    use crate::lint::selector::Selector;

    /// Parses YAML text into a tree.
    pub fn tree(text: &str) -> Node {
        crate::source::load_text("t.yaml", text).1.root
    }

    /// Runs `f` on every node `selector` selects in `doc`, with `args` (YAML), and returns
    /// each finding as `pointer: k=v, ...`.
    pub fn run(f: &FunctionDef, doc: &str, selector: &str, args: &str) -> Vec<String> {
        let root = tree(doc);
        let args = tree(args);
        let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("{e:?}"));
        let selections = Selections::default();
        let mut out = Vec::new();
        for target in selector.select(&root) {
            let call = Call {
                root: &root,
                target: &target,
                args: &args,
                selections: &selections,
            };
            for finding in (f.run)(&call) {
                let args: Vec<String> = finding
                    .args
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let related: Vec<String> = finding
                    .related
                    .iter()
                    .map(|(p, _)| format!(" (related {p})"))
                    .collect();
                out.push(format!(
                    "{}: {}{}",
                    finding.pointer,
                    args.join(", "),
                    related.join("")
                ));
            }
        }
        out
    }
}
