//! Placeholder: text normalization for matching.
