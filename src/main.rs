//! The `apigctl` command line. Argument parsing only: the work is in `apigctl::commands`.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use apigctl::commands::{self, Outcome};
use apigctl::source::refs::RefOptions;
use apigctl::source::{Input, Limits};

/// Import, export, lint and sync Huawei Cloud API Gateway definitions kept as OpenAPI.
#[derive(Parser)]
#[command(name = "apigctl", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour output (the last one given wins, as in ripgrep, so an alias can be
    /// overridden).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true, overrides_with = "color")]
    color: ColorWhen,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check OpenAPI documents and gateway definitions.
    #[command(after_help = LINT_HELP)]
    Lint(LintArgs),
    /// Convert an OpenAPI document with x-apigateway-* extensions to a gateway definition.
    #[command(after_help = IMPORT_HELP)]
    Import(ImportArgs),
    /// List the lint rules, or explain one.
    #[command(after_help = RULES_HELP)]
    Rules(RulesArgs),
    /// Convert a gateway definition to an OpenAPI document with x-apigateway-* extensions.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Convert an OpenAPI document to another OpenAPI version, keeping x-apigateway-* extensions.
    #[command(after_help = CONVERT_HELP)]
    Convert(ConvertArgs),
    /// Show what sync would change on the gateway (exit 0 none, 2 pending, 1 error).
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Make the live API group match an OpenAPI document or gateway definition.
    #[command(after_help = SYNC_HELP)]
    Sync(SyncArgs),
    /// Read a live API group back as a gateway definition.
    #[command(after_help = DUMP_HELP)]
    Dump(DumpArgs),
    /// Run a local gateway that speaks the APIG v2 management REST API.
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
}

// The EXAMPLES of each subcommand's `--help`. Every line that starts with `  apigctl ` is an
// example whose arguments the tests parse (up to a `>`, `|` or `&`), so none names a flag
// that does not exist.

const LINT_HELP: &str = "\
Examples:
  apigctl lint openapi.yaml
  apigctl lint api/orders.yaml api/users.yaml --fail-on warn
  apigctl lint                                    # the `files` of .apigctl.yaml
  apigctl lint openapi.yaml --format sarif > lint.sarif
  apigctl lint openapi.yaml --write-baseline baseline.json
  apigctl lint openapi.yaml --baseline baseline.json --format github
  apigctl --color never lint openapi.yaml
  cat openapi.yaml | apigctl lint -

Environment:
  NO_COLOR, TERM=dumb   no colour (with --color auto)
  APIGCTL_TIMINGS=1     time spent per phase, on stderr";

const IMPORT_HELP: &str = "\
Examples:
  apigctl import openapi.yaml -o definition.yaml
  apigctl import openapi.yaml --group-name shop_api --format json
  apigctl import openapi.yaml --strict -o definition.yaml";

const RULES_HELP: &str = "\
Examples:
  apigctl rules
  apigctl rules --format json
  apigctl rules explain apig-api-name
  apigctl rules explain apig-api-name --format json";

const EXPORT_HELP: &str = "\
Examples:
  apigctl export definition.yaml -o openapi.yaml
  apigctl export definition.yaml --oas 3.1 --define proxy --format json
  apigctl export definition.yaml --oas 2.0 -o swagger.yaml
  apigctl export definition.yaml --strict -o openapi.yaml";

const CONVERT_HELP: &str = "\
Examples:
  apigctl convert swagger.yaml --oas 3.0 -o openapi.yaml
  apigctl convert openapi.json --oas 3.1 --format yaml
  apigctl convert openapi.yaml --oas 2.0 --strict -o swagger.yaml";

