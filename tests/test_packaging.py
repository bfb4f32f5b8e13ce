"""The wheel is self-contained: installed with its dependencies into a virtual environment of
its own (isolated from the interpreter running the tests, whatever that is), it imports from
there, not from the source tree, carries its grammar, and checks the shipped contracts.

The dependencies come from the package index (or the wheel folders pip is configured with),
at the versions of constraints.txt, so the environment is the one CI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import clausec

from conftest import REPO, run_cli_process


def _run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("packaging")
    dist = base / "dist"
    # --no-isolation: use the installed build backend, no network needed.
    built = _run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ],
        cwd=base,
    )
    if built.returncode != 0:  # fall back to pip's builder
        built = _run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "-w",
                str(dist),
                str(REPO),
            ],
            cwd=base,
        )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("clausec-*.whl")
    env_dir = base / "venv"
    made = _run([sys.executable, "-m", "venv", str(env_dir)], cwd=base)
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    installed = _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--constraint",
            str(REPO / "constraints.txt"),
            str(wheel),
        ],
        cwd=base,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env_dir


def test_wheel_contents(venv: Path) -> None:
    import zipfile

    (wheel,) = (venv.parent / "dist").glob("clausec-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clausec/grammar/clause.lark" in names
    assert "clausec/py.typed" in names
    assert "clausec/__main__.py" in names
    # The site's stylesheet and script are read from the package (clausec.site).
    assert {"clausec/site/site.css", "clausec/site/explorer.js"} <= names
    assert not any(n.startswith(("tests/", "contracts/")) for n in names)


def test_venv_imports_installed_copy(venv: Path, tmp_path: Path) -> None:
    probe = (
        "import clausec, clausec.syntax.grammar as g; "
        "print(clausec.__file__); print(g.grammar_path())"
    )
    result = _run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    module_file, grammar = result.stdout.split("\n")[:2]
    site = str(venv.resolve())
    assert Path(module_file).resolve().is_relative_to(site), module_file
    assert not Path(module_file).resolve().is_relative_to(REPO / "src")
    assert Path(grammar).resolve().is_relative_to(site), grammar
    assert Path(grammar).name == "clause.lark"
    assert Path(grammar).read_text(encoding="utf-8") == (
        REPO / "grammar" / "clause.lark"
    ).read_text(encoding="utf-8")


def test_venv_cli_checks_shipped_contracts(venv: Path) -> None:
    result = _run([str(venv / "bin" / "clausec"), "check", "contracts/"], cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("checked ")
    # and it really ran the installed copy
    where = _run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import clausec.cli, sys; print(clausec.cli.__file__)",
        ],
        cwd=REPO,
    )
    assert Path(where.stdout.strip()).resolve().is_relative_to(venv.resolve())


def test_venv_cli_reports_errors(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.clause").write_text("contract x\n", encoding="utf-8")
    result = _run([str(venv / "bin" / "clausec"), "check", "bad.clause"], cwd=tmp_path)
    assert result.returncode == 1
    assert "error[E0400]" in result.stdout and "bad.clause:1:10" in result.stdout


def test_python_m_clausec_version() -> None:
    result = run_cli_process(["--version"], cwd=REPO)
    assert result.returncode == 0
    assert result.stdout.strip() == f"clausec, version {clausec.__version__}"


def test_venv_python_m_clausec_version(venv: Path, tmp_path: Path) -> None:
    result = _run([str(venv / "bin" / "python"), "-m", "clausec", "--version"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"clausec, version {clausec.__version__}"
