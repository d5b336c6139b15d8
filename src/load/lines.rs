//! Byte offset ↔ line/column conversion for one source text.

use super::tree::Pos;

pub struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset where each line starts; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut starts = Vec::with_capacity(src.len() / 40 + 1);
        starts.push(0);
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { src, starts }
    }

    /// The position of a byte offset (clamped to the text and to a char boundary).
    pub fn pos_of(&self, byte: usize) -> Pos {
        let mut byte = byte.min(self.src.len());
        while !self.src.is_char_boundary(byte) {
            byte -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= byte) - 1;
        let col = self.src[self.starts[line]..byte].chars().count() + 1;
        Pos {
            line: line as u32 + 1,
            col: col as u32,
            byte,
        }
    }

    /// The byte offset of a 1-based line and column (clamped to the line).
    pub fn byte_of(&self, line: u32, col: u32) -> usize {
        let Some(&start) = self.starts.get(line.saturating_sub(1) as usize) else {
            return self.src.len();
        };
        let rest = &self.src[start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        start
            + line_text
                .char_indices()
                .nth(col.saturating_sub(1) as usize)
                .map(|(i, _)| i)
                .unwrap_or(line_text.len())
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        let Some(&start) = self.starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let text = self.src[start..].split('\n').next().unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

/// The position of a byte offset in bytes that are not (all) valid UTF-8: lines are counted by
/// `\n`, columns by the valid characters before the offset.
pub fn pos_in_bytes(bytes: &[u8], offset: usize) -> Pos {
    let offset = offset.min(bytes.len());
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u32
        + 1;
    Pos {
        line,
        col,
        byte: offset,
    }
}
