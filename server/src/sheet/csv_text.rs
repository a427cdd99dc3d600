//! CSV as Excel writes it: the encoding is found from a BOM or from whether the bytes are valid
//! UTF-8 (otherwise they are Windows-1258, the Vietnamese ANSI code page), the separator is
//! sniffed from the header line (`;` where the list separator is `;`, `,` or a tab otherwise).

use std::borrow::Cow;

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1258};
use tokio::sync::oneshot;

use super::{Cell, SheetError, SheetFormat, SheetInfo, SheetRow, TextEncoding};

/// Decodes the text, tells `info`, then sends each row that has something in it.
pub(super) fn read(
    bytes: &[u8],
    info: oneshot::Sender<Result<SheetInfo, SheetError>>,
    send: &mut impl FnMut(Result<SheetRow, SheetError>) -> bool,
) {
    let (text, encoding) = decode(bytes);
    let separator = sniff_separator(&text);
    let _ = info.send(Ok(SheetInfo {
        format: SheetFormat::Csv,
        encoding: Some(encoding),
        separator: Some(separator as char),
    }));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut line: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {
                line += 1;
                let cells: Vec<Cell> = record.iter().map(Cell::text).collect();
                if cells.iter().all(|c| *c == Cell::Empty) {
                    continue;
                }
                if !send(Ok(SheetRow { line, cells })) {
                    return;
                }
            }
            Err(error) => {
                let at = error.position().map_or(u64::from(line) + 1, |p| p.line());
                send(Err(SheetError::BadCsv {
                    line: at,
                    reason: error.to_string(),
                }));
                return;
            }
        }
    }
}

/// The text and the encoding it was read in.
pub(super) fn decode(bytes: &[u8]) -> (Cow<'_, str>, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest), TextEncoding::Utf8Bom);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, _) = UTF_16LE.decode_without_bom_handling(rest);
        return (text, TextEncoding::Utf16);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let (text, _) = UTF_16BE.decode_without_bom_handling(rest);
        return (text, TextEncoding::Utf16);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), TextEncoding::Utf8),
        // Vietnamese text in any other single-byte encoding is not valid UTF-8; Excel "CSV"
        // on a Vietnamese Windows writes the ANSI code page, 1258.
        Err(_) => {
            let (text, _) = WINDOWS_1258.decode_without_bom_handling(bytes);
            (text, TextEncoding::Windows1258)
        }
    }
}

/// The separator used most in the first non-empty line, outside quotes.
pub(super) fn sniff_separator(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(count) = counts.iter_mut().find(|(b, _)| *b == byte) {
            count.1 += 1;
        }
    }
    // Ties (a one-column file) go to the first: `;` is what Vietnamese Excel writes.
    let best = counts.iter().max_by_key(|(_, n)| *n).map_or(0, |(_, n)| *n);
    if best == 0 {
        return b',';
    }
    counts
        .iter()
        .find(|(_, n)| *n == best)
        .map_or(b',', |(b, _)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_found_from_the_bytes() {
        let (text, encoding) = decode("\u{feff}Tên;Giá".as_bytes());
        assert_eq!(
            (text.as_ref(), encoding),
            ("Tên;Giá", TextEncoding::Utf8Bom)
        );
        let (text, encoding) = decode("Tên;Giá".as_bytes());
        assert_eq!((text.as_ref(), encoding), ("Tên;Giá", TextEncoding::Utf8));
        // "ị" is "i" and a combining dot below (0xF2) in Windows-1258.
        let (bytes, _, _) = WINDOWS_1258.encode("Tên;Giá;Đơn vi");
        let mut bytes = bytes.into_owned();
        bytes.push(0xF2);
        let (text, encoding) = decode(&bytes);
        assert_eq!(encoding, TextEncoding::Windows1258);
        assert_eq!(text, "Tên;Giá;Đơn vi\u{323}");
        assert_eq!(Cell::text(&text), Cell::Text("Tên;Giá;Đơn vị".into()));
    }

    #[test]
    fn the_separator_is_sniffed_outside_quotes() {
        assert_eq!(sniff_separator("a;b;c\n1,5;2;3"), b';');
        assert_eq!(sniff_separator("a,b,c\n"), b',');
        assert_eq!(sniff_separator("\"a;x\",b,c\n"), b',');
        assert_eq!(sniff_separator("a\tb\n"), b'\t');
        assert_eq!(sniff_separator("sku\n"), b',');
    }
}
