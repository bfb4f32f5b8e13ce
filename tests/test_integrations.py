"""The files other repositories use to run clausec: the pre-commit hook (.pre-commit-hooks.yaml,
run by the real pre-commit, which installs clausec from a copy of this checkout) and the GitHub
Action (action.yml: its structure, and its shell steps run by bash the way the runner runs
them). docs/ci.md shows both."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

# A contract with one finding (E0302 at line 9, column 10) and one with none.
BAD = """\
contract bad title "Bad" source "bad.txt" language en calendar CN
party a role "first party"
action pay "pay"
object fee : money CNY "the fee"
fact wait : duration in working days
clause "1"
  quote "Pay once ten working days have passed."
  a must pay fee
    when wait >= 1 month
"""
BAD_AT = "9:10"
GOOD = BAD.replace("bad", "good").replace("1 month", "10 working days")


def _environment(**extra: str) -> dict[str, str]:
    """This process's environment without git's repository variables (set when the suite runs
    from a git hook), plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(extra)
    return env


def _git(*args: str, cwd: Path) -> str:
    identity = ["-c", "user.name=clausec tests", "-c", "user.email=tests@clausec.invalid"]
    return subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _copy_checkout(dest: Path) -> Path:
    """A copy of this checkout as it is on disk (tracked files and new ones git does not ignore:
    what a commit of everything would hold), without touching the checkout."""
    if not (REPO / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs git and a git checkout of clausec")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        env=_environment(),
        capture_output=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split(b"\0")):
        source = REPO / os.fsdecode(name)
        if source.is_file():  # not a tracked file deleted in the work tree
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


# ------------------------------------------------------------------ pre-commit


def test_pre_commit_hook_manifest() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    # pre-commit's own validation of a hook repository's manifest.
    hooks = {h["id"]: h for h in clientlib.load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert list(hooks) == ["clausec-check", "clausec-fmt"]
    hook = hooks["clausec-check"]
    assert hook["language"] == "python"
    assert hook["entry"] == "clausec check"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts
    assert hook["pass_filenames"] is True
    # Files are checked together (imports among them, dependents): never split over processes.
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    assert files.search("contracts/soolife/deposit.clause")
    assert not files.search("deposit.clause.orig") and not files.search("notes.md")
    # The layout check writes nothing: it only fails when a file would change.
    layout = hooks["clausec-fmt"]
    assert layout["entry"] == "clausec fmt --check"
    assert (layout["language"], layout["pass_filenames"], layout["files"]) == (
        "python",
        True,
        hook["files"],
    )


def test_pre_commit_runs_the_hook(tmp_path: Path) -> None:
    """The real pre-commit installs clausec from this checkout (as it is on disk, committed into
    a repository of its own) and runs the hook: the good file passes, the bad one fails with its
    diagnostic, and a file that is not a .clause file is not passed to clausec."""
    pytest.importorskip("pre_commit")
    hook_repo = _copy_checkout(tmp_path / "clausec")
    _git("init", "-q", cwd=hook_repo)
    _git("add", "-A", cwd=hook_repo)
    _git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=hook_repo)
    rev = _git("rev-parse", "HEAD", cwd=hook_repo).strip()

    project = tmp_path / "project"
    project.mkdir()
    (project / "good.clause").write_text(GOOD, "utf-8")
    (project / "bad.clause").write_text(BAD, "utf-8")
    (project / "notes.txt").write_text("not a contract\n", "utf-8")
    config = f"""\
        repos:
          - repo: {hook_repo}
            rev: {rev}
            hooks:
              - id: clausec-check
        """
    (project / ".pre-commit-config.yaml").write_text(textwrap.dedent(config), "utf-8")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    _git("commit", "-q", "--no-verify", "-m", "contracts", cwd=project)

    env = _environment(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PIP_CONSTRAINT=str(REPO / "constraints.txt"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--files", *files],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=540,
        )

    passed = pre_commit("good.clause", "notes.txt")
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert re.search(r"^clausec check\.+Passed$", output, re.M), output

    failed = pre_commit("good.clause", "bad.clause")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert re.search(r"^clausec check\.+Failed$", output, re.M), output
    assert "error[E0302]" in output and f"bad.clause:{BAD_AT}" in output, output
    assert "good.clause:" not in output, output


# ------------------------------------------------------------------ the GitHub Action

ACTION = REPO / "action.yml"
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _action() -> dict[str, Any]:
    action: dict[str, Any] = yaml.safe_load(ACTION.read_text("utf-8"))
    return action


def _step(action: dict[str, Any], step_id: str) -> dict[str, Any]:
    (step,) = [step for step in action["runs"]["steps"] if step.get("id") == step_id]
    return step


def test_action_structure() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert {name: spec.get("default") for name, spec in inputs.items()} == {
        "paths": ".",
        "args": "",
        "sarif-file": "clausec.sarif",
        "upload": "true",
    }
    assert all(spec.get("description") for spec in inputs.values())
    steps = action["runs"]["steps"]
    for step in steps:
        assert ("run" in step) != ("uses" in step), step.get("name")
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
            # Script injection: an expression in a script is pasted into it before bash reads it.
            assert "${{" not in step["run"], step.get("name")
    install = _step(action, "install")
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    assert '-c "$GITHUB_ACTION_PATH/constraints.txt"' in install["run"]
    assert "clausec check --format sarif" in _step(action, "check")["run"].replace('"', "")
    (upload,) = [step for step in steps if "uses" in step]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"] == {
        "sarif_file": "${{ steps.check.outputs.sarif-file }}",
        "category": "clausec",
    }
    assert upload["if"] == "inputs.upload == 'true'"
    # The findings fail the job only after the upload.
    last = steps[-1]
    assert (
        steps.index(upload) < len(steps) - 1
        and last["if"] == "steps.check.outputs.exit-code != '0'"
    )


