//! Cases, their evidence and their append-only event log.

/// A case as stored.
#[derive(Clone, Debug)]
pub struct CaseRow {
    /// Row id.
    pub id: i64,
    /// Readable code.
    pub code: String,
}

/// An evidence item as stored.
#[derive(Clone, Debug)]
pub struct EvidenceRow {
    /// Kind name.
    pub kind: String,
}

/// One audit event.
#[derive(Clone, Debug)]
pub struct EventRow {
    /// Event kind.
    pub kind: String,
}
