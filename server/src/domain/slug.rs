//! URL slugs: lowercase ASCII words joined by hyphens, made from Vietnamese names ("Chè tôm nõn" → "che-tom-non").

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

const MAX_LEN: usize = 120;

impl Slug {
    /// Accepts an existing slug as given (e.g. from a URL); it must already be canonical.
    pub fn parse(raw: &str) -> Result<Slug, String> {
        let valid = !raw.is_empty()
            && raw.len() <= MAX_LEN
            && raw.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if valid {
            Ok(Slug(raw.to_owned()))
        } else {
            Err("chỉ gồm chữ thường không dấu, số và dấu gạch ngang".into())
        }
    }

    /// Derives a slug from a name; `đ` becomes `d` and diacritics are dropped.
    pub fn from_name(name: &str) -> Result<Slug, String> {
        let mut slug = slug::slugify(name);
        if slug.len() > MAX_LEN {
            slug.truncate(MAX_LEN);
            slug = slug.trim_end_matches('-').to_owned();
        }
        Slug::parse(&slug).map_err(|_| "tên phải có ít nhất một chữ cái hoặc chữ số".into())
    }

    /// The same slug with a numeric suffix, for when the plain one is taken.
    pub fn with_suffix(&self, n: u32) -> Slug {
        Slug(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_become_plain_ascii_slugs() {
        for (name, slug) in [
            ("Chè tôm nõn", "che-tom-non"),
            ("HTX chè Hảo Đạt", "htx-che-hao-dat"),
            ("Miến dong Tài Hoan", "mien-dong-tai-hoan"),
            ("  Trà   Đinh — Tân Cương!  ", "tra-dinh-tan-cuong"),
        ] {
            assert_eq!(Slug::from_name(name).unwrap().as_str(), slug, "{name}");
        }
    }

    #[test]
    fn names_without_letters_or_digits_have_no_slug() {
        assert!(Slug::from_name("—!?").is_err());
        assert!(Slug::from_name("").is_err());
    }

    #[test]
    fn only_canonical_slugs_parse() {
        assert!(Slug::parse("che-tom-non").is_ok());
        for bad in [
            "",
            "Che",
            "che--tom",
            "-che",
            "che-",
            "chè",
            "che tom",
            &"a".repeat(121),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
    }
}
