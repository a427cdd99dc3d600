//! CSV files for Excel as it is set up in Vietnam: UTF-8 with a byte-order mark (so Vietnamese
//! shows right), `;` between fields (Excel's separator where the decimal mark is a comma), fields
//! quoted whenever they hold `;`, quotes or line breaks, and no cell Excel would run as a formula.

/// Excel runs cells starting with these as formulas: text typed by people (names of products,
/// producers, buyers) must not, so it is prefixed with `'`.
pub fn cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// A whole file: the header, then each row (cells already made safe with [`cell`] where they
/// carry typed text).
pub fn excel_csv<R>(header: &[&str], rows: impl IntoIterator<Item = R>) -> anyhow::Result<Vec<u8>>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(&mut out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_never_start_a_formula() {
        for (typed, safe) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+84", "'+84"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Chè Tân Cương", "Chè Tân Cương"),
        ] {
            assert_eq!(cell(typed), safe);
        }
    }

    #[test]
    fn files_open_in_excel_with_a_bom_and_semicolons() {
        let csv = excel_csv(&["Tên", "Số"], [vec!["a;b".to_owned(), "2".to_owned()]]).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text, "\u{feff}Tên;Số\n\"a;b\";2\n");
    }
}
