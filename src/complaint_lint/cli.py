"""The command line: check, rules, rule, schema, evaluate."""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .config import Config, discover_config, load_config
from .errors import ComplaintLintError
from .models import SEVERITY_RANK, Finding, Report
from .version import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Lint a support agent's draft reply to an unhappy customer before it is sent.")

EXIT_FINDINGS, EXIT_ERROR = 1, 2
PROGRESS_THRESHOLD = 50


def _error(message: str) -> None:
    typer.echo(f"complaint-lint: error: {message}", err=True)


def _fail(message: str) -> typer.Exit:
    _error(message)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaint-lint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """complaint-lint: check draft replies to unhappy customers."""


def build_config(config_file: Path | None, isolated: bool, start: Path, **overrides: object) -> Config:
    """The config file (given, discovered or none), with command-line overrides on top."""
    base = Config() if isolated else load_config(config_file) if config_file else discover_config(start)
    updates = {k: v for k, v in overrides.items() if v not in (None, (), [])}
    extend = updates.pop("extend_select", ())
    merged = {**base.model_dump(), **updates}
    merged["extend_select"] = (*base.extend_select, *extend)
    try:
        return Config.model_validate(merged)
    except ValueError as exc:
        raise ComplaintLintError(f"invalid option: {str(exc).splitlines()[-1].strip()}") from None


def _unused(report: Report) -> list[Finding]:
    return [
        Finding(rule="suppression.unused", category="suppression", severity="warning",
                message=f"unused suppression ({s.kind}={','.join(s.selectors)}): nothing here to silence",
                start=s.start, end=s.start, line=s.line, column=1, text="", scope="span")
        for s in report.suppressions if s.used == 0
    ]


