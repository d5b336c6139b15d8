//! Which lines of a file are new: a line diff (imara-diff's histogram algorithm, as git's
//! `diff.algorithm=histogram`) from the old content to the new.

use imara_diff::{Algorithm, Diff, InternedInput};

use super::Lines;

/// The lines (1-based, of `after`) that the diff from `before` adds or changes. Where lines
/// were only removed, the lines on either side of the gap count as changed: a finding about
/// what is now missing (a required field) sits next to it. Binary or non-UTF-8 content:
/// every line.
pub fn changed(before: &[u8], after: &[u8]) -> Lines {
    let (Ok(before), Ok(after)) = (std::str::from_utf8(before), std::str::from_utf8(after)) else {
        return Lines::All;
    };
    let input = InternedInput::new(before, after);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let total = input.after.len() as u32;
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for hunk in diff.hunks() {
        let (first, last) = if hunk.after.is_empty() {
            // Removed lines only: the line before (hunk.after.start, 1-based) and after.
            (hunk.after.start.max(1), (hunk.after.start + 1).min(total))
        } else {
            (hunk.after.start + 1, hunk.after.end)
        };
        if first > last {
            continue;
        }
        match ranges.last_mut() {
            Some(prev) if first <= prev.1 + 1 => prev.1 = prev.1.max(last),
            _ => ranges.push((first, last)),
        }
    }
    Lines::Only(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(l: Lines) -> Vec<(u32, u32)> {
        match l {
            Lines::Only(r) => r,
            Lines::All => panic!("expected ranges"),
        }
    }

    #[test]
    fn added_and_modified_lines() {
        let before = "a: 1\nb: 2\nc: 3\n";
        let after = "a: 1\nb: 20\nc: 3\nd: 4\n";
        assert_eq!(
            only(changed(before.as_bytes(), after.as_bytes())),
            vec![(2, 2), (4, 4)]
        );
    }

    #[test]
    fn removed_lines_mark_their_neighbours() {
        let before = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let after = "a: 1\nd: 4\n";
        assert_eq!(
            only(changed(before.as_bytes(), after.as_bytes())),
            vec![(1, 2)]
        );
        // At the end of the file: only the line before.
        let after = "a: 1\nb: 2\n";
        assert_eq!(
            only(changed(before.as_bytes(), after.as_bytes())),
            vec![(2, 2)]
        );
    }

    #[test]
    fn identical_and_binary() {
        assert_eq!(only(changed(b"x\n", b"x\n")), vec![]);
        assert!(matches!(changed(b"\xff\xfe", b"x"), Lines::All));
    }
}
