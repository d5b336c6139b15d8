//! Source positions shared by every stage.

/// A position in a source file: 1-based line, 1-based column in Unicode scalar values (what
/// editors, rustc and SARIF's `unicodeCodePoints` column kind count), and the byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
    pub byte: usize,
}

/// A half-open source range `[start, end)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.start.byte..self.end.byte.max(self.start.byte)
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}