/// The environment variables `diff`, `sync` and `dump` read (`gateway::config`'s `ENV_*`):
/// a macro, as `concat!` takes literals only.
macro_rules! gateway_env {
    () => {
        "
Environment (a flag wins over its variable; then --config's file):
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK   access key and secret key (requests are signed)
  HUAWEICLOUD_SDK_SECURITY_TOKEN           security token of temporary credentials
  APIGCTL_AUTH_TOKEN                       an IAM token (X-Auth-Token) instead of AK/SK
  HUAWEICLOUD_SDK_PROJECT_ID               --project-id
  APIGCTL_INSTANCE_ID                      --instance-id
  APIGCTL_ENDPOINT                         --endpoint
  APIGCTL_REGION                           --region
  APIGCTL_CONFIG                           --config"
    };
}

const DIFF_HELP: &str = concat!(
    "\
Examples:
  apigctl diff openapi.yaml --env RELEASE --region cn-north-4 --instance-id ID
  apigctl diff definition.yaml --env RELEASE --prune
  apigctl diff openapi.yaml --env RELEASE --format json > plan.json
  apigctl diff openapi.yaml --env DEV --endpoint http://127.0.0.1:8080 --instance-id i1
",
    gateway_env!()
);

const SYNC_HELP: &str = concat!(
    "\
Examples:
  apigctl sync openapi.yaml --env RELEASE --dry-run
  apigctl sync openapi.yaml --env RELEASE --region cn-north-4 --instance-id ID
  apigctl sync definition.yaml --env RELEASE --prune --format json
  apigctl sync openapi.yaml --env RELEASE --via import --api-mode override
",
    gateway_env!()
);

const DUMP_HELP: &str = concat!(
    "\
Examples:
  apigctl dump --group shop_api --env RELEASE -o definition.yaml
  apigctl dump --group shop_api --env RELEASE --oas 3.0 -o openapi.yaml
  apigctl dump --group shop_api --format json --config apig.yaml
",
    gateway_env!()
);

const SERVE_HELP: &str = "\
Examples:
  apigctl serve
  apigctl serve --listen 127.0.0.1:9000 --state gateway.json
  apigctl serve --credentials keys.txt --project-id p1 --instance-id i1
  apigctl serve --auth-token TOKEN

Environment:
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK   the one key pair to accept without --credentials
                                           (both or neither; neither: a generated pair)";

#[derive(Args)]
struct GatewayArgs {
    /// Gateway endpoint URL (`https://...`, or `http://` for `apigctl serve`).
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Region (derives the endpoint when none is given).
    #[arg(long)]
    region: Option<String>,
    /// Project id (else HUAWEICLOUD_SDK_PROJECT_ID).
    #[arg(long, value_name = "ID")]
    project_id: Option<String>,
    /// Gateway (instance) id (else APIGCTL_INSTANCE_ID).
    #[arg(long, value_name = "ID")]
    instance_id: Option<String>,
    /// Configuration file (JSON or YAML; else APIGCTL_CONFIG).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Requests in flight at once (1-256).
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    parallelism: u16,
    /// Timeout of one request, in seconds (1-3600).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
}

impl GatewayArgs {
    fn options(&self) -> commands::diff::GatewayOptions {
        commands::diff::GatewayOptions {
            overrides: apigctl::gateway::ConfigOverrides {
                endpoint: self.endpoint.clone(),
                region: self.region.clone(),
                project_id: self.project_id.clone(),
                instance_id: self.instance_id.clone(),
                config_file: self.config.clone(),
                parallelism: Some(usize::from(self.parallelism)),
                timeout_secs: Some(self.timeout),
            },
            env_vars: None,
        }
    }
}

#[derive(Args)]
struct DiffArgs {
    /// OpenAPI document or gateway definition.
    #[arg(value_name = "SOURCE")]
    source: String,
    /// Environment for entries without `env`; APIs are published here.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    env: String,
    /// Also plan deletion of group objects missing from SOURCE (publications and bindings only
    /// in the environments the run names: --env and the entries' env).
    #[arg(long)]
    prune: bool,
    /// Plan output format.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Human)]
    format: ListFormatArg,
    #[command(flatten)]
    gateway: GatewayArgs,
    #[command(flatten)]
    load: LoadArgs,
}

#[derive(Args)]
struct SyncArgs {
    #[command(flatten)]
    diff: DiffArgs,
    /// Only show the plan (same as `diff`).
    #[arg(long)]
    dry_run: bool,
    /// `import`: push through the gateway's /openapi/import endpoint instead (it has no dry
    /// run: `apigctl diff SOURCE` shows how the group differs).
    #[arg(long, value_name = "METHOD", value_parser = ["import"], conflicts_with = "dry_run")]
    via: Option<String>,
    /// `extend_mode` of --via import.
    #[arg(long, value_name = "MODE", default_value = "merge", value_parser = ["merge", "override"], requires = "via")]
    extend_mode: String,
    /// `api_mode` of --via import.
    #[arg(long, value_name = "MODE", default_value = "merge", value_parser = ["merge", "override"], requires = "via")]
    api_mode: String,
}

#[derive(Args)]
struct DumpArgs {
    /// The API group to read.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    group: String,
    /// Environment written as the default (entries without `env`).
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    env: Option<String>,
    /// Write a gateway definition (the default).
    #[arg(long, conflicts_with = "oas")]
    definition: bool,
    /// Write an OpenAPI document of this version instead.
    #[arg(long, value_name = "VERSION", value_parser = ["2.0", "3.0", "3.1"])]
    oas: Option<String>,
    /// Write to this file (atomically) instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
    /// Output syntax.
    #[arg(long, value_enum, default_value_t = OutputFormatArg::Yaml)]
    format: OutputFormatArg,
    #[command(flatten)]
    gateway: GatewayArgs,
}

impl DiffArgs {
    /// The options; `color` for stderr's diagnostics, `plan_color` for stdout's plan.
    fn options(&self, color: bool, plan_color: bool) -> commands::diff::DiffOptions {
        commands::diff::DiffOptions {
            gateway: self.gateway.options(),
            env: self.env.clone(),
            prune: self.prune,
            format: match self.format {
                ListFormatArg::Human => commands::diff::PlanFormat::Human,
                ListFormatArg::Json => commands::diff::PlanFormat::Json,
            },
            limits: self.load.limits(),
            refs: self.load.refs(),
            color,
            plan_color,
        }
    }
}

#[derive(Args)]
struct ConvertArgs {
    /// The OpenAPI document (`-` for standard input).
    #[arg(value_name = "SPEC")]
    spec: String,

    /// Target OpenAPI version.
    #[arg(long, value_enum)]
    oas: OasArg,

    /// Write the document to this file (atomically) instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,

    /// Output format (default: the input's).
    #[arg(long, value_enum)]
    format: Option<OutputFormatArg>,

    /// Treat every warning as an error (exit 1, nothing written).
    #[arg(long)]
    strict: bool,

    #[command(flatten)]
    load: SizeArgs,
}

#[derive(Args)]
struct ExportArgs {
    /// The gateway definition (`-` for standard input).
    #[arg(value_name = "DEFINITION")]
    definition: String,

    /// OpenAPI version of the document.
    #[arg(long, value_enum, default_value_t = OasArg::V3_0)]
    oas: OasArg,

    /// Definition scope (API Reference 3.16.1): spec = frontend, proxy = + backend,
    /// all = + throttling, access control, authorizers, plug-ins and responses.
    #[arg(long, value_enum, default_value_t = DefineArg::All)]
    define: DefineArg,

    /// Write the document to this file (atomically) instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormatArg::Yaml)]
    format: OutputFormatArg,

    /// Treat every warning as an error (exit 1, nothing written).
    #[arg(long)]
    strict: bool,

    #[command(flatten)]
    load: SizeArgs,
}

/// Input limits of commands that read one self-contained file (no `$ref` following).
#[derive(Args)]
struct SizeArgs {
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_input_size)]
    max_input_size: u64,
}

