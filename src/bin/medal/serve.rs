//! `medal serve`: build, serve on 127.0.0.1, watch, rebuild what changed, reload the browser.

use crate::output::{Terminal, Verbosity, interactive, ms, warning_changes};
use crate::report;
use medal::error::{Diagnostic, Error};
use medal::incremental::{Files, Incremental};
use medal::serve::{Server, Watcher};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The portal root: medal.toml, content/, data/, themes/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to listen on. Only 127.0.0.1 unless you say otherwise.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include reports, news and pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Print nothing but problems.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the time of every phase of every rebuild.
    #[arg(long, short)]
    verbose: bool,
}

/// Editors save in bursts (a temporary file, a rename, a metadata change): wait until the
/// sources have been quiet this long before rebuilding ...
const QUIET: Duration = Duration::from_millis(25);
/// ... but never longer than this after the first event.
const MAX_WAIT: Duration = Duration::from_millis(300);

pub fn run(a: ServeArgs) -> ExitCode {
    let term = Terminal::new(Verbosity::from_flags(a.quiet, a.verbose));
    let root = match a.root.canonicalize() {
        Ok(r) => r,
        Err(e) => return crate::fail(Error::io(&a.root, e), &a.root, report::Format::Human),
    };
    let config = match medal::build_config(&medal::BuildOptions::new(&root)) {
        Ok(c) => c,
        Err(e) => return crate::fail(e, &root, report::Format::Human),
    };
    let base = config.base_path();
    let server = match Server::start(
        SocketAddr::new(a.bind, a.port),
        &base,
        Arc::new(Files::new()),
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {}:{}: {e} (try another --port, or --port 0 for any free one)",
                a.bind, a.port
            );
            return ExitCode::from(2);
        }
    };
    let addr = server.addr();
    let host = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    };
    let url = format!("http://{host}{base}");
    let mut opts = medal::BuildOptions::new(&root);
    opts.base_url = Some(url.clone());
    opts.drafts = a.drafts;
    let mut site = Incremental::new(opts);
    // An edit's pages are served first; downloads and the link check follow.
    site.defer_extras(true);

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        if let Err(e) = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst)) {
            eprintln!("warning: Ctrl-C handler not installed: {e}");
        }
    }
    let watcher = match Watcher::new(&root) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };

    let started = Instant::now();
    let mut shown = Shown::default();
    let mut search = SearchIndexer::default();
    rebuild(
        &mut site,
        &server,
        &term,
        &root,
        started,
        &mut shown,
        &mut search,
    );
    // The address on stdout, alone on its line, for scripts and tests.
    println!("Serving {url}");
    term.say("Watching content/, data/, themes/ and medal.toml; Ctrl-C stops.");
    if a.open {
        open_browser(&url);
    }

    while !stop.load(Ordering::SeqCst) {
        // While the index is being built, look in often: its result is served at once.
        let wait = match search.running.is_some() {
            true => Duration::from_millis(5),
            false => Duration::from_millis(100),
        };
        let batch = watcher.next_batch(wait, QUIET, MAX_WAIT, &root);
        search.poll(&mut site, &server, &term);
        let Some(paths) = batch else {
            continue;
        };
        if paths.is_empty() {
            continue;
        }
        let t0 = Instant::now();
        site.changed(&paths);
        if term.verbosity() == Verbosity::Verbose {
            for p in &paths {
                eprintln!(
                    "  changed: {}",
                    p.strip_prefix(&root).unwrap_or(p).display()
                );
            }
        }
        rebuild(
            &mut site,
            &server,
            &term,
            &root,
            t0,
            &mut shown,
            &mut search,
        );
    }
    server.stop();
    term.say("Stopped.");
    ExitCode::SUCCESS
}

/// Keeps the search index of the served site up to date on a thread of its own: an edit is
/// served as soon as its pages are, and the index (seconds at thousands of pages) follows.
#[derive(Default)]
struct SearchIndexer {
    running: Option<(
        Instant,
        std::thread::JoinHandle<medal::error::Result<medal::incremental::SearchDone>>,
    )>,
}

impl SearchIndexer {
    /// Takes a finished index into the site, and starts the next one when pages changed.
    fn poll(&mut self, site: &mut Incremental, server: &Server, term: &Terminal) {
        if let Some((t, handle)) = self.running.take_if(|(_, h)| h.is_finished()) {
            match handle.join() {
                Ok(Ok(bundle)) => {
                    if let Some(files) = site.apply_search(bundle) {
                        server.replace(files);
                    }
                    if term.verbosity() == Verbosity::Verbose {
                        eprintln!("  search index updated in {:.0} ms", ms(t.elapsed()));
                    }
                }
                Ok(Err(e)) => eprintln!("warning: the search index was not updated: {e}"),
                Err(_) => eprintln!("warning: the search indexer stopped"),
            }
        }
        if self.running.is_none()
            && let Some(job) = site.search_job()
        {
            self.running = Some((Instant::now(), std::thread::spawn(move || job.run())));
        }
    }
}

/// What the terminal has shown so far: whether a site was ever served, and the warnings of the
/// last build (`None` before the first), so a rebuild prints only what changed.
#[derive(Default)]
struct Shown {
    site: bool,
    warnings: Option<Vec<Diagnostic>>,
}

