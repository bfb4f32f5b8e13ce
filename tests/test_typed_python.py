"""Typed Python evaluators and packages: a consumer of a generated module is clean under
mypy --strict and pyright (strict), a wrong one is rejected by both, and
``clausec emit --package NAME --target python`` writes a package that builds into a wheel,
installs into a fresh virtual environment and answers there.

pyright comes from PyPI (constraints.txt); outside CI a missing pyright skips its checks, in
CI it fails them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import clausec
from clausec.backends.python import emit_python

from conftest import REPO, run_cli_process

DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"

CONSUMER = """\
# pyright: strict
from __future__ import annotations

import datetime as dt
from typing import Literal

{import_line}

facts: deposit.FactsDict = {{
    "merchant.closed_shop": True,
    "authority.ordered_amount": {{"amount": "100.50", "currency": "CNY"}},
    "deposit.balance": "9000 CNY",
    "service.stopped": dt.date(2024, 10, 24),
    "force_majeure.duration": "10 days",
    "complaint.consulted": None,
}}
result = deposit.may_deduct_deposit(facts, as_of="2025-01-10")
answer: Literal["yes", "no", "undetermined"] = result.answer
if result.answer == "yes":
    print(result.grounds[0]["clause"])
answer = deposit.evaluate("may_deduct_deposit", facts).answer
deadline: deposit.release_deadline_Answer = deposit.release_deadline(facts).answer
for one in deposit.evaluate_many("may_deduct_deposit", [facts, deposit.Facts(facts)]):
    answer = one.answer
for outcome in deposit.evaluate_many("may_deduct_deposit", [facts], errors="return"):
    if isinstance(outcome, deposit.FactError | deposit.EvaluationError):
        print(outcome)
    else:
        answer = outcome.answer
print(answer, deadline, result.to_dict()["answer"])
"""

# Each line marked `# wrong` must be reported by both checkers.
WRONG = """\
# pyright: strict
{import_line}

deposit.may_deduct_deposit({{"merchant.closed_shop": 5}})  # wrong: a number for a boolean
deposit.may_deduct_deposit({{"deposit.balance": 9000}})  # wrong: money without its currency
deposit.may_deduct_deposit({{"merchant.closd_shop": True}})  # wrong: no such fact
if deposit.may_deduct_deposit({{}}).answer == "obliged":  # wrong: not an answer of a may
    pass
