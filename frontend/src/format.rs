//! The one place that renders money and counts for people: `250.000 ₫`.

/// Groups thousands with dots, as Vietnamese writes them: 1250000 → "1.250.000".
pub fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// A VND amount given as the API's decimal string ("250000") → "250.000 ₫".
/// VND has no minor unit, so any fraction is dropped rather than shown.
pub fn vnd(amount: &str) -> String {
    let whole = amount.split('.').next().unwrap_or(amount);
    match whole.parse::<u64>() {
        Ok(value) => format!("{} ₫", group_thousands(value)),
        Err(_) => format!("{amount} ₫"),
    }
}

/// Spaces that phones and word processors put between thousands (plain, no-break, narrow).
pub const GROUP_SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Reads an amount of đồng as Vietnamese (and English) write it — `250000`, `250.000`,
/// `250,000`, `250 000`, with or without `₫`, `đ`, `đồng` or `VND` after it — into plain
/// decimal text (`"250000"`), or `None` when it is not money. The server parses prices and
/// price filters with this rule, and the product form echoes the amount with it as one types.
///
/// VND has no minor unit, so a dot or comma followed by exactly three digits can only group
/// thousands: that is the reading `250.000` needs, and it never loses a real price. Any other
/// dot or comma is a decimal mark (`45000.00` → 45000.00; `1.5` stays 1.5, which a price
/// refuses). A leading minus is kept, so that a caller can say "must be above zero" rather
/// than "not a number".
pub fn plain_dong(raw: &str) -> Option<String> {
    let mut text = raw.trim();
    for suffix in ["vnđ", "vnd", "đồng", "₫", "đ"] {
        // Upper and lower case of these letters take the same bytes, so the cut is the same.
        let Some(cut) = text.len().checked_sub(suffix.len()) else {
            continue;
        };
        if text.is_char_boundary(cut) && text[cut..].to_lowercase() == suffix {
            text = text[..cut].trim_end();
            break;
        }
    }
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", text),
    };
    let (whole, fraction) = split_grouped(digits)?;
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

/// Splits `1.234.567,89`-like text into its whole digits and fraction digits, or `None` when it
/// is not a number written with one grouping mark and at most one decimal mark.
fn split_grouped(text: &str) -> Option<(String, String)> {
    let mut runs: Vec<&str> = Vec::new();
    let mut marks: Vec<char> = Vec::new();
    let mut start = 0;
    for (at, ch) in text.char_indices() {
        if ch.is_ascii_digit() {
            continue;
        }
        if !(ch == '.' || ch == ',' || GROUP_SPACES.contains(&ch)) {
            return None;
        }
        runs.push(&text[start..at]);
        marks.push(ch);
        start = at + ch.len_utf8();
    }
    runs.push(&text[start..]);
    if runs.iter().any(|run| run.is_empty()) {
        return None;
    }
    let grouped = |runs: &[&str], marks: &[char]| {
        marks.windows(2).all(|pair| pair[0] == pair[1])
            && runs[0].len() <= 3
            && runs[1..].iter().all(|run| run.len() == 3)
    };
    let Some(&last) = marks.last() else {
        return Some((text.to_owned(), String::new()));
    };
    // Spaces only ever group; a dot or comma groups when every group after it has three digits.
    let (whole_runs, whole_marks, fraction) =
        if GROUP_SPACES.contains(&last) || grouped(&runs, &marks) {
            (&runs[..], &marks[..], "")
        } else {
            // The last mark is a decimal mark: what comes before it must be grouped another way.
            let n = runs.len() - 1;
            if marks[..n - 1].contains(&last) {
                return None;
            }
            (&runs[..n], &marks[..n - 1], runs[n])
        };
    if whole_runs.len() > 1 && !grouped(whole_runs, whole_marks) {
        return None;
    }
    Some((whole_runs.concat(), fraction.to_owned()))
}

