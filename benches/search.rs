//! The search index over a whole portal: how long indexing takes, its peak memory, and the
//! size of the bundle. Renders the portal first (not measured), then builds the index from the
//! rendered pages exactly as `medal build` does.
//!
//! `cargo bench --bench search -- [ROOT ...]` (default: the demo portal); generate corpora with
//! `benches/gen_corpus.py`. See benches/README.md.
//!
//! Peak memory is the process's resident high-water mark (VmHWM, Linux) while indexing, reset
//! just before it: it includes the rendered site held in memory, as in a real build.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let roots: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--")) // cargo bench passes --bench
        .map(PathBuf::from)
        .collect();
    let roots = if roots.is_empty() {
        vec![PathBuf::from(env!("CARGO_MANIFEST_DIR"))]
    } else {
        roots
    };
    for root in roots {
        run(&root);
    }
}

fn run(root: &std::path::Path) {
    let config = medal::config::Config::load(root).expect("medal.toml loads");
    let (portal, _) = medal::load_checked(root).expect("the portal passes medal check");
    let computed = medal::compute::compute(&portal);
    let theme = medal::theme::Theme::load(root, &config.theme).expect("theme loads");
    let t = Instant::now();
    let files = medal::render::render(
        &portal,
        &computed,
        &config,
        &theme,
        &medal::render::RenderOptions::default(),
    )
    .expect("renders");
    let render_s = t.elapsed().as_secs_f64();
    let tasks = portal.published_tasks().count();

    let rss_before = status_kb("VmRSS");
    reset_peak();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let (bundle, summary) = medal::search::index(
        files.iter().map(|f| (f.path.as_str(), f.bytes.as_slice())),
        &config.language,
    )
    .expect("indexes");
    let index_s = t.elapsed().as_secs_f64();
    let index_cpu = cpu_seconds() - cpu;
    let peak = status_kb("VmHWM");

    let fragments = bundle
        .iter()
        .filter(|f| f.path.contains("/fragment/"))
        .count();
    let index_files = bundle.iter().filter(|f| f.path.contains("/index/")).count();
    println!("portal            {}", root.display());
    println!("published tasks   {tasks}");
    println!("pages indexed     {}", summary.pages);
    println!("render            {render_s:.2} s (not part of the index)");
    println!("indexing          {index_s:.2} s wall, {index_cpu:.2} s CPU");
    println!(
        "peak memory       {} (resident before indexing: {})",
        mb(peak),
        mb(rss_before)
    );
    println!(
        "bundle            {} files, {:.2} MB ({} index chunks, {} fragment files)",
        summary.files,
        summary.bytes as f64 / 1e6,
        index_files,
        fragments
    );
    println!();
}

/// A field of /proc/self/status in kB (0 where there is none).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// User and system CPU time of the process so far (Linux), in seconds: on a shared machine
/// a fairer figure than wall time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

/// Resets VmHWM to the current resident size (Linux 4.0+), so the next reading is the peak of
/// what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(kb: u64) -> String {
    if kb == 0 {
        "n/a".into()
    } else {
        format!("{:.0} MB", kb as f64 / 1024.0)
    }
}
