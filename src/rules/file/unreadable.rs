crate::declare_rule! {
    /// ## What it does
    /// Reports a file that could not be read: permission denied, a dangling symlink, or not a
    /// regular file (a FIFO or device with a YAML name is never opened, so it cannot hang the run).
    ///
    /// ## Why is this bad
    /// An unread file is an unchecked file.
    ///
    /// ## Use instead
    /// Fix the permissions or the link, or exclude the path.
    pub const RULE = {
        id: "FILE004",
        name: "unreadable-file",
        severity: Error,
        summary: "file could not be read",
        fix: "fix the file's permissions or link target, or exclude it",
    };
}