"""


def _pyright() -> list[str]:
    """The pyright command, or a skip (outside CI) when it is not installed."""
    probe = subprocess.run(
        [sys.executable, "-m", "pyright", "--version"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("pyright is not installed (pip install -e '.[test]' -c constraints.txt)")
        pytest.skip("pyright is not installed: pip install -e '.[test]' -c constraints.txt")
    return [sys.executable, "-m", "pyright"]


def _check(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _wrong_lines(text: str) -> set[int]:
    return {i for i, line in enumerate(text.splitlines(), 1) if "# wrong" in line}


def _reported(output: str, name: str) -> set[int]:
    return {int(m) for m in re.findall(rf"{re.escape(name)}:(\d+)", output)}


def _type_check(folder: Path, import_line: str, python: str | None = None) -> None:
    """The consumer passes both checkers; the wrong consumer fails both on each wrong line."""
    (folder / "consumer.py").write_text(CONSUMER.format(import_line=import_line))
    wrong = WRONG.format(import_line=import_line)
    (folder / "wrong.py").write_text(wrong)
    mypy = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    pyright = _pyright()
    if python is not None:
        mypy += ["--python-executable", python]
        pyright += ["--pythonpath", python]
    good = _check([*mypy, "consumer.py"], folder)
    assert good.returncode == 0, good.stdout + good.stderr
    good = _check([*pyright, "consumer.py"], folder)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _check([*mypy, "wrong.py"], folder)
    assert bad.returncode == 1 and _reported(bad.stdout, "wrong.py") == _wrong_lines(wrong), (
        bad.stdout
    )
    bad = _check([*pyright, "wrong.py"], folder)
    assert bad.returncode == 1 and _reported(bad.stdout, "wrong.py") == _wrong_lines(wrong), (
        bad.stdout
    )


def test_typed_module_is_checked_by_mypy_and_pyright(tmp_path: Path) -> None:
    text = emit_python(clausec.load(DEPOSIT), clausec_version=clausec.__version__)
    (tmp_path / "soolife_deposit.py").write_text(text, encoding="utf-8")
    _type_check(tmp_path, "import soolife_deposit as deposit")


def test_typed_module_names_and_values(tmp_path: Path) -> None:
    """The types exist at run time too: the result of a question is an instance of its
    class, the answers of its Literal are the interface's, the facts TypedDict lists the
    facts the questions read."""
    from typing import get_args

    from clausec.ir.interface import interface

    from test_python_backend import load_module

    contract = clausec.load(DEPOSIT)
    m = load_module(contract, tmp_path)
    described = interface(contract)
    for q in described.questions:
        assert get_args(getattr(m, f"{q.name}_Answer")) == q.answers
        result = getattr(m, q.name)({}, as_of=None)
        assert type(result) is getattr(m, f"{q.name}_Result") and isinstance(result, m.Result)
    assert list(m.FactsDict.__annotations__) == [f.name for f in described.facts]
    assert m.FactsDict.__total__ is False
    assert set(m.Money_CNY.__annotations__) == {"amount", "currency"}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The package of two contracts, emitted from another folder, built into a wheel without
    network and installed into a fresh virtual environment: (package folder, its python)."""
    base = tmp_path_factory.mktemp("package")
    out = base / "out"
    unisend = REPO / "contracts" / "unisend" / "privacy.clause"
    emitted = run_cli_process(
        [
            "emit",
            str(DEPOSIT),
            str(unisend),
            "--package",
            "my_contracts",
            "--target",
            "python",
            "-o",
            str(out),
        ],
        cwd=base,
    )
    assert emitted.returncode == 0, emitted.stderr
    dist = base / "dist"
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(out),
        ],
        cwd=base,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("my_contracts-*.whl")
    made = _run([sys.executable, "-m", "venv", str(base / "venv")], cwd=base)
    assert made.returncode == 0, made.stderr
    python = base / "venv" / "bin" / "python"
    done = _run([str(python), "-m", "pip", "install", "--no-index", str(wheel)], cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, python


def test_package_layout(installed: tuple[Path, Path]) -> None:
    out, _ = installed
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == [
        "pyproject.toml",
        "src/my_contracts/__init__.py",
        "src/my_contracts/_runtime.py",
        "src/my_contracts/py.typed",
        "src/my_contracts/soolife_deposit.py",
        "src/my_contracts/unisend_notice.py",
    ]
    module = (out / "src/my_contracts/soolife_deposit.py").read_text(encoding="utf-8")
    # One runtime: the contract module imports it instead of carrying it.
    assert "from ._runtime import *" in module and "class Result(" not in module
    assert "from contracts/soolife/deposit.clause\n" in module  # relative to the project
    assert str(REPO) not in module


def test_package_installs_and_answers_in_a_fresh_environment(installed: tuple[Path, Path]) -> None:
    _, python = installed
    script = """
import pickle
import my_contracts
from my_contracts import soolife_deposit as deposit, unisend_notice
assert "site-packages" in deposit.__file__, deposit.__file__
assert my_contracts.CONTRACTS == ("soolife_deposit", "unisend_notice")
r = deposit.may_deduct_deposit({"merchant.closed_shop": True, "deposit.balance": "1 CNY"})
print(r.answer, type(r).__name__, r.grounds[0]["clause"])
facts = deposit.Facts({"merchant.closed_shop": True})
print(pickle.loads(pickle.dumps(facts)) == facts, type(facts).__module__)
late = deposit.release_deadline({"service.stopped": "2024-10-24", "agreement.ended": "2024-10-24"})
print(late.due, len(late.presumptions))
from my_contracts import _runtime
print(deposit.FactError is unisend_notice.FactError, isinstance(r, _runtime.Result))
print([o.answer for o in deposit.evaluate_many("may_deduct_deposit", [{}, facts])])
print(my_contracts.unisend_notice.CONTRACT["id"])
"""
    ran = _run([str(python), "-c", script], cwd=python.parent)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "yes may_deduct_deposit_Result 5.11",
        "True my_contracts.soolife_deposit",
        "2025-02-13 20",
        # One runtime: the exceptions and the base class of results are shared.
        "True True",
        "['no', 'yes']",
        "unisend_notice",
    ]


def test_package_consumer_is_typed(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, python = installed
    _type_check(tmp_path, "from my_contracts import soolife_deposit as deposit", str(python))


def test_package_output_is_deterministic(tmp_path: Path) -> None:
    texts = []
    for name in ("a", "b"):
        run = run_cli_process(
            [
                "emit",
                str(DEPOSIT),
                "--package",
                "pkg",
                "--target",
                "python",
                "-o",
                str(tmp_path / name),
            ],
            cwd=REPO,
        )
        assert run.returncode == 0, run.stderr
        texts.append(
            {
                p.relative_to(tmp_path / name): p.read_bytes()
                for p in (tmp_path / name).rglob("*")
                if p.is_file()
            }
        )
    assert texts[0] == texts[1]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("1bad", "package name `1bad` is not a Python name"),
        ("my-contracts", "package name `my-contracts` is not a Python name"),
        ("class", "package name `class` is not a Python name"),
    ],
)
def test_bad_package_names_are_refused(tmp_path: Path, name: str, message: str) -> None:
    run = run_cli_process(
        ["emit", str(DEPOSIT), "--package", name, "--target", "python", "-o", str(tmp_path)],
        cwd=REPO,
    )
    assert run.returncode == 2 and f"error: --package: {message}" in run.stderr
    assert "Traceback" not in run.stderr and not any(tmp_path.iterdir())