class _Runner:
    """Runs a composite action's steps the way GitHub's runner does, for the expressions this
    action uses: ``run`` steps by ``bash --noprofile --norc -eo pipefail`` with their ``env``
    evaluated, each with a GITHUB_OUTPUT file of its own; ``uses`` steps are recorded, not run;
    the first failing step ends the run. Steps named in ``outputs`` are not run either: their
    outputs are given (the install step, which would pip-install clausec)."""

    def __init__(
        self,
        root: Path,
        inputs: dict[str, str],
        outputs: dict[str, dict[str, str]],
        action_path: Path = REPO,
    ) -> None:
        action = _action()
        self.steps: list[dict[str, Any]] = action["runs"]["steps"]
        self.inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
        assert set(inputs) <= set(self.inputs), inputs
        self.inputs.update(inputs)
        self.outputs = dict(outputs)
        self.root = root
        self.action_path = action_path
        self.workspace = root / "workspace"
        self.temp = root / "runner-temp"
        self.workspace.mkdir(parents=True, exist_ok=True)
        self.temp.mkdir(parents=True, exist_ok=True)
        self.used: list[tuple[str, dict[str, str]]] = []
        self.ran: list[tuple[str, subprocess.CompletedProcess[str]]] = []

    def value(self, expression: str) -> str:
        match expression.split("."):
            case ["inputs", name]:
                return self.inputs[name]
            case ["steps", step, "outputs", name]:
                return self.outputs.get(step, {}).get(name, "")
            case ["github", "action_path"]:
                return str(self.action_path)
            case ["runner", "temp"]:
                return str(self.temp)
        raise AssertionError(f"the test's runner does not evaluate {expression!r}")

    def substitute(self, text: str) -> str:
        return _EXPRESSION.sub(lambda m: self.value(m.group(1)), text)

    def condition(self, text: str) -> bool:
        m = re.fullmatch(r"(?:\$\{\{)?\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*(?:\}\})?", text)
        assert m, f"the test's runner does not evaluate the condition {text!r}"
        # GitHub compares strings ignoring case.
        equal = self.value(m.group(1)).casefold() == m.group(3).casefold()
        return equal == (m.group(2) == "==")

    def run(self) -> int:
        """The exit code of the action: that of its first failing step, else 0."""
        for number, step in enumerate(self.steps):
            if step.get("id") in self.outputs:
                continue
            if "if" in step and not self.condition(step["if"]):
                continue
            if "uses" in step:
                self.used.append(
                    (step["uses"], {k: self.substitute(v) for k, v in step["with"].items()})
                )
                continue
            script = self.root / f"step{number}.sh"
            script.write_text(step["run"], "utf-8")
            output = self.root / f"step{number}.output"
            output.write_text("", "utf-8")
            env = {
                "PATH": os.environ["PATH"],
                "HOME": os.environ.get("HOME", str(self.root)),
                "GITHUB_ACTION_PATH": str(self.action_path),
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_OUTPUT": str(output),
                "RUNNER_TEMP": str(self.temp),
                "CI": "true",
                "GITHUB_ACTIONS": "true",
            }
            env.update({k: self.substitute(str(v)) for k, v in step.get("env", {}).items()})
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            self.ran.append((step["name"], result))
            if "id" in step:
                lines = output.read_text("utf-8").splitlines()
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
            if result.returncode != 0:
                return result.returncode
        return 0

    def log(self) -> str:
        return "\n".join(f"## {name}\n{r.stdout}{r.stderr}" for name, r in self.ran)