impl SizeArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_input_size: self.max_input_size,
            ..Limits::default()
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum OasArg {
    #[value(name = "2.0")]
    V2_0,
    #[value(name = "3.0")]
    V3_0,
    #[value(name = "3.1")]
    V3_1,
}

impl OasArg {
    fn version(self) -> apigctl::openapi::OasVersion {
        match self {
            OasArg::V2_0 => apigctl::openapi::OasVersion::V2_0,
            OasArg::V3_0 => apigctl::openapi::OasVersion::V3_0,
            OasArg::V3_1 => apigctl::openapi::OasVersion::V3_1,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum DefineArg {
    Spec,
    Proxy,
    All,
}

impl OutputFormatArg {
    fn format(self) -> commands::import::OutputFormat {
        match self {
            OutputFormatArg::Yaml => commands::import::OutputFormat::Yaml,
            OutputFormatArg::Json => commands::import::OutputFormat::Json,
        }
    }
}

#[derive(Args)]
// `--format` before `explain` is the list's: `rules --format json explain ID` is refused, not
// ignored (`rules explain ID --format json` is the explanation's).
#[command(args_conflicts_with_subcommands = true)]
struct RulesArgs {
    #[command(subcommand)]
    command: Option<RulesCommand>,

    /// Output format of the list.
    #[arg(long, value_enum, default_value_t = ListFormatArg::Human)]
    format: ListFormatArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormatArg {
    Human,
    Json,
}

impl ListFormatArg {
    fn list(self) -> commands::rules::ListFormat {
        match self {
            ListFormatArg::Human => commands::rules::ListFormat::Human,
            ListFormatArg::Json => commands::rules::ListFormat::Json,
        }
    }
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List every built-in rule: id, severity, documented source (the same as `apigctl rules`).
    List {
        /// Output format of the list.
        #[arg(long, value_enum, default_value_t = ListFormatArg::Human)]
        format: ListFormatArg,
    },
    /// Describe a rule: what it checks, its documented source, a failing and a passing example.
    Explain {
        /// The rule id (`apig-api-name`).
        id: String,
        /// Output format of the explanation.
        #[arg(long, value_enum, default_value_t = ListFormatArg::Human)]
        format: ListFormatArg,
    },
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,

    /// Persist the gateway's objects in this file (every write is durable before it is answered).
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,

    /// File of `AK:SK` lines to accept (default: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, both
    /// or neither; neither: a generated pair).
    #[arg(long, value_name = "FILE")]
    credentials: Option<std::path::PathBuf>,

    /// Accept this X-Auth-Token (repeatable).
    #[arg(long = "auth-token", value_name = "TOKEN")]
    auth_tokens: Vec<String>,

    /// Accept only this project id.
    #[arg(long, value_name = "ID")]
    project_id: Option<String>,

    /// Accept only this instance id.
    #[arg(long, value_name = "ID")]
    instance_id: Option<String>,

    /// Test only: KIND[@before|@after]:P,... with KIND 500, 429, drop or slow.
    #[arg(long, value_name = "SPEC", hide = true)]
    inject_faults: Option<String>,

    /// Test only: seed of the fault injection.
    #[arg(long, value_name = "N", default_value_t = 0, hide = true)]
    fault_seed: u64,
}

#[derive(Args)]
struct ImportArgs {
    /// The OpenAPI document (`-` for standard input).
    #[arg(value_name = "SPEC")]
    spec: String,

    /// Write the definition to this file (atomically) instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormatArg::Yaml)]
    format: OutputFormatArg,

    /// Group name to use instead of `info.title`.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    group_name: Option<String>,

    /// Treat every warning as an error (exit 1).
    #[arg(long)]
    strict: bool,

    #[command(flatten)]
    load: LoadArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormatArg {
    Yaml,
    Json,
}

#[derive(Args)]
struct LoadArgs {
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_input_size)]
    max_input_size: u64,

    /// Follow relative file references that leave the root document's directory.
    #[arg(long)]
    allow_external_refs: bool,
}

impl LoadArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_input_size: self.max_input_size,
            ..Limits::default()
        }
    }

