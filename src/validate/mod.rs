//! Placeholder: upload validation.
pub mod content;
pub mod filename;
pub mod formula;
pub mod secrets;
