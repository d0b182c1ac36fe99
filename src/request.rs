//! Placeholder: request validation.