    fn refs(&self) -> RefOptions {
        RefOptions {
            allow_external_refs: self.allow_external_refs,
        }
    }
}

#[derive(Args)]
struct LintArgs {
    /// Files to check (`-` for standard input); none: the configuration's `files` globs.
    #[arg(value_name = "FILE")]
    files: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,

    /// Configuration file (default: `.apigctl.yaml` in the working directory or above).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,

    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<std::path::PathBuf>,

    /// Write the findings to this baseline file (atomically).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<std::path::PathBuf>,

    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value_t = FailOnArg::Error)]
    fail_on: FailOnArg,

    #[command(flatten)]
    load: LoadArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOnArg {
    Error,
    Warn,
    Info,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
}

fn color_enabled(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

fn color_enabled_stderr(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && std::io::stderr().is_terminal()
        }
    }
}

/// `-o FILE` as a file: `-o -` is standard output, as `-` is standard input for inputs.
fn to_file(output: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
    output.filter(|path| path.as_os_str() != "-")
}

/// The exit code of a command line clap refuses: 2, but 1 for `diff` and `sync`, where 2
/// means "changes pending" and a CI drift check must not read a typo as drift.
fn usage_error(error: &clap::Error) -> ExitCode {
    let printed = error.print();
    if !error.use_stderr() {
        // `--help`, `--version`: not errors, unless they could not be written (a full disk),
        // which like every other lost output must not look like success.
        return match printed {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("apigctl: error: cannot write to standard output: {e}");
                ExitCode::from(2)
            }
        };
    }
    let mut args = std::env::args_os().skip(1);
    let mut subcommand = None;
    while let Some(arg) = args.next() {
        if arg == "--color" {
            args.next();
        } else if !arg.to_string_lossy().starts_with('-') {
            subcommand = Some(arg);
            break;
        }
    }
    match subcommand.as_ref().and_then(|s| s.to_str()) {
        Some("diff" | "sync") => {
            // Asked for JSON, a CI job reads stdout: the refusal is a failure document there
            // too, as every other failure of these commands is.
            let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
            let json = rest
                .windows(2)
                .any(|w| w[0] == "--format" && w[1] == "json")
                || rest.iter().any(|a| a == "--format=json");
            if json {
                let rendered = error.render().to_string();
                let first = rendered.lines().next().unwrap_or_default();
                let message = first.strip_prefix("error: ").unwrap_or(first);
                let outcome = commands::diff::Failure::error(message)
                    .outcome(commands::diff::PlanFormat::Json, false);
                // A closed or full stdout loses the document; the exit code still says it failed.
                let _ =
                    std::io::Write::write_all(&mut std::io::stdout(), outcome.stdout.as_bytes());
            }
            ExitCode::from(commands::EXIT_FINDINGS)
        }
        _ => ExitCode::from(commands::EXIT_USAGE),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    let color = color_enabled(cli.color);
    // `diff` exits 2 for "changes pending", so there a lost plan is an error (1).
    let write_failed = match cli.command {
        Command::Diff(_) | Command::Sync(_) => commands::EXIT_FINDINGS,
        _ => commands::EXIT_USAGE,
    };
    let outcome = match cli.command {
        Command::Lint(args) => {
            apigctl::teardown::exit_without_freeing();
            let options = commands::lint::LintOptions {
                limits: args.load.limits(),
                refs: args.load.refs(),
                format: match args.format {
                    FormatArg::Human => apigctl::report::Format::Human,
                    FormatArg::Json => apigctl::report::Format::Json,
                    FormatArg::Sarif => apigctl::report::Format::Sarif,
                    FormatArg::Junit => apigctl::report::Format::Junit,
                    FormatArg::Github => apigctl::report::Format::Github,
                },
                color,
                rules: Default::default(),
                config: None,
                baseline: args.baseline,
                write_baseline: args.write_baseline,
                fail_on: Some(match args.fail_on {
                    FailOnArg::Error => apigctl::diagnostic::Severity::Error,
                    FailOnArg::Warn => apigctl::diagnostic::Severity::Warn,
                    FailOnArg::Info => apigctl::diagnostic::Severity::Info,
                }),
            };
            let request = commands::lint::LintRequest {
                files: args.files,
                config: args.config,
                options,
            };
            commands::lint::run_request(request, color_enabled_stderr(cli.color))
        }
        Command::Import(args) => {
            apigctl::teardown::exit_without_freeing();
            let options = commands::import::ImportCommandOptions {
                limits: args.load.limits(),
                refs: args.load.refs(),
                format: match args.format {
                    OutputFormatArg::Yaml => commands::import::OutputFormat::Yaml,
                    OutputFormatArg::Json => commands::import::OutputFormat::Json,
                },
                output: to_file(args.output),
                import: apigctl::convert::import::ImportOptions {
                    group_name: args.group_name,
                    strict: args.strict,
                    ..Default::default()
                },
                color: color_enabled_stderr(cli.color),
            };
            commands::import::run(&Input::from_arg(&args.spec), &options)
        }
        Command::Rules(args) => match args.command {
            Some(RulesCommand::Explain { id, format }) => {
                commands::rules::explain(&id, format.list())
            }
            Some(RulesCommand::List { format }) => commands::rules::list(format.list()),
            None => commands::rules::list(args.format.list()),
        },
        Command::Export(args) => {
            use apigctl::convert::export::{Define, ExportOptions};
            let options = commands::export::ExportCommandOptions {
                limits: args.load.limits(),
                export: ExportOptions {
                    version: args.oas.version(),
                    define: match args.define {
                        DefineArg::Spec => Define::Spec,
                        DefineArg::Proxy => Define::Proxy,
                        DefineArg::All => Define::All,
                    },
                },
                format: args.format.format(),
                output: to_file(args.output),
                color: color_enabled_stderr(cli.color),
                strict: args.strict,
            };
            commands::export::run(&Input::from_arg(&args.definition), &options)
        }
        Command::Convert(args) => {
            let options = commands::convert::ConvertCommandOptions {
                limits: args.load.limits(),
                version: args.oas.version(),
                format: args.format.map(OutputFormatArg::format),
                output: to_file(args.output),
                color: color_enabled_stderr(cli.color),
                strict: args.strict,
            };
            commands::convert::run(&Input::from_arg(&args.spec), &options)
        }
        Command::Diff(args) => {
            let options = args.options(color_enabled_stderr(cli.color), color);
            commands::diff::run(&Input::from_arg(&args.source), &options)
        }
        Command::Sync(args) => {
            let options = commands::sync::SyncOptions {
                diff: args.diff.options(color_enabled_stderr(cli.color), color),
                dry_run: args.dry_run,
                via_import: args.via.as_ref().map(|_| commands::sync::ImportModes {
                    extend_mode: args.extend_mode.clone(),
                    api_mode: args.api_mode.clone(),
                }),
                live_progress: true,
            };
            commands::sync::run(&Input::from_arg(&args.diff.source), &options)
        }
        Command::Dump(args) => {
            let options = commands::dump::DumpOptions {
                gateway: args.gateway.options(),
                group: args.group,
                env: args.env,
                oas: args.oas,
                format: match args.format {
                    OutputFormatArg::Yaml => commands::import::OutputFormat::Yaml,
                    OutputFormatArg::Json => commands::import::OutputFormat::Json,
                },
                output: to_file(args.output),
                color: color_enabled_stderr(cli.color),
            };
            let _ = args.definition;
            commands::dump::run(&options)
        }
        Command::Serve(args) => commands::serve::run(&commands::serve::ServeOptions {
            listen: args.listen,
            state: args.state,
            credentials: args.credentials,
            auth_tokens: args.auth_tokens,
            project_id: args.project_id,
            instance_id: args.instance_id,
            inject_faults: args.inject_faults,
            fault_seed: args.fault_seed,
        }),
    };
    finish(outcome, write_failed)
}