def _per_file_ignores(config: Config, path: Path | None) -> tuple[str, ...]:
    if path is None:
        return ()
    posix = path.as_posix()
    return tuple(s for pattern, selectors in config.per_file_ignores.items()
                 if fnmatch.fnmatch(posix, pattern) or fnmatch.fnmatch(path.name, pattern) for s in selectors)


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, or '-' for standard input.")],
    customer_message: Annotated[str | None, typer.Option(
        help="The customer's message for a single draft: a file or the text itself.")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these categories or rule-id prefixes.")] = None,
    extend_select: Annotated[list[str] | None, typer.Option(help="Also these (e.g. off-by-default rules).")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these categories or rule-id prefixes.")] = None,
    severity: Annotated[str, typer.Option(help="Report findings at or above: info, warning, error.")] = "info",
    config_file: Annotated[Path | None, typer.Option("--config", help="Read settings from this file.")] = None,
    isolated: Annotated[bool, typer.Option(help="Ignore all config files.")] = False,
    apology_style: Annotated[str | None, typer.Option(help="own-the-fault or no-liability.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for parsing.")] = 1,
    output_format: Annotated[str, typer.Option("--format", help="text, json, jsonl, sarif, github, junit.")] = "text",
    statistics: Annotated[bool, typer.Option(help="Print counts per rule instead of the findings.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")] = False,
    output_file: Annotated[Path | None, typer.Option(help="Write the report to this file.")] = None,
    text_column: Annotated[str | None, typer.Option(help="CSV/JSON/YAML field holding the response text.")] = None,
    stdin_filename: Annotated[str | None, typer.Option(help="Name (and so format) of what '-' reads.")] = None,
    fix: Annotated[bool, typer.Option(help="Apply safe fixes to the files.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option(help="Also apply suggested (unsafe) fixes.")] = False,
    diff: Annotated[bool, typer.Option(help="Print the fixes as a unified diff; write nothing.")] = False,
    report_unused_suppressions: Annotated[bool, typer.Option(help="Report suppressions that silence nothing.")] = False,
) -> None:
    """Lint drafts and canned responses; exit 1 on findings, 2 on a usage, config or input error."""
    from .output import FORMATS

    if output_format not in FORMATS:
        raise _fail(f"unknown --format '{output_format}' (choose from {', '.join(FORMATS)})")
    if severity not in SEVERITY_RANK:
        raise _fail(f"unknown --severity '{severity}' (choose from info, warning, error)")
    start = next((Path(p) for p in paths if p != "-"), Path("."))
    try:
        config = build_config(config_file, isolated, start, select=tuple(select or ()), ignore=tuple(ignore or ()),
                              extend_select=tuple(extend_select or ()), apology_style=apology_style)
        from .linter import Linter

        linter = Linter(config)
        customer = _customer_message(customer_message)
    except ComplaintLintError as exc:
        raise _fail(str(exc)) from None
    runner = _Run(linter, config, severity, jobs, text_column, stdin_filename, customer)
    results = runner.run(paths)
    if report_unused_suppressions:
        from .output import locate

        for result in results:
            extra = tuple(_unused(result.report))
            if extra:
                result.report = result.report.model_copy(update={"findings": result.report.findings + extra})
                result.located = locate(result.source, result.draft, result.report.findings)
    if fix or unsafe_fixes or diff:
        results = runner.apply_fixes(results, unsafe=unsafe_fixes, write=not diff)
    _emit(results, linter, output_format, statistics, quiet, output_file, fixes_shown=not diff)
    found = sum(len(r.located) for r in results)
    raise typer.Exit(EXIT_ERROR if runner.errors else EXIT_FINDINGS if found else 0)


def _customer_message(value: str | None) -> str | None:
    if value is None:
        return None
    candidate = Path(value)
    if len(value) < 1024 and "\n" not in value and candidate.is_file():
        from .sources import decode, read_bytes

        return decode(read_bytes(candidate), value)[0]
    return value


class _Run:
    """Reads, lints and fixes the files of one `check` invocation."""

    def __init__(self, linter, config: Config, severity: str, jobs: int, text_column: str | None,
                 stdin_filename: str | None, customer: str | None) -> None:
        self.linter = linter
        self.config = config
        self.threshold = SEVERITY_RANK[severity]
        self.jobs = jobs
        self.text_column = text_column
        self.stdin_filename = stdin_filename
        self.customer = customer
        self.errors = 0

    def run(self, paths: list[str]) -> list:
        """Check every file; unreadable ones are reported and skipped."""
        from .sources import expand

        sources = []
        for path in expand(paths, self.config.exclude):
            source = self._read(path)
            if source is not None:
                sources.append(source)
        return self._lint(sources)

    def _read(self, path):
        from .sources import read_source

        try:
            if path is None and self.stdin_filename:
                source = read_source(None, text_column=self.text_column,
                                     stdin_format=_format_of(self.stdin_filename))
            else:
                source = read_source(path, text_column=self.text_column)
        except ComplaintLintError as exc:
            _error(str(exc))
            self.errors += 1
            return None
        return source

    def _lint(self, sources: list) -> list:
        from .output import Checked, locate

        work = [(s, d) for s in sources for d in s.drafts]
        single = len(work) == 1
        reports: dict[int, Report] = {}
        with _progress(len(work)) as advance:
            for fmt in ("text", "markdown", "html"):
                batch = [(i, s, d) for i, (s, d) in enumerate(work) if d.format == fmt]
                items = [(d.text, self.customer if single and self.customer else d.customer_message)
                         for _, _, d in batch]
                try:
                    for (i, _, _), report in zip(batch, self.linter.lint_many(items, n_process=self.jobs, format=fmt),
                                                 strict=True):
                        reports[i] = report
                        advance()
                except (ComplaintLintError, ValueError) as exc:
                    _error(str(exc))
                    self.errors += 1
                    return []
        results = []
        for i, (source, draft) in enumerate(work):
            report = self._filter(reports[i], source, draft)
            results.append(Checked(source, draft, report, locate(source, draft, report.findings)))
        return results

    def _filter(self, report: Report, source, draft) -> Report:
        ignored = (*draft.ignore, *_per_file_ignores(self.config, source.path))
        kept = tuple(f for f in report.findings if SEVERITY_RANK[f.severity] >= self.threshold
                     and not any(f.rule.startswith(s) or f.category == s for s in ignored))
        return report.model_copy(update={"findings": kept}) if len(kept) != len(report.findings) else report

    def apply_fixes(self, results: list, *, unsafe: bool, write: bool) -> list:
        """Fix files (or print diffs); a file that cannot be fixed exactly is left as it is."""
        from .writer import fixed_text, unified_diff, write_atomic

        by_source: dict[int, list] = {}
        for result in results:
            by_source.setdefault(id(result.source), []).append(result)
        remaining = []
        for items in by_source.values():
            source = items[0].source
            try:
                new = fixed_text(source, [(r.draft, r.report) for r in items], unsafe=unsafe)
                if new is not None and not write:
                    sys.stdout.write(unified_diff(source, new))
                elif new is not None and source.path is None:
                    sys.stdout.write(new)
                elif new is not None:
                    write_atomic(source.path, new, bom=source.bom)
                    remaining += self._relint(source.path)
                    continue
            except ComplaintLintError as exc:
                _error(str(exc))
                self.errors += 1
            remaining += items
        return remaining

    def _relint(self, path: Path) -> list:
        source = self._read(path)
        return self._lint([source]) if source is not None else []


def _format_of(filename: str):
    from .sources import DRAFT_FORMATS

    return DRAFT_FORMATS.get(Path(filename).suffix.lower(), "text")


class _progress:
    """A progress bar on stderr for long runs on a terminal; nothing in pipes or CI logs."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total > PROGRESS_THRESHOLD and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task("checking", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _emit(results: list, linter, output_format: str, statistics: bool, quiet: bool,
          output_file: Path | None, *, fixes_shown: bool) -> None:
    from . import output

    color = output_file is None and sys.stdout.isatty()
    if statistics:
        text = output.render_statistics(results) + "\n" if results else ""
    elif output_format == "text":
        text = output.render_text(results, color=color, show_fixes=fixes_shown)
        found = sum(len(r.located) for r in results)
        if found and not quiet:
            fixable = sum(1 for r in results for loc in r.located if loc.finding.fix
                          and loc.finding.fix.applicability == "safe")
            text += f"Found {found} problem{'s' * (found != 1)} in {len(results)} response(s)"
            text += f" ({fixable} fixable with --fix; more with --unsafe-fixes).\n" if fixable else ".\n"
    elif output_format == "sarif":
        text = output.render_sarif(results, linter.ruleset.rules) + "\n"
    else:
        text = getattr(output, f"render_{output_format}")(results)
        text += "\n" if output_format == "json" else ""
    if output_file is not None:
        from .writer import write_atomic

        try:
            write_atomic(output_file, text, bom=False)
        except (OSError, ComplaintLintError) as exc:
            raise _fail(f"{output_file}: cannot write the report ({exc})") from None
    else:
        sys.stdout.write(text)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (each loads the pipeline once).")] = 1,
    config_file: Annotated[Path | None, typer.Option("--config", help="Read settings from this file.")] = None,
    api_key_env: Annotated[str | None, typer.Option(
        help="Require the key held in this environment variable in the X-API-Key header.")] = None,
    cors_origin: Annotated[list[str] | None, typer.Option(help="Allow browser calls from this origin.")] = None,
    max_body_bytes: Annotated[int, typer.Option(min=1, help="Largest request body.")] = 1_000_000,
    max_batch: Annotated[int, typer.Option(min=1, help="Most drafts in one batch request.")] = 100,
) -> None:
    """Start the HTTP service and the playground (needs complaint-lint[server])."""
    import os

    try:
        import uvicorn

        from .server import SETTINGS_ENV, ServerSettings
    except ImportError:
        raise _fail("the service needs its extra: pip install 'complaint-lint[server]'") from None
    try:
        config = load_config(config_file) if config_file else discover_config(".")
        key = None
        if api_key_env:
            key = os.environ.get(api_key_env)
            if not key:
                raise ComplaintLintError(f"--api-key-env {api_key_env}: that environment variable is empty or unset")
        from .rules import load_rules

        load_rules(config.packs)  # a broken pack fails here, before the server starts
    except ComplaintLintError as exc:
        raise _fail(str(exc)) from None
    settings = ServerSettings(config, key, tuple(cors_origin or ()), max_body_bytes, max_batch)
    os.environ[SETTINGS_ENV] = settings.to_env()
    uvicorn.run("complaint_lint.server:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="info")


@app.command()
def evaluate(
    path: Annotated[Path, typer.Argument(help="Labeled JSONL file (spec/FORMAT.md).")],
    no_customer_message: Annotated[bool, typer.Option(help="Lint replies without their customer messages.")] = False,
    worst: Annotated[int, typer.Option(help="How many misses to list.")] = 10,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Score the linter against labeled replies: precision, recall, F1 per category."""
    from .evaluate import evaluate as run_evaluation
    from .evaluate import format_evaluation

    try:
        result = run_evaluation(path, use_customer_message=not no_customer_message)
    except ComplaintLintError as exc:
        raise _fail(str(exc)) from None
    if output_format == "json":
        typer.echo(result.model_dump_json(indent=2))
    else:
        typer.echo(format_evaluation(result, worst=worst))


@app.command("rules")
def list_rules(output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text") -> None:
    """List every rule: id, category, severity, fix safety, summary."""
    from rich.console import Console
    from rich.table import Table

    from .rules import load_rules

    ruleset = load_rules()
    if output_format == "json":
        typer.echo(json.dumps([r.model_dump(mode="json", by_alias=True) for r in ruleset.rules], indent=2))
        return
    table = Table("id", "category", "severity", "fix", "summary", box=None, pad_edge=False)
    for r in ruleset.rules:
        table.add_row(r.id, r.category, r.severity, r.fix.applicability,
                      r.summary + ("" if r.default else " (off by default)"))
    Console(width=200 if not sys.stdout.isatty() else None).print(table)


@app.command("rule")
def show_rule(rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. buck-passing.not-my-department.")]) -> None:
    """Print one rule's documentation."""
    from .docs import rule_markdown
    from .rules import load_rules

    try:
        rule = load_rules().rule(rule_id)
    except KeyError:
        raise _fail(f"unknown rule '{rule_id}' (see 'complaint-lint rules')") from None
    typer.echo(rule_markdown(rule))


@app.command()
def schema() -> None:
    """Print the JSON schema of a Report."""
    typer.echo(json.dumps(Report.model_json_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    app()
