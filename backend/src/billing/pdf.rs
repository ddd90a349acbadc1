//! A one-page A4 PDF of text and rules, which is all an invoice needs. It is set in Helvetica, one
//! of the fonts every PDF reader has (nothing is embedded, so a document weighs a few kilobytes),
//! with the WinAnsi encoding, which covers German and Spanish letters and the euro sign.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// A4 in points.
pub const WIDTH: f32 = 595.0;
/// A4 in points.
pub const HEIGHT: f32 = 842.0;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// The weight of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// Helvetica.
    Regular,
    /// Helvetica-Bold.
    Bold,
}

/// A page being written: text runs and horizontal rules, placed from the top-left corner.
pub struct Page {
    content: Content,
}

impl Default for Page {
    fn default() -> Self {
        Self::new()
    }
}

impl Page {
    /// An empty page.
    pub fn new() -> Self {
        Self { content: Content::new() }
    }

    /// `text` with its left edge at `x`, its baseline `top` points below the page's top edge.
    pub fn text(&mut self, x: f32, top: f32, size: f32, weight: Weight, text: &str) {
        let font = if weight == Weight::Bold { BOLD } else { REGULAR };
        let encoded = win_ansi(text);
        self.content.begin_text();
        self.content.set_font(font, size);
        self.content.next_line(x, HEIGHT - top);
        self.content.show(Str(&encoded));
        self.content.end_text();
    }

    /// `text` with its right edge at `right`.
    pub fn text_right(&mut self, right: f32, top: f32, size: f32, weight: Weight, text: &str) {
        self.text(right - width(text, size), top, size, weight, text);
    }

    /// A thin horizontal line from `left` to `right`, `top` points below the top edge.
    pub fn rule(&mut self, left: f32, right: f32, top: f32) {
        self.content.set_line_width(0.5);
        self.content.move_to(left, HEIGHT - top);
        self.content.line_to(right, HEIGHT - top);
        self.content.stroke();
    }

    /// The finished document, with `title` in its properties.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let (catalog, tree, page, regular, bold, content, info) =
            (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5), Ref::new(6), Ref::new(7));
        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree).kids([page]).count(1);
        let mut writer = pdf.page(page);
        writer.parent(tree).media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT)).contents(content);
        writer.resources().fonts().pair(REGULAR, regular).pair(BOLD, bold);
        writer.finish();
        for (id, name) in [(regular, Name(b"Helvetica")), (bold, Name(b"Helvetica-Bold"))] {
            pdf.type1_font(id).base_font(name).encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.stream(content, &self.content.finish());
        pdf.document_info(info).title(TextStr(title)).producer(TextStr("CaaS"));
        pdf.finish()
    }
}

/// `text` in the WinAnsi encoding (Windows-1252); a character it lacks becomes `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

/// The width of `text` in Helvetica at `size` points, for right-aligned amounts. From the font's
/// metrics for ASCII; other letters take the width of a typical lower-case letter.
pub fn width(text: &str, size: f32) -> f32 {
    let units: u32 = text.chars().map(advance).sum();
    units as f32 * size / 1000.0
}

/// Helvetica's advance width of `c` in thousandths of the font size (its AFM metrics).
fn advance(c: char) -> u32 {
    match c {
        ' ' | '!' | ',' | '.' | '/' | ':' | ';' | '[' | '\\' | ']' | 'I' | 'f' | 't' | '\u{a0}' => 278,
        '0'..='9' | '$' | '#' | '?' | '_' | '€' | '£' => 556,
        '"' => 355,
        '%' => 889,
        '&' | 'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' => 667,
        '\'' => 191,
        '(' | ')' | '-' | '`' | 'r' => 333,
        '*' => 389,
        '+' | '<' | '=' | '>' | '~' => 584,
        '@' => 1015,
        'C' | 'D' | 'H' | 'N' | 'R' | 'U' => 722,
        'F' | 'T' | 'Z' => 611,
        'G' | 'O' | 'Q' => 778,
        'J' | 'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' => 500,
        'L' => 556,
        'M' | 'm' => 833,
        'W' => 944,
        '^' => 469,
        'i' | 'j' | 'l' => 222,
        'w' => 722,
        '{' | '}' => 334,
        '|' => 260,
        _ => 556,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_and_spanish_letters_and_the_euro_sign_are_encoded() {
        assert_eq!(win_ansi("Größe 12,50 €"), b"Gr\xf6\xdfe 12,50 \x80".to_vec());
        assert_eq!(win_ansi("Año – ñ"), b"A\xf1o \x96 \xf1".to_vec());
        assert_eq!(win_ansi("漢"), b"?".to_vec());
    }

    #[test]
    fn amounts_are_measured_with_the_fonts_metrics() {
        // Every digit is 556 units wide; a comma 278.
        assert!((width("12,50", 10.0) - (4.0 * 5.56 + 2.78)).abs() < 0.001);
        assert!(width("MMMM", 10.0) > width("iiii", 10.0));
    }

    #[test]
    fn a_page_is_a_pdf_with_its_title() {
        let mut page = Page::new();
        page.text(50.0, 60.0, 18.0, Weight::Bold, "Rechnung");
        page.text_right(545.0, 80.0, 10.0, Weight::Regular, "1.234,56 €");
        page.rule(50.0, 545.0, 90.0);
        let pdf = page.finish("Rechnung DE-2026-000001");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Helvetica-Bold"), "both fonts are named");
        assert!(text.contains("WinAnsiEncoding"));
    }
}
