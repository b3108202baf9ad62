//! ICAO 9303 machine-readable zones: TD1 (3 × 30), TD2 (2 × 36) and TD3 (2 × 44) with their check digits.
//!
//! The guard sees lowercase text, so letters are valued case-insensitively (`a` = 10 … `z` = 35, `<` = 0).

use crate::domain::{Confidence, Finding, SecretKind};

fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The ICAO 9303 check digit of `field` (weights 7, 3, 1).
pub(crate) fn check_digit(field: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (i, &c) in field.iter().enumerate() {
        sum += value(c)? * [7, 3, 1][i % 3];
    }
    Some(b'0' + (sum % 10) as u8)
}

fn checks(field: &[u8], digit: u8) -> bool {
    // An empty optional field may carry `<` as its check digit.
    check_digit(field) == Some(digit) || (digit == b'<' && field.iter().all(|&c| c == b'<'))
}

fn date_ok(d: &[u8]) -> bool {
    if !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let m = (d[2] - b'0') * 10 + (d[3] - b'0');
    let day = (d[4] - b'0') * 10 + (d[5] - b'0');
    (1..=12).contains(&m) && (1..=31).contains(&day)
}

fn sex_ok(c: u8) -> bool {
    matches!(c, b'm' | b'f' | b'<' | b'x' | b'M' | b'F' | b'X')
}

/// TD3 line 2 (passports): number, nationality, birth, sex, expiry, personal number, composite.
pub(crate) fn td3_line2(l: &[u8]) -> bool {
    l.len() == 44
        && checks(&l[0..9], l[9])
        && date_ok(&l[13..19])
        && checks(&l[13..19], l[19])
        && sex_ok(l[20])
        && date_ok(&l[21..27])
        && checks(&l[21..27], l[27])
        && checks(&l[28..42], l[42])
        && composite(&[&l[0..10], &l[13..20], &l[21..43]], l[43])
}

/// TD2 line 2: as TD3 with a 7-character optional field.
pub(crate) fn td2_line2(l: &[u8]) -> bool {
    l.len() == 36
        && checks(&l[0..9], l[9])
        && date_ok(&l[13..19])
        && checks(&l[13..19], l[19])
        && sex_ok(l[20])
        && date_ok(&l[21..27])
        && checks(&l[21..27], l[27])
        && composite(&[&l[0..10], &l[13..20], &l[21..35]], l[35])
}

/// TD1 line 2 alone: birth and expiry dates with their check digits and a sex marker.
pub(crate) fn td1_line2(l: &[u8]) -> bool {
    l.len() == 30
        && date_ok(&l[0..6])
        && checks(&l[0..6], l[6])
        && sex_ok(l[7])
        && date_ok(&l[8..14])
        && checks(&l[8..14], l[14])
}

/// TD1 lines 1 and 2 together, with the composite check digit.
pub(crate) fn td1_pair(l1: &[u8], l2: &[u8]) -> bool {
    l1.len() == 30
        && td1_line2(l2)
        && checks(&l1[5..14], l1[14])
        && composite(&[&l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]], l2[29])
}

fn composite(parts: &[&[u8]], digit: u8) -> bool {
    let mut sum = 0u32;
    let mut i = 0;
    for p in parts {
        for &c in *p {
            let Some(v) = value(c) else { return false };
            sum += v * [7, 3, 1][i % 3];
            i += 1;
        }
    }
    digit == b'0' + (sum % 10) as u8
}

fn is_mrz_byte(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'<'
}

/// Scans for MRZ lines. Cheap exit when the text has no `<` filler.
pub(crate) fn scan(text: &str, out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    if b.len() < 30 || !b.contains(&b'<') {
        return;
    }
    // Runs of MRZ characters, as (start, end).
    let mut runs: [(usize, usize); 8] = [(0, 0); 8];
    let mut n = 0;
    let mut i = 0;
    while i < b.len() {
        if is_mrz_byte(b[i]) {
            let s = i;
            while i < b.len() && is_mrz_byte(b[i]) {
                i += 1;
            }
            if i - s >= 30 {
                if n == runs.len() {
                    runs.copy_within(1.., 0);
                    n -= 1;
                }
                runs[n] = (s, i);
                n += 1;
                check_run(b, &runs[..n], out);
            }
        } else {
            i += 1;
        }
    }
}

