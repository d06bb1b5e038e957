"""Output formats of `complaint-lint check`: text, json, jsonl, sarif, github, junit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from .models import Finding, Report
from .rules import RuleSpec
from .sources import Draft, SourceFile
from .version import __version__

FORMATS = ("text", "json", "jsonl", "sarif", "github", "junit")
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
INFORMATION_URI = "https://github.com/complaint-lint/complaint-lint"


@dataclass(frozen=True)
class Located:
    """A finding with its position in the file (which may differ from its offset in the response)."""

    finding: Finding
    line: int
    column: int
    end_line: int
    end_column: int
    source_line: str


@dataclass
class Checked:
    """One response's result, as shown to the user."""

    source: SourceFile
    draft: Draft
    report: Report
    located: list[Located] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The file, and the response's id or title inside an export."""
        return self.source.display + (f" [{self.draft.name}]" if self.draft.name else "")


def locate(source: SourceFile, draft: Draft, findings: tuple[Finding, ...]) -> list[Located]:
    """File positions of a response's findings."""
    lines = (source.raw if draft.field is not None else draft.text).splitlines()
    located = []
    for f in findings:
        line, column = source.position(draft, f.start)
        end_line, end_column = source.position(draft, max(f.end, f.start))
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        located.append(Located(f, line, column, end_line, end_column, text))
    return located


# -- text --------------------------------------------------------------------------------------


