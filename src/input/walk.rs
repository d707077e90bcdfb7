//! Which files a run reads: paths named on the command line, and the files found
//! by walking named directories (SPEC §2: hidden directories, `.git`,
//! `node_modules`, `target` and `cdk.out/asset.*` skipped; `.gitignore` honoured
//! as git honours it; `.ecslintignore` always).

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::diagnostic::RunError;

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The path to open.
    pub path: PathBuf,
    /// The path as shown to the user (SPEC §3.2).
    pub display: String,
    /// Named on the command line (then an unrecognised file is ECS003).
    pub explicit: bool,
}

/// Extensions of files that walking reads (and reports when they do not parse).
pub const WALKED_EXTENSIONS: [&str; 4] = ["json", "yaml", "yml", "template"];

/// `exclude` patterns from the config.
#[derive(Debug, Clone, Default)]
pub struct Excludes {
    set: Option<GlobSet>,
    base: PathBuf,
}

impl Excludes {
    /// Compiles patterns; `base` is the config file's directory.
    pub fn new(patterns: &[String], base: &Path) -> Result<Self, String> {
        if patterns.is_empty() {
            return Ok(Self::default());
        }
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let glob = Glob::new(p).map_err(|e| format!("invalid exclude pattern `{p}`: {e}"))?;
            builder.add(glob);
            // `legacy/**` should also exclude the directory `legacy` itself.
            if let Some(dir) = p.strip_suffix("/**")
                && let Ok(g) = Glob::new(dir)
            {
                builder.add(g);
            }
        }
        let set = builder
            .build()
            .map_err(|e| format!("invalid exclude patterns: {e}"))?;
        Ok(Self {
            set: Some(set),
            base: base.to_path_buf(),
        })
    }

    /// Whether a path (as displayed, or relative to the config directory, or its file name) is excluded.
    pub fn is_excluded(&self, path: &Path) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let clean = strip_dot(path);
        if set.is_match(&clean) {
            return true;
        }
        if let Ok(rel) = clean.strip_prefix(strip_dot(&self.base))
            && set.is_match(rel)
        {
            return true;
        }
        if let (Ok(abs), Ok(base)) = (std::path::absolute(path), std::path::absolute(&self.base))
            && let Ok(rel) = abs.strip_prefix(&base)
            && set.is_match(rel)
        {
            return true;
        }
        path.file_name().is_some_and(|n| set.is_match(n))
    }
}

fn strip_dot(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

/// `path` as shown to the user: without a leading `./`, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    if s.is_empty() {
        ".".to_string()
    } else {
        s.to_string()
    }
}

fn skipped_dir(name: &str, parent_name: Option<&str>) -> bool {
    name == "node_modules"
        || name == "target"
        || name == ".git"
        || (parent_name == Some("cdk.out") && name.starts_with("asset."))
}

/// Collects the files to read, in a deterministic order (named paths first, in
/// the order given; each directory's files sorted).
pub fn collect(
    paths: &[PathBuf],
    excludes: &Excludes,
    force_exclude: bool,
) -> (Vec<Candidate>, Vec<RunError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let display = display_path(path);
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(RunError {
                    path: Some(display),
                    message: if e.kind() == std::io::ErrorKind::NotFound {
                        "no such file or directory".to_string()
                    } else {
                        e.to_string()
                    },
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk_dir(path, excludes, &mut out, &mut errors);
        } else {
            if force_exclude && excludes.is_excluded(path) {
                continue;
            }
            out.push(Candidate {
                path: path.clone(),
                display,
                explicit: true,
            });
        }
    }
    (out, errors)
}

fn walk_dir(
    root: &Path,
    excludes: &Excludes,
    out: &mut Vec<Candidate>,
    errors: &mut Vec<RunError>,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .parents(true)
        .ignore(false)
        .add_custom_ignore_filename(".ecslintignore")
        .follow_links(false)
        .sort_by_file_name(std::cmp::Ord::cmp);
    let excludes_for_filter = excludes.clone();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && entry.depth() > 0 {
            let name = entry.file_name().to_string_lossy();
            let parent = entry
                .path()
                .parent()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned());
            if skipped_dir(&name, parent.as_deref()) {
                return false;
            }
        }
        entry.depth() == 0 || !excludes_for_filter.is_excluded(entry.path())
    });
    let mut found = Vec::new();
    for result in builder.build() {
        match result {
            Ok(entry) => {
                let Some(ft) = entry.file_type() else {
                    continue;
                };
                if !ft.is_file() {
                    continue;
                }
                let path = entry.path();
                let ext_ok = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| WALKED_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
                if !ext_ok {
                    continue;
                }
                found.push(Candidate {
                    path: path.to_path_buf(),
                    display: display_path(path),
                    explicit: false,
                });
            }
            Err(e) => {
                // Loops and unreadable directories: say so, keep going.
                let message = e.to_string();
                if message.contains("File system loop") {
                    continue;
                }
                errors.push(RunError {
                    path: None,
                    message,
                });
            }
        }
    }
    out.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_strips_leading_dot_slash() {
        assert_eq!(display_path(Path::new("./a/b.json")), "a/b.json");
        assert_eq!(display_path(Path::new("a/b.json")), "a/b.json");
        assert_eq!(display_path(Path::new(".")), ".");
    }

    #[test]
    fn excludes_match_relative_paths_and_directories() {
        let ex = Excludes::new(&["legacy/**".to_string()], Path::new(".")).unwrap();
        assert!(ex.is_excluded(Path::new("legacy/x.json")));
        assert!(ex.is_excluded(Path::new("./legacy/x.json")));
        assert!(ex.is_excluded(Path::new("legacy")));
        assert!(!ex.is_excluded(Path::new("app/x.json")));
    }

    #[test]
    fn skipped_directories() {
        assert!(skipped_dir("node_modules", None));
        assert!(skipped_dir("asset.abc123", Some("cdk.out")));
        assert!(!skipped_dir("asset.abc123", Some("src")));
    }
}