/// Reads a typed quantity into plain decimal text, or `None`: spaces may group thousands
/// (`1 000`), and one dot or comma is the decimal mark (`2,5` kg as Vietnamese write it, `2.5`,
/// or the API's own `2.000` for 2 kg). Unlike money, `1.000` is not read as a thousand: stock
/// keeps three decimals, so that is how the API itself writes 1 kg, and for kg or litres
/// `1.500` is a real amount. The product form echoes the amount it read, so a slip shows.
pub fn plain_quantity(raw: &str) -> Option<String> {
    let text = raw.trim();
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", text),
    };
    let (whole, fraction) = match text.find(['.', ',']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = |run: &str| !run.is_empty() && run.bytes().all(|b| b.is_ascii_digit());
    let groups: Vec<&str> = whole.split(GROUP_SPACES).collect();
    let whole_ok = groups.iter().all(|g| digits(g))
        && (groups.len() == 1
            || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    if !whole_ok || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    Some(match fraction {
        Some(f) => format!("{sign}{}.{f}", groups.concat()),
        None => format!("{sign}{}", groups.concat()),
    })
}

/// A stored quantity (`"2.500"`, three decimals from the API) as Vietnamese write it: `2,5`;
/// whole amounts lose their zeros (`"25.000"` → `25`). Anything else is shown as is.
pub fn quantity_vi(amount: &str) -> String {
    match amount.split_once('.') {
        Some((whole, fraction)) if whole.bytes().all(|b| b.is_ascii_digit()) => {
            match fraction.trim_end_matches('0') {
                "" => whole.to_owned(),
                kept => format!("{whole},{kept}"),
            }
        }
        _ => amount.to_owned(),
    }
}

/// An API date (`2025-12-31`) as Vietnamese write it: `31/12/2025`. Anything else is shown as is.
pub fn date_vi(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_day_month_year() {
        assert_eq!(date_vi("2025-12-31"), "31/12/2025");
        assert_eq!(date_vi("soon"), "soon");
    }

    #[test]
    fn typed_money_reads_into_plain_digits() {
        assert_eq!(plain_dong("250.000 ₫").as_deref(), Some("250000"));
        assert_eq!(plain_dong("1 250 000đ").as_deref(), Some("1250000"));
        assert_eq!(plain_dong("45000.00").as_deref(), Some("45000.00"));
        assert_eq!(plain_dong("-5").as_deref(), Some("-5"));
        assert_eq!(plain_dong("abc"), None);
        assert_eq!(plain_dong(""), None);
    }

    #[test]
    fn quantities_drop_stored_zeros_and_use_a_decimal_comma() {
        assert_eq!(quantity_vi("25.000"), "25");
        assert_eq!(quantity_vi("2.500"), "2,5");
        assert_eq!(quantity_vi("7"), "7");
    }

    #[test]
    fn prices_are_grouped_with_dots_and_carry_the_dong_sign() {
        assert_eq!(vnd("250000"), "250.000 ₫");
        assert_eq!(vnd("1250000"), "1.250.000 ₫");
        assert_eq!(vnd("999"), "999 ₫");
        assert_eq!(vnd("0"), "0 ₫");
        assert_eq!(vnd("45000.00"), "45.000 ₫");
    }
}

/// Vietnamese dictionary order for labels: letters by the Vietnamese alphabet (a ă â b c d đ e ê
/// … ư v x y, so "Đại Từ" follows every "D…"), then tones (none, huyền, hỏi, ngã, sắc, nặng) only
/// to break ties. Case is ignored. Sort with `sort_by_key(|l| vi_sort_key(l))`.
pub fn vi_sort_key(label: &str) -> (Vec<u32>, Vec<u8>) {
    const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";
    // Each vowel with its tones, in the order above.
    const TONED: [&str; 12] = [
        "aàảãáạ",
        "ăằẳẵắặ",
        "âầẩẫấậ",
        "eèẻẽéẹ",
        "êềểễếệ",
        "iìỉĩíị",
        "oòỏõóọ",
        "ôồổỗốộ",
        "ơờởỡớợ",
        "uùủũúụ",
        "ưừửữứự",
        "yỳỷỹýỵ",
    ];
    let mut letters = Vec::new();
    let mut tones = Vec::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        let (base, tone) = TONED
            .iter()
            .find_map(|row| {
                row.chars()
                    .position(|t| t == c)
                    .map(|tone| (row.chars().next().unwrap_or(c), tone as u8))
            })
            .unwrap_or((c, 0));
        let rank = match ALPHABET.chars().position(|a| a == base) {
            // Letters after digits, spaces and punctuation (which keep their code order).
            Some(i) => 0x1_0000 + i as u32,
            None => base as u32,
        };
        letters.push(rank);
        tones.push(tone);
    }
    (letters, tones)
}

#[cfg(test)]
mod vi_order_tests {
    use super::vi_sort_key;

    #[test]
    fn vietnamese_letters_and_tones_sort_as_in_a_dictionary() {
        let mut names = vec![
            "Đồng Hỷ",
            "Yên Bình",
            "Dân Tiến",
            "Ắc",
            "Bá Xuyên",
            "An Khánh",
            "Đại Từ",
        ];
        names.sort_by_key(|n| vi_sort_key(n));
        assert_eq!(
            names,
            [
                "An Khánh",
                "Ắc",
                "Bá Xuyên",
                "Dân Tiến",
                "Đại Từ",
                "Đồng Hỷ",
                "Yên Bình"
            ]
        );
        let mut tones = vec!["má", "mà", "ma", "mạ"];
        tones.sort_by_key(|n| vi_sort_key(n));
        assert_eq!(tones, ["ma", "mà", "má", "mạ"]);
    }
}