impl Shown {
    /// Prints the warnings the terminal has not shown, the ones fixed, and a count of the rest.
    fn warnings(&mut self, now: Vec<Diagnostic>, root: &Path, term: &Terminal) {
        match &self.warnings {
            None => report::print(&now, root, report::Format::Human),
            Some(before) => {
                let c = warning_changes(before, &now);
                let new: Vec<Diagnostic> = c.new.into_iter().cloned().collect();
                report::print(&new, root, report::Format::Human);
                for d in c.fixed {
                    let field = d
                        .field
                        .as_ref()
                        .map(|f| format!("{f}: "))
                        .unwrap_or_default();
                    term.say(&format!(
                        "fixed: {}: {field}{}",
                        d.file.display(),
                        d.message
                    ));
                }
                if c.unchanged > 0 {
                    term.say(&format!(
                        "{} warning(s) as before (not repeated)",
                        c.unchanged
                    ));
                }
            }
        }
        self.warnings = Some(now);
    }
}

fn rebuild(
    site: &mut Incremental,
    server: &Server,
    term: &Terminal,
    root: &Path,
    t0: Instant,
    shown: &mut Shown,
    search: &mut SearchIndexer,
) {
    let first = !shown.site;
    match site.rebuild(term) {
        Ok(u) => {
            server.set_strings(site.strings("serve_"));
            server.publish_pages(u.files.clone(), changed_pages(&u));
            shown.site = true;
            shown.warnings(u.warnings.clone(), root, term);
            term.timings(&u.timings);
            let pages = u.files.keys().filter(|p| p.ends_with(".html")).count();
            if first {
                term.say(&format!(
                    "Built {pages} pages ({} files) in {:.0} ms",
                    u.files.len(),
                    ms(t0.elapsed())
                ));
            } else {
                term.say(&format!(
                    "Rebuilt in {:.0} ms: {} file(s) read, {} page(s) rendered, {} file(s) changed, {} removed",
                    ms(t0.elapsed()),
                    u.reads,
                    u.rendered,
                    u.changed.len(),
                    u.removed.len()
                ));
            }
        }
        Err(e) => return failed(e, server, term, root, shown),
    }
    // The edit's pages are served: now the other pages it changed (after a quick pass), then
    // the downloads, feeds and the link check. The search index starts as soon as every page
    // is up to date, beside the downloads and the link check.
    loop {
        if site.pages_current() {
            search.poll(site, server, term);
        }
        let t1 = Instant::now();
        let u = match site.finish(term) {
            Ok(None) => break,
            Ok(Some(u)) => u,
            Err(e) => return failed(e, server, term, root, shown),
        };
        // Pages this step changed (listings after a quick pass) reload where open; new
        // downloads alone reload nothing.
        let pages: Vec<String> = u
            .changed
            .iter()
            .chain(&u.removed)
            .filter(|p| p.ends_with(".html"))
            .cloned()
            .collect();
        if pages.is_empty() {
            server.replace(u.files.clone());
        } else {
            server.publish_pages(u.files.clone(), Some(pages));
        }
        term.timings(&u.timings);
        if term.verbosity() == Verbosity::Verbose {
            let what = match u.links {
                false => "the other pages",
                true => "downloads and links",
            };
            eprintln!(
                "  {what} in {:.0} ms: {} file(s) changed",
                ms(t1.elapsed()),
                u.changed.len()
            );
        }
        if !u.errors.is_empty() {
            let styled = interactive() && std::env::var_os("NO_COLOR").is_none();
            for d in &u.errors {
                eprintln!("{}\n", report::human(d, root, styled));
            }
            let problems = match u.links {
                false => "problem(s) in the other pages",
                true => "broken link(s)",
            };
            eprintln!(
                "{} {problems}; the edited pages are served, fix them and save",
                u.errors.len()
            );
            server.show_error(describe(&u.errors, root));
        }
    }
}

/// The pages an update changed, when only pages changed (open tabs of other pages need no
/// reload); `None` when a stylesheet, script or other shared file changed too: every tab.
fn changed_pages(u: &medal::incremental::Update) -> Option<Vec<String>> {
    let all: Vec<&String> = u.changed.iter().chain(&u.removed).collect();
    all.iter()
        .all(|p| p.ends_with(".html"))
        .then(|| all.into_iter().cloned().collect())
}

/// Reports a failed rebuild on the terminal and over the served pages.
fn failed(e: Error, server: &Server, term: &Terminal, root: &Path, shown: &mut Shown) {
    match e {
        Error::Content(diags) => {
            let styled = interactive() && std::env::var_os("NO_COLOR").is_none();
            let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
                diags.iter().cloned().partition(Diagnostic::is_error);
            for d in &errors {
                eprintln!("{}\n", report::human(d, root, styled));
            }
            let n_warnings = warnings.len();
            shown.warnings(warnings, root, term);
            eprintln!("{} error(s), {n_warnings} warning(s)", errors.len());
            eprintln!("{}", failed_note(shown.site));
            // The browser overlay lists every problem: it is read once, not scrolled past.
            server.show_error(describe(&diags, root));
        }
        e => {
            eprintln!("error: {e}");
            eprintln!("{}", failed_note(shown.site));
            server.show_error(format!("error: {e}"));
        }
    }
}

/// What the browser shows after a failed build, true to whether a good site exists.
fn failed_note(has_site: bool) -> &'static str {
    if has_site {
        "The last good site is still served; fix the problem and save."
    } else {
        "The site has not built yet, so there is nothing to serve; fix the problem and save."
    }
}

/// Every problem as plain text, for the browser overlay.
fn describe(diags: &[Diagnostic], root: &Path) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let mut out: Vec<String> = diags
        .iter()
        .map(|d| report::human(d, root, false))
        .collect();
    out.push(format!(
        "{errors} error(s), {} warning(s)",
        diags.len() - errors
    ));
    out.join("\n\n")
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    if let Err(e) = std::process::Command::new(cmd.0)
        .args(&cmd.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself.");
    }
}
