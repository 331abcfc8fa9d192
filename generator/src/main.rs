//! The `sdkforge` command: parses arguments, calls the library, maps results to exit codes
//! (0 success, 1 drift for `check`, 2 invalid input or usage).

use clap::{Args, Parser, Subcommand, ValueEnum};
use sdkforge::{Config, Diagnostics, Generator};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "sdkforge", version, about = "Generate typed Rust client crates from OpenAPI documents")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How problems are printed on stderr: `human`, or `json` (one object per line).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Treat every warning as an error (exit 2, nothing written).
    #[arg(long, global = true)]
    deny_warnings: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

/// How diagnostics are reported for this run.
#[derive(Clone, Copy)]
struct Reporting {
    format: MessageFormat,
    deny_warnings: bool,
}

impl Reporting {
    fn print(self, diags: &Diagnostics) {
        if diags.is_empty() {
            return;
        }
        use std::io::IsTerminal;
        match self.format {
            // Snippets for people at a terminal; the plain form for pipes, logs and CI.
            MessageFormat::Human if std::io::stderr().is_terminal() => {
                let styled = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                eprint!("{}", sdkforge::diagnostics::render_with_snippets(diags, styled));
            }
            MessageFormat::Human => eprint!("{diags}"),
            MessageFormat::Json => eprint!("{}", diags.to_json_lines()),
        }
    }

    /// Warnings of a stage that succeeded: printed, or (denied) an error.
    fn warnings(self, mut warnings: Diagnostics) -> Result<(), Diagnostics> {
        if self.deny_warnings && !warnings.is_empty() {
            warnings.deny_warnings();
            return Err(warnings);
        }
        self.print(&warnings);
        Ok(())
    }
}

