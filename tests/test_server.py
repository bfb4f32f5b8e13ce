"""`clausec serve` (docs/server.md): a real server process on 127.0.0.1 with a free port,
driven by a real HTTP client (httpx): answers equal the generated evaluators' and the
interpreter's, errors are JSON naming the fact, limits hold, `--reload` sees a changed file,
and no response carries a traceback."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import clausec
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask

from conftest import CONTRACTS, REPO

try:
    import httpx
    import starlette  # noqa: F401 - the serve extra
    import uvicorn  # noqa: F401
except ImportError as missing:  # pragma: no cover - CI installs them (.ci/run)
    if os.environ.get("CI"):
        raise
    pytest.skip(
        f"{missing.name} is missing: pip install -e '.[test,serve,lsp]' -c constraints.txt",
        allow_module_level=True,
    )

DEPOSIT = "/contracts/soolife_deposit/questions/may_deduct_deposit"
AS_OF = "2025-01-01"


class Server:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.client = httpx.Client(base_url=url, timeout=30)

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def post(self, path: str, body: object, **kwargs: Any) -> Any:
        return self.client.post(path, json=body, **kwargs)

    def stop(self) -> str:
        self.client.close()
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server fails the test
            self.process.kill()
            _, err = self.process.communicate()
        return err


def start(*args: str, cwd: Path = REPO) -> Server:
    """``clausec serve ARGS --port 0`` in a process of its own; the port it prints."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "clausec", "serve", *args, "--port", "0"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.fullmatch(r"serving \d+ contracts? on (http://127\.0\.0\.1:\d+)\n", line)
    if match is None:
        process.kill()
        raise AssertionError(f"no address: {line!r} {process.communicate()}")
    server = Server(process, match[1])
    for _ in range(100):  # the socket listens before the application has started
        try:
            if server.get("/health").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture(scope="module")
def served() -> Iterator[Server]:
    server = start(str(CONTRACTS), "--max-body-size", "20000", "--max-batch", "50")
    yield server
    log = server.stop()
    assert "Traceback" not in log or "logged" in log


def _no_traceback(response: Any) -> None:
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


def test_lists_contracts_questions_and_schemas(served: Server) -> None:
    listed = served.get("/contracts").json()["contracts"]
    ids = [c["id"] for c in listed]
    assert "soolife_deposit" in ids and len(ids) == 6
    contract = served.get("/contracts/soolife_deposit").json()
    names = [q["name"] for q in contract["questions"]]
    assert "may_deduct_deposit" in names
    question = served.get(DEPOSIT).json()
    assert question["answers"] == ["yes", "no", "undetermined"]
    assert question["facts_schema"]["$ref"] == "#/$defs/facts.may_deduct_deposit"
    schema = served.get("/contracts/soolife_deposit/schema").json()
    assert schema["$id"] == "urn:clausec:soolife_deposit"
    assert served.get("/health").json() == {"status": "ok", "contracts": 6, "reload_error": None}
    assert served.get("/version").json() == {"clausec": clausec.__version__}


def test_answers_are_the_interpreters(served: Server) -> None:
    contract = clausec.load(CONTRACTS / "soolife" / "deposit.clause")
    cases = [
        {"merchant.closed_shop": True},
        {"merchant.closed_shop": False, "merchant.violated_rules": "false"},
        {},
        {"platform.loss": "500 CNY", "merchant.breached_agreement": True},
    ]
    for facts in cases:
        response = served.post(DEPOSIT, {"facts": facts, "as_of": AS_OF})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        expected = ask(contract, "may_deduct_deposit", facts, AS_OF).to_dict()
        assert response.json() == expected
    strict = served.post(DEPOSIT, {"facts": {}, "as_of": None, "presume": False}).json()
    assert strict["answer"] == "undetermined" and strict["presumptions"] == []
    assert strict["as_of"] is None


def test_batch(served: Server) -> None:
    fact_sets = [{"merchant.closed_shop": True}, {"merchant.closed_shop": "maybe"}, {}]
    response = served.post(DEPOSIT + "/batch", {"fact_sets": fact_sets, "as_of": AS_OF})
    assert response.status_code == 200, response.text
    first, second, third = response.json()["results"]
    assert first["answer"] == "yes"
    assert second["error"] == "bad_fact" and second["index"] == 1
    assert second["fact"] == "merchant.closed_shop" and second["given"] == "maybe"
    assert third["question"] == "may_deduct_deposit"
    too_many = served.post(DEPOSIT + "/batch", {"fact_sets": [{}] * 51})
    assert too_many.status_code == 413 and too_many.json()["error"] == "too_large"


def test_fact_errors_name_the_fact(served: Server) -> None:
    contract = clausec.load(CONTRACTS / "soolife" / "deposit.clause")
    for facts in (
        {"merchant.closed_shop": "maybe"},
        {"merchant.closd_shop": True},
        {"platform.loss": "500 USD"},
        {"service.stopped": "2025-02-30"},
    ):
        response = served.post(DEPOSIT, {"facts": facts})
        assert response.status_code == 422, response.text
        body = response.json()
        with pytest.raises(FactError) as raised:
            ask(contract, "may_deduct_deposit", facts, AS_OF)
        assert body["error"] == "bad_fact"
        assert body["fact"] == raised.value.fact
        assert body["problem"] == raised.value.problem
        assert body["expected"] == raised.value.expected
        assert body["detail"] == str(raised.value)
        _no_traceback(response)
    bad_date = served.post(DEPOSIT, {"facts": {}, "as_of": "someday"}).json()
    assert bad_date["error"] == "bad_fact" and bad_date["fact"] == "as_of"


DEEP = b'{"facts": {"merchant.closed_shop": ' + b"[" * 9000 + b"]" * 9000 + b"}}"


@pytest.mark.parametrize(
    ("content", "headers", "status", "error"),
    [
        (b"{", {"content-type": "application/json"}, 400, "bad_json"),
        (b"[]", {"content-type": "application/json"}, 400, "bad_request"),
        (b'{"facts": {}, "extra": 1}', {"content-type": "application/json"}, 400, "bad_request"),
        (b'{"as_of": null}', {"content-type": "application/json"}, 400, "bad_request"),
        (
            b'{"facts": {}, "presume": "no"}',
            {"content-type": "application/json"},
            400,
            "bad_request",
        ),
        (b'{"facts": {"x": NaN}}', {"content-type": "application/json"}, 400, "bad_json"),
        (b"\xff\xfe", {"content-type": "application/json"}, 400, "bad_json"),
        (b"[" * 15_000 + b"]" * 15_000, {"content-type": "application/json"}, 413, "too_large"),
        (DEEP, {"content-type": "application/json"}, 422, "bad_fact"),
        (b'{"facts": {}}', {"content-type": "text/plain"}, 415, "unsupported_media_type"),
        (b'{"facts": {}}', {}, 415, "unsupported_media_type"),
        (b'{"facts": []}', {"content-type": "application/json"}, 422, "bad_fact"),
    ],
)
def test_bad_requests(
    served: Server, content: bytes, headers: dict[str, str], status: int, error: str
) -> None:
    response = served.client.post(DEPOSIT, content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert response.json()["detail"]
    _no_traceback(response)


def test_not_found_and_methods(served: Server) -> None:
    for path, hint in (
        ("/contracts/soolife_deposi", "soolife_deposit"),
        ("/contracts/soolife_deposit/questions/may_deduct", "may_deduct_deposit"),
        ("/nowhere", "/openapi.json"),
    ):
        response = served.get(path)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found" and hint in response.json()["detail"]
    unknown = served.post("/contracts/nope/questions/q", {"facts": {}})
    assert unknown.status_code == 404
    wrong = served.client.delete(DEPOSIT)
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"


def test_openapi_document(served: Server) -> None:
    from jsonschema import Draft202012Validator

    document = served.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    schemas = document["components"]["schemas"]
    operation = document["paths"][DEPOSIT]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    # Every reference resolves; a real request and its answer validate.
    text = json.dumps(document)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in schemas, ref
    resolved = {**document, **body}
    validator = Draft202012Validator(resolved)
    request = {"facts": {"merchant.closed_shop": True}, "as_of": AS_OF}
    assert validator.is_valid(request)
    assert not validator.is_valid({"facts": {"merchant.closed_shop": 5}})
    result = operation["responses"]["200"]["content"]["application/json"]["schema"]
    answer = served.post(DEPOSIT, request).json()
    assert Draft202012Validator({**document, **result}).is_valid(answer)


def test_time_limit(tmp_path: Path) -> None:
    server = start(str(CONTRACTS / "soolife"), "--time-limit", "0.2", "--max-body-size", "50000000")
    try:
        many = [{"merchant.closed_shop": True, "platform.loss": "1 CNY"}] * 200_000
        started = time.monotonic()
        response = server.post(DEPOSIT + "/batch", {"fact_sets": many, "as_of": AS_OF})
        assert response.status_code in (503, 413), response.text
        if response.status_code == 503:
            assert response.json()["error"] == "time_limit"
        assert time.monotonic() - started < 20
        assert server.get("/health").status_code == 200  # still serving
    finally:
        server.stop()


def test_reload_sees_a_changed_file(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    shutil.copytree(CONTRACTS / "soolife", folder)
    server = start(str(folder), "--reload", cwd=tmp_path)
    try:
        path = folder / "deposit.clause"
        text = path.read_text(encoding="utf-8")
        before = server.get("/contracts/soolife_deposit").json()["sha256"]
        question = server.get(DEPOSIT).json()
        assert question["name"] == "may_deduct_deposit"
        # A file with an error: the last good contracts stay, /health says why.
        path.write_text(text + "\nquestion broken \n", encoding="utf-8")
        health = _wait(server, lambda h: h["reload_error"] is not None)
        assert "cannot serve" in health["reload_error"]
        assert server.get("/contracts/soolife_deposit").json()["sha256"] == before
        # A good change is served.
        renamed = text.replace("may_deduct_deposit", "may_take_deposit")
        assert renamed != text
        path.write_text(renamed, encoding="utf-8")
        _wait(server, lambda h: h["reload_error"] is None)
        for _ in range(50):
            if server.get(DEPOSIT).status_code == 404:
                break
            time.sleep(0.1)
        assert server.get(DEPOSIT).status_code == 404
        moved = "/contracts/soolife_deposit/questions/may_take_deposit"
        response = server.post(moved, {"facts": {"merchant.closed_shop": True}})
        assert response.status_code == 200 and response.json()["answer"] == "yes"
    finally:
        server.stop()


def _wait(server: Server, done: Any) -> dict[str, Any]:
    for _ in range(100):
        health: dict[str, Any] = server.get("/health").json()
        if done(health):
            return health
        time.sleep(0.1)
    raise AssertionError(f"not reloaded: {health}")


def test_load_errors_and_missing_ports(tmp_path: Path) -> None:
    broken = tmp_path / "broken.clause"
    broken.write_text("contract x title\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "clausec", "serve", str(broken), "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "broken.clause:" in done.stderr and "cannot serve" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_failure_is_logged_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    """In process (a real server cannot be made to fail on purpose): a 500 says only that the
    request failed and the id under which the traceback was logged."""
    from clausec import server

    registry = server.load([str(CONTRACTS / "soolife")])
    module = registry.contracts["soolife_deposit"].module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    module.evaluate = broken

    async def call() -> Any:
        transport = httpx.ASGITransport(app=server.create_app(registry))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post(DEPOSIT, json={"facts": {}})

    response = asyncio.run(call())
    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal" and body["id"] in body["detail"]
    assert "secret" not in response.text and "Traceback" not in response.text
    assert body["id"] in caplog.text and "secret internals" in caplog.text


_HTTP = re.compile(r"^```http\n(.*?)^```$", re.M | re.S)


def test_the_pages_exchanges_are_real(served: Server) -> None:
    """Each ```http request block of docs/server.md, followed by an ```http response block:
    the server gives that status and that JSON body."""
    blocks = _HTTP.findall((REPO / "docs" / "server.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 6 and len(blocks) % 2 == 0
    for request, response in zip(blocks[::2], blocks[1::2], strict=True):
        head, _, body = request.partition("\n\n")
        method, path, _ = head.splitlines()[0].split(" ")
        status_line, _, shown = response.partition("\n\n")
        real = served.client.request(
            method, path, content=body.encode(), headers={"content-type": "application/json"}
        )
        assert real.status_code == int(status_line.split(" ")[1]), (path, real.text)
        assert real.json() == json.loads(shown), path