/// Writes the outcome; `write_failed` is the exit code when standard output refuses it.
fn finish(mut outcome: Outcome, write_failed: u8) -> ExitCode {
    let mut stdout = std::io::stdout();
    // A closed standard output (`>&-`) cannot be told from `/dev/null`: Rust's runtime opens
    // `/dev/null` on a closed standard descriptor before `main`.
    let written = stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush());
    match written {
        // A closed pipe (`apigctl lint … | head`): the reader took what it wanted.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            outcome.stderr.push_str(&format!(
                "apigctl: error: cannot write to standard output: {e}\n"
            ));
            outcome.exit_code = write_failed;
        }
        _ => {}
    }
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    ExitCode::from(outcome.exit_code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The examples of a subcommand's `--help`: each line that starts with `apigctl `, up to
    /// what the shell would take (`>`, `|`, `&`, a `#` comment), split into arguments.
    fn examples(help: &str) -> Vec<Vec<String>> {
        help.lines()
            .filter_map(|line| line.trim_start().strip_prefix("apigctl "))
            .map(|args| {
                let end = args.find(['>', '|', '&', '#']).unwrap_or(args.len());
                std::iter::once("apigctl")
                    .chain(args[..end].split_whitespace())
                    .map(str::to_owned)
                    .collect()
            })
            .collect()
    }

    const SUBCOMMANDS: [&str; 9] = [
        "lint", "import", "rules", "export", "convert", "diff", "sync", "dump", "serve",
    ];

    /// Every subcommand's `--help` ends with examples of itself, which parse: none names a
    /// flag or value that does not exist.
    #[test]
    fn every_subcommand_help_has_examples_that_parse() {
        let mut cli = Cli::command();
        for name in SUBCOMMANDS {
            let sub = cli
                .find_subcommand_mut(name)
                .unwrap_or_else(|| panic!("no subcommand {name}"));
            let help = sub.render_help().to_string();
            assert!(help.contains("\nExamples:\n"), "{name}: {help}");
            let examples = examples(&help);
            assert!(examples.len() >= 2, "{name}: {help}");
            for example in examples {
                // An example of this subcommand (after a global `--color WHEN`).
                let mut args = example.iter().skip(1);
                let sub = loop {
                    match args.next() {
                        Some(flag) if flag == "--color" => {
                            args.next();
                        }
                        other => break other,
                    }
                };
                assert_eq!(sub.map(String::as_str), Some(name), "{example:?}");
                if let Err(e) = Cli::try_parse_from(&example) {
                    panic!("{name}: example {example:?} does not parse: {e}");
                }
            }
        }
    }

    /// The gateway-facing commands name every environment variable the configuration reads,
    /// and `serve` the key pair it accepts.
    #[test]
    fn gateway_commands_help_names_the_environment_variables() {
        use apigctl::gateway::config::{
            ENV_AK, ENV_AUTH_TOKEN, ENV_CONFIG, ENV_ENDPOINT, ENV_INSTANCE_ID, ENV_PROJECT_ID,
            ENV_REGION, ENV_SECURITY_TOKEN, ENV_SK,
        };
        let mut cli = Cli::command();
        for name in ["diff", "sync", "dump"] {
            let help = cli
                .find_subcommand_mut(name)
                .map(|c| c.render_help().to_string())
                .unwrap_or_default();
            for var in [
                ENV_AK,
                ENV_SK,
                ENV_SECURITY_TOKEN,
                ENV_AUTH_TOKEN,
                ENV_PROJECT_ID,
                ENV_INSTANCE_ID,
                ENV_ENDPOINT,
                ENV_REGION,
                ENV_CONFIG,
            ] {
                assert!(
                    help.contains(var),
                    "{name} --help does not name {var}: {help}"
                );
            }
        }
        let serve = cli
            .find_subcommand_mut("serve")
            .map(|c| c.render_help().to_string())
            .unwrap_or_default();
        assert!(serve.contains(ENV_AK) && serve.contains(ENV_SK), "{serve}");
    }
}