#[derive(Subcommand)]
enum Command {
    /// Generate the client crate (replaces the output folder only when everything succeeded).
    Generate(Inputs),
    /// Compare the generated crate on disk with what would be generated; exit 1 with a diff when
    /// they differ.
    Check(Inputs),
    /// Work with OpenAPI Overlay documents.
    #[command(subcommand)]
    Overlay(OverlayCommand),
    /// Compare the public API generated from two versions of the document (and overlays): each
    /// change to a public item as breaking, additive or docs, the version bump it needs and the
    /// next version (docs/semver.md).
    Diff(DiffArgs),
    /// Start a client for a document: write `sdkforge.toml`, a starter overlay and a GitHub Actions
    /// workflow that keeps the generated crate current (run `sdkforge generate` next).
    Init {
        /// The OpenAPI document (a path; it is read to check it and to name the crate).
        spec: PathBuf,
        /// The Cargo package name (default: from `info.title`).
        #[arg(long)]
        crate_name: Option<String>,
        /// The folder of the generated crate.
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// Replace files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Print the intermediate representation.
    Inspect {
        #[command(flatten)]
        inputs: Inputs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
    },
}

#[derive(Subcommand)]
enum OverlayCommand {
    /// Apply overlays to a document and print (or write) the result, in the document's format
    /// (YAML in, YAML out; JSON in, JSON out) and key order.
    Apply {
        /// The OpenAPI document.
        spec: PathBuf,
        /// An overlay to apply (repeatable; applied in order).
        #[arg(long = "overlay", required = true)]
        overlays: Vec<PathBuf>,
        /// Write the result here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Make an action whose target matches nothing an error.
        #[arg(long)]
        strict: bool,
    },
    /// Check overlay documents against the Overlay 1.0/1.1 specification.
    Validate {
        /// The overlay documents.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Args, Clone)]
struct DiffArgs {
    /// Configuration file: the new side is its spec and overlays unless --to is given, and the
    /// current version is that of its generated crate.
    #[arg(long, default_value = "sdkforge.toml")]
    config: PathBuf,
    /// The old document.
    #[arg(long, conflicts_with = "from_rev", required_unless_present = "from_rev")]
    from: Option<PathBuf>,
    /// An overlay of the old document (repeatable).
    #[arg(long = "from-overlay", requires = "from")]
    from_overlays: Vec<PathBuf>,
    /// The old side is the configured spec and overlays as they were at this git revision.
    #[arg(long)]
    from_rev: Option<String>,
    /// The new document (default: the configured spec and overlays).
    #[arg(long)]
    to: Option<PathBuf>,
    /// An overlay of the new document (repeatable).
    #[arg(long = "overlay", requires = "to")]
    overlays: Vec<PathBuf>,
    /// The version the old side was released as (default: the generated crate's, else 0.1.0).
    #[arg(long)]
    current_version: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit 1 when a change of this kind (or worse) is present.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Additive,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

#[derive(Args, Clone)]
struct Inputs {
    /// Configuration file (used unless --spec is given).
    #[arg(long, default_value = "sdkforge.toml", conflicts_with = "spec")]
    config: PathBuf,
    /// The OpenAPI document.
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// An overlay to apply (repeatable; applied in order).
    #[arg(long = "overlay", requires = "spec")]
    overlays: Vec<PathBuf>,
    /// The output folder of the generated crate.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// The Cargo package name of the generated crate (default: from the document's
    /// `info.title`, `Pet Store API` → `pet-store-api`).
    #[arg(long, requires = "spec")]
    crate_name: Option<String>,
    /// Make an overlay action whose target matches nothing an error, and every warning of the
    /// reading policy (a document that breaks the specification in a way with one safe reading;
    /// docs/reading.md) too (also `strict = true` in sdkforge.toml).
    #[arg(long)]
    strict: bool,
    /// A hand-written file or folder inside the output folder that `generate` keeps and `check`
    /// ignores (repeatable; also `keep` in sdkforge.toml).
    #[arg(long = "keep")]
    keep: Vec<String>,
    /// A hand-written module of the crate (`src/NAME.rs`), declared in the generated `lib.rs`,
    /// kept by `generate` and ignored by `check` (repeatable; also `modules` in sdkforge.toml).
    #[arg(long = "module")]
    modules: Vec<String>,
    /// Also emit the contract tests: `tests/contract.rs`, one test per operation against a mock
    /// server (Prism) serving the document after overlays (also `with-tests` in sdkforge.toml).
    #[arg(long)]
    with_tests: bool,
    /// `generate` only: when the public API changed since the release recorded in the crate's
    /// `released-api.json`, release it: the next version in `Cargo.toml`, an entry in
    /// `CHANGELOG.md`, a new record (docs/semver.md).
    #[arg(long)]
    bump: bool,
}

impl Inputs {
    fn config(&self) -> Result<Config, Diagnostics> {
        let mut c = match (&self.spec, &self.out) {
            (Some(spec), Some(out)) => {
                let name = match &self.crate_name {
                    Some(n) => n.clone(),
                    None => sdkforge::config::crate_name_of(spec)?,
                };
                let mut c = Config::new(spec, out, name);
                c.overlays = self.overlays.clone();
                c
            }
            _ => Config::from_file(&self.config).map_err(Diagnostics::from)?,
        };
        c.strict_overlays |= self.strict;
        c.strict |= self.strict;
        c.keep.extend(self.keep.iter().cloned());
        c.modules.extend(self.modules.iter().cloned());
        c.with_tests |= self.with_tests;
        c.bump |= self.bump;
        c.check().map_err(Diagnostics::from)?;
        Ok(c)
    }

    /// The command that regenerates with these inputs.
    fn generate_command(&self) -> String {
        match (&self.spec, &self.out) {
            (Some(spec), Some(out)) => {
                let mut s = format!("sdkforge generate --spec {}", spec.display());
                for o in &self.overlays {
                    s.push_str(&format!(" --overlay {}", o.display()));
                }
                s.push_str(&format!(" --out {}", out.display()));
                if let Some(name) = &self.crate_name {
                    s.push_str(&format!(" --crate-name {name}"));
                }
                if self.with_tests {
                    s.push_str(" --with-tests");
                }
                s
            }
            _ if self.config == std::path::Path::new("sdkforge.toml") => "sdkforge generate".to_string(),
            _ => format!("sdkforge generate --config {}", self.config.display()),
        }
    }
}

// The binary allocates with mimalloc (see the `mimalloc` feature in Cargo.toml and
// docs/performance.md): generation makes millions of small allocations, which took a third of
// its instructions in the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates in memory: the IR, then the files. In between, the typed document (several times
/// the size of the text) has just been dropped; its memory is handed back to the system there,
/// or the emitting threads would take fresh memory while it stayed resident (the difference
/// between a peak of about 117 and 135 MB on GitHub's document).
fn generate(generator: &Generator) -> Result<sdkforge::Generated, Diagnostics> {
    generator.generate_then(|| {
        #[cfg(feature = "mimalloc")]
        // SAFETY: `mi_collect` takes no pointers and may be called at any time; it only returns
        // memory the allocator holds free.
        unsafe {
            libmimalloc_sys::mi_collect(true)
        };
    })
}

/// `sdkforge diff`: the IR of both sides, compared.
fn diff(args: &DiffArgs, reporting: Reporting) -> Result<sdkforge::semver::Report, Diagnostics> {
    let configured = || Config::from_file(&args.config).map_err(Diagnostics::from);
    let crate_name = |c: Option<&Config>| c.map_or_else(|| "api".to_string(), |c| c.crate_name.clone());
    let file_config = if args.config.exists() || args.from_rev.is_some() || args.to.is_none() { Some(configured()?) } else { None };
    let side = |spec: &std::path::Path, overlays: &[PathBuf]| {
        let mut c = Config::new(spec, std::env::temp_dir().join("sdkforge-diff-out"), crate_name(file_config.as_ref()));
        c.overlays = overlays.to_vec();
        c
    };
    let new = match (&args.to, &file_config) {
        (Some(spec), _) => side(spec, &args.overlays),
        (None, Some(c)) => side(&c.spec, &c.overlays),
        (None, None) => return Err(sdkforge::Diagnostic::error("no new side: give --to or a configuration file").into()),
    };
    let mut snapshot = None;
    let old = match (&args.from, &args.from_rev, &file_config) {
        (Some(spec), _, _) => side(spec, &args.from_overlays),
        (None, Some(rev), Some(c)) => {
            let dir = sdkforge::semver::git::checkout(rev, &c.spec, &c.overlays).map_err(|m| Diagnostics::from(sdkforge::Diagnostic::error(m)))?;
            let config = side(&dir.path_of(&c.spec), &c.overlays.iter().map(|o| dir.path_of(o)).collect::<Vec<_>>());
            snapshot = Some(dir);
            config
        }
        _ => return Err(sdkforge::Diagnostic::error("no old side: give --from or --from-rev").into()),
    };
    let (old_api, old_warnings) = Generator::new(old).ir()?;
    drop(snapshot);
    let (new_api, new_warnings) = Generator::new(new).ir()?;
    let mut warnings = old_warnings;
    warnings.extend(new_warnings);
    reporting.warnings(warnings)?;
    let current = args
        .current_version
        .clone()
        .or_else(|| file_config.as_ref().and_then(|c| sdkforge::semver::crate_version(&c.out)))
        .or_else(|| file_config.as_ref().map(|c| c.crate_version.clone()))
        .unwrap_or_else(|| "0.1.0".to_string());
    Ok(sdkforge::semver::diff(&old_api, &new_api, &current))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let reporting = Reporting { format: cli.message_format, deny_warnings: cli.deny_warnings };
    match run(cli, reporting) {
        Ok(code) => code,
        Err(mut diags) => {
            if reporting.deny_warnings {
                diags.deny_warnings();
            }
            reporting.print(&diags);
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli, reporting: Reporting) -> Result<ExitCode, Diagnostics> {
    match cli.command {
        Command::Generate(inputs) => {
            let config = inputs.config()?;
            let out = config.out.clone();
            let keep = config.kept();
            let generator = Generator::new(config);
            // Generated in memory first: with --deny-warnings a warning stops the run before
            // anything is written.
            let done = generate(&generator)?;
            reporting.warnings(done.warnings.clone())?;
            done.files.write_keeping(&out, &keep).map_err(Diagnostics::from)?;
            eprintln!("generated {} files in {}", done.files.files().len(), out.display());
            if let Some(r) = &done.release.released {
                eprintln!("released {} ({} release from {}): CHANGELOG.md and released-api.json updated", r.next_version, r.bump.as_str(), r.current_version);
            }
            if let Some(r) = &done.release.pending {
                eprint!("{r}");
                eprintln!("note: the public API changed since the release {}; `check` fails until it is released", r.current_version);
                eprintln!("  help: run `{} --bump`", inputs.generate_command());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(inputs) => {
            let config = inputs.config()?;
            let out = config.out.clone();
            let keep = config.kept();
            let done = generate(&Generator::new(config))?;
            let diff = done.files.diff_keeping(&out, &keep).map_err(Diagnostics::from)?;
            let warnings = done.warnings;
            reporting.warnings(warnings)?;
            if let (None, Some(r)) = (&diff, &done.release.pending) {
                print!("{r}");
                eprintln!(
                    "error: the public API of {} changed since the release {} it is versioned as; it needs {}",
                    out.display(),
                    r.current_version,
                    r.next_version
                );
                eprintln!("  help: run `{} --bump` and commit the result", inputs.generate_command());
                return Ok(ExitCode::from(1));
            }
            match diff {
                None => {
                    eprintln!("{} is up to date", out.display());
                    Ok(ExitCode::SUCCESS)
                }
                Some(diff) => {
                    print!("{diff}");
                    eprintln!("error: the generated code in {} is out of date", out.display());
                    eprintln!("  help: run `{}` and commit the result", inputs.generate_command());
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Overlay(OverlayCommand::Apply { spec, overlays, out, strict }) => {
            let source = sdkforge::load::load_file(&spec)?;
            let mut doc = source.value.clone();
            let strictness = if strict { sdkforge::overlay::Strictness::Strict } else { sdkforge::overlay::Strictness::Lenient };
            let warnings = sdkforge::apply_overlays(&mut doc, &overlays, Some(&spec), strictness)?;
            reporting.warnings(warnings)?;
            let text = match source.format {
                sdkforge::load::Format::Json => sdkforge::load::to_json_string_pretty(&doc),
                sdkforge::load::Format::Yaml => sdkforge::load::to_yaml_string(&doc),
            }
            .map_err(|e| sdkforge::Diagnostic::error(format!("cannot write the document: {e}")))?;
            match out {
                None => print!("{text}"),
                Some(path) => sdkforge::write::write_file_atomically(&path, &text)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Overlay(OverlayCommand::Validate { files }) => {
            let mut problems = Diagnostics::default();
            for file in &files {
                match sdkforge::load::load_file(file).map_err(Diagnostics::from).and_then(sdkforge::overlay::parse) {
                    Ok(overlay) => {
                        for action in &overlay.actions {
                            if let Some(w) = overlay.does_nothing(action) {
                                problems.push(w);
                            }
                        }
                        let version = match overlay.version {
                            sdkforge::overlay::Version::V1_0 => "1.0",
                            sdkforge::overlay::Version::V1_1 => "1.1",
                        };
                        let n = overlay.actions.len();
                        eprintln!("{}: a valid Overlay {version} document with {n} action{}", file.display(), if n == 1 { "" } else { "s" });
                    }
                    Err(e) => problems.extend(e),
                }
            }
            if problems.has_errors() {
                return Err(problems);
            }
            reporting.warnings(problems)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let report = diff(&args, reporting)?;
            match args.format {
                DiffFormat::Text => print!("{report}"),
                DiffFormat::Json => println!("{}", report.to_json()),
            }
            let fails = match args.fail_on {
                Some(FailOn::Breaking) => report.is_breaking(),
                Some(FailOn::Additive) => report.changes.iter().any(|c| c.kind >= sdkforge::semver::Kind::Additive),
                None => false,
            };
            Ok(if fails { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Init { spec, crate_name, out, force } => {
            let crate_name = match crate_name {
                Some(n) => n,
                None => sdkforge::config::crate_name_of(&spec)?,
            };
            sdkforge::load::load_file(&spec)?;
            let files = sdkforge::init::files(&spec, &out, &crate_name);
            let existing: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).filter(|p| std::path::Path::new(p).exists()).collect();
            if !existing.is_empty() && !force {
                return Err(sdkforge::Diagnostic::error(format!("not replacing what exists: {}", existing.join(", "))).help("pass --force to replace them").into());
            }
            for (path, text) in &files {
                if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| sdkforge::Diagnostic::error(format!("cannot create {}: {e}", dir.display())))?;
                }
                sdkforge::write::write_file_atomically(std::path::Path::new(path), text)?;
                eprintln!("wrote {path}");
            }
            eprintln!("next: `sdkforge generate` writes the crate `{crate_name}` into {}; commit it with these files", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect { inputs, format } => {
            let config = inputs.config()?;
            let (api, warnings) = Generator::new(config).ir()?;
            reporting.warnings(warnings)?;
            let text = match format {
                Format::Json => sdkforge::load::to_json_string_pretty(&api),
                Format::Yaml => sdkforge::load::to_yaml_string(&api),
            };
            match text {
                Ok(t) => {
                    print!("{t}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(sdkforge::Diagnostic::error(format!("cannot print the IR: {e}")).into()),
            }
        }
    }
}
