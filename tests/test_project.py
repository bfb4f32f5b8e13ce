"""The project's own files agree with each other and the tree is lint- and format-clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import clausec

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    """The commands of the README's first ```sh block, comments removed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"^```sh\n(.*?)^```", readme, re.M | re.S)
    assert block, "README.md has no ```sh block"
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    install, test = _readme_commands()
    assert install.startswith(
        "pip install -e '.[test,serve,lsp,spark]' -c constraints.txt && clausec check"
    )
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    runs = [line for line in ci if "pytest" in line and not line.startswith("#")]
    assert runs == [test], f".ci/run runs {runs!r}, not the README's {test!r}"
    # The full-depth tier is documented where contributors look for it.
    deep = "CLAUSEC_TEST_DEPTH=full " + test + " -m deep"
    assert deep in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "python3 -m pip install --quiet -e '.[test,serve,lsp,spark]' -c constraints.txt" in ci


def test_constraints_pin_every_test_tool() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    extras = pyproject["project"]["optional-dependencies"]
    wanted = [
        *pyproject["project"]["dependencies"],
        *extras["test"],
        *extras["serve"],
        *extras["spark"],
        *extras["dev"],
    ]
    for requirement in wanted:
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)  # type: ignore[union-attr]
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, f"{name} is not in constraints.txt"


def test_version_is_written_once() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "src/clausec/__init__.py"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {clausec.__version__}" in changelog or "## Unreleased" in changelog


def test_license_matches_the_declared_one() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "Apache-2.0"
    assert pyproject["project"]["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' -c constraints.txt)")
    return subprocess.run(
        [ruff, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
    )


def test_ruff_lint_is_clean() -> None:
    result = _ruff("check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _ruff("format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_hooks_use_installed_tools() -> None:
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    entries = re.findall(r"^\s+entry: (\S+)", config, re.M)
    assert sorted(entries) == ["clausec", "mypy", "ruff", "ruff"]
    assert "language: system" in config and "rev:" not in config
