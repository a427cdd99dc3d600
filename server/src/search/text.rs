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

/// The query's words in groups, each with its alternatives: the words as typed first, then the
/// synonyms of the longest synonym phrase starting there ("mì dong" → ["mi dong", "mien"]).
fn groups(words: &[String], synonyms: &Synonyms) -> Vec<Vec<Vec<String>>> {
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
        groups.push(alternatives);
        i += taken;
    }
    groups
}

/// Whether each word is part of a synonym phrase of the query ("cạn" in "bắc cạn"): such a word
/// is an exact alias, never a typo to correct into something else.
pub fn in_synonym(words: &[String], synonyms: &Synonyms) -> Vec<bool> {
    let mut out = Vec::with_capacity(words.len());
    for group in groups(words, synonyms) {
        let aliased = group.len() > 1;
        out.extend(std::iter::repeat_n(aliased, group[0].len()));
    }
    out
}

/// Aliases this short are whole words when typed: "cạn" ending "bắc cạn" is the old spelling of
/// "Bắc Kạn", and as a prefix it would let "canh" outrank it.
const WHOLE_ALIAS_LEN: usize = 3;

/// Whether the query's last word also matches as a prefix (both engines follow this): when it has
/// at least `prefix_from` letters (never one: a letter matches everything), unless it is a short
/// word ending a synonym phrase, which was typed whole.
pub fn prefix_last(words: &[String], synonyms: &Synonyms, prefix_from: Option<usize>) -> bool {
    let Some((last, from)) = words.last().zip(prefix_from) else {
        return false;
    };
    let short_alias = last.len() <= WHOLE_ALIAS_LEN
        && in_synonym(words, synonyms).last().copied().unwrap_or(false);
    last.len() >= from.max(2) && !short_alias
}

/// A `to_tsquery('simple', …)` text: every word (or a synonym of it) must match; the last word
/// also matches as a prefix as [`prefix_last`] says, so that results follow the typing. `None`
/// when nothing is left.
pub fn tsquery(
    words: &[String],
    synonyms: &Synonyms,
    prefix_from: Option<usize>,
) -> Option<String> {
    let prefix_last = prefix_last(words, synonyms, prefix_from);
    let groups = groups(words, synonyms);
    let last_group = groups.len().saturating_sub(1);
    let mut rendered_groups = Vec::with_capacity(groups.len());
    for (g, alternatives) in groups.iter().enumerate() {
        let ends_query = g == last_group;
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
                            && phrase.last().is_some_and(|last| other.contains(last)))
                })
            })
            .map(|(n, phrase)| (n, phrase.clone()))
            .collect();
        let rendered: Vec<String> = alternatives
            .iter()
            .map(|(n, phrase)| {
                let n = *n;
                let mut parts: Vec<String> = phrase.clone();
                // Prefix-match the word being typed.
                if n == 0
                    && ends_query
                    && prefix_last
                    && let Some(last) = parts.last_mut()
                {
                    last.push_str(":*");
                }
                // `&`, not the phrase operator `<->`: GIN answers `&` alone, while phrases make
                // Postgres re-read every candidate's positions (half a second for "bắc kạn").
                parts.join(" & ")
            })
            .collect();
        rendered_groups.push(format!("({})", rendered.join(" | ")));
    }
    (!rendered_groups.is_empty()).then(|| rendered_groups.join(" & "))
}

/// Phrases spelled out from synonym choices, at most this many ("chè" ↔ "trà" in a query of
/// three aliased words already makes eight).
const MAX_PHRASES: usize = 16;

/// What relevance compares a product's folded name with (see the README's ranking policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameQuery {
    /// The query as whole names: the words typed, and each spelling with synonyms swapped in.
    pub phrases: Vec<String>,
    /// Regular expressions over a folded name: every word of one phrase, in order, other words
    /// allowed between them; the last one as a prefix when the query matches it so.
    pub in_order: Vec<String>,
}

