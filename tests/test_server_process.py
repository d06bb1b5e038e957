"""The service as a real uvicorn process on 127.0.0.1: start, wait for /healthz, request, stop."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from serving import running_server


@pytest.fixture(scope="module")
def base():
    with running_server("--max-batch", "10", env={"CL_KEY": "k3y"}) as url:
        yield url


def test_lint_over_http(base):
    response = httpx.post(f"{base}/v1/lint", json={"reply": "That's not my department."}, timeout=10)
    assert response.status_code == 200
    assert any(f["category"] == "buck-passing" for f in response.json()["findings"])


def test_batch_and_rules_over_http(base):
    batch = httpx.post(f"{base}/v1/lint/batch", json={"items": [{"reply": "Thanks!"}] * 11}, timeout=10)
    assert batch.status_code == 422
    assert httpx.get(f"{base}/v1/rules", timeout=10).status_code == 200


def test_concurrent_clients_over_http(base):
    async def main():
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            calls = [client.post("/v1/lint", json={"reply": f"Ticket {i}: that's not my department.",
                                                   "select": ["buck-passing"]}) for i in range(50)]
            return await asyncio.gather(*calls)

    responses = asyncio.run(main())
    assert all(r.status_code == 200 and r.json()["findings"] for r in responses)


def test_api_key_from_environment():
    with running_server("--api-key-env", "CL_KEY", env={"CL_KEY": "k3y"}) as url:
        assert httpx.post(f"{url}/v1/lint", json={"reply": "x"}, timeout=10).status_code == 401
        ok = httpx.post(f"{url}/v1/lint", json={"reply": "x"}, headers={"X-API-Key": "k3y"}, timeout=10)
        assert ok.status_code == 200


def test_serve_refuses_an_unset_api_key_variable():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "complaint_lint", "serve", "--api-key-env", "NO_SUCH_VAR_X"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "NO_SUCH_VAR_X" in proc.stderr
