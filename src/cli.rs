//! Command-line definitions (clap). Nothing outside this module sees clap types: `lib.rs` turns
//! them into layers and options once.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args, Parser, Subcommand};

use crate::spec::fields::FIELDS;
use crate::spec::{Key, RawValue};

const NEW_EXAMPLES: &str = "\
Examples:
  berth new sales-etl --preset postgres-etl -y
      Batch ETL with PostgreSQL, written to ./sales-etl without questions.
  berth new . --preset distroless-batch -y --dry-run
      Show the plan and diffs for the current directory; write nothing.
  berth new svc --preset api-service -y --port 8080 --app-memory 512m --ci gitlab
      A preset with some answers overridden by flags.
  berth new . --answers berth.yml --force
      Regenerate from an answers file, discarding your edits to the files berth manages.
  berth new . --preset ./org-preset.yaml -y --set scan_severity=critical
      An organisation's own preset (it may `extends:` a built-in one).

Answers are layered: built-in defaults < --preset < --answers (or DIR/berth.yml) < flags and --set.
In an existing project, your edits to the files berth manages are merged as `berth upgrade` does.
Exit status: 0 written, 1 an edited file could not be merged (conflict or no base), the wizard was
declined or cancelled, or the write was refused; 2 usage or invalid answers.
Without -y or --answers, a terminal gets the wizard; anything else exits 2.";

#[derive(Debug, Parser)]
#[command(
    name = "berth",
    version,
    about = "Hardened container files for Python data pipelines: generate, audit, verify.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a hardened Dockerfile, compose file, CI pipeline and the files around them.
    #[command(after_long_help = NEW_EXAMPLES, after_help = "Run `berth new --help` for examples.")]
    New(NewArgs),
    /// List the built-in presets: name and description, one per line.
    #[command(after_help = "Exit status: 0 listed.")]
    Presets,
    /// Build a generated project on a Docker engine and prove its controls: non-root, no shell
    /// (distroless), no compiler, no secret in any layer, healthy, read-only, no capabilities,
    /// isolated database, no egress from internal networks, API on loopback only.
    #[command(after_long_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Check Dockerfiles, compose files, GitHub workflows and Squid configurations (also ones
    /// berth did not write) against berth's security rules.
    #[command(after_long_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Bring a project's files up to date with its berth.yml and this berth's templates,
    /// keeping your edits (three-way merge).
    #[command(after_long_help = UPGRADE_HELP)]
    Upgrade(UpgradeArgs),
    /// Fail when a project's files drift from its berth.yml or from this berth's templates:
    /// the CI and pre-commit gate. Local edits that merge cleanly and add no audit finding pass.
    #[command(after_long_help = CHECK_HELP)]
    Check(CheckArgs),
    /// List every audit rule: code, default severity, name and summary.
    #[command(after_help = "Exit status: 0 listed, 2 bad usage.")]
    Rules(RulesArgs),
    /// Print an audit rule's documentation.
    #[command(after_help = "Exit status: 0 printed, 2 unknown rule code or bad usage.")]
    Explain(ExplainArgs),
    /// Print a shell completion script to stdout.
    #[command(after_long_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print berth's manual page (roff, every command and option) to stdout.
    #[command(after_long_help = MAN_HELP)]
    Man,
}

const COMPLETIONS_HELP: &str = "\
Install, for example:
  bash        berth completions bash > ~/.local/share/bash-completion/completions/berth
  zsh         berth completions zsh > ~/.zfunc/_berth   (with fpath+=(~/.zfunc) before compinit)
  fish        berth completions fish > ~/.config/fish/completions/berth.fish
  powershell  berth completions powershell >> $PROFILE
  elvish      berth completions elvish >> ~/.config/elvish/rc.elv
Exit status: 0 printed, 2 bad usage or the script could not be written.";

const MAN_HELP: &str = "\
Install, for example:
  berth man > ~/.local/share/man/man1/berth.1
