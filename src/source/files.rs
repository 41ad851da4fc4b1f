//! The text of every loaded file, with line starts for `line:col` lookups.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::tree::Span;

/// Index of a file in a [`Sources`] registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown to users (the path as given on the command line, or `<stdin>`).
    pub name: String,
    /// The file's path, for resolving relative references; `None` for stdin.
    pub path: Option<PathBuf>,
    /// The whole text.
    pub text: String,
    line_starts: Vec<u32>,
    /// Pure ASCII text: columns are byte differences, so `line_col` is O(1) even on the
    /// megabyte-long single line of a minified JSON file.
    ascii: bool,
    /// For other text, built on the first column lookup: the number of characters before
    /// every [`CHECKPOINT`]-th byte, so that a column on a long line costs at most one
    /// checkpoint's worth of counting (a minified file with thousands of findings on its one
    /// line otherwise counts megabytes per finding).
    checkpoints: OnceLock<Vec<u32>>,
}

/// Bytes between character-count checkpoints.
const CHECKPOINT: usize = 4096;

/// Characters in `bytes`, counted as the bytes that do not continue a UTF-8 sequence (so a
/// slice may start or end inside a character).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

/// A 1-based line and column; the column counts Unicode scalar values, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl SourceFile {
    /// A file from its name, optional path and text.
    pub fn new(name: impl Into<String>, path: Option<PathBuf>, text: String) -> SourceFile {
        let line_starts = line_starts(&text);
        let ascii = text.is_ascii();
        SourceFile {
            name: name.into(),
            path,
            text,
            line_starts,
            ascii,
            checkpoints: OnceLock::new(),
        }
    }

    /// Characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut counted = 0;
            let mut out = vec![0];
            for block in self.text.as_bytes().chunks(CHECKPOINT) {
                counted += chars_in(block);
                out.push(counted as u32);
            }
            out
        });
        let block = offset / CHECKPOINT;
        let from = block * CHECKPOINT;
        checkpoints[block] as usize + chars_in(&self.text.as_bytes()[from..offset])
    }

    /// Zero-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where zero-based `line` starts (the text length past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        match self.line_starts.get(line) {
            Some(&start) => start as usize,
            None => self.text.len(),
        }
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_start(line);
        let col = if self.ascii {
            offset - start
        } else if offset - start <= CHECKPOINT {
            chars_in(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        };
        LineCol {
            line: line + 1,
            col: col + 1,
        }
    }

    /// Byte offset of a 0-based line and a 0-based column counted in characters.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let start = self.line_start(line);
        let rest = &self.text[start..];
        match rest.char_indices().nth(col_chars) {
            Some((i, _)) => start + i,
            None => self.text.len(),
        }
    }

    /// `name:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let lc = self.line_col(span.start as usize);
        format!("{}:{}:{}", self.name, lc.line, lc.col)
    }
}

/// Where each line starts. A line ends at LF, CRLF or a CR alone, as YAML 1.2 and editors
/// break lines: a file saved with old Mac line endings is many lines, not one.
fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    std::iter::once(0)
        .chain(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n'))
                .map(|i| (i + 1) as u32),
        )
        .collect()
}

/// All files loaded for one root document (the document and the files its `$ref`s reach).
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// The file with this id.
    ///
    /// Ids only come from [`Sources::add`] on the same registry, so a bad id is a bug.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The id of the file loaded from `path`, if any.
    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.files
            .iter()
            .position(|f| f.path.as_deref() == Some(path))
            .map(|i| FileId(i as u32))
    }

    /// Every file, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// `name:line:col` for a span in a file.
    pub fn location(&self, id: FileId, span: Span) -> String {
        self.file(id).location(span)
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Sources {
    type FileId = FileId;
    // The name is shown on a line of its own (`┌─ name:1:2`): a line feed or a control
    // character in a file's name must not start a line or drive the terminal.
    type Name = std::borrow::Cow<'a, str>;
    type Source = &'a str;

    fn name(
        &'a self,
        id: FileId,
    ) -> Result<std::borrow::Cow<'a, str>, codespan_reporting::files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| crate::report::one_line(&f.name))
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        self.files
            .get(id.0 as usize)
            .map(|f| f.text.as_str())
            .ok_or(codespan_reporting::files::Error::FileMissing)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self
            .files
            .get(id.0 as usize)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        Ok(file.line_index(byte_index))
    }

    fn column_number(
        &'a self,
        id: FileId,
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let file = self
            .files
            .get(id.0 as usize)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        Ok(file.line_col(byte_index).col)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self
            .files
            .get(id.0 as usize)
            .ok_or(codespan_reporting::files::Error::FileMissing)?;
        if line_index >= file.line_count() {
            return Err(codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: file.line_count().saturating_sub(1),
            });
        }
        Ok(file.line_start(line_index)..file.line_start(line_index + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns on long non-ASCII lines (counted through checkpoints) equal a plain count.
    #[test]
    fn columns_count_characters_on_long_lines() {
        let mut text = String::from("first line é\n");
        for i in 0..5_000 {
            text.push_str(if i % 7 == 0 { "ü€😀" } else { "ab" });
        }
        text.push_str("\nlast");
        let file = SourceFile::new("t.json", None, text.clone());
        for (offset, _) in text.char_indices().step_by(97).chain([(text.len(), ' ')]) {
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let expected = text[line_start..offset].chars().count() + 1;
            assert_eq!(file.line_col(offset).col, expected, "at byte {offset}");
        }
        assert_eq!(file.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(file.line_col(text.len()).line, 3);
    }

    /// LF, CRLF and a lone CR each end a line; the CR of a CRLF is the end of its line.
    #[test]
    fn every_line_ending_starts_a_line() {
        let text = "a: 1\rb: 2\r\nc: 3\nd: 4\r\re";
        let file = SourceFile::new("t.yaml", None, text.to_owned());
        let at = |needle: &str| file.line_col(text.find(needle).unwrap());
        assert_eq!(at("a"), LineCol { line: 1, col: 1 });
        assert_eq!(at("b: 2"), LineCol { line: 2, col: 1 });
        assert_eq!(at("2"), LineCol { line: 2, col: 4 });
        assert_eq!(at("c"), LineCol { line: 3, col: 1 });
        assert_eq!(at("d"), LineCol { line: 4, col: 1 });
        assert_eq!(at("e"), LineCol { line: 6, col: 1 });
        assert_eq!(file.line_count(), 6);
        // The CR before LF stays on its line.
        assert_eq!(file.line_col(text.find("\r\n").unwrap()).line, 2);
    }
}
