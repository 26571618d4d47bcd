//! What a build shows on the terminal: a progress bar for long phases, a one-line summary,
//! per-phase timings with `--verbose`, nothing but problems with `--quiet`. No bar and no
//! colour when stderr is not a terminal or `CI` is set.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use medal::error::Diagnostic;
use medal::timings::{Progress, Timings};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Verbosity {
    pub fn from_flags(quiet: bool, verbose: bool) -> Verbosity {
        match (quiet, verbose) {
            (true, _) => Verbosity::Quiet,
            (false, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

/// A terminal that can take a progress bar: stderr is a TTY and `CI` is not set.
pub fn interactive() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// Shows the phases of a build as they run.
pub struct Terminal {
    verbosity: Verbosity,
    bars: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Terminal {
    pub fn new(verbosity: Verbosity) -> Terminal {
        Terminal {
            verbosity,
            bars: verbosity != Verbosity::Quiet && interactive(),
            bar: Mutex::new(None),
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// A line for the user, unless `--quiet`.
    pub fn say(&self, line: &str) {
        if self.verbosity != Verbosity::Quiet {
            self.clear();
            eprintln!("{line}");
        }
    }

    /// With `--verbose`: each phase with its time.
    pub fn timings(&self, t: &Timings) {
        if self.verbosity != Verbosity::Verbose {
            return;
        }
        let mb = |b: Option<u64>| {
            b.map(|b| format!("{:>8.1} MB", b as f64 / 1e6))
                .unwrap_or_default()
        };
        eprintln!("  {:<10} {:>12} {:>11}  items", "phase", "time", "peak RSS");
        for p in &t.phases {
            let items = p.items.map(|n| n.to_string()).unwrap_or_default();
            eprintln!(
                "  {:<10} {:>9.1} ms {:>11}  {items}",
                p.name,
                ms(p.duration),
                mb(p.peak_rss)
            );
        }
        // Search runs beside links and write, so the times add up to more than the wall time.
        eprintln!("  {:<10} {:>12} {:>11}", "peak", "", mb(t.peak_rss()));
    }

    fn clear(&self) {
        if let Ok(mut bar) = self.bar.lock()
            && let Some(b) = bar.take()
        {
            b.finish_and_clear();
        }
    }
}

/// Phases that take at least this long get a line of their own when there is no progress bar.
const SLOW_PHASE: Duration = Duration::from_secs(2);

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

impl Progress for Terminal {
    fn start(&self, phase: &'static str, total: Option<u64>) {
        if !self.bars {
            return;
        }
        self.clear();
        let bar = match total {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template("{msg:>9} [{bar:30}] {pos}/{len} pages")
                        .unwrap_or_else(|_| ProgressStyle::default_bar())
                        .progress_chars("=> "),
                ),
            None => {
                let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{spinner} {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                b.enable_steady_tick(Duration::from_millis(100));
                b
            }
        };
        bar.set_message(phase);
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(bar) = self.bar.lock()
            && let Some(b) = bar.as_ref()
        {
            b.inc(n);
        }
    }

    fn finish(&self, phase: &'static str, elapsed: Duration) {
        self.clear();
        // Without a bar (a log, CI), a long build still says where it is.
        if !self.bars && self.verbosity == Verbosity::Normal && elapsed >= SLOW_PHASE {
            eprintln!("{phase}: {:.1} s", elapsed.as_secs_f64());
        }
    }
}

/// What changed between the warnings the terminal last showed and a rebuild's.
#[derive(Debug, PartialEq)]
pub struct WarningChanges<'a> {
    /// Warnings the terminal has not shown yet, in the rebuild's order.
    pub new: Vec<&'a Diagnostic>,
    /// Warnings shown before that the rebuild no longer has.
    pub fixed: Vec<&'a Diagnostic>,
    /// Warnings shown before and still there (not repeated).
    pub unchanged: usize,
}

/// Compares warnings by file, field, message and hint, not by line: an edit above a warning
/// moves it without making it new. Repeated warnings count one for one.
pub fn warning_changes<'a>(before: &'a [Diagnostic], now: &'a [Diagnostic]) -> WarningChanges<'a> {
    type Key<'k> = (
        &'k std::path::Path,
        Option<&'k str>,
        &'k str,
        Option<&'k str>,
        medal::error::Severity,
    );
    fn key(d: &Diagnostic) -> Key<'_> {
        (
            d.file.as_path(),
            d.field.as_deref(),
            d.message.as_str(),
            d.hint.as_deref(),
            d.severity,
        )
    }
    let mut left: BTreeMap<Key<'a>, usize> = BTreeMap::new();
    for d in before {
        *left.entry(key(d)).or_default() += 1;
    }
    let mut take = |d: &'a Diagnostic| match left.get_mut(&key(d)) {
        Some(n) if *n > 0 => {
            *n -= 1;
            true
        }
        _ => false,
    };
    let (kept, new): (Vec<&Diagnostic>, Vec<&Diagnostic>) = now.iter().partition(|d| take(d));
    let fixed = before.iter().filter(|d| take(d)).collect();
    WarningChanges {
        new,
        fixed,
        unchanged: kept.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(file: &str, line: usize, message: &str) -> Diagnostic {
        Diagnostic::warning(file, message)
            .at(Some(line), Some(1))
            .field("summary")
    }

    #[test]
    fn a_rebuild_shows_only_new_and_fixed_warnings() {
        let before = vec![
            w("a.yaml", 3, "short summary"),
            w("b.yaml", 5, "no keywords"),
            w("c.yaml", 7, "dup"),
            w("c.yaml", 9, "dup"),
        ];
        // b is fixed, a moved two lines down (still the same warning), one dup is gone,
        // d is new.
        let now = vec![
            w("a.yaml", 5, "short summary"),
            w("c.yaml", 7, "dup"),
            w("d.yaml", 1, "no keywords"),
        ];
        let c = warning_changes(&before, &now);
        assert_eq!(c.new, vec![&now[2]]);
        assert_eq!(c.fixed, vec![&before[1], &before[2]]);
        assert_eq!(c.unchanged, 2);

        let same = warning_changes(&now, &now);
        assert!(same.new.is_empty() && same.fixed.is_empty());
        assert_eq!(same.unchanged, 3);
    }
}
