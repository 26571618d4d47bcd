//! The `medal` command line. Reporting (what the user reads) lives here; the library returns
//! typed errors.

use clap::{Parser, Subcommand};
use medal::error::Error;
use std::path::PathBuf;
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
    /// Build the site into public/ (or --out).
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
    },
    /// Check the content without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
        } => {
            let started = Instant::now();
            let opts = medal::BuildOptions {
                root,
                out,
                base_url,
                drafts,
            };
            match medal::build(&opts) {
                Ok(r) => {
                    for w in &r.warnings {
                        eprintln!("warning: {w}");
                    }
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
                Err(e) => report(e),
            }
        }
        Command::Check { root } => match medal::check(&root) {
            Ok(warnings) => {
                for w in &warnings {
                    eprintln!("warning: {w}");
                }
                eprintln!("No errors found ({} warning(s)).", warnings.len());
                ExitCode::SUCCESS
            }
            Err(e) => report(e),
        },
    }
}

fn report(e: Error) -> ExitCode {
    match e {
        Error::Content(diags) => {
            for d in &diags {
                eprintln!("{}: {d}", d.severity.as_str());
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "\n{errors} error(s), {} warning(s); nothing was written, the previous site is unchanged.",
                diags.len() - errors
            );
            ExitCode::from(1)
        }
        other => {
            eprintln!("error: {other}");
            ExitCode::from(2)
        }
    }
}
