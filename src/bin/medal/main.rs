//! The `medal` command line. Reporting (what the user reads) lives here and in `report`; the
//! library returns typed errors.

mod output;
mod report;
mod serve;

use clap::{Args, Parser, Subcommand};
use medal::error::Error;
use output::{Terminal, Verbosity};
use report::Format;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "medal",
    version,
    about = "Builds the MEDAL portal: curated tasks, data cards and rankings as a static website"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the content, then build the site into public/ (or --out).
    Build {
        /// The portal root: medal.toml, content/, data/, themes/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: <root>/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from medal.toml, e.g. https://org.github.io/medal/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include reports, news and pages marked `draft: true`. Never publishes a
        /// confidential task.
        #[arg(long)]
        drafts: bool,
        /// Compute everything afresh: no ranking, page, Markdown or search cache is read or written.
        #[arg(long)]
        no_cache: bool,
        /// How problems in the content are reported.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[command(flatten)]
        noise: Noise,
    },
    /// Build, serve on 127.0.0.1, and rebuild and reload the browser on every change.
    Serve(serve::ServeArgs),
    /// Start new content from a commented skeleton.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// Write JSON Schemas of the content formats (for editors and tools).
    Schema {
        /// Output folder.
        #[arg(long, default_value = "docs/schemas")]
        out: PathBuf,
    },
    /// Write a synthetic portal for benchmarks (valid, about a third confidential).
    GenCorpus {
        /// Number of task proposals.
        #[arg(long, default_value_t = 1000)]
        tasks: usize,
        /// Number of AI systems in data/systems.yaml.
        #[arg(long, default_value_t = 40)]
        systems: usize,
        /// Test cases per leaderboard.
        #[arg(long, default_value_t = 100)]
        cases: usize,
        /// Bootstrap samples per ranked task.
        #[arg(long, default_value_t = 1000)]
        bootstrap: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// A new (or empty) folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Freeze the benchmark into data/releases/<VERSION>/: a citable edition that never changes.
    Release {
        /// Calendar version YYYY.N, sorting after the last release (e.g. 2026.2).
        version: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Freeze the state of this date (YYYY-MM-DD): tasks released by then, entries
        /// evaluated by then [default: the newest date in the content].
        #[arg(long, value_parser = parse_date)]
        as_of: Option<medal::model::Date>,
        /// A title, e.g. "Second selection round".
        #[arg(long)]
        title: Option<String>,
        /// The release date [default: today].
        #[arg(long, value_parser = parse_date)]
        date: Option<medal::model::Date>,
    },
    /// Check the content without writing anything: every problem, in one run.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// human: source line and hint; json: for scripts; github: Actions annotations.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Also list every external link with the pages using it (nothing is fetched).
        #[arg(long)]
        external: bool,
        /// Write nothing at all: no ranking, page or Markdown cache is read or written.
        #[arg(long)]
        no_cache: bool,
        #[command(flatten)]
        noise: Noise,
    },
}

/// How much a build prints besides its problems.
#[derive(Args, Clone, Copy)]
struct Noise {
    /// Print nothing but problems.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print the time and peak memory of every phase (`--timings` is the same).
    #[arg(long, short, alias = "timings")]
    verbose: bool,
}

impl Noise {
    fn terminal(self, format: Format) -> Terminal {
        // Machine formats own stdout; keep stderr to problems too.
        let quiet = self.quiet || format != Format::Human;
        Terminal::new(Verbosity::from_flags(quiet, self.verbose && !quiet))
    }
}

