//! Charts drawn on the server as plain SVG markup, so they show without JavaScript: the
//! curators' dashboard and a producer's sales report use the same horizontal bars.

use crate::api::CountRow;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Splits a label into lines of at most `width` characters at spaces (a longer word is cut).
pub fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.chars().take(width).collect()),
        }
    }
    lines
}

/// The chart's drawing width: about a phone's card, so text is drawn near its own size at 412 px.
pub const CHART_W: usize = 340;
/// Room kept right of the longest bar for its count: bars never reach the numbers.
pub const COUNT_W: usize = 48;
const FONT: usize = 15;
const LINE: usize = 19;
const BAR_H: usize = 16;
pub const LABEL_CHARS: usize = 36;

/// About how wide a digit of the counts is drawn (600 weight at 15 px).
const DIGIT_W: usize = 9;

/// A horizontal bar chart as plain SVG markup, drawn for a narrow screen: each label on its own
/// line(s) above its bar (wrapped, never cut short), the bar scaled to the largest count, and the
/// count just after the bar.
pub fn bar_chart_svg(title: &str, rows: &[CountRow]) -> String {
    bar_chart_svg_with(title, rows, |n| n.to_string())
}

/// [`bar_chart_svg`] with each count written by `shown` (money as `1.250.000 ₫`); the room kept
/// for the numbers grows with the longest of them.
pub fn bar_chart_svg_with(title: &str, rows: &[CountRow], shown: impl Fn(i64) -> String) -> String {
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0).max(1);
    let longest = rows
        .iter()
        .map(|r| shown(r.count).chars().count())
        .max()
        .unwrap_or(0);
    let count_w = COUNT_W.max(longest * DIGIT_W + 10).min(CHART_W / 2);
    let bar_max = (CHART_W - count_w) as i64;
    let mut body = String::new();
    let mut y = 0;
    for row in rows {
        let lines = wrap(&row.label, LABEL_CHARS);
        let width = (row.count * bar_max / max).max(1);
        body.push_str(&format!(
            r##"<g data-key="{key}" data-count="{count}"><text x="0" y="{ty}" font-size="{FONT}" fill="#1d2320">"##,
            key = escape(&row.key),
            count = row.count,
            ty = y + LINE - 4,
        ));
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0 } else { LINE };
            body.push_str(&format!(
                r#"<tspan x="0" dy="{dy}">{}</tspan>"#,
                escape(line)
            ));
        }
        body.push_str("</text>");
        let bar_y = y + lines.len().max(1) * LINE + 2;
        body.push_str(&format!(
            r##"<rect x="0" y="{bar_y}" width="{width}" height="{BAR_H}" rx="3" fill="#2e7d32"></rect><text x="{tx}" y="{ny}" font-size="{FONT}" font-weight="600" fill="#1d2320">{count}</text></g>"##,
            tx = width + 6,
            ny = bar_y + BAR_H - 3,
            count = escape(&shown(row.count)),
        ));
        y = bar_y + BAR_H + 10;
    }
    let height = y.max(LINE) + 2;
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" viewBox="0 0 {CHART_W} {height}" width="100%" role="img" aria-label="{}">{body}</svg>"#,
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_gets_room_after_its_bar() {
        let rows = vec![CountRow {
            key: "2026-12".into(),
            label: "12/2026".into(),
            count: 1_250_000,
        }];
        let svg = bar_chart_svg_with("Doanh thu", &rows, |n| format!("{n} ₫"));
        assert!(svg.contains("1250000 ₫"));
        let text = "1250000 ₫".chars().count();
        let full = CHART_W - (text * DIGIT_W + 10);
        assert!(svg.contains(&format!(r#"width="{full}""#)), "{svg}");
    }
}
