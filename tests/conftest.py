"""Shared helpers for the clausec test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

import clausec
from clausec.cli import main
from clausec.diagnostics import Diagnostic, Severity
from clausec.ir import nodes as ir

REPO = Path(__file__).resolve().parents[1]
CONTRACTS = REPO / "contracts"
SHIPPED = sorted(CONTRACTS.rglob("*.clause"))
GOLDEN_DIR = Path(__file__).resolve().parent / "golden" / "diagnostics"

# A valid header and a small vocabulary that most grammar tests build on. Keep the line count
# stable: tests compute line numbers from PRELUDE_LINES.
HEADER = 'contract t title "Test" source "t.txt" language en calendar CN\n'
DECLARATIONS = """\
party a role "first party"
party b role "second party"
action pay "pay"
action refund "refund"
action notify "notify"
object fee : money CNY "the fee"
object goods "the goods"
fact f : boolean
fact g : boolean
fact n : integer
fact x : decimal
fact m : money CNY
fact eur : money EUR
fact d : date
fact dd : duration in days
fact wd : duration in working days
fact mm : duration in months
fact t : text
fact k : one of red, green
event e
event e2
"""
PRELUDE = HEADER + DECLARATIONS
PRELUDE_LINES = PRELUDE.count("\n")


@pytest.fixture(autouse=True, scope="session")
def _private_check_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`clausec check` caches its results (clausec/checking.py): during the tests, in a folder
    of the run's own, never the user's (commands run in this process and subprocesses)."""
    previous = os.environ.get("CLAUSEC_CACHE_DIR")
    os.environ["CLAUSEC_CACHE_DIR"] = str(tmp_path_factory.mktemp("check-cache"))
    yield
    if previous is None:
        del os.environ["CLAUSEC_CACHE_DIR"]
    else:
        os.environ["CLAUSEC_CACHE_DIR"] = previous


# The driver raises the recursion limit on first use; do it up front so that it does not change
# in the middle of a Hypothesis test (which warns about it).
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))

# ------------------------------------------------------------------ test tiers (CONTRIBUTING.md)

_DEPTH = os.environ.get("CLAUSEC_TEST_DEPTH", "fast")
if _DEPTH not in ("fast", "full"):
    raise pytest.UsageError(f"CLAUSEC_TEST_DEPTH={_DEPTH!r}: use `fast` (default) or `full`")
#: The full-depth tier: `CLAUSEC_TEST_DEPTH=full python3 -m pytest -n auto -m deep`.
FULL_DEPTH = _DEPTH == "full"


def depth(fast: int, full: int) -> int:
    """How many cases a test whose depth is tiered tries: ``fast`` by default, ``full`` in the
    full-depth tier. Such tests carry the ``deep`` marker."""
    return full if FULL_DEPTH else fast


# Hypothesis profiles: `ci` (default: derandomized, so a run is reproducible), `dev` (quick,
# random, with the example database) and `deep` (the full-depth tier). Tests set no
# max_examples of their own; choose with --hypothesis-profile or CLAUSEC_TEST_DEPTH=full.
_QUIET = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("dev", max_examples=10, **_QUIET)
settings.register_profile("ci", max_examples=40, derandomize=True, database=None, **_QUIET)
settings.register_profile("deep", max_examples=500, database=None, **_QUIET)
settings.load_profile("deep" if FULL_DEPTH else "ci")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "deep: tries more cases with CLAUSEC_TEST_DEPTH=full; the full-depth tier "
        "runs only these (Hypothesis tests are marked automatically)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from hypothesis import is_hypothesis_test

    for item in items:
        if isinstance(item, pytest.Function) and is_hypothesis_test(item.obj):
            item.add_marker(pytest.mark.deep)


def need_tool(ok: bool, reason: str) -> None:
    """Skip the test when a tool it runs is missing (``reason`` says which and how to get it);
    under CI, which installs every tool (.ci/run), fail instead."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install it: see .ci/run)")
    pytest.skip(reason)


def compile_body(body: str, name: str = "t.clause") -> clausec.CheckResult:
    """Compile PRELUDE + body in memory."""
    return clausec.compile_text(PRELUDE + body, name)


def errors(result: clausec.CheckResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity is Severity.ERROR]


def codes(result: clausec.CheckResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def describe(result: clausec.CheckResult) -> str:
    return "\n".join(f"{d.code} {d.span}: {d.message}" for d in result.diagnostics)


def contract_of(body: str) -> ir.Contract:
    """Compile PRELUDE + body; it must compile without any diagnostic."""
    result = compile_body(body)
    assert not result.diagnostics, describe(result)
    return result.contract("t")


def value_expr(expr: str, extra: str = "") -> ir.Expr:
    """The typed IR of ``expr``, through a value question."""
    c = contract_of(f"{extra}\nquestion probe : value of {expr}\n")
    (q,) = [q for q in c.questions if q.name == "probe"]
    assert q.expr is not None
    return q.expr


def span_text(source: str, span: object) -> str:
    """The text a single-line span covers."""
    line = source.split("\n")[span.line - 1]  # type: ignore[attr-defined]
    assert span.end_line == span.line, span  # type: ignore[attr-defined]
    return line[span.column - 1 : span.end_column - 1]  # type: ignore[attr-defined]


def run_cli(
    args: Sequence[str], cwd: Path | str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``clausec ARGS`` run in this process, through the console entry point ``main`` (so exit
    codes, internal errors included, are the command's), in ``cwd``; stdout and stderr apart.
    Use run_cli_process for what needs a fresh interpreter (environment, start-up)."""
    runner = CliRunner()
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with runner.isolation(input=stdin, env={"UPDATE_GOLDEN": None}) as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["clausec", *args], code, stdout, stderr)


def run_cli_process(
    args: Sequence[str],
    cwd: Path | str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m clausec ARGS`` in a subprocess (text mode, UTF-8)."""
    full_env = dict(os.environ)
    full_env["PYTHONIOENCODING"] = "utf-8"
    full_env.pop("UPDATE_GOLDEN", None)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "clausec", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )


# Monthly deadlines that run off the end of the calendar (test_javascript, test_python_backend).
MONTHLY = """\
contract monthly
  title "Monthly deadlines at the end of the calendar"
  source "m.txt"
  language en
  calendar CN

party a role "first party"
action pay "pay"
object fee "the fee"
event signed
fact due_soon : boolean

clause "1"
  quote "Pay on the 20th and the 5th of every month after signing."
  a must pay fee
    when due_soon
    on days 20 and 5 of every month after signed
clause "2"
  quote "Pay on the 5th of every month."
  a must pay fee
    when not due_soon
    on day 5 of every month

question when_pay : deadline of a pay fee
"""
