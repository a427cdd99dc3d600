//! Spreadsheets as people send them: an `.xlsx` from Excel (read by calamine: a formula cell gives
//! the value Excel cached, nothing is ever evaluated) or a `.csv` as Excel writes it on a
//! Vietnamese Windows (UTF-8 with or without BOM, or Windows-1258; `;` or `,` between cells).
//! Rows are streamed: a blocking thread reads them and hands them over a bounded channel, so a
//! 100,000-row file is never held as rows in memory. Nothing here knows what the columns mean.

mod csv_text;
mod xlsx;

use std::fmt;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// How many rows may wait between the reading thread and the importer.
const ROWS_IN_FLIGHT: usize = 1024;

/// What kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

impl SheetFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "xlsx",
            SheetFormat::Csv => "csv",
        }
    }
}

/// The text encoding a CSV was read in (an `.xlsx` is always UTF-8 inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8Bom,
    Utf8,
    Utf16,
    Windows1258,
}

impl TextEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf8Bom => "utf-8-bom",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16 => "utf-16",
            TextEncoding::Windows1258 => "windows-1258",
        }
    }

    /// How the preview names it for people.
    pub fn label_vi(self) -> &'static str {
        match self {
            TextEncoding::Utf8Bom => "UTF-8 (có BOM)",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "Unicode (UTF-16)",
            TextEncoding::Windows1258 => "Windows-1258 (tiếng Việt, Excel cũ)",
        }
    }
}

/// What was found out about a file before its rows are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetInfo {
    pub format: SheetFormat,
    pub encoding: Option<TextEncoding>,
    /// The CSV separator that was sniffed.
    pub separator: Option<char>,
}

/// A file that cannot be read as a spreadsheet at all (messages in Vietnamese, for the person).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("tệp trống")]
    Empty,
    #[error("tệp không phải bảng tính: hãy gửi tệp .xlsx hoặc .csv")]
    NotASpreadsheet,
    #[error(
        "tệp .xls (Excel 97–2003) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dạng .xlsx hoặc CSV"
    )]
    OldExcel,
    #[error("không đọc được tệp .xlsx (tệp hỏng hoặc không đầy đủ): {0}")]
    Corrupt(String),
    #[error("không đọc được dòng {line} của tệp CSV: {reason}")]
    BadCsv { line: u64, reason: String },
}

/// One cell as read: text (trimmed, Unicode NFC), nothing, or a cell Excel itself marks broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A formula whose cached value is an error (`#REF!`, `#DIV/0!`…).
    Broken(String),
}

impl Cell {
    /// Trimmed text in composed form: Windows-1258 writes most tone marks as combining
    /// characters, and "Chè" must compare equal however it was typed.
    pub fn text(raw: &str) -> Cell {
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if trimmed.is_empty() {
            Cell::Empty
        } else if is_nfc_quick(trimmed.chars()) == IsNormalized::Yes {
            Cell::Text(trimmed.to_owned())
        } else {
            Cell::Text(trimmed.nfc().collect())
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(text) => f.write_str(text),
            Cell::Broken(what) => f.write_str(what),
        }
    }
}

/// A row that has at least one non-empty cell; `line` is its row number as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub line: u32,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    pub fn cell(&self, at: usize) -> &Cell {
        self.cells.get(at).unwrap_or(&Cell::Empty)
    }
}

/// A file's rows arriving from the reading thread; an error ends them.
pub struct Rows {
    pub info: SheetInfo,
    receiver: mpsc::Receiver<Result<SheetRow, SheetError>>,
}

impl Rows {
    pub async fn next(&mut self) -> Option<Result<SheetRow, SheetError>> {
        self.receiver.recv().await
    }
}

/// Recognises the file by its bytes, then reads its first sheet's rows on a blocking thread.
pub async fn stream(bytes: Bytes) -> Result<Rows, SheetError> {
    let (info_tx, info_rx) = oneshot::channel();
    let (rows_tx, receiver) = mpsc::channel(ROWS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let send = |row: Result<SheetRow, SheetError>| rows_tx.blocking_send(row).is_ok();
        read_blocking(bytes, info_tx, send);
    });
    let info = info_rx
        .await
        .map_err(|_| SheetError::Corrupt("đọc tệp bị gián đoạn".into()))??;
    Ok(Rows { info, receiver })
}

/// Reads the whole file on this thread, telling `info` first, then each row to `send` (which
/// answers false when nobody listens any more).
fn read_blocking(
    bytes: Bytes,
    info: oneshot::Sender<Result<SheetInfo, SheetError>>,
    mut send: impl FnMut(Result<SheetRow, SheetError>) -> bool,
) {
    match sniff(&bytes) {
        Err(error) => {
            let _ = info.send(Err(error));
        }
        Ok(SheetFormat::Xlsx) => xlsx::read(bytes, info, &mut send),
        Ok(SheetFormat::Csv) => csv_text::read(&bytes, info, &mut send),
    }
}

/// Tells an `.xlsx` from CSV text, and both from anything else, by the bytes alone.
fn sniff(bytes: &[u8]) -> Result<SheetFormat, SheetError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SheetError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(SheetFormat::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(SheetError::OldExcel);
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let head = &bytes[..bytes.len().min(8192)];
    // Text never holds NUL or most control bytes; images, PDFs and archives do.
    let binary = head
        .iter()
        .any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)));
    let known_binary = [
        &b"%PDF"[..],
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF8",
        b"RIFF",
        b"\x1F\x8B",
    ]
    .iter()
    .any(|magic| bytes.starts_with(magic));
    if known_binary || (binary && !utf16) {
        return Err(SheetError::NotASpreadsheet);
    }
    Ok(SheetFormat::Csv)
}

/// Reads every row of a file into memory: for small files (tests, annexes), not product lists.
pub async fn read_all(bytes: Bytes) -> Result<(SheetInfo, Vec<SheetRow>), SheetError> {
    let mut rows = stream(bytes).await?;
    let mut all = Vec::new();
    while let Some(row) = rows.next().await {
        all.push(row?);
    }
    Ok((rows.info, all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_their_bytes() {
        assert_eq!(sniff(b""), Err(SheetError::Empty));
        assert_eq!(sniff(b"  \r\n"), Err(SheetError::Empty));
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(SheetFormat::Xlsx));
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0xls"), Err(SheetError::OldExcel));
        assert_eq!(sniff(b"%PDF-1.4"), Err(SheetError::NotASpreadsheet));
        assert_eq!(sniff(b"\x89PNG\r\n"), Err(SheetError::NotASpreadsheet));
        assert_eq!(sniff(b"abc\x00def"), Err(SheetError::NotASpreadsheet));
        assert_eq!(sniff("tên;giá\n".as_bytes()), Ok(SheetFormat::Csv));
        assert_eq!(sniff(b"\xFF\xFEt\x00"), Ok(SheetFormat::Csv));
    }

    #[test]
    fn cells_are_trimmed_and_composed() {
        // "Chè" with a combining grave accent, as Windows-1258 writes it.
        assert_eq!(Cell::text(" Che\u{300} "), Cell::Text("Chè".into()));
        assert_eq!(Cell::text("   "), Cell::Empty);
    }
}
