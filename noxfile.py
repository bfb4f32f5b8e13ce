"""Sessions for contributors (CONTRIBUTING.md): ``python3 -m nox -s NAME``.

tests    the README's test command, in an environment pinned by constraints.txt
deep     the full-depth tier (over an hour on 2 cores: before a release)
lint     ruff (lint and format) and mypy --strict
latest   the tests against the newest releases of everything, ignoring constraints.txt:
         run it on purpose to see drift before it reaches CI
lock     rewrite constraints.txt from the newest releases (then run `tests` and commit)
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.default_venv_backend = "venv"

ROOT = Path(__file__).parent
CONSTRAINTS = ROOT / "constraints.txt"
# The README's test command (what .ci/run runs) and the full-depth tier.
TESTS = ["pytest", "-n", "auto", "-q"]
DEEP = ["pytest", "-n", "auto", "-q", "-m", "deep"]
EXTRAS = ".[test,serve,lsp,spark,dev,bench]"
HEADER = """\
# Exact versions of every package the tests, the benchmarks and the contributor tools use
# (CPython 3.11 on Linux). pyproject.toml keeps lower bounds; this file makes CI reproducible.
# Install with:  python3 -m pip install -e '.[test,serve,lsp,spark]' -c constraints.txt
# Refresh with:  python3 -m nox -s lock   (then run the tests and commit both)
"""


def _install(session: nox.Session, *, pinned: bool) -> None:
    session.install("--upgrade", "pip")
    if pinned:
        session.install("-e", ".[test,serve,lsp,spark]", "-c", str(CONSTRAINTS))
    else:
        session.install("--upgrade", "--upgrade-strategy", "eager", "-e", ".[test,serve,lsp,spark]")


@nox.session
def tests(session: nox.Session) -> None:
    _install(session, pinned=True)
    session.run(*TESTS, *session.posargs)


@nox.session
def deep(session: nox.Session) -> None:
    _install(session, pinned=True)
    session.run(*DEEP, *session.posargs, env={"CLAUSEC_TEST_DEPTH": "full"})


@nox.session
def lint(session: nox.Session) -> None:
    _install(session, pinned=True)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def latest(session: nox.Session) -> None:
    _install(session, pinned=False)
    session.run("pip", "list", "--format=freeze")
    session.run(*TESTS, *session.posargs)


@nox.session
def lock(session: nox.Session) -> None:
    session.install("--upgrade", "pip")
    session.install(EXTRAS)
    frozen = session.run("pip", "freeze", "--exclude", "clausec", silent=True)
    assert isinstance(frozen, str)
    CONSTRAINTS.write_text(HEADER + frozen, encoding="utf-8")
    session.log(f"wrote {CONSTRAINTS.name}: {len(frozen.splitlines())} packages")
