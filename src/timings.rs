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
        self.phases.push(PhaseTiming {
            name,
            duration,
            items,
        });
    }

    pub fn total(&self) -> Duration {
        self.phases.iter().map(|p| p.duration).sum()
    }

    pub fn get(&self, name: &str) -> Option<&PhaseTiming> {
        self.phases.iter().find(|p| p.name == name)
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
}