/// The [`NameQuery`] of a query's words; `prefix_from` as for [`tsquery`].
pub fn name_query(words: &[String], synonyms: &Synonyms, prefix_from: Option<usize>) -> NameQuery {
    let mut phrases: Vec<Vec<String>> = vec![vec![]];
    for alternatives in groups(words, synonyms) {
        let mut next = Vec::new();
        for phrase in &phrases {
            for alternative in &alternatives {
                if next.len() < MAX_PHRASES {
                    next.push(phrase.iter().chain(alternative).cloned().collect());
                }
            }
        }
        phrases = next;
    }
    let prefix_last = prefix_last(words, synonyms, prefix_from);
    let in_order = phrases
        .iter()
        .filter(|phrase| !phrase.is_empty())
        .map(|phrase| {
            // Words are `[a-z0-9]+` (see `words`): nothing in them is special to a regex.
            let mut regex = format!("(^| ){}", phrase.join("( .*)? "));
            // The prefix applies to the word as typed; a synonym stands whole.
            if !(prefix_last && phrase.last() == words.last()) {
                regex.push_str("( |$)");
            }
            regex
        })
        .collect();
    NameQuery {
        phrases: phrases
            .into_iter()
            .filter(|phrase| !phrase.is_empty())
            .map(|phrase| phrase.join(" "))
            .collect(),
        in_order,
    }
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
        // "ong" ends the synonym phrase "mật ong": a short alias, typed whole.
        let q = tsquery(&words("mật ong"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(mat & ong)");
        // Submitted, a two-letter last word is taken whole.
        let q = tsquery(&words("rượu men lá"), &synonyms, SUBMITTED).unwrap();
        assert_eq!(q, "(ruou) & (men) & (la)");
        let q = tsquery(&words("rượu men lá rừ"), &synonyms, TYPING).unwrap();
        assert_eq!(q, "(ruou) & (men) & (la) & (ru:*)");
        let q = tsquery(&words("mật ong"), &synonyms, None).unwrap();
        assert_eq!(q, "(mat & ong)");
        assert_eq!(tsquery(&[], &synonyms, TYPING), None);
    }

    #[test]
    fn names_are_compared_with_every_spelling_of_the_query() {
        let synonyms = Synonyms::new(&[
            ("che".to_owned(), "tra".to_owned()),
            ("tra".to_owned(), "che".to_owned()),
            ("bac kan".to_owned(), "bac can".to_owned()),
            ("bac can".to_owned(), "bac kan".to_owned()),
        ]);
        let q = name_query(&words("trà hoa vàng bắc cạn"), &synonyms, SUBMITTED);
        assert_eq!(
            q.phrases,
            [
                "tra hoa vang bac can",
                "tra hoa vang bac kan",
                "che hoa vang bac can",
                "che hoa vang bac kan"
            ]
        );
        assert_eq!(
            q.in_order[1],
            "(^| )tra( .*)? hoa( .*)? vang( .*)? bac( .*)? kan( |$)"
        );
        // The word as typed is a prefix; its synonym is whole.
        let q = name_query(&words("chè đinh tân cươ"), &synonyms, SUBMITTED);
        assert_eq!(q.in_order[0], "(^| )che( .*)? dinh( .*)? tan( .*)? cuo");
        let q = name_query(&words("tân chè"), &synonyms, SUBMITTED);
        assert_eq!(q.in_order[1], "(^| )tan( .*)? tra( |$)");
        assert_eq!(
            in_synonym(&words("trà bắc cạn"), &synonyms),
            [true, true, true]
        );
        assert_eq!(
            in_synonym(&words("hoa bắc cạn"), &synonyms),
            [false, true, true]
        );
        assert_eq!(
            name_query(&[], &synonyms, SUBMITTED).phrases,
            Vec::<String>::new()
        );
        // A short alias typed whole is not a prefix ("cạn" must not reach "canh"); while it is
        // still being typed, or when it is no alias, the last word is.
        let typed = words("trà hoa vàng bắc cạn");
        assert!(!prefix_last(&typed, &synonyms, SUBMITTED));
        assert_eq!(
            tsquery(&typed, &synonyms, SUBMITTED).unwrap(),
            "(tra | che) & (hoa) & (vang) & (bac & can | bac & kan)"
        );
        assert!(name_query(&typed, &synonyms, SUBMITTED).in_order[0].ends_with("can( |$)"));
        assert!(prefix_last(&words("hoa vàng bắc cạ"), &synonyms, TYPING));
        assert!(prefix_last(&words("hoa vàng cạn"), &synonyms, SUBMITTED));
        assert!(!prefix_last(&words("hoa vàng cạ"), &synonyms, SUBMITTED));
    }
}