@pytest.fixture
def runner_bin(tmp_path: Path) -> Path:
    """What the install step would leave: a folder with `clausec` and `python` (this checkout's
    clausec, run by this interpreter)."""
    folder = tmp_path / "venv-bin"
    folder.mkdir()
    for name, command in (("clausec", "-m clausec "), ("python", "")):
        (folder / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {command}"$@"\n', "utf-8")
        (folder / name).chmod(0o755)
    return folder


def _runner(tmp_path: Path, runner_bin: Path, **inputs: str) -> _Runner:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    return _Runner(tmp_path, inputs, {"install": {"bin": str(runner_bin)}})


def _results(sarif: Path) -> list[tuple[str, str, int, int]]:
    (run,) = json.loads(sarif.read_text("utf-8"))["runs"]
    found = []
    for result in run["results"]:
        where = result["locations"][0]["physicalLocation"]
        region = where["region"]
        uri = where["artifactLocation"]["uri"]
        found.append((result["ruleId"], uri, region["startLine"], region["startColumn"]))
    return found


def test_action_uploads_the_findings_then_fails(tmp_path: Path, runner_bin: Path) -> None:
    runner = _runner(tmp_path, runner_bin, paths="contracts")
    contracts = runner.workspace / "contracts"
    contracts.mkdir()
    (contracts / "bad.clause").write_text(BAD, "utf-8")
    (contracts / "good.clause").write_text(GOOD, "utf-8")

    code = runner.run()
    log = runner.log()
    sarif = runner.workspace / "clausec.sarif"
    assert runner.outputs["check"] == {"sarif-file": str(sarif), "exit-code": "1"}, log
    line, column = map(int, BAD_AT.split(":"))
    assert _results(sarif) == [("E0302", "contracts/bad.clause", line, column)]
    assert f"contracts/bad.clause:{BAD_AT}: error E0302: cannot combine" in log
    # The check step passed, so the upload ran; then the last step failed with the check's code.
    assert [name for name, result in runner.ran if result.returncode == 0] == ["Check"], log
    assert runner.used == [
        (
            "github/codeql-action/upload-sarif@v3",
            {"sarif_file": str(sarif), "category": "clausec"},
        )
    ]
    assert runner.ran[-1][0] == "Fail on findings" and code == 1, log


def test_action_passes_on_clean_contracts(tmp_path: Path, runner_bin: Path) -> None:
    runner = _runner(tmp_path, runner_bin)  # paths: the default, the workspace
    (runner.workspace / "good.clause").write_text(GOOD, "utf-8")
    assert runner.run() == 0, runner.log()
    assert runner.outputs["check"]["exit-code"] == "0"
    assert _results(Path(runner.outputs["check"]["sarif-file"])) == []
    assert [name for name, _ in runner.ran] == ["Check"]
    assert len(runner.used) == 1


def test_action_inputs_are_words_not_code(tmp_path: Path, runner_bin: Path) -> None:
    """Quoted paths and arguments are split as a shell would; nothing in them is run; `upload`
    false skips the upload; a relative sarif-file is under the workspace."""
    runner = _runner(
        tmp_path,
        runner_bin,
        paths='"my contracts" extra',
        args="--fail-on error --select 'E03'",
        upload="false",
    )
    (runner.workspace / "my contracts").mkdir()
    (runner.workspace / "my contracts" / "bad.clause").write_text(BAD, "utf-8")
    (runner.workspace / "extra").mkdir()
    runner.inputs["sarif-file"] = "reports/clausec $(touch injected).sarif"
    assert runner.run() == 1, runner.log()
    sarif = runner.workspace / "reports" / "clausec $(touch injected).sarif"
    assert runner.outputs["check"] == {"sarif-file": str(sarif), "exit-code": "1"}
    assert [rule for rule, *_ in _results(sarif)] == ["E0302"]
    assert runner.used == []

    hostile = _runner(tmp_path / "hostile", runner_bin, paths="$(touch injected) `touch injected`")
    assert hostile.run() == 2, hostile.log()  # no such files: a usage error, no upload
    assert "no such file or folder" in hostile.log()
    assert hostile.used == [] and [name for name, _ in hostile.ran] == ["Check"]
    assert not list(tmp_path.rglob("injected"))


def test_action_installs_clausec_from_its_own_copy(tmp_path: Path) -> None:
    """Every step, the install too: a virtual environment in RUNNER_TEMP with clausec from the
    action's copy of the repository (at the versions of constraints.txt), then the check."""
    if shutil.which("bash") is None or shutil.which("python3") is None:
        pytest.skip("needs bash and python3")
    action_path = _copy_checkout(tmp_path / "action")
    runner = _Runner(tmp_path / "run", {"paths": "bad.clause"}, {}, action_path)
    (runner.workspace / "bad.clause").write_text(BAD, "utf-8")
    assert runner.run() == 1, runner.log()
    assert [name for name, _ in runner.ran] == ["Install clausec", "Check", "Fail on findings"]
    clausec = runner.temp / "clausec-venv" / "bin" / "clausec"
    assert runner.outputs["install"] == {"bin": str(clausec.parent)}
    installed = subprocess.run(
        [str(clausec.parent / "python"), "-c", "import clausec; print(clausec.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert Path(installed.strip()).is_relative_to(runner.temp), installed
    assert [rule for rule, *_ in _results(runner.workspace / "clausec.sarif")] == ["E0302"]


# ------------------------------------------------------------------ docs/ci.md


def _documented(needle: str) -> list[dict[str, Any]]:
    """The ```yaml blocks of docs/ci.md that contain ``needle``, parsed."""
    text = (REPO / "docs" / "ci.md").read_text("utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)
    return [yaml.safe_load(block) for block in blocks if needle in block]


def test_docs_show_the_hook_and_the_action_as_defined() -> None:
    home = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["urls"]
    owner_name = home["Homepage"].removeprefix("https://github.com/")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))

    (config,) = _documented("id: clausec-check")
    (repo,) = config["repos"]
    assert repo["repo"] == home["Homepage"] and repo["rev"]
    assert [hook["id"] for hook in repo["hooks"]] == [hook["id"] for hook in hooks]

    (workflow,) = _documented(f"uses: {owner_name}@")
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    (step,) = [step for step in job["steps"] if step.get("uses", "").startswith(owner_name + "@")]
    assert set(step["with"]) <= set(_action()["inputs"])
    text = (REPO / "docs" / "ci.md").read_text("utf-8")
    for name, spec in _action()["inputs"].items():
        default = f"`{spec['default']}`" if spec["default"] else "empty"
        assert f"| `{name}` | {default} |" in text, f"docs/ci.md: input {name}"
