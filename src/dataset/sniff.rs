//! Placeholder: content sniffing.
