"""The HTTP service through FastAPI's TestClient: every endpoint, every limit, concurrency, API keys."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from complaint_lint import Config, Report
from complaint_lint.server import ServerSettings, create_app

DEFLECT = "That's not my department."


def ready(client: TestClient) -> TestClient:
    for _ in range(300):
        if client.get("/healthz").status_code == 200:
            return client
        time.sleep(0.05)
    raise AssertionError("the service never became ready")


@pytest.fixture(scope="module")
def client():
    app = create_app(ServerSettings(Config(max_chars=5000), max_body_bytes=20_000, max_batch=5))
    with TestClient(app) as c:
        yield ready(c)


def test_healthz_reports_the_pipeline(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["pipeline"].startswith("en_core_web_sm") and body["rules"] > 0


def test_healthz_is_503_until_the_pipeline_is_loaded(monkeypatch):
    from complaint_lint import server

    monkeypatch.setattr(server._Service, "load", lambda self: None)
    with TestClient(create_app()) as c:
        assert c.get("/healthz").status_code == 503
        assert c.post("/v1/lint", json={"reply": DEFLECT}).status_code == 503


def test_lint_returns_the_report_model(client):
    response = client.post("/v1/lint", json={"reply": DEFLECT, "customer_message": "I was charged twice!"})
    assert response.status_code == 200
    report = Report.model_validate(response.json())
    assert any(f.category == "buck-passing" and f.text == "That's not my department" for f in report.findings)
    assert report.complaint_source == "detected"


def test_select_ignore_and_formats(client):
    only = client.post("/v1/lint", json={"reply": DEFLECT, "select": ["buck-passing"]}).json()
    assert {f["category"] for f in only["findings"]} == {"buck-passing"}
    none = client.post("/v1/lint", json={"reply": DEFLECT, "ignore": ["buck-passing", "missing-"]}).json()
    assert not [f for f in none["findings"] if f["category"] == "buck-passing"]
    html = client.post("/v1/lint", json={"reply": "<p>That&rsquo;s not my department.</p>", "format": "html",
                                         "select": ["buck-passing"]}).json()
    assert [(f["start"], f["text"]) for f in html["findings"]] == [(3, "That&rsquo;s not my department")]


def test_batch_goes_through_lint_many_in_order(client):
    items = [{"reply": DEFLECT}, {"reply": "Thanks!", "customer_message": "Thanks a lot"},
             {"reply": DEFLECT, "complaint": False, "select": ["missing-apology"]}]
    reports = client.post("/v1/lint/batch", json={"items": items}).json()["reports"]
    assert [bool(r["findings"]) for r in reports] == [True, False, False]
    assert reports[2]["complaint_source"] == "given"


def test_fix_applies_the_chosen_fixes(client):
    body = client.post("/v1/fix", json={"reply": DEFLECT, "unsafe": True, "rules": ["buck-passing"]}).json()
    assert "not my department" not in body["text"] and body["applied"] == ["buck-passing.not-my-department"]
    assert not [f for f in body["report"]["findings"] if f["rule"] == "buck-passing.not-my-department"]
    safe_only = client.post("/v1/fix", json={"reply": DEFLECT}).json()
    assert safe_only["applied"] == [] or safe_only["text"] != DEFLECT


def test_rules_endpoints(client):
    rules = client.get("/v1/rules").json()
    assert any(r["id"] == "buck-passing.not-my-department" for r in rules)
    one = client.get("/v1/rules/buck-passing.not-my-department").json()
    assert one["category"] == "buck-passing" and "### Why is this bad?" in one["documentation"]
    assert client.get("/v1/rules/nope.nope").status_code == 404


def test_openapi_docs_and_playground(client):
    assert "/v1/lint" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "complaint-lint playground" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN


@pytest.mark.parametrize(("payload", "field"), [
    ({"reply": 5}, "reply"),
    ({"reply": "x", "format": "pdf"}, "format"),
    ({"reply": "x", "select": "arguing"}, "select"),
    ({"customer_message": "x"}, "reply"),
    ({"reply": "x", "colour": "red"}, "colour"),
])
def test_wrong_types_are_422_naming_the_field(client, payload, field):
    response = client.post("/v1/lint", json=payload)
    assert response.status_code == 422
    assert field in [str(part) for part in response.json()["detail"][0]["loc"]]


def test_malformed_json_is_422(client):
    response = client.post("/v1/lint", content=b'{"reply": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_limits(client):
    too_long = client.post("/v1/lint", json={"reply": "x" * 5001})
    assert too_long.status_code == 422 and "the limit is 5,000" in too_long.json()["detail"][0]["msg"]
    too_big = client.post("/v1/lint", json={"reply": "x" * 30_000})
    assert too_big.status_code == 413
    too_many = client.post("/v1/lint/batch", json={"items": [{"reply": "x"}] * 6})
    assert too_many.status_code == 422 and "the limit is 5" in too_many.json()["detail"][0]["msg"]
    unknown = client.post("/v1/lint", json={"reply": "x", "ignore": ["bogus"]})
    assert unknown.status_code == 422 and "unknown rule or category 'bogus'" in unknown.text
    unknown_fix = client.post("/v1/fix", json={"reply": "x", "rules": ["bogus"]})
    assert unknown_fix.status_code == 422


def test_fifty_concurrent_requests_are_all_answered_correctly(client):
    drafts = [f"Order {i}: that's not my department." if i % 2 else f"Order {i} ships today. Thanks!"
              for i in range(50)]

    def call(text: str) -> tuple[str, bool]:
        body = client.post("/v1/lint", json={"reply": text, "select": ["buck-passing"]}).json()
        return text, any(f["category"] == "buck-passing" for f in body["findings"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(call, drafts))
    assert [flagged for _, flagged in answers] == [bool(i % 2) for i in range(50)]


def test_api_key_right_and_wrong():
    app = create_app(ServerSettings(api_key="s3cret"))
    with TestClient(app) as c:
        ready(c)
        assert c.post("/v1/lint", json={"reply": DEFLECT}).status_code == 401
        assert c.post("/v1/lint", json={"reply": DEFLECT}, headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/v1/lint", json={"reply": DEFLECT}, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.get("/healthz").status_code == 200  # health checks need no key


def test_cors_is_off_unless_configured():
    plain = create_app()
    with TestClient(plain) as c:
        response = c.options("/v1/lint", headers={"Origin": "https://helpdesk.example",
                                                  "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in response.headers
    allowed = create_app(ServerSettings(cors_origins=("https://helpdesk.example",)))
    with TestClient(allowed) as c:
        response = c.options("/v1/lint", headers={"Origin": "https://helpdesk.example",
                                                  "Access-Control-Request-Method": "POST"})
        assert response.headers["access-control-allow-origin"] == "https://helpdesk.example"
