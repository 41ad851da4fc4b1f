//! A view of a root document with its references into other files inlined, for the checks
//! that read the document as written (the OpenAPI schema check and the `openapi` lint rules).
//!
//! Those checks walk one tree; a split specification (`paths: {/a: {$ref: ./paths.yaml#/a}}`)
//! would hide everything behind the references from them. [`Workspace::inline_external`]
//! builds the tree they should see; each node keeps its own span, a span in the file it was
//! written in, and [`Inlined::place`] says which file that is and where the node sits in it.
//!
//! [`Workspace::inline_external`]: super::refs::Workspace::inline_external

use super::hash::FastMap;
use super::{FileId, Node};

/// A root document with the targets of its references into other files put in place of
/// those references (references within the root stay as written).
#[derive(Debug)]
pub struct Inlined {
    /// The view: the root document's tree with each inlined reference replaced by a copy of
    /// its target.
    pub root: Node,
    /// The root document's file.
    root_file: FileId,
    /// Each inlined subtree by its pointer in the view.
    regions: FastMap<String, Region>,
}

/// Where an inlined subtree came from.
#[derive(Debug)]
struct Region {
    /// The file its nodes were written in.
    file: FileId,
    /// The pointer of its root in that file.
    pointer: String,
    /// The file and pointer of the member whose value the reference was: the view's key of
    /// the subtree is that member's key, written where the reference is.
    holder: (FileId, String),
}

impl Inlined {
    /// A view around `root` (with `root_file`'s spans outside the regions).
    pub(crate) fn new(root: Node, root_file: FileId) -> Inlined {
        Inlined {
            root,
            root_file,
            regions: FastMap::default(),
        }
    }

    /// Records that the subtree at `view` is `pointer` of `file`, put there by a reference
    /// held by the member `holder`. A chain of references (`$ref: a.yaml`, whose root is
    /// `$ref: b.yaml`) records one region per link at the same place, innermost first: the
    /// nodes are the innermost target's, the member holding them is the outermost reference's.
    pub(crate) fn add_region(
        &mut self,
        view: String,
        file: FileId,
        pointer: String,
        holder: (FileId, String),
    ) {
        match self.regions.entry(view) {
            std::collections::hash_map::Entry::Occupied(mut inner) => {
                inner.get_mut().holder = holder
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(Region {
                    file,
                    pointer,
                    holder,
                });
            }
        }
    }

    /// How many subtrees were inlined.
    pub fn regions(&self) -> usize {
        self.regions.len()
    }

    /// The file a finding at `pointer` (a pointer in the view) is in, and its pointer in that
    /// file. With `at_key` the finding is at the member's key, which was written where the
    /// member is, also when its value was inlined from elsewhere.
    pub fn place(&self, pointer: &str, at_key: bool) -> (FileId, String) {
        if at_key && let Some(region) = self.regions.get(pointer) {
            return region.holder.clone();
        }
        // The longest inlined prefix: ancestors from the pointer itself upwards.
        let mut prefix = pointer;
        loop {
            if let Some(region) = self.regions.get(prefix) {
                let rest = &pointer[prefix.len()..];
                return (region.file, format!("{}{rest}", region.pointer));
            }
            match prefix.rsplit_once('/') {
                Some((head, _)) => prefix = head,
                None => return (self.root_file, pointer.to_owned()),
            }
        }
    }
}
