//! `$ref` resolution across one document and the files it references.
//!
//! PLACEHOLDER until the reference-resolution work lands: loads only the root document and
//! resolves nothing.

use crate::diagnostic::Diagnostic;

use super::{Document, Input, Limits, LoadError, Sources, load};

/// Options for following references.
#[derive(Clone, Copy, Debug, Default)]
pub struct RefOptions {
    /// Allow relative file references that leave the root document's directory.
    pub allow_external_refs: bool,
}

/// A root document with every file its references reach.
#[derive(Debug)]
pub struct Workspace {
    /// The text of every loaded file.
    pub sources: Sources,
    /// Loaded documents; the first is the root.
    pub documents: Vec<Document>,
}

impl Workspace {
    /// Loads the root document. On failure the sources are returned so the error can be shown.
    pub fn load(input: &Input, limits: &Limits) -> Result<Workspace, (Sources, LoadError)> {
        let mut sources = Sources::new();
        match load(input, &mut sources, limits) {
            Ok(doc) => Ok(Workspace {
                sources,
                documents: vec![doc],
            }),
            Err(e) => Err((sources, e)),
        }
    }

    /// The root document.
    pub fn root(&self) -> &Document {
        &self.documents[0]
    }

    /// Follows every `$ref` (loading referenced files) and reports the ones that fail.
    pub fn resolve_refs(&mut self, _limits: &Limits, _options: &RefOptions) -> Vec<Diagnostic> {
        Vec::new()
    }
}
