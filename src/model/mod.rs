//! Gateway object model.