def render_text(results: list[Checked], *, color: bool, show_fixes: bool = True) -> str:
    """ruff-like text: `path:line:col: rule message`, the line with a caret underline, the rewrite."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(color_system="auto" if color else None, force_terminal=color, width=200,
                      highlight=False, soft_wrap=True, record=True, file=_Null())
    for result in results:
        for loc in result.located:
            f = loc.finding
            where = f"[bold]{escape(result.source.display)}[/]:{loc.line}:{loc.column}:"
            name = f" [dim]\\[{escape(result.draft.name)}][/]" if result.draft.name else ""
            style = {"error": "red", "warning": "yellow", "info": "blue"}[f.severity]
            console.print(f"{where} [{style} bold]{f.rule}[/]{name} {escape(f.message)}")
            if loc.source_line:
                width = max(1, min(len(f.text.splitlines()[0]) if f.text else 1,
                                   len(loc.source_line) - loc.column + 1))
                console.print(f"  [dim]|[/] {escape(loc.source_line)}")
                console.print(f"  [dim]|[/] {' ' * (loc.column - 1)}[{style}]{'^' * width}[/]")
            if show_fixes and f.fix:
                for edit in f.fix.edits:
                    rewrite = escape(edit.replacement.strip())
                    label = f"[green]= {f.fix.applicability} fix[/]: {escape(f.fix.description)}"
                    console.print(f"  {label}: \"{rewrite}\"")
    return console.export_text(styles=color)


class _Null:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass


def render_statistics(results: list[Checked]) -> str:
    """Counts per rule, most frequent first."""
    counts = Counter(loc.finding.rule for r in results for loc in r.located)
    fixable = {loc.finding.rule: loc.finding.fix.applicability for r in results for loc in r.located if loc.finding.fix}
    return "\n".join(f"{n:6d}  {rule:<48} {fixable.get(rule, '-')}" for rule, n in counts.most_common())


# -- json / jsonl ------------------------------------------------------------------------------


def _record(result: Checked) -> dict:
    report = result.report.model_dump(mode="json")
    for finding, loc in zip(report["findings"], result.located, strict=True):
        finding["line"], finding["column"] = loc.line, loc.column
    return {"path": result.source.display, "name": result.draft.name, "report": report}


def render_json(results: list[Checked]) -> str:
    """A JSON array: one object per response, its Report with file positions."""
    return json.dumps([_record(r) for r in results], indent=2, ensure_ascii=False)


def render_jsonl(results: list[Checked]) -> str:
    """One JSON object per response and line."""
    return "".join(json.dumps(_record(r), ensure_ascii=False) + "\n" for r in results)


# -- sarif -------------------------------------------------------------------------------------


def _sarif_rule(rule: RuleSpec) -> dict:
    return {
        "id": rule.id,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.why.split())},
        "help": {"text": f"{rule.summary} Fix: {rule.fix.description} ({rule.fix.applicability})."},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity], "enabled": rule.default},
        "properties": {"category": rule.category, "tags": [rule.category]},
    }


def render_sarif(results: list[Checked], rules: tuple[RuleSpec, ...]) -> str:
    """SARIF 2.1.0, one run; fixes included as replacements."""
    index = {rule.id: i for i, rule in enumerate(rules)}
    sarif_results = []
    for result in results:
        for loc in result.located:
            f = loc.finding
            region = {"startLine": loc.line, "startColumn": loc.column,
                      "endLine": loc.end_line, "endColumn": max(loc.end_column, loc.column)}
            if f.text:
                region["snippet"] = {"text": f.text}
            entry: dict = {
                "ruleId": f.rule,
                "level": SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(result.source.display)},
                                                    "region": region}}],
                "properties": {"category": f.category},
            }
            if f.rule in index:
                entry["ruleIndex"] = index[f.rule]
            if result.draft.name:
                entry["properties"]["response"] = result.draft.name
            if f.fix and result.draft.field is None and result.source.kind == "draft":
                entry["fixes"] = [_sarif_fix(result, f)]
            sarif_results.append(entry)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "complaint-lint", "version": __version__,
                                "informationUri": INFORMATION_URI, "rules": [_sarif_rule(r) for r in rules]}},
            "results": sarif_results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _sarif_fix(result: Checked, f: Finding) -> dict:
    replacements = []
    for edit in f.fix.edits:
        line, column = result.source.position(result.draft, edit.start)
        end_line, end_column = result.source.position(result.draft, edit.end)
        replacements.append({
            "deletedRegion": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
            "insertedContent": {"text": edit.replacement},
        })
    return {"description": {"text": f.fix.description},
            "artifactChanges": [{"artifactLocation": {"uri": _uri(result.source.display)},
                                 "replacements": replacements}]}


def _uri(path: str) -> str:
    return "stdin" if path == "-" else path.replace("\\", "/")


# -- github ------------------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(results: list[Checked]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for result in results:
        for loc in result.located:
            f = loc.finding
            props = ",".join([
                f"file={_escape_property(result.source.display)}", f"line={loc.line}", f"col={loc.column}",
                f"endLine={loc.end_line}", f"endColumn={max(loc.end_column, loc.column)}",
                f"title={_escape_property(f.rule)}",
            ])
            name = f"[{result.draft.name}] " if result.draft.name else ""
            lines.append(f"::{GITHUB_LEVEL[f.severity]} {props}::{_escape_data(name + f.message)}")
    return "".join(line + "\n" for line in lines)


# -- junit -------------------------------------------------------------------------------------


def render_junit(results: list[Checked]) -> str:
    """JUnit XML: a test suite per file, a test case per response, a failure per finding."""
    suites = ET.Element("testsuites", name="complaint-lint")
    by_file: dict[str, list[Checked]] = {}
    for result in results:
        by_file.setdefault(result.source.display, []).append(result)
    total = failures = 0
    for path, items in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=path)
        failed = 0
        for result in items:
            case = ET.SubElement(suite, "testcase", classname=path, name=result.draft.name or path)
            for loc in result.located:
                f = loc.finding
                failure = ET.SubElement(case, "failure", message=f"{f.rule}: {f.message}", type=f.severity)
                failure.text = f"{path}:{loc.line}:{loc.column}: {f.rule} {f.message}\n{loc.source_line}"
            failed += bool(result.located)
        suite.set("tests", str(len(items)))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        total += len(items)
        failures += failed
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
