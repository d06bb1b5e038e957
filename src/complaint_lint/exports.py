"""Canned-response exports (JSON, JSONL, CSV, YAML): each response's text and where it sits in the file.

Every text field is located as a raw span of the file with a map from each decoded
character to its file offset, so findings get a true line:column and a fix can replace
just that field. When a field cannot be located exactly, `field` is None and fixes refuse.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import regex
import srsly

from .errors import ComplaintLintError

TEXT_FIELDS = ("comment_value", "body", "text", "content", "reply", "response", "html_body", "comment_value_html")
NAME_FIELDS = ("id", "title", "name", "key", "slug")
IGNORE_FIELD = "complaint_lint_ignore"
CUSTOMER_FIELDS = ("customer_message",)
JSON_STRING = regex.compile(r'"(?:[^"\\]|\\.)*"', regex.DOTALL)
JSON_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class ExportError(ComplaintLintError):
    """A malformed export file."""


@dataclass(frozen=True)
class Field:
    """Where a response's text sits in the export file."""

    start: int
    end: int
    offsets: tuple[int, ...]
    """File offset of each decoded character, plus one entry for the end."""
    codec: str
    """How to encode a new value: `json`, `json-ascii`, `csv` or `yaml-block`."""


@dataclass(frozen=True)
class Response:
    """One canned response from an export."""

    name: str | None
    text: str
    html: bool
    field: Field | None
    customer_message: str | None = None
    ignore: tuple[str, ...] = ()


# -- JSON --------------------------------------------------------------------------------------


