//! Conversions between OpenAPI documents and gateway definitions.
//!
//! [`import`] turns an OpenAPI 2.0 / 3.0 / 3.1 document with `x-apigateway-*` extensions into a
//! [`crate::model::Definition`], with provenance and diagnostics; [`yaml`] writes a definition
//! (or any JSON value) as deterministic block-style YAML. [`export`] is the inverse of import
//! (definition to OpenAPI 2.0 / 3.0 / 3.1); [`convert_oas`] converts documents between OpenAPI
//! versions, moving the extensions to their placement in the target version.

pub mod convert_oas;
pub mod export;
pub mod import;
pub mod yaml;

/// How many of `items` objects (APIs, operations) go into one parallel batch: four batches per
/// thread, so a slow batch leaves the others work, and at least 64, so a batch outweighs its
/// own setup.
pub(crate) fn batch_size(items: usize) -> usize {
    items.div_ceil(4 * rayon::current_num_threads()).max(64)
}
