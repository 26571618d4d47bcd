//! Per-phase timings and progress of a build. The library measures and reports through
//! [`Progress`]; the command line decides what to show (a progress bar, `--verbose` timings).

use std::time::{Duration, Instant};

/// One phase of a build (load, validate, compute, render, links, write).
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseTiming {
    pub name: &'static str,
    pub duration: Duration,
    /// How many items the phase handled (pages rendered, files written), when it counts.
    pub items: Option<usize>,
    /// The process's peak resident memory during the phase, in bytes (Linux; `None`
    /// elsewhere). Phases run one after another, so each peak is that phase's own.
    pub peak_rss: Option<u64>,
}

/// The phases of one build, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub phases: Vec<PhaseTiming>,
}

impl Timings {
    /// Runs `f` as phase `name`, telling `progress` when it starts and ends.
    pub fn phase<T>(
        &mut self,
        name: &'static str,
        progress: &dyn Progress,
        f: impl FnOnce() -> T,
    ) -> T {
        progress.start(name, None);
        memory::reset_peak();
        let started = Instant::now();
        let out = f();
        self.record(name, started.elapsed(), None, progress);
        out
    }

    /// Records a phase measured by the caller.
    pub fn record(
        &mut self,
        name: &'static str,
        duration: Duration,
        items: Option<usize>,
        progress: &dyn Progress,
    ) {
        progress.finish(name, duration);
        // The peak since the last phase ended: this phase's, as phases do not overlap.
        let peak_rss = memory::peak_rss();
        memory::reset_peak();
        self.phases.push(PhaseTiming {
            name,
            duration,
            items,
            peak_rss,
        });
    }

    /// The highest peak of any phase.
    pub fn peak_rss(&self) -> Option<u64> {
        self.phases.iter().filter_map(|p| p.peak_rss).max()
    }

    pub fn total(&self) -> Duration {
        self.phases.iter().map(|p| p.duration).sum()
    }

    pub fn get(&self, name: &str) -> Option<&PhaseTiming> {
        self.phases.iter().find(|p| p.name == name)
    }
}

/// Peak resident memory of this process, read from Linux's `/proc/self/status`.
pub mod memory {
    /// The peak resident set size (`VmHWM`) since the process started or the last
    /// [`reset_peak`], in bytes; `None` where `/proc` does not tell.
    pub fn peak_rss() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    /// Starts a new peak at the current resident size (Linux ≥ 4.0: `5` to
    /// `/proc/self/clear_refs`). Does nothing where that is not allowed.
    pub fn reset_peak() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }
}

/// Told about a build's phases as they run. Every method has a do-nothing default.
pub trait Progress: Sync {
    /// A phase begins; `total` is the number of steps when it reports them (pages to render).
    fn start(&self, _phase: &'static str, _total: Option<u64>) {}
    /// `n` more steps of the current phase are done.
    fn advance(&self, _n: u64) {}
    /// A phase ended.
    fn finish(&self, _phase: &'static str, _elapsed: Duration) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_recorded_in_order() {
        let mut t = Timings::default();
        let x = t.phase("load", &Silent, || 2);
        t.record("render", Duration::from_millis(5), Some(3), &Silent);
        assert_eq!(x, 2);
        let names: Vec<_> = t.phases.iter().map(|p| p.name).collect();
        assert_eq!(names, ["load", "render"]);
        assert_eq!(t.get("render").and_then(|p| p.items), Some(3));
        assert!(t.total() >= Duration::from_millis(5));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_phase_that_allocates_shows_it_in_its_peak() {
        let mut t = Timings::default();
        let kept = t.phase("allocate", &Silent, || {
            let v = vec![1u8; 64 << 20];
            v.iter().map(|&b| b as u64).sum::<u64>()
        });
        assert_eq!(kept, 64 << 20);
        let peak = t.get("allocate").and_then(|p| p.peak_rss).unwrap_or(0);
        assert!(
            peak >= 64 << 20,
            "peak {peak} below the 64 MB the phase touched"
        );
    }
}
