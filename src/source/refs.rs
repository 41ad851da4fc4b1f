//! `$ref` resolution (filled in by the reference-resolution work).
