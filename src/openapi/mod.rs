//! OpenAPI version detection and typed access.
