"""HTTP service (FastAPI): the pre-send check for tools not written in Python, and the playground page.

Install with `pip install complaint-lint[server]`; start with `complaint-lint serve`.
"""

from __future__ import annotations

import gc
import hmac
import json
import os
import threading
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .config import Config
from .docs import rule_markdown
from .errors import ComplaintLintError
from .fixes import apply_fixes
from .linter import Linter, matches_selector
from .models import Report
from .rules import RuleSpec, load_rules
from .version import __version__

SETTINGS_ENV = "COMPLAINT_LINT_SERVE_SETTINGS"
API_KEY_HEADER = "X-API-Key"


@dataclass
class ServerSettings:
    """How the service is limited and protected."""

    config: Config = field(default_factory=Config)
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1_000_000
    max_batch: int = 100

    def to_env(self) -> str:
        """Serialised for worker processes."""
        return json.dumps({"config": self.config.model_dump(mode="json"), "api_key": self.api_key,
                           "cors_origins": list(self.cors_origins), "max_body_bytes": self.max_body_bytes,
                           "max_batch": self.max_batch})

    @classmethod
    def from_env(cls) -> ServerSettings:
        """Read back what `to_env` wrote (worker processes)."""
        raw = json.loads(os.environ.get(SETTINGS_ENV, "{}"))
        return cls(Config.model_validate(raw.get("config", {})), raw.get("api_key"),
                   tuple(raw.get("cors_origins", ())), raw.get("max_body_bytes", 1_000_000), raw.get("max_batch", 100))


class LintRequest(BaseModel):
    """A draft to check."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)
    reply: str
    """The agent's draft reply."""
    customer_message: str | None = None
    """The customer's message it answers (decides whether apology/empathy rules apply)."""
    complaint: bool | None = None
    """Say whether the customer's message is a complaint instead of detecting it."""
    format: Literal["text", "html", "markdown"] = "text"
    """How the draft is written."""
    select: list[str] = Field(default_factory=list)
    """Only findings of these categories or rule-id prefixes."""
    ignore: list[str] = Field(default_factory=list)
    """No findings of these categories or rule-id prefixes."""


class BatchRequest(BaseModel):
    """Several drafts, linted in one batch."""

    model_config = ConfigDict(extra="forbid")
    items: list[LintRequest]


class BatchResponse(BaseModel):
    """One report per draft, in order."""

    reports: list[Report]


class FixRequest(LintRequest):
    """A draft whose fixes should be applied."""

    unsafe: bool = False
    """Also apply `suggested` fixes (not only `safe` ones)."""
    rules: list[str] = Field(default_factory=list)
    """Only the fixes of these rule ids or categories (empty: every fix)."""


class FixResponse(BaseModel):
    """The draft with fixes applied, and what is left."""

    text: str
    applied: list[str]
    """Rule ids whose fixes were applied."""
    report: Report
    """The report on the fixed text."""


class RuleSummary(BaseModel):
    """One rule, as listed."""

    id: str
    category: str
    severity: str
    fix: str
    summary: str
    default: bool


