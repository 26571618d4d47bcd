//! The `medal` command line. Reporting (what the user reads) lives here and in `report`; the
//! library returns typed errors.

mod report;

use clap::{Parser, Subcommand};
use medal::error::Error;
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
        /// How problems in the content are reported.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Check the content without writing anything: every problem, in one run.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// human: source line and hint; json: for scripts; github: Actions annotations.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            format,
        } => {
            let started = Instant::now();
            let opts = medal::BuildOptions {
                root: root.clone(),
                out,
                base_url,
                drafts,
            };
            match medal::build(&opts) {
                Ok(r) => {
                    report::print(&r.warnings, &root, format);
                    eprintln!(
                        "Built {} pages ({} files, {:.1} MB) into {} in {:.2} s",
                        r.pages,
                        r.files,
                        r.bytes as f64 / 1e6,
                        r.out.display(),
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &root, format),
            }
        }
        Command::Check { root, format } => {
            let started = Instant::now();
            match medal::check(&root) {
                Ok(warnings) => {
                    report::print(&warnings, &root, format);
                    if format == Format::Human {
                        eprintln!(
                            "No errors ({} warning(s)), checked in {:.2} s.",
                            warnings.len(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e, &root, format),
            }
        }
    }
}

/// Exit codes: 1 for content errors, 2 for usage, configuration or I/O errors.
fn fail(e: Error, root: &Path, format: Format) -> ExitCode {
    match e {
        Error::Content(diags) => {
            report::print(&diags, root, format);
            if format == Format::Human {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "{errors} error(s), {} warning(s); nothing was written, the previous site is unchanged.",
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
