//! Typed errors of the library. Rich reporting (colours, source snippets) lives at the CLI edge.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

/// Errors stop a build; warnings are things a curator should look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one content file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file, relative to the portal root where possible.
    pub file: PathBuf,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The column just past the offending text on `line` (1-based, exclusive), when it is
    /// known; reports underline `column..end_column`, else the token at `column`. (Non-zero:
    /// columns are 1-based, and it keeps the struct small.)
    pub end_column: Option<std::num::NonZeroU32>,
    /// Dotted field path, e.g. `evaluation.metrics[1].direction`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    pub severity: Severity,
}

impl Diagnostic {
    /// An error: the build stops.
    pub fn new(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.as_ref().to_path_buf(),
            line: None,
            column: None,
            end_column: None,
            field: None,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
        }
    }

    /// A warning: reported, but the build goes on.
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(file, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line.and_then(|l| u32::try_from(l).ok());
        self.column = column.and_then(|c| u32::try_from(c).ok());
        self
    }

    /// Where the offending text ends on its line (see [`Diagnostic::end_column`]).
    pub fn end_column(mut self, end: Option<usize>) -> Self {
        self.end_column = end
            .and_then(|c| u32::try_from(c).ok())
            .and_then(std::num::NonZeroU32::new);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Content problems, all of them, sorted by file and line.
    #[error("{} problem(s) in the content", .0.len())]
    Content(Vec<Diagnostic>),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("template error: {0}")]
    Template(String),
    /// A file the build would write outside the output folder (a theme file name, say).
    #[error("{0}")]
    Output(String),
}

impl Error {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
