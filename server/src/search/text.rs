//! Query text: Vietnamese folded to plain words (lower case, no diacritics, đ → d, as Postgres's
//! `f_unaccent(lower(…))` folds documents), synonyms expanded, and a safe `tsquery` built from them.

use std::collections::HashMap;

/// Folded words of a text: "Trà Tân Cương" → ["tra", "tan", "cuong"]. Only `[a-z0-9]` survive,
/// which is what makes the `tsquery` built from them safe to pass as text.
pub fn words(text: &str) -> Vec<String> {
    slug::slugify(text)
        .split('-')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Synonym phrases (folded, space-separated) keyed by the words of a phrase.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    map: HashMap<Vec<String>, Vec<Vec<String>>>,
    longest: usize,
}

impl Synonyms {
    /// From `(term, synonym)` rows; each direction is a row of its own.
    pub fn new(pairs: &[(String, String)]) -> Synonyms {
        let mut synonyms = Synonyms::default();
        for (term, synonym) in pairs {
            let key = words(term);
            synonyms.longest = synonyms.longest.max(key.len());
            synonyms.map.entry(key).or_default().push(words(synonym));
        }
        synonyms
    }

    /// The pairs as Meilisearch wants them: each phrase to its alternatives.
    pub fn as_map(&self) -> HashMap<String, Vec<String>> {
        self.map
            .iter()
            .map(|(key, alts)| (key.join(" "), alts.iter().map(|a| a.join(" ")).collect()))
            .collect()
    }
}

/// A `to_tsquery('simple', …)` text: every word (or a synonym of it) must match; the last word
/// also matches as a prefix so that results follow the typing. `None` when nothing is left.
pub fn tsquery(words: &[String], synonyms: &Synonyms, prefix_last: bool) -> Option<String> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut taken = 1;
        let mut alternatives: Vec<Vec<String>> = vec![vec![words[i].clone()]];
        for len in (1..=synonyms.longest.min(words.len() - i)).rev() {
            if let Some(alts) = synonyms.map.get(&words[i..i + len]) {
                taken = len;
                alternatives = std::iter::once(words[i..i + len].to_vec())
                    .chain(alts.iter().cloned())
                    .collect();
                break;
            }
        }
        let ends_query = i + taken == words.len();
        let rendered: Vec<String> = alternatives
            .iter()
            .enumerate()
            .map(|(n, phrase)| {
                let mut parts: Vec<String> = phrase.clone();
                // Prefix-match the word being typed (not single letters, which match everything).
                if n == 0
                    && ends_query
                    && prefix_last
                    && let Some(last) = parts.last_mut()
                    && last.len() >= 2
                {
                    last.push_str(":*");
                }
                // `&`, not the phrase operator `<->`: GIN answers `&` alone, while phrases make
                // Postgres re-read every candidate's positions (half a second for "bắc kạn").
                parts.join(" & ")
            })
            .collect();
        groups.push(format!("({})", rendered.join(" | ")));
        i += taken;
    }
    (!groups.is_empty()).then(|| groups.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs() -> Vec<(String, String)> {
        [
            ("che", "tra"),
            ("tra", "che"),
            ("mien", "mi dong"),
            ("mi dong", "mien"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
    }

    #[test]
    fn vietnamese_folds_to_plain_words() {
        assert_eq!(words("Trà Tân Cương"), ["tra", "tan", "cuong"]);
        assert_eq!(words("Đại Từ, Bắc Kạn!"), ["dai", "tu", "bac", "kan"]);
        assert_eq!(words("  ' & | ! :* "), Vec::<String>::new());
    }

    #[test]
    fn synonyms_and_prefixes_shape_the_query() {
        let synonyms = Synonyms::new(&pairs());
        let q = tsquery(&words("trà tân cương"), &synonyms, true).unwrap();
        assert_eq!(q, "(tra | che) & (tan) & (cuong:*)");
        let q = tsquery(&words("mì dong bắc kạn"), &synonyms, false).unwrap();
        assert_eq!(q, "(mi & dong | mien) & (bac) & (kan)");
        assert_eq!(tsquery(&[], &synonyms, true), None);
    }
}