class _Service:
    """Owns the Linter (loaded once per worker, off the event loop) and serialises its use."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.rules: tuple[RuleSpec, ...] = load_rules(settings.config.packs).rules
        self.linter: Linter | None = None
        self.error: str | None = None
        self.lock = threading.Lock()

    def load(self) -> None:
        try:
            self.linter = Linter(self.settings.config)
        except ComplaintLintError as exc:
            self.error = str(exc)
            return
        # The pipeline and the compiled rules are some 100,000 objects that live as long as the
        # worker: a full garbage collection walking them all stalls a request by ~100 ms. Frozen,
        # collections skip them (the worker owns its process, so this global switch is ours).
        gc.collect()
        gc.freeze()

    def ready(self) -> Linter:
        if self.linter is None:
            raise HTTPException(503, detail=self.error or "the pipeline is still loading")
        return self.linter

    def check_selectors(self, selectors: list[str], where: str) -> None:
        for s in selectors:
            if not any(r.id.startswith(s) or r.category == s for r in self.rules):
                raise HTTPException(422, detail=[{"loc": ["body", where], "msg": f"unknown rule or category '{s}'",
                                                  "type": "value_error"}])

    def check_request(self, item: LintRequest, where: str = "") -> None:
        limit = self.settings.config.max_chars
        if len(item.reply) > limit:
            raise HTTPException(422, detail=[{"loc": ["body", *filter(None, [where]), "reply"],
                                              "msg": f"reply is {len(item.reply):,} characters; the limit is {limit:,}",
                                              "type": "too_long", "limit": limit}])
        self.check_selectors(item.select, "select")
        self.check_selectors(item.ignore, "ignore")

    def lint(self, item: LintRequest) -> Report:
        linter = self.ready()
        with self.lock:
            report = linter.lint(item.reply, customer_message=item.customer_message, complaint=item.complaint,
                                 format=item.format)
        return _filtered(report, item)

    def lint_many(self, items: list[LintRequest]) -> list[Report]:
        linter = self.ready()
        reports: dict[int, Report] = {}
        with self.lock:
            for fmt in ("text", "html", "markdown"):
                chosen = [(i, it) for i, it in enumerate(items) if it.format == fmt and it.complaint is None]
                for (i, it), report in zip(chosen, linter.lint_many(
                        [(it.reply, it.customer_message) for _, it in chosen], format=fmt), strict=True):
                    reports[i] = _filtered(report, it)
            for i, it in enumerate(items):
                if it.complaint is not None:
                    reports[i] = _filtered(linter.lint(it.reply, customer_message=it.customer_message,
                                                       complaint=it.complaint, format=it.format), it)
        return [reports[i] for i in range(len(items))]


def _filtered(report: Report, item: LintRequest) -> Report:
    kept = tuple(f for f in report.findings if (not item.select or matches_selector(f, item.select))
                 and not matches_selector(f, item.ignore))
    return report if len(kept) == len(report.findings) else report.model_copy(update={"findings": kept})


class _BodyLimit:
    """Answer 413 to a request body over the limit, before anything parses it."""

    def __init__(self, app, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                await self._too_large(send)
                return
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, send) -> None:
        detail = json.dumps({"detail": f"request body over the limit of {self.limit:,} bytes"}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(detail)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": detail})


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The FastAPI application; the pipeline loads in the background at start-up."""
    settings = settings or ServerSettings()
    service = _Service(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        loader = threading.Thread(target=service.load, name="complaint-lint-load", daemon=True)
        loader.start()
        yield

    app = FastAPI(title="complaint-lint", version=__version__, lifespan=lifespan,
                  description="Check a support agent's draft reply to an unhappy customer before it is sent.")
    app.state.service = service
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", API_KEY_HEADER])

    @app.middleware("http")
    async def api_key(request: Request, call_next):
        if settings.api_key and request.url.path.startswith("/v1/"):
            given = request.headers.get(API_KEY_HEADER, "")
            if not hmac.compare_digest(given.encode(), settings.api_key.encode()):
                return JSONResponse({"detail": f"missing or wrong {API_KEY_HEADER} header"}, status_code=401)
        return await call_next(request)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        """200 once the pipeline is loaded, 503 before (or if loading failed)."""
        if service.linter is None:
            return JSONResponse({"status": "error" if service.error else "loading", "detail": service.error},
                                status_code=503)
        return JSONResponse({"status": "ok", "version": __version__, "pipeline": service.linter.pipeline,
                             "rules": len(service.linter.rules)})

    @app.post("/v1/lint", response_model=Report)
    async def lint_one(item: LintRequest) -> Report:
        """Lint one draft."""
        service.check_request(item)
        return await run_in_threadpool(service.lint, item)

    @app.post("/v1/lint/batch", response_model=BatchResponse)
    async def lint_batch(batch: BatchRequest) -> BatchResponse:
        """Lint up to `max_batch` drafts in one batch."""
        if len(batch.items) > settings.max_batch:
            raise HTTPException(422, detail=[{"loc": ["body", "items"], "type": "too_long",
                                              "msg": f"{len(batch.items)} items; the limit is {settings.max_batch}"}])
        for i, item in enumerate(batch.items):
            service.check_request(item, f"items.{i}")
        return BatchResponse(reports=await run_in_threadpool(service.lint_many, batch.items))

    @app.post("/v1/fix", response_model=FixResponse)
    async def fix(item: FixRequest) -> FixResponse:
        """Apply the chosen fixes and return the new text with its report."""
        service.check_request(item)
        service.check_selectors(item.rules, "rules")

        def work() -> FixResponse:
            report = service.lint(item)
            chosen = [f for f in report.findings if not item.rules or matches_selector(f, item.rules)]
            text = apply_fixes(item.reply, chosen, unsafe=item.unsafe)
            applied = sorted({f.rule for f in chosen if f.fix and (item.unsafe or f.fix.applicability == "safe")})
            after = service.lint(item.model_copy(update={"reply": text}))
            return FixResponse(text=text, applied=applied if text != item.reply else [], report=after)

        return await run_in_threadpool(work)

    @app.get("/v1/rules", response_model=list[RuleSummary])
    def list_rules() -> list[RuleSummary]:
        """Every rule."""
        return [RuleSummary(id=r.id, category=r.category, severity=r.severity, fix=r.fix.applicability,
                            summary=r.summary, default=r.default) for r in service.rules]

    @app.get("/v1/rules/{rule_id}")
    def get_rule(rule_id: str) -> JSONResponse:
        """One rule: its data and its documentation."""
        rule = next((r for r in service.rules if r.id == rule_id), None)
        if rule is None:
            raise HTTPException(404, detail=f"unknown rule '{rule_id}'")
        return JSONResponse({**rule.model_dump(mode="json", by_alias=True), "documentation": rule_markdown(rule)})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def playground() -> HTMLResponse:
        """The browser playground."""
        return HTMLResponse((files("complaint_lint") / "static" / "playground.html").read_text(encoding="utf-8"))

    app.add_middleware(_BodyLimit, limit=settings.max_body_bytes)  # outermost: before anything reads the body
    return app


def app_from_env():
    """Factory for uvicorn workers: settings come from the environment `serve` prepared."""
    return create_app(ServerSettings.from_env())
