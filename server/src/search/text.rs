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

/// While typing (suggestions), the last word matches as a prefix from two letters: "tr" already
/// narrows to "trà", "tre"…
pub const TYPING: Option<usize> = Some(2);
/// A submitted search: two-letter words are nearly always whole syllables ("lá", "mì", "tơ"),
/// and as prefixes they would fan out to hundreds of words.
pub const SUBMITTED: Option<usize> = Some(3);

/// A `to_tsquery('simple', …)` text: every word (or a synonym of it) must match; the last word
/// also matches as a prefix when it has at least `prefix_from` letters, so that results follow
/// the typing. `None` when nothing is left.
pub fn tsquery(
    words: &[String],
    synonyms: &Synonyms,
    prefix_from: Option<usize>,
) -> Option<String> {
    let prefix_last = prefix_from.is_some();
    let prefix_from = prefix_from.unwrap_or(usize::MAX);
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
        // An alternative holding every word of a shorter one matches nothing more ("mật ong rừng"
        // within "mật ong"): dropping it spares the index a prefix expansion and a union.
        let alternatives: Vec<(usize, Vec<String>)> = alternatives
            .iter()
            .enumerate()
            .filter(|(n, phrase)| {
                !alternatives.iter().enumerate().any(|(m, other)| {
                    m != *n
                        && other.len() < phrase.len()
                        && other.iter().all(|w| phrase.contains(w))
                        // Unless this one's last word, matched as a prefix, is one of those
                        // words: "ong:*" also matches documents without "ong".
                        && !(*n == 0
                            && ends_query
                            && prefix_last
                            && phrase
                                .last()
                                .is_some_and(|last| last.len() >= prefix_from && other.contains(last)))
                })
            })
            .map(|(n, phrase)| (n, phrase.clone()))
            .collect();
        let rendered: Vec<String> = alternatives
            .iter()
            .map(|(n, phrase)| {
                let n = *n;
                let mut parts: Vec<String> = phrase.clone();
                // Prefix-match the word being typed (never single letters: they match everything).
                if n == 0
                    && ends_query
                    && prefix_last
                    && let Some(last) = parts.last_mut()
                    && last.len() >= prefix_from.max(2)
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
        let q = tsquery(&words("trà tân cương"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(tra | che) & (tan) & (cuong:*)");
        let q = tsquery(&words("mì dong bắc kạn"), &synonyms, None).unwrap();
        assert_eq!(q, "(mi & dong | mien) & (bac) & (kan)");
        // The longer phrase matches only what the shorter one does: it goes.
        let synonyms = Synonyms::new(&[
            ("mat ong".to_owned(), "mat ong rung".to_owned()),
            ("mat ong rung".to_owned(), "mat ong".to_owned()),
        ]);
        let q = tsquery(&words("mật ong rừng"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(mat & ong)");
        let q = tsquery(&words("mật ong"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(mat & ong:*)");
        // Submitted, a two-letter last word is taken whole.
        let q = tsquery(&words("rượu men lá"), &synonyms, SUBMITTED).unwrap();
        assert_eq!(q, "(ruou) & (men) & (la)");
        let q = tsquery(&words("rượu men lá rừ"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(ruou) & (men) & (la) & (ru:*)");
        let q = tsquery(&words("mật ong"), &synonyms, None).unwrap();
        assert_eq!(q, "(mat & ong)");
        assert_eq!(tsquery(&[], &synonyms, TYPING), None);
    }
}
