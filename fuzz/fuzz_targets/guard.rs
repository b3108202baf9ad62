//! Fuzzes the secret guard: any bytes, read as (lossy) UTF-8, through normalize and every guard entry point.
//!
//! Run (nightly toolchain, `cargo install cargo-fuzz`): `cargo +nightly fuzz run guard` from the crate root.

#![no_main]

use frontdesk::domain::MediaKind;
use frontdesk::guard;
use frontdesk::text::normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let normalized = normalize(&raw);
    let findings = guard::scan_message(&raw, &normalized);
    for f in &findings {
        // Spans must point at char boundaries inside the normalized text.
        assert!(f.span.start <= f.span.end && f.span.end <= normalized.len());
        assert!(normalized.is_char_boundary(f.span.start) && normalized.is_char_boundary(f.span.end));
    }
    assert!(findings.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    let _ = guard::scan(&normalized);
    let _ = guard::scan_attachment(&normalized, Some(&raw), Some(MediaKind::Photo));
    // A message split at every newline, through the split window.
    let mut window = guard::SplitWindow::new(120, 5);
    for (i, part) in raw.split('\n').enumerate() {
        let _ = window.push(-1, 1, i as i32, i as i64, &normalize(part));
    }
});