/// Checks the newest run (last in `runs`), alone and with the run before it.
fn check_run(b: &[u8], runs: &[(usize, usize)], out: &mut Vec<Finding>) {
    let (s, e) = runs[runs.len() - 1];
    let line = &b[s..e];
    let push = |out: &mut Vec<Finding>, rule: &'static str, s: usize, e: usize, c: Confidence| {
        out.push(Finding {
            kind: SecretKind::Mrz,
            rule,
            span: s..e,
            confidence: c,
        });
    };
    match line.len() {
        44 if td3_line2(line) => push(out, "mrz_td3", s, e, Confidence::Validated),
        36 if td2_line2(line) => push(out, "mrz_td2", s, e, Confidence::Validated),
        30 => {
            let prev = runs.len().checked_sub(2).map(|k| runs[k]);
            if let Some((ps, _)) =
                prev.filter(|&(ps, pe)| pe - ps == 30 && td1_pair(&b[ps..pe], line))
            {
                push(out, "mrz_td1", ps, e, Confidence::Validated);
            } else if td1_line2(line) {
                push(out, "mrz_td1", s, e, Confidence::Validated);
            }
        }
        // Two or three lines pasted without a break.
        88 if td3_line2(&line[44..]) => push(out, "mrz_td3", s, e, Confidence::Validated),
        72 if td2_line2(&line[36..]) => push(out, "mrz_td2", s, e, Confidence::Validated),
        90 if td1_pair(&line[0..30], &line[30..60]) => {
            push(out, "mrz_td1", s, e, Confidence::Validated)
        }
        // A name line on its own (`p<utoeriksson<<anna<maria<<<…`): alert only.
        44 | 36
            if (line[0] == b'p' || line[0] == b'i' || line[0] == b'a' || line[0] == b'c')
                && line.windows(2).any(|w| w == b"<<")
                && line[5..]
                    .iter()
                    .all(|c| c.is_ascii_lowercase() || *c == b'<') =>
        {
            push(out, "mrz_name_line", s, e, Confidence::Borderline)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_str(t: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        scan(&crate::text::normalize(t), &mut out);
        out
    }

    // ICAO 9303 part 4 specimen (Anna Maria Eriksson, Utopia).
    const TD3_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const TD3_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    // ICAO 9303 part 5 TD1 specimen.
    const TD1: [&str; 3] = [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    // ICAO 9303 part 6 TD2 specimen.
    const TD2_2: &str = "D231458907UTO7408122F1204159<<<<<<<6";

    #[test]
    fn specimens_validate() {
        assert!(td3_line2(&TD3_2.to_ascii_lowercase().into_bytes()));
        assert!(td1_pair(TD1[0].as_bytes(), TD1[1].as_bytes()));
        assert!(td2_line2(TD2_2.as_bytes()));
        let f = scan_str(&format!("{TD3_1}\n{TD3_2}"));
        assert!(
            f.iter()
                .any(|f| f.rule == "mrz_td3" && f.confidence == Confidence::Validated)
        );
        let f = scan_str(&TD1.join("\n"));
        assert!(
            f.iter()
                .any(|f| f.rule == "mrz_td1" && f.confidence == Confidence::Validated)
        );
        let f = scan_str(&format!("mrz: {TD2_2}"));
        assert!(f.iter().any(|f| f.rule == "mrz_td2"));
        let f = scan_str(&format!("{TD3_1}{TD3_2}"));
        assert!(f.iter().any(|f| f.rule == "mrz_td3"));
    }

    #[test]
    fn broken_check_digits_do_not_validate() {
        let bad = TD3_2.replace("7408122", "7408123");
        assert!(
            scan_str(&bad)
                .iter()
                .all(|f| f.confidence != Confidence::Validated)
        );
        assert!(scan_str("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<").is_empty());
        let name = scan_str(TD3_1);
        assert!(name.iter().all(|f| f.confidence == Confidence::Borderline));
    }
}
