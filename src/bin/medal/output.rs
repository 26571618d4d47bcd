//! What a build shows on the terminal: a progress bar for long phases, a one-line summary,
//! per-phase timings with `--verbose`, nothing but problems with `--quiet`. No bar and no
//! colour when stderr is not a terminal or `CI` is set.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use medal::timings::{Progress, Timings};
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
