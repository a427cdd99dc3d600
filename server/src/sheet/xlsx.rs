//! `.xlsx` through calamine's cell reader: the first sheet, cell by cell, in row order, so rows go
//! out as they are completed. Formula cells hold the value Excel computed when it saved the
//! file; we read that value and never evaluate anything.

use std::io::Cursor;

use bytes::Bytes;
use calamine::{DataRef, Reader, Xlsx};
use tokio::sync::oneshot;

use super::{Cell, SheetError, SheetFormat, SheetInfo, SheetRow};

pub(super) fn read(
    bytes: Bytes,
    info: oneshot::Sender<Result<SheetInfo, SheetError>>,
    send: &mut impl FnMut(Result<SheetRow, SheetError>) -> bool,
) {
    let mut workbook = match Xlsx::new(Cursor::new(bytes)) {
        Ok(workbook) => workbook,
        Err(error) => {
            let _ = info.send(Err(corrupt(error)));
            return;
        }
    };
    let Some(first) = workbook.sheet_names().first().cloned() else {
        let _ = info.send(Err(SheetError::Empty));
        return;
    };
    let mut cells = match workbook.worksheet_cells_reader(&first) {
        Ok(reader) => reader,
        Err(error) => {
            let _ = info.send(Err(corrupt(error)));
            return;
        }
    };
    let _ = info.send(Ok(SheetInfo {
        format: SheetFormat::Xlsx,
        encoding: None,
        separator: None,
    }));
    let mut current: Option<SheetRow> = None;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(error) => {
                send(Err(corrupt(error)));
                return;
            }
        };
        let (row, column) = cell.get_position();
        let value = value(cell.get_value());
        if value == Cell::Empty {
            continue;
        }
        let line = row + 1;
        if current.as_ref().is_some_and(|r| r.line != line) {
            let done = current.take().expect("a row in progress");
            if !send(Ok(done)) {
                return;
            }
        }
        let row = current.get_or_insert_with(|| SheetRow {
            line,
            cells: Vec::new(),
        });
        let at = column as usize;
        if row.cells.len() <= at {
            // A sheet's columns are few; a cell far to the right is a mistake, kept bounded.
            if at > 1000 {
                continue;
            }
            row.cells.resize(at + 1, Cell::Empty);
        }
        row.cells[at] = value;
    }
    if let Some(row) = current {
        send(Ok(row));
    }
}

fn corrupt(error: calamine::XlsxError) -> SheetError {
    SheetError::Corrupt(error.to_string())
}

/// A cell as text: whole numbers without a decimal point (a price typed as a number is
/// `250000`, not `250000.0`), dates and times as Excel's serial number.
fn value(data: &DataRef<'_>) -> Cell {
    match data {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::text(s),
        DataRef::SharedString(s) => Cell::text(s),
        DataRef::Int(i) => Cell::Text(i.to_string()),
        DataRef::Float(f) => Cell::Text(number(*f)),
        DataRef::DateTime(d) => Cell::Text(number(d.as_f64())),
        DataRef::Bool(b) => Cell::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        DataRef::Error(e) => Cell::Broken(e.to_string()),
    }
}

fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        // Shortest text that reads back as the same number: 2.5, 0.1.
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_typed_them() {
        assert_eq!(number(250000.0), "250000");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-3.0), "-3");
    }
}
