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
    fn prices_are_grouped_with_dots_and_carry_the_dong_sign() {
        assert_eq!(vnd("250000"), "250.000 ₫");
        assert_eq!(vnd("1250000"), "1.250.000 ₫");
        assert_eq!(vnd("999"), "999 ₫");
        assert_eq!(vnd("0"), "0 ₫");
        assert_eq!(vnd("45000.00"), "45.000 ₫");
    }
}
