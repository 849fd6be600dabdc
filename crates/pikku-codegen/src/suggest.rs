//! "Did you mean …?" for a mistyped name: the candidate that differs by a few letters, or that
//! the name abbreviates (`srcDir` → `srcDirectories`), ignoring case.

/// The closest candidate to `word`, if one is close enough to be what was meant.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'c str)> = None;
    for &candidate in candidates {
        let other = candidate.to_lowercase();
        let distance = if other == lower {
            0
        } else if lower.chars().count() >= 3 && other.starts_with(&lower) {
            1
        } else {
            edit_distance(&lower, &other)
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance (insertions, deletions, substitutions), by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_and_abbreviations() {
        let keys = [
            "srcDirectories",
            "outDir",
            "clientFile",
            "openapi",
            "openAPI",
        ];
        assert_eq!(did_you_mean("srcDir", &keys), Some("srcDirectories"));
        assert_eq!(did_you_mean("outdir", &keys), Some("outDir"));
        assert_eq!(did_you_mean("ouDir", &keys), Some("outDir"));
        assert_eq!(did_you_mean("clientFiel", &keys), Some("clientFile"));
        assert_eq!(did_you_mean("openApi", &keys), Some("openapi"));
        assert_eq!(did_you_mean("database", &keys), None);
        assert_eq!(did_you_mean("x", &keys), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("wach", "watch"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