def decode_json_string(raw: str, start: int, end: int) -> tuple[str, tuple[int, ...]]:
    """Decode the JSON string literal raw[start:end] (quotes included) with per-character file offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    i = start + 1
    stop = end - 1
    while i < stop:
        c = raw[i]
        if c != "\\":
            chars.append(c)
            offsets.append(i)
            i += 1
            continue
        kind = raw[i + 1]
        if kind == "u":
            code = int(raw[i + 2:i + 6], 16)
            width = 6
            if 0xD800 <= code < 0xDC00 and raw[i + 6:i + 8] == "\\u":
                low = int(raw[i + 8:i + 12], 16)
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                width = 12
            chars.append(chr(code))
            offsets.append(i)
            i += width
        else:
            chars.append(JSON_ESCAPES[kind])
            offsets.append(i)
            i += 2
    return "".join(chars), (*offsets, stop)


def _strings_in_order(value: Any) -> Iterator[tuple[str, Any]]:
    """Every string of a parsed JSON value in document order: ("key", k) and ("value", v) items."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield "key", k
            yield from _strings_in_order(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings_in_order(v)
    elif isinstance(value, str):
        yield "value", value


def _json_fields(raw: str, data: Any, base: int = 0) -> dict[int, Field]:
    """Map id() of each string value object to its Field in the raw text."""
    literals = list(JSON_STRING.finditer(raw))
    strings = list(_strings_in_order(data))
    fields: dict[int, Field] = {}
    if len(literals) != len(strings):
        return fields
    for literal, (_, value) in zip(literals, strings, strict=True):
        decoded, offsets = decode_json_string(raw, literal.start(), literal.end())
        if decoded != value:
            return {}
        codec = "json-ascii" if "\\u" in literal.group() else "json"
        fields[id(value)] = Field(base + literal.start(), base + literal.end(),
                                  tuple(base + o for o in offsets), codec)
    return fields


def _pick(obj: dict, names: tuple[str, ...]) -> Any:
    for name in names:
        if name in obj and obj[name] not in (None, ""):
            return obj[name]
    return None


def _ignore_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(s.strip() for s in regex.split(r"[,\s]+", value) if s.strip())
    return tuple(str(s) for s in value)


def _zendesk(data: dict, fields: dict[int, Field]) -> list[Response]:
    macros = data.get("macros") if "macros" in data else [data.get("macro")]
    responses = []
    for macro in macros or []:
        if not isinstance(macro, dict):
            continue
        name = str(_pick(macro, ("title", "id")) or "") or None
        for action in macro.get("actions") or []:
            if not isinstance(action, dict) or action.get("field") not in ("comment_value", "comment_value_html"):
                continue
            value = action.get("value")
            if isinstance(value, list):
                value = next((v for v in reversed(value) if isinstance(v, str)), None)
            if not isinstance(value, str):
                continue
            responses.append(Response(name, value, action["field"] == "comment_value_html", fields.get(id(value)),
                                      ignore=_ignore_list(macro.get(IGNORE_FIELD))))
    return responses


def _records(items: list, fields: dict[int, Field], text_column: str | None, where: str) -> list[Response]:
    responses = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ExportError(f"{where}: item {number} is not an object with a text field")
        key = text_column or next((k for k in TEXT_FIELDS if isinstance(item.get(k), str)), None)
        if key is None or not isinstance(item.get(key), str):
            wanted = text_column or "/".join(TEXT_FIELDS)
            raise ExportError(f"{where}: item {number} has no text field ({wanted}); use --text-column")
        text = item[key]
        name = _pick(item, NAME_FIELDS)
        customer = _pick(item, CUSTOMER_FIELDS)
        responses.append(Response(
            None if name is None else str(name), text, key.endswith("html"), fields.get(id(text)),
            customer if isinstance(customer, str) else None, _ignore_list(item.get(IGNORE_FIELD)),
        ))
    return responses


def read_json(raw: str, where: str, text_column: str | None = None) -> list[Response]:
    """Responses of a JSON export: a Zendesk macro export or a list of objects."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{where}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    fields = _json_fields(raw, data)
    if isinstance(data, dict) and ("macros" in data or "macro" in data):
        return _zendesk(data, fields)
    if isinstance(data, dict):
        items = next((v for v in data.values() if isinstance(v, list)), None)
        if items is None:
            raise ExportError(f"{where}: expected a list of responses or a Zendesk macro export")
        data = items
    if not isinstance(data, list):
        raise ExportError(f"{where}: expected a list of responses or a Zendesk macro export")
    return _records(data, fields, text_column, where)


def read_jsonl(raw: str, where: str, text_column: str | None = None) -> list[Response]:
    """Responses of a JSON Lines export, one object a line."""
    responses: list[Response] = []
    position = 0
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        base, position = position, position + len(line)
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExportError(f"{where}:{number}:{exc.colno}: invalid JSON: {exc.msg}") from None
        responses += _records([item], _json_fields(line, item, base), text_column, f"{where}:{number}")
    return responses


# -- CSV ---------------------------------------------------------------------------------------


def _csv_cells(raw: str, delimiter: str) -> list[list[tuple[str, int, int, tuple[int, ...]]]]:
    """Scan CSV into rows of (value, raw start, raw end, per-character offsets)."""
    rows: list[list[tuple[str, int, int, tuple[int, ...]]]] = []
    row: list[tuple[str, int, int, tuple[int, ...]]] = []
    i, n = 0, len(raw)
    while i <= n:
        start = i
        chars: list[str] = []
        offsets: list[int] = []
        if i < n and raw[i] == '"':
            i += 1
            while i < n:
                if raw[i] == '"':
                    if raw[i + 1:i + 2] == '"':
                        chars.append('"')
                        offsets.append(i)
                        i += 2
                        continue
                    i += 1
                    break
                chars.append(raw[i])
                offsets.append(i)
                i += 1
            content_end = i - 1
        else:
            while i < n and raw[i] not in (delimiter, "\r", "\n"):
                chars.append(raw[i])
                offsets.append(i)
                i += 1
            content_end = i
        row.append(("".join(chars), start, i, (*offsets, content_end)))
        if i < n and raw[i] == delimiter:
            i += 1
            continue
        if raw[i:i + 2] == "\r\n":
            i += 2
        else:
            i += 1
        rows.append(row)
        row = []
        if i >= n:
            break
    return [r for r in rows if r != [("", r[0][1], r[0][2], r[0][3])]]


def read_csv(raw: str, where: str, text_column: str | None = None) -> list[Response]:
    """Responses of a CSV export; the text column is given or detected."""
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        parsed = list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ExportError(f"{where}: invalid CSV: {exc}") from None
    parsed = [r for r in parsed if r]
    if not parsed:
        return []
    header = [h.strip() for h in parsed[0]]
    column = text_column or next((c for c in TEXT_FIELDS if c in header), None)
    if column is None or column not in header:
        raise ExportError(f"{where}: no text column ({text_column or '/'.join(TEXT_FIELDS)}); use --text-column")
    cells = _csv_cells(raw, delimiter)
    exact = len(cells) == len(parsed) and all([c[0] for c in a] == b for a, b in zip(cells, parsed, strict=True))
    index = header.index(column)
    responses = []
    for number, row in enumerate(parsed[1:], start=1):
        if len(row) != len(header):
            raise ExportError(f"{where}: row {number + 1} has {len(row)} fields; the header has {len(header)}")
        record = dict(zip(header, row, strict=True))
        field = None
        if exact:
            _, start, end, offsets = cells[number][index]
            field = Field(start, end, offsets, "csv")
        name = _pick(record, NAME_FIELDS)
        responses.append(Response(name, row[index], column.endswith("html"), field,
                                  _pick(record, CUSTOMER_FIELDS), _ignore_list(record.get(IGNORE_FIELD))))
    return responses


# -- YAML --------------------------------------------------------------------------------------


def read_yaml(raw: str, where: str, text_column: str | None = None) -> list[Response]:
    """Responses of a YAML export (a list of mappings, or a mapping holding one)."""
    try:
        data = srsly.yaml_loads(raw)
    except Exception as exc:  # srsly wraps ruamel's many error types in a ValueError
        cause = exc.__cause__ or exc.__context__ or exc
        mark = getattr(cause, "problem_mark", None)
        line = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(cause, "problem", None) or str(cause).splitlines()[0]
        raise ExportError(f"{where}{line}: invalid YAML: {problem}") from None
    if isinstance(data, dict):
        if "macros" in data:
            return _zendesk(data, {})
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise ExportError(f"{where}: expected a list of responses")
    responses = _records(data, {}, text_column, where)
    return [_with_yaml_block(raw, r) for r in responses]


def _with_yaml_block(raw: str, response: Response) -> Response:
    """Locate a response written as a YAML literal block (`|`), the one style we edit in place."""
    lines = response.text.split("\n")
    body = [line for line in lines if line]
    if not body:
        return response
    pattern = regex.compile(
        r"(?m)^(?P<indent>[ \t]+)" + regex.escape(body[0]) + r"$"
    )
    for m in pattern.finditer(raw):
        header_end = raw.rfind("\n", 0, m.start())
        header = raw[raw.rfind("\n", 0, header_end) + 1:header_end]
        if not regex.search(r":\s*\|[-+]?\s*$", header):
            continue
        indent = m.group("indent")
        offsets: list[int] = []
        position = m.start()
        ok = True
        for k, line in enumerate(lines):
            if k == len(lines) - 1 and line == "":
                break
            if line:
                if raw[position:position + len(indent) + len(line)] != indent + line:
                    ok = False
                    break
                position += len(indent)
            offsets += range(position, position + len(line))
            position += len(line)
            if k < len(lines) - 1:
                offsets.append(position)
                position += 1
        if ok:
            return Response(response.name, response.text, response.html,
                            Field(m.start(), position, (*offsets, position), "yaml-block:" + indent),
                            response.customer_message, response.ignore)
    return response


# -- writing a field back ----------------------------------------------------------------------


def encode_field(field: Field, value: str) -> str:
    """The raw text for a new field value, in the field's own style."""
    if field.codec == "json":
        return json.dumps(value, ensure_ascii=False)
    if field.codec == "json-ascii":
        return json.dumps(value, ensure_ascii=True)
    if field.codec == "csv":
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in '",\r\n;\t') else value
    if field.codec.startswith("yaml-block:"):
        indent = field.codec.split(":", 1)[1]
        return "\n".join(indent + line if line else line for line in value.split("\n"))
    raise ExportError(f"cannot write a field encoded as {field.codec}")


READERS = {".json": read_json, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv,
           ".yaml": read_yaml, ".yml": read_yaml}
