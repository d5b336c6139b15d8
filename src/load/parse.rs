//! YAML text → one span-preserving [`Node`] tree per document.
//!
//! Built on `granit-parser` events (see ARCHITECTURE.md for why): every event carries byte
//! offsets, aliases arrive unexpanded, nesting is bounded by the parser itself, and after a
//! syntax error the parser resumes at the next `---`, so one broken document does not hide the
//! others.

use granit_parser::{Event, Marker, Parser, ScanError};

use super::lines::LineIndex;
use super::tree::{Entry, Node, NodeKind, Pos, ScalarStyle, Span};

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    Syntax,
    /// Collections nested deeper than the configured limit.
    TooDeep,
}

#[derive(Clone, Debug)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    pub pos: Pos,
}

#[derive(Clone, Debug)]
pub struct ParsedDoc {
    /// 0-based position of the document in the file.
    pub index: usize,
    /// From the document's first token to its last (to the error, for a broken document).
    pub span: Span,
    /// `None` for a document that failed to parse.
    pub root: Option<Node>,
    pub error: Option<ParseError>,
    /// True when the document holds nothing but comments or is empty.
    pub empty: bool,
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    pub docs: Vec<ParsedDoc>,
    pub comments: Vec<Comment>,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
        tag: Option<Box<str>>,
        flow: bool,
    },
    Map {
        entries: Vec<Entry>,
        pending_key: Option<Node>,
        start: Span,
        anchor: usize,
        tag: Option<Box<str>>,
        flow: bool,
    },
}

struct DocBuilder {
    index: usize,
    start: Option<Pos>,
    last: Pos,
    stack: Vec<Frame>,
    root: Option<Node>,
}

/// Parses a whole multi-document YAML stream. Never fails: errors are recorded on the document
/// they occur in, and parsing resumes with the next document.
pub fn parse(src: &str, lines: &LineIndex, max_depth: usize) -> ParsedFile {
    let mut options = granit_parser::Options::default();
    options.block_nesting_limit = max_depth;
    options.flow_nesting_limit = max_depth;
    let mut parser = Parser::new_from_str_with_options(src, options);
    let mut out = ParsedFile::default();
    let mut doc: Option<DocBuilder> = None;
    let mut next_index = 0usize;

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(err)) => {
                let error = to_error(&err, lines);
                let builder = doc.take().unwrap_or_else(|| {
                    next_index += 1;
                    DocBuilder::new(next_index - 1)
                });
                out.docs.push(builder.fail(error));
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(err) => {
                        // The stream itself could not be resumed (an input failure): record it
                        // on a document of its own so it is not lost.
                        let mut builder = DocBuilder::new(next_index);
                        builder.start = Some(to_pos(err.marker(), lines));
                        out.docs.push(builder.fail(to_error(&err, lines)));
                        break;
                    }
                }
            }
        };
        let span = to_span(&span, lines);
        match event {
            Event::DocumentStart(..) => {
                let mut builder = DocBuilder::new(next_index);
                next_index += 1;
                builder.start = Some(span.start);
                builder.last = span.end;
                doc = Some(builder);
            }
            Event::DocumentEnd => {
                if let Some(builder) = doc.take() {
                    out.docs.push(builder.finish());
                }
            }
            Event::Comment(text, _) => out.comments.push(Comment {
                span,
                text: text.into_owned(),
            }),
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            other => {
                if let Some(builder) = doc.as_mut() {
                    builder.event(other, span);
                }
            }
        }
    }
    if let Some(builder) = doc.take() {
        out.docs.push(builder.finish());
    }
    out
}