Read it without installing: berth man | man -l -
Exit status: 0 printed, 2 the page could not be written.";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const AUDIT_HELP: &str = "\
Directories are searched for Dockerfile*, *.Dockerfile, Containerfile*, *.Containerfile,
compose*.y*ml, docker-compose*.y*ml, .github/workflows/*.y*ml, action.y*ml (GitHub Actions),
squid*.conf and *.squid.conf (Squid), for other YAML whose top-level keys are all compose keys,
`services:` among them (full-stack.yml), and for the files a compose file found there includes or
extends from (a common.yml). In a git work
tree every tracked file is audited and untracked files git ignores are skipped; outside git every
file found is audited. Symlinks are followed inside the searched directory. Whatever is found and
not audited is listed with the reason (text: notes on stderr; json and sarif: in the output).
`berth audit -` reads standard input; --stdin-filename gives it a path (e.g. compose.yml) that says
what kind of file it is and where its build context is.
Suppress a finding with a comment on or above its line: `# berth: ignore=BD001 <reason>`, or in
.berth-audit.yml (disable, per-path and per-service ignores, each with a reason).
Findings go to stdout; errors and notes to stderr.
Exit status: 0 clean, 1 findings at or above --fail-on, 2 a file could not be read or parsed, a path
does not exist, or bad usage.";

/// Output formats of `berth audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
    Sarif,
}

/// Severity thresholds of `berth audit --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Files or directories to audit (default: the current directory); `-` is standard input.
    pub paths: Vec<PathBuf>,

    /// The path standard input (`-`) is reported under; its name says what kind of file it is.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,

    /// Lowest severity that makes the run fail with exit status 1 [default: high, or the config's fail_on].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Configuration file (default: ./.berth-audit.yml when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Output formats of `berth rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format: aligned columns, or a JSON array of every rule with its documentation.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. BD001 (see `berth rules`).
    pub code: String,
}

const VERIFY_HELP: &str = "\
Everything verify creates (image, containers, networks, volumes) is named after the run and removed
at the end, also on failure or Ctrl-C; --keep keeps the built image.
--image REF checks an image built elsewhere (in CI, say) instead of building one: the image checks
run on REF, and the compose stack runs REF as the app. REF must be on the engine (docker load,
docker pull or docker build first); verify never pulls it and never removes it.
The engine is the one DOCKER_HOST (or the default socket) points at; --docker or BERTH_DOCKER picks
the client binary. Against a remote engine (tcp:// or ssh://, such as CI's docker-in-docker) the
checks of published ports connect from the engine's host, in a --network host container.
Exit status: 0 every check passed or was skipped, 1 a check failed, 2 verify could not run.";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The project directory (it must contain berth.yml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: VerifyFormat,

    /// Keep the built image afterwards.
    #[arg(long)]
    pub keep: bool,

    /// Seconds the stack may take to become healthy.
    #[arg(long, default_value_t = 180, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// The docker client to run (default: $BERTH_DOCKER, else `docker` on PATH).
    #[arg(long, value_name = "PATH")]
    pub docker: Option<PathBuf>,

    /// Check this image instead of building one (it must be on the engine already).
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,
}

const UPGRADE_HELP: &str = "\
Each file berth manages (recorded in berth.lock) is left alone when it is current, replaced when
you have not edited it, kept when only you changed it, and three-way merged when you both did
(the base is berth's last render: rendered again from berth.lock, or found in git by its blob id).
Overlapping edits are shown and nothing is written, unless --conflicts writes conflict markers. A
file whose base cannot be found is left as it is, with berth's change shown. Starter code and
secrets are never touched. The files as they will be are audited: findings your edits add are
reported.
Exit status: 0 up to date, 1 a conflict or a file without a base (or refused), 2 error.";

const CHECK_HELP: &str = "\
One render, no network, no writes. One line per file that is not current, saying why (answers
changed, templates changed, merge needed), then unified diffs. Secrets and starter code are not
checked.
Exit status: 0 current, 1 `berth upgrade` would change something or your edits add audit
findings, 2 error.";

#[derive(Debug, Clone, Args)]
pub struct UpgradeArgs {
    /// The project directory (it must contain berth.yml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Print the plan and diffs; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Write files whose edits overlap berth's change, with conflict markers to resolve.
    #[arg(long)]
    pub conflicts: bool,
}

/// Output formats of `berth check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The project directory (it must contain berth.yml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Args)]
pub struct NewArgs {
    /// Directory to write into; created when missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// A built-in preset name (see `berth presets`) or a preset file.
    #[arg(long, value_name = "NAME|FILE")]
    pub preset: Option<String>,

    /// An answers file such as a project's berth.yml (default: DIR/berth.yml when it exists).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Never prompt: take answers from the preset, answers file and flags only.
    #[arg(short = 'y', long = "non-interactive")]
    pub non_interactive: bool,

    /// Set any answer by key, e.g. --set python=3.12 (repeatable; lists are comma-separated).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,

    /// Replace files berth manages even where you edited them, instead of merging your edits
    /// (starter code and secrets are never replaced).
    #[arg(long)]
    pub force: bool,

    /// Print what would be created or changed, with diffs; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub answers_flags: FieldFlags,
}

/// One flag per answer field, generated from the field table.
#[derive(Debug, Default, Clone)]
pub struct FieldFlags {
    pub values: Vec<(Key, RawValue)>,
}

impl clap::FromArgMatches for FieldFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for field in FIELDS {
            if field.is_list() {
                if let Some(items) = matches.get_many::<String>(field.name) {
                    values.push((field.key, RawValue::List(items.cloned().collect())));
                }
            } else if let Some(value) = matches.get_one::<String>(field.name) {
                values.push((field.key, RawValue::One(value.clone())));
            }
        }
        Ok(FieldFlags { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for FieldFlags {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.next_help_heading("Answers (each also settable with --set KEY=VALUE or in berth.yml)").args(
            FIELDS.iter().map(|field| {
                let arg = Arg::new(field.name)
                    .long(field.flag)
                    .value_name(field.value_name)
                    .help(field.help_text())
                    .long_help(field.long_help_text());
                if field.is_list() {
                    arg.action(ArgAction::Append).value_delimiter(',').num_args(1..)
                } else {
                    arg.action(ArgAction::Set)
                }
            }),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn field_flags_parse() {
        let cli = Cli::try_parse_from([
            "berth",
            "new",
            "x",
            "--python",
            "3.12",
            "--build-packages",
            "gcc,libpq-dev",
            "--build-packages",
            "make",
        ])
        .unwrap();
        let Command::New(args) = cli.command else { panic!() };
        assert_eq!(args.answers_flags.values[0], (Key::Python, RawValue::One("3.12".into())));
        assert_eq!(
            args.answers_flags.values[1],
            (Key::BuildPackages, RawValue::List(vec!["gcc".into(), "libpq-dev".into(), "make".into()]))
        );
    }
}