#[derive(Subcommand)]
enum New {
    /// content/tasks/<ID>/task.yaml of a proposed task, to fill in.
    Task {
        /// The task id: a slug, which becomes the URL /tasks/<ID>/.
        id: String,
        /// The portal root (a folder with medal.toml, content/ or data/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// content/tasks/<ID>/datacard.yaml, to fill in (required once the task is selected).
    Datacard {
        /// The id of an existing task.
        id: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// content/tasks/<ID>/rationale.md, the panel's decision, to fill in (required once the
    /// panel has decided).
    Rationale {
        /// The id of an existing task.
        id: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// A build allocates many small strings and JSON values on every thread; mimalloc's
/// thread-local heaps measured markedly faster than glibc's malloc on the build bench.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            no_cache,
            format,
            noise,
        } => {
            let started = Instant::now();
            let term = noise.terminal(format);
            let opts = medal::BuildOptions {
                root: root.clone(),
                out,
                base_url,
                drafts,
                no_cache,
            };
            match medal::build_with(&opts, &term) {
                Ok(r) => {
                    report::print(&r.warnings, &root, format);
                    term.timings(&r.timings);
                    let mut cache = match r.ranking_cache {
                        Some((hits, misses)) if hits + misses > 0 => {
                            format!("; rankings: {hits} cached, {misses} computed")
                        }
                        _ => String::new(),
                    };
                    if let Some((hits, misses)) = r.page_cache.filter(|(h, _)| *h > 0) {
                        cache.push_str(&format!("; pages: {hits} cached, {misses} rendered"));
                        if r.search_cached {
                            cache.push_str("; search index cached");
                        }
                    }
                    if r.unchanged {
                        term.say(&format!(
                            "Nothing changed since the last build: {} is up to date ({} pages, {} files, {:.1} MB; checked in {:.2} s)",
                            r.out.display(),
                            r.pages,
                            r.files,
                            r.bytes as f64 / 1e6,
                            started.elapsed().as_secs_f64()
                        ));
                        return ExitCode::SUCCESS;
                    }
                    term.say(&format!(
                        "Built {} pages ({} files, {:.1} MB) into {} in {:.2} s{cache}",
                        r.pages,
                        r.files,
                        r.bytes as f64 / 1e6,
                        r.out.display(),
                        started.elapsed().as_secs_f64()
                    ));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &root, format),
            }
        }
        Command::GenCorpus {
            tasks,
            systems,
            cases,
            bootstrap,
            seed,
            out,
        } => {
            let opts = medal::corpus::CorpusOptions {
                tasks,
                systems,
                cases,
                seed,
                bootstrap,
            };
            match medal::corpus::generate(&out, &opts) {
                Ok(s) => {
                    eprintln!(
                        "Wrote {} tasks ({} published, {} confidential, {} leaderboards): {} files, {:.1} MB in {}",
                        s.tasks,
                        s.published,
                        s.confidential,
                        s.leaderboards,
                        s.files,
                        s.bytes as f64 / 1e6,
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &out, Format::Human),
            }
        }
        Command::Release {
            version,
            root,
            as_of,
            title,
            date,
        } => {
            let opts = medal::release::ReleaseOptions {
                root: root.clone(),
                version,
                as_of,
                title,
                date: date.unwrap_or_else(today),
            };
            match medal::release::make(&opts) {
                Ok(m) => {
                    eprintln!(
                        "Wrote release {} into {}: the state of {}{}, {} ranked task(s), {} entries, {:.1} kB frozen.",
                        m.version,
                        m.folder.display(),
                        m.as_of,
                        if m.reconstructed {
                            " (reconstructed)"
                        } else {
                            ""
                        },
                        m.tasks,
                        m.entries,
                        m.bytes as f64 / 1e3,
                    );
                    eprintln!(
                        "Next: add notes to release.yaml, commit the folder, build, and deposit /releases/{}/medal-{}.zip for a DOI (see the README).",
                        m.version, m.version
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &root, Format::Human),
            }
        }
        Command::Serve(args) => serve::run(args),
        Command::New { what } => {
            use medal::scaffold::Kind;
            let (id, root, kind) = match what {
                New::Task { id, root } => (id, root, Kind::Task),
                New::Datacard { id, root } => (id, root, Kind::DataCard),
                New::Rationale { id, root } => (id, root, Kind::Rationale),
            };
            match medal::scaffold::new_file(&root, &id, &today(), kind) {
                Ok(file) => {
                    eprintln!(
                        "Wrote {}: fill in every \"FILL IN\", then run `medal check`.",
                        file.display()
                    );
                    if kind == Kind::Task {
                        eprintln!(
                            "Once the panel has decided: `medal new rationale {id}`; once the task is selected: `medal new datacard {id}`."
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &root, Format::Human),
            }
        }
        Command::Schema { out } => {
            let written = std::fs::create_dir_all(&out).and_then(|()| {
                for (name, text) in medal::schema::all("") {
                    std::fs::write(out.join(name), text)?;
                }
                Ok(())
            });
            match written {
                Ok(()) => {
                    eprintln!("Wrote the JSON Schemas into {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(Error::io(&out, e), Path::new("."), Format::Human),
            }
        }
        Command::Check {
            root,
            format,
            external,
            no_cache,
            noise,
        } => {
            let started = Instant::now();
            let term = noise.terminal(format);
            let opts = medal::BuildOptions {
                no_cache,
                ..medal::BuildOptions::new(&root)
            };
            match medal::check_site(&opts, &term) {
                Ok(r) => {
                    report::print(&r.warnings, &root, format);
                    if external {
                        // The list is the command's output: stdout, one link a line.
                        for (url, pages) in &r.external_links {
                            let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
                            println!("{url}\t{}", pages.join(" "));
                        }
                    }
                    term.timings(&r.timings);
                    term.say(&format!(
                        "No errors ({} warning(s)); {} pages and their links checked in {:.2} s{}.",
                        r.warnings.len(),
                        r.files.iter().filter(|f| f.path.ends_with(".html")).count(),
                        started.elapsed().as_secs_f64(),
                        if external {
                            format!(
                                "; {} external link(s) listed, none fetched",
                                r.external_links.len()
                            )
                        } else {
                            String::new()
                        }
                    ));
                    ExitCode::SUCCESS
                }
                Err(e) => fail_with(e, &root, format, CHECK_FAILED),
            }
        }
    }
}

/// What a failed build says after its count of problems.
const BUILD_FAILED: &str = "; nothing was written, the previous site is unchanged.";
/// `medal check` builds no site, so it has none to leave unchanged.
const CHECK_FAILED: &str = "; `medal build` would refuse to publish this content.";

/// Exit codes: 1 for content errors, 2 for usage, configuration or I/O errors.
pub(crate) fn fail(e: Error, root: &Path, format: Format) -> ExitCode {
    fail_with(e, root, format, BUILD_FAILED)
}

/// [`fail`], ending the count of content problems with `after`.
fn fail_with(e: Error, root: &Path, format: Format, after: &str) -> ExitCode {
    match e {
        Error::Content(diags) => {
            report::print(&diags, root, format);
            if format == Format::Human {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "{errors} error(s), {} warning(s){after}",
                    diags.len() - errors
                );
            }
            ExitCode::from(1)
        }
        other => {
            eprintln!("error: {other}");
            ExitCode::from(2)
        }
    }
}

fn parse_date(s: &str) -> Result<medal::model::Date, String> {
    medal::model::Date::parse(s)
}

/// Today's date (UTC) for new skeletons; site output never uses the clock.
fn today() -> medal::model::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    medal::model::Date::parse(&format!("{y:04}-{m:02}-{d:02}")).unwrap_or_else(|_| {
        medal::model::Date::parse("2026-01-01").unwrap_or_else(|e| panic!("{e}"))
    })
}
