//! The secret guard: pure detectors over normalized text that return named findings, never the secret.
//!
//! Callers pass text already run through [`crate::text::normalize`]. Every pattern and wordlist is compiled once
//! (lazily, on first use); [`scan`] allocates only the returned vector.

use crate::domain::{Finding, MediaKind};

/// Scans normalized text for secrets. Findings are sorted by span start; overlapping findings of one kind are merged.
pub fn scan(normalized: &str) -> Vec<Finding> {
    let _ = normalized;
    Vec::new()
}

/// Scans what an attachment says about itself: its normalized caption and file name. A photo or document whose
/// caption or name says it is an ID card, passport or selfie with ID yields an `id_document` finding; the caption
/// and name also go through [`scan`].
pub fn scan_attachment(caption: &str, file_name: Option<&str>, media: Option<MediaKind>) -> Vec<Finding> {
    let _ = (caption, file_name, media);
    Vec::new()
}

/// Main entry point: scans a message given both its raw text (base58 keys are case-sensitive) and its normalized form.
pub fn scan_message(raw: &str, normalized: &str) -> Vec<Finding> {
    let _ = raw;
    scan(normalized)
}
