//! Being written in its worktree.
