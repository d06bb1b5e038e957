"""The command line: check, evaluate, rules, rule, schema."""

from __future__ import annotations

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
                  help="Lint a support agent's draft reply to an unhappy customer before it is sent.")

TEXT_SUFFIXES = {".txt", ".text", ""}
EXIT_FINDINGS, EXIT_ERROR = 1, 2


def _fail(message: str) -> typer.Exit:
    typer.echo(f"complaint-lint: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"complaint-lint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """complaint-lint."""


def _config(config_file: Path | None, isolated: bool, start: Path, **overrides: object) -> Config:
    base = Config() if isolated else load_config(config_file) if config_file else discover_config(start)
    updates = {k: v for k, v in overrides.items() if v not in (None, (), [])}
    return Config.model_validate({**base.model_dump(), **updates})


def _collect(paths: list[str]) -> list[Path | None]:
    files: list[Path | None] = []
    for raw in paths:
        if raw == "-":
            files.append(None)
            continue
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        else:
            files.append(path)
    return files


def _read(path: Path | None) -> str:
    if path is None:
        return sys.stdin.read()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ComplaintLintError(f"{path}: no such file") from None
    except OSError as exc:
        raise ComplaintLintError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data[:8192]:
        raise ComplaintLintError(f"{path}: looks like a binary file, not a text draft")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ComplaintLintError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def _print_text(name: str, text: str, report: Report) -> None:
    lines = text.splitlines()
    for f in report.findings:
        typer.echo(f"{name}:{f.line}:{f.column}: {f.rule} [{f.category}] {f.message}")
        if f.line <= len(lines):
            source = lines[f.line - 1]
            width = max(1, min(len(f.text.splitlines()[0]) if f.text else 1, len(source) - f.column + 1))
            typer.echo(f"    {source}")
            typer.echo(f"    {' ' * (f.column - 1)}{'^' * width}")
        if f.fix:
            for edit in f.fix.edits:
                typer.echo(f"    fix ({f.fix.applicability}): {f.fix.description}: {edit.replacement.strip()!r}")


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or '-' for standard input.")],
    customer_message: Annotated[str | None, typer.Option(help="The customer's message (a file or the text).")] = None,
    select: Annotated[list[str] | None, typer.Option(help="Only these categories or rule ids.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Skip these categories or rule ids.")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="Read this config file.")] = None,
    isolated: Annotated[bool, typer.Option(help="Ignore config files.")] = False,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Lint reply drafts; exit 1 if there are findings, 2 on an error."""
    from .linter import Linter

    try:
        config = _config(config_file, isolated, Path(paths[0]) if paths and paths[0] != "-" else Path("."),
                         select=tuple(select or ()), ignore=tuple(ignore or ()))
        linter = Linter(config)
        customer = None
        if customer_message is not None:
            candidate = Path(customer_message)
            customer = _read(candidate) if candidate.is_file() else customer_message
    except ComplaintLintError as exc:
        raise _fail(str(exc)) from None
    errors = 0
    found = 0
    results = []
    for path in _collect(paths):
        name = "-" if path is None else str(path)
        try:
            text = _read(path)
            report = linter.lint(text, customer_message=customer)
        except (ComplaintLintError, ValueError) as exc:
            typer.echo(f"complaint-lint: error: {exc}", err=True)
            errors += 1
            continue
        found += len(report.findings)
        if output_format == "json":
            results.append({"path": name, "report": report.model_dump(mode="json")})
        else:
            _print_text(name, text, report)
    if output_format == "json":
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    elif found:
        typer.echo(f"Found {found} problem{'s' * (found != 1)}.")
    raise typer.Exit(EXIT_ERROR if errors else EXIT_FINDINGS if found else 0)


@app.command()
def evaluate(
    path: Annotated[Path, typer.Argument(help="Labeled JSONL file (spec/FORMAT.md).")],
    no_customer_message: Annotated[bool, typer.Option(help="Lint replies without their customer messages.")] = False,
    worst: Annotated[int, typer.Option(help="How many misses to list.")] = 10,
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Score the linter against labeled replies."""
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
    """List every rule: id, category, severity, fix applicability, summary."""
    from .rules import load_rules

    ruleset = load_rules()
    if output_format == "json":
        typer.echo(json.dumps([r.model_dump(mode="json", by_alias=True) for r in ruleset.rules], indent=2))
        return
    for r in ruleset.rules:
        state = "" if r.default else " (off by default)"
        typer.echo(f"{r.id:<48} {r.severity:<8} {r.fix.applicability:<9} {r.summary}{state}")


@app.command("rule")
def show_rule(rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. buck-passing.not-my-department.")]) -> None:
    """Print one rule's documentation."""
    from .docs import rule_markdown
    from .rules import load_rules

    ruleset = load_rules()
    try:
        rule = ruleset.rule(rule_id)
    except KeyError:
        raise _fail(f"unknown rule '{rule_id}' (see 'complaint-lint rules')") from None
    typer.echo(rule_markdown(rule))


@app.command()
def schema() -> None:
    """Print the JSON schema of a Report."""
    typer.echo(json.dumps(Report.model_json_schema(), indent=2))


def worst_severity(findings: list[Finding]) -> int:
    """Rank of the most severe finding (-1 if none)."""
    return max((SEVERITY_RANK[f.severity] for f in findings), default=-1)


def main() -> None:
    """Console-script entry point."""
    app()
