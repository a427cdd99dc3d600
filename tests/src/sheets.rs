//! Spreadsheets built in the tests as people's programs write them: `.xlsx` through
//! rust_xlsxwriter (formulas with cached results included), CSV as UTF-8 with BOM or as
//! Windows-1258 (tone marks as combining characters, the way that code page stores them), and
//! ZIPs of photos; plus the multipart posts that send them.

use std::io::{Cursor, Write};

use encoding_rs::WINDOWS_1258;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use rust_xlsxwriter::{Formula, Workbook};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::TestApp;

/// A cell of a test sheet: text, a number, or a formula with the value Excel cached for it.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Number(f64),
    Formula { formula: String, cached: String },
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// An `.xlsx` with one sheet holding `rows` (the first is the header).
pub fn xlsx(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                Cell::Text(text) if text.is_empty() => {}
                Cell::Text(text) => {
                    sheet.write_string(r, c, text).expect("write");
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, *n).expect("write");
                }
                Cell::Formula { formula, cached } => {
                    sheet
                        .write_formula(r, c, Formula::new(formula).set_result(cached))
                        .expect("write");
                }
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// Text rows as an `.xlsx`.
pub fn xlsx_text(rows: &[Vec<&str>]) -> Vec<u8> {
    let rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.iter().map(|c| Cell::from(*c)).collect())
        .collect();
    xlsx(&rows)
}

/// CSV lines joined with `sep`, quoting cells that need it, CRLF as Excel ends lines.
pub fn csv_text(rows: &[Vec<&str>], sep: char) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if c.contains(sep) || c.contains('"') || c.contains('\n') {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    (*c).to_owned()
                }
            })
            .collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out
}

/// UTF-8 with a BOM, as Excel's "CSV UTF-8" writes.
pub fn csv_utf8_bom(rows: &[Vec<&str>], sep: char) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(csv_text(rows, sep).as_bytes());
    bytes
}

/// Windows-1258, as Excel's plain "CSV" writes on a Vietnamese Windows: base letters with
/// their hat or horn are single bytes, tone marks are combining characters after them.
pub fn csv_windows_1258(rows: &[Vec<&str>], sep: char) -> Vec<u8> {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let text = csv_text(rows, sep);
    let mut spelled = String::new();
    for ch in text.chars() {
        let parts: Vec<char> = ch.to_string().nfd().collect();
        let base: String = parts
            .iter()
            .filter(|c| !TONES.contains(c))
            .collect::<String>()
            .nfc()
            .collect();
        spelled.push_str(&base);
        spelled.extend(parts.iter().filter(|c| TONES.contains(c)));
    }
    let (bytes, _, unmappable) = WINDOWS_1258.encode(&spelled);
    assert!(!unmappable, "text not writable in Windows-1258: {text}");
    bytes.into_owned()
}

/// A ZIP of files.
pub fn zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in files {
        out.start_file(*name, options).expect("zip entry");
        out.write_all(bytes).expect("zip write");
    }
    out.finish().expect("zip").into_inner()
}

/// A small real JPEG of the given colour.
pub fn jpeg(rgb: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(64, 48, image::Rgb(rgb));
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
        .expect("jpeg");
    bytes
}

impl TestApp {
    /// Posts a product list (and photos) to the import API as `client`.
    pub async fn import(
        &self,
        client: &Client,
        slug: &str,
        query: &str,
        file_name: &str,
        file: Vec<u8>,
        photos: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut form = Form::new().part("file", Part::bytes(file).file_name(file_name.to_owned()));
        if let Some(photos) = photos {
            form = form.part("photos", Part::bytes(photos).file_name("anh.zip"));
        }
        let response = client
            .post(self.url(&format!("/api/v1/producers/{slug}/imports?{query}")))
            .multipart(form)
            .send()
            .await
            .expect("import posted");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}