impl DocBuilder {
    fn new(index: usize) -> Self {
        DocBuilder {
            index,
            start: None,
            last: Pos::default(),
            stack: Vec::new(),
            root: None,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        if self.start.is_none() {
            self.start = Some(span.start);
        }
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node {
                    kind: NodeKind::Scalar {
                        value: value.into_owned(),
                        style: to_style(style),
                    },
                    span,
                    anchor,
                    tag: tag.map(|t| tag_text(&t)),
                };
                self.attach(node);
            }
            Event::Alias(id) => self.attach(Node {
                kind: NodeKind::Alias(id),
                span,
                anchor: 0,
                tag: None,
            }),
            Event::SequenceStart(style, anchor, tag) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                start: span,
                anchor,
                tag: tag.map(|t| tag_text(&t)),
                flow: style == granit_parser::StructureStyle::Flow,
            }),
            Event::MappingStart(style, anchor, tag) => self.stack.push(Frame::Map {
                entries: Vec::new(),
                pending_key: None,
                start: span,
                anchor,
                tag: tag.map(|t| tag_text(&t)),
                flow: style == granit_parser::StructureStyle::Flow,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(frame) = self.stack.pop() {
                    let node = close(frame, span);
                    self.attach(node);
                }
            }
            _ => {}
        }
        if span.end > self.last {
            self.last = span.end;
        }
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push(Entry { key, value: node }),
            },
        }
    }

    fn finish(mut self) -> ParsedDoc {
        let start = self.start.unwrap_or_default();
        // An empty document (`---` alone, or only comments) arrives as a null scalar that the
        // parser made up: it has no extent in the source.
        if self.root.as_ref().is_some_and(|r| {
            r.anchor == 0 && r.is_plain_scalar() && r.span.start.byte == r.span.end.byte
        }) {
            self.root = None;
        }
        let empty = self.root.is_none();
        ParsedDoc {
            index: self.index,
            span: Span {
                start,
                end: self.last.max(start),
            },
            root: self.root,
            error: None,
            empty,
        }
    }

    fn fail(self, error: ParseError) -> ParsedDoc {
        let start = self.start.unwrap_or(error.pos).min(error.pos);
        ParsedDoc {
            index: self.index,
            span: Span {
                start,
                end: error.pos.max(self.last),
            },
            root: None,
            error: Some(error),
            empty: false,
        }
    }
}

/// Closes a collection. A block collection ends where its last child ends (the parser's end
/// event sits on the next token, often lines later); a flow collection ends at its bracket.
fn close(frame: Frame, end_event: Span) -> Node {
    match frame {
        Frame::Seq {
            items,
            start,
            anchor,
            tag,
            flow,
        } => {
            let end = match (flow, items.last()) {
                (false, Some(last)) => last.span.end,
                _ => end_event.end,
            };
            Node {
                span: Span {
                    start: start.start,
                    end: end.max(start.start),
                },
                kind: NodeKind::Seq(items),
                anchor,
                tag,
            }
        }
        Frame::Map {
            mut entries,
            pending_key,
            start,
            anchor,
            tag,
            flow,
        } => {
            // A key without a value cannot come out of a well-formed event stream, but keep
            // it rather than lose it.
            if let Some(key) = pending_key {
                let value = Node {
                    kind: NodeKind::Scalar {
                        value: String::new(),
                        style: ScalarStyle::Plain,
                    },
                    span: Span {
                        start: key.span.end,
                        end: key.span.end,
                    },
                    anchor: 0,
                    tag: None,
                };
                entries.push(Entry { key, value });
            }
            let end = match (flow, entries.last()) {
                (false, Some(last)) => last.value.span.end.max(last.key.span.end),
                _ => end_event.end,
            };
            Node {
                span: Span {
                    start: start.start,
                    end: end.max(start.start),
                },
                kind: NodeKind::Map(entries),
                anchor,
                tag,
            }
        }
    }
}

fn to_style(style: granit_parser::ScalarStyle) -> ScalarStyle {
    match style {
        granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        granit_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        granit_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        granit_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}

/// Core-schema tags are written `!!suffix`; others keep their original spelling.
fn tag_text(tag: &granit_parser::Tag) -> Box<str> {
    match tag.core_suffix() {
        Some(suffix) => format!("!!{suffix}").into(),
        None => tag.original().into(),
    }
}

fn to_pos(m: &Marker, lines: &LineIndex) -> Pos {
    let line = m.line().max(1) as u32;
    let col = m.col() as u32 + 1;
    let byte = m.byte_offset().unwrap_or_else(|| lines.byte_of(line, col));
    Pos { line, col, byte }
}

fn to_span(span: &granit_parser::Span, lines: &LineIndex) -> Span {
    Span {
        start: to_pos(&span.start, lines),
        end: to_pos(&span.end, lines),
    }
}

fn to_error(err: &ScanError, lines: &LineIndex) -> ParseError {
    let kind = match err.kind() {
        granit_parser::ErrorKind::RecursionLimitExceeded => ParseErrorKind::TooDeep,
        _ => ParseErrorKind::Syntax,
    };
    ParseError {
        kind,
        message: err.info(),
        pos: to_pos(err.marker(), lines),
    }
}
