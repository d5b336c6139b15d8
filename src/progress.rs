//! A progress line on standard error while `gitgate check` runs: the stage, and a bar while
//! files load. Only for people watching a terminal: it is drawn when standard error is a
//! terminal and `CI` is unset, never in CI logs, pipes or files, and it is cleared before the
//! report is written.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The pipeline's progress display; a hidden one does nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Draws nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Draws on standard error when it is a terminal and `CI` is unset; otherwise hidden.
    pub fn for_stderr() -> Progress {
        use std::io::IsTerminal;
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        if ci || dumb || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(spinner_style());
        bar.set_draw_target(ProgressDrawTarget::stderr());
        Progress { bar: Some(bar) }
    }

    /// Starts a stage: a bar when its size is known (`len` items), a spinner otherwise.
    pub fn stage(&self, name: &str, len: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        bar.set_message(name.to_string());
        match len {
            Some(n) => {
                bar.disable_steady_tick();
                bar.set_style(bar_style());
                bar.set_length(n);
                bar.set_position(0);
            }
            None => {
                bar.set_style(spinner_style());
                bar.unset_length();
                bar.enable_steady_tick(Duration::from_millis(120));
            }
        }
    }

    /// One more item of the current stage done (callable from worker threads).
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// Clears the line: the report follows.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("gitgate {spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("gitgate {msg} [{bar:30}] {pos}/{len} files {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}
