"""`clausec check` in a review pipeline: SARIF that GitHub code scanning accepts (checked against
tests/data/github-sarif-upload-rules.json), fingerprints that survive line moves, baselines,
paths relative to the repository from any folder, and the files that import a changed one."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from clausec.diagnostics.codes import HOME_PAGE

from conftest import REPO, run_cli

RULES = json.loads((REPO / "tests/data/github-sarif-upload-rules.json").read_text("utf-8"))
CHECKS = REPO / "tests/golden/checks"


def github_problems(text: str) -> list[str]:
    """Where a SARIF log breaks the rules GitHub documents for uploads."""
    problems: list[str] = []
    if len(gzip.compress(text.encode("utf-8"))) > RULES["gzip_bytes"]:
        problems.append("over the size limit")
    log = json.loads(text)
    required = RULES["required"]
    limits = RULES["limits"]

    def need(kind: str, obj: dict[str, object], where: str) -> None:
        problems.extend(f"{where}: no {key}" for key in required[kind] if key not in obj)

    def most(kind: str, count: int, where: str) -> None:
        if count > limits[kind]:
            problems.append(f"{where}: {count} {kind}, over {limits[kind]}")

    need("log", log, "log")
    if log.get("version") != RULES["version"]:
        problems.append(f"version {log.get('version')}")
    most("runs per file", len(log["runs"]), "log")
    for r, run in enumerate(log["runs"]):
        need("run", run, f"run {r}")
        driver = run["tool"]["driver"]
        need("driver", driver, f"run {r} driver")
        rules = driver.get("rules", [])
        most("rules per run", len(rules), f"run {r}")
        most("results per run", len(run["results"]), f"run {r}")
        most("tool extensions per run", len(run["tool"].get("extensions", [])), f"run {r}")
        ids = [rule["id"] for rule in rules]
        for rule in rules:
            need("rule", rule, f"rule {rule.get('id')}")
            most("tags per rule", len(rule.get("properties", {}).get("tags", [])), rule["id"])
            for part in ("shortDescription", "fullDescription", "help"):
                if part in rule and not rule[part].get("text"):
                    problems.append(f"rule {rule['id']}: {part} without text")
        bases = run.get("originalUriBaseIds", {})
        for i, result in enumerate(run["results"]):
            where = f"run {r} result {i}"
            need("result", result, where)
            if result.get("ruleId") not in ids:
                problems.append(f"{where}: ruleId {result.get('ruleId')} is not a rule")
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: no message.text")
            if result.get("level", "warning") not in ("none", "note", "warning", "error"):
                problems.append(f"{where}: level {result['level']}")
            prints = result.get("partialFingerprints", {})
            if not prints or not all(isinstance(v, str) and v for v in prints.values()):
                problems.append(f"{where}: fingerprints {prints}")
            locations = result.get("locations", [])
            most("locations per result", len(locations), where)
            if not locations:
                problems.append(f"{where}: no location")
            for location in locations + result.get("relatedLocations", []):
                physical = location["physicalLocation"]
                need("physical location", physical, where)
                need("artifact location", physical["artifactLocation"], where)
                need("region", physical["region"], where)
                artifact = physical["artifactLocation"]
                uri = artifact["uri"]
                if "uriBaseId" in artifact:
                    if artifact["uriBaseId"] not in bases:
                        problems.append(f"{where}: undeclared base {artifact['uriBaseId']}")
                    if uri.startswith("/") or ":" in uri.split("/")[0]:
                        problems.append(f"{where}: {uri} is not relative")
                elif not uri.startswith("file:///"):
                    problems.append(f"{where}: {uri} is neither relative nor file://")
    return problems


def sarif(args: list[str], cwd: Path = REPO) -> dict[str, object]:
    result = run_cli(["check", "--format", "sarif", *args], cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    assert github_problems(result.stdout) == [], github_problems(result.stdout)[:10]
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def results(doc: dict[str, object]) -> list[dict[str, object]]:
    found = doc["runs"][0]["results"]  # type: ignore[index]
    assert isinstance(found, list)
    return found


# ------------------------------------------------------------------ GitHub's rules


@pytest.mark.parametrize(
    "args",
    [
        ["contracts", "--show-info"],
        ["tests/golden/checks", "--show-info"],
        ["tests/golden/diagnostics"],
        ["docs/examples", "--show-info"],
    ],
)
def test_sarif_follows_githubs_upload_rules(args: list[str]) -> None:
    sarif(args)


def test_the_rules_checker_catches_what_github_refuses() -> None:
    good = run_cli(["check", "--format", "sarif", "tests/golden/checks"], cwd=REPO).stdout
    assert github_problems(good) == []
    for breaks in (
        lambda log: log["runs"][0]["results"][0].pop("partialFingerprints"),
        lambda log: log["runs"][0]["results"][0].__setitem__("ruleId", "X9999"),
        lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"
        ].pop("uriBaseId"),
        lambda log: log["runs"][0]["results"][0].__setitem__(
            "locations", log["runs"][0]["results"][0]["locations"] * 1001
        ),
        lambda log: log.__setitem__("runs", log["runs"] * 21),
        lambda log: log["runs"][0]["results"][0]["message"].pop("text"),
    ):
        log = json.loads(good)
        breaks(log)
        assert github_problems(json.dumps(log)), breaks


def test_information_uri_is_the_declared_home_page() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["urls"]["Homepage"] == HOME_PAGE
    doc = sarif(["tests/golden/checks/w0501_obligation_prohibition.clause"])
    assert doc["runs"][0]["tool"]["driver"]["informationUri"] == HOME_PAGE  # type: ignore[index]


# ------------------------------------------------------------------ paths and fingerprints


def copy_checks(tmp_path: Path) -> Path:
    """The golden checks in a git repository of their own, in a sub-folder."""
    repo = tmp_path / "repo"
    shutil.copytree(CHECKS, repo / "rules", ignore=shutil.ignore_patterns("*.expected"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_uris_are_relative_to_the_repository_from_any_folder(tmp_path: Path) -> None:
    repo = copy_checks(tmp_path)
    from_root = sarif(["rules"], cwd=repo)
    from_inside = sarif(["."], cwd=repo / "rules")
    assert from_root == from_inside
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]  # type: ignore[index]
        for r in results(from_root)
    }
    assert uris and all(u.startswith("rules/") for u in uris), uris
    given = sarif(["w0501_obligation_prohibition.clause", "--srcroot", "."], cwd=repo / "rules")
    (only,) = results(given)
    location = only["locations"][0]["physicalLocation"]["artifactLocation"]  # type: ignore[index]
    assert location == {"uri": "w0501_obligation_prohibition.clause", "uriBaseId": "SRCROOT"}


def fingerprinted(doc: dict[str, object]) -> dict[str, tuple[str, int]]:
    out = {}
    for r in results(doc):
        (value,) = r["partialFingerprints"].values()  # type: ignore[union-attr]
        line = r["locations"][0]["physicalLocation"]["region"]["startLine"]  # type: ignore[index]
        out[value] = (r["ruleId"], line)
    return out


def test_fingerprints_survive_line_moves(tmp_path: Path) -> None:
    repo = copy_checks(tmp_path)
    before = fingerprinted(sarif(["rules", "--show-info"], cwd=repo))
    assert len(before) == len(results(sarif(["rules", "--show-info"], cwd=repo)))  # distinct
    for path in (repo / "rules").glob("*.clause"):
        text = path.read_text("utf-8")
        header, _, rest = text.partition("\n")
        path.write_text(f"{header}\n# moved\n\n# down\n{rest}", encoding="utf-8")
    after = fingerprinted(sarif(["rules", "--show-info"], cwd=repo))
    assert after.keys() == before.keys()
    assert all(after[k][1] == before[k][1] + 3 for k in before if before[k][1] > 1)


def test_a_changed_finding_gets_a_new_fingerprint(tmp_path: Path) -> None:
    repo = copy_checks(tmp_path)
    path = repo / "rules/w0540_refers_to_missing.clause"
    before = fingerprinted(sarif([str(path.relative_to(repo))], cwd=repo))
    path.write_text(path.read_text("utf-8").replace('"9.9"', '"9.8"'), encoding="utf-8")
    after = fingerprinted(sarif([str(path.relative_to(repo))], cwd=repo))
    assert len(before) == len(after) == 1 and before.keys() != after.keys()


# ------------------------------------------------------------------ baselines


def test_a_baseline_lets_known_findings_pass_and_fails_new_ones(tmp_path: Path) -> None:
    repo = copy_checks(tmp_path)
    (repo / "rules/w0501_obligation_prohibition.clause").rename(repo / "w0501.clause.later")
    first = run_cli(["check", "rules", "--write-baseline", "base.json"], cwd=repo)
    assert first.returncode == 0, first.stdout
    assert first.stderr.startswith("wrote base.json (")
    data = json.loads((repo / "base.json").read_text("utf-8"))
    assert data["clausec_baseline"] == 1 and data["findings"]
    assert {f["file"] for f in data["findings"]} <= {
        f"rules/{p.name}" for p in (repo / "rules").glob("*.clause")
    }
    again = run_cli(["check", "rules", "--baseline", "base.json"], cwd=repo)
    assert again.returncode == 0
    assert again.stdout.startswith("checked ")  # nothing listed
    assert f"{len(data['findings'])} in the baseline)" in again.stdout
    # Moved lines keep their place in the baseline; a new finding fails, alone.
    for path in (repo / "rules").glob("*.clause"):
        header, _, rest = path.read_text("utf-8").partition("\n")
        path.write_text(f"{header}\n\n\n{rest}", encoding="utf-8")
    (repo / "w0501.clause.later").rename(repo / "rules/w0501.clause")
    moved = run_cli(["check", "rules", "--baseline", "base.json"], cwd=repo)
    assert moved.returncode == 1
    assert moved.stdout.count("warning[") == 1 and "W0501" in moved.stdout
    log = sarif(["rules", "--baseline", "base.json"], cwd=repo)
    states = [(r["ruleId"], r["baselineState"]) for r in results(log) if "suppressions" not in r]
    # Other files have a W0501 too (across an import): only the returned file's is new.
    assert [s for s in states if s[1] != "unchanged"] == [("W0501", "new")]
    assert len(states) > 1


def test_errors_are_never_recorded_in_a_baseline(tmp_path: Path) -> None:
    (tmp_path / "bad.clause").write_text("contract x title 1\n", encoding="utf-8")
    written = run_cli(["check", ".", "--write-baseline", "base.json"], cwd=tmp_path)
    assert written.returncode == 1
    assert json.loads((tmp_path / "base.json").read_text("utf-8"))["findings"] == []
    again = run_cli(["check", ".", "--baseline", "base.json"], cwd=tmp_path)
    assert again.returncode == 1 and "error[E0100]" in again.stdout


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ("{", "not JSON"),
        ('{"findings": []}', "not a clausec baseline"),
        ('{"clausec_baseline": 1, "findings": [3]}', "must be a list of objects"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(tmp_path: Path, content: str | None, says: str) -> None:
    if content is not None:
        (tmp_path / "base.json").write_text(content, encoding="utf-8")
    result = run_cli(
        ["check", str(CHECKS / "accepted.clause"), "--baseline", "base.json"], tmp_path
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: base.json: ") and says in result.stderr


# ------------------------------------------------------------------ dependents


def soolife(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(REPO / "contracts/soolife", folder / "soolife")
    return folder


def rename_clause(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    kind = "clause" if f'\nclause "{old}"\n' in text else "non-normative"
    assert f'\n{kind} "{old}"\n' in text
    path.write_text(text.replace(f'\n{kind} "{old}"\n', f'\n{kind} "{new}"\n'), encoding="utf-8")


def test_checking_a_file_checks_the_files_that_import_it(tmp_path: Path) -> None:
    project = soolife(tmp_path)
    rename_clause(project / "soolife/deposit.clause", "6.1", "6.1x")
    alone = run_cli(["check", "soolife/deposit.clause", "--no-dependents"], cwd=project)
    assert alone.returncode == 0 and alone.stdout.startswith("checked 1 file: 0 errors")
    with_dependents = run_cli(["check", "soolife/deposit.clause"], cwd=project)
    assert with_dependents.returncode == 1
    assert "--> soolife/annex1.clause:" in with_dependents.stdout
    assert "checked 2 files (1 importing those given): 1 error" in with_dependents.stdout
    folder = run_cli(["check", "soolife"], cwd=project)
    assert folder.stdout.endswith(
        with_dependents.stdout.rsplit("\n\n", 1)[-1].replace(" (1 importing those given)", "")
    )


def test_dependents_are_found_through_chains_and_by_contract_name(tmp_path: Path) -> None:
    project = soolife(tmp_path)
    head = 'contract {} title "t" source "s" language en calendar CN\n'
    (project / "soolife/by_name.clause").write_text(
        head.format("by_name") + "import soolife_deposit\n", encoding="utf-8"
    )
    (project / "elsewhere").mkdir()
    (project / "elsewhere/by_name.clause").write_text(
        head.format("far") + "import soolife_deposit\n", encoding="utf-8"
    )
    (project / "soolife/chain.clause").write_text(
        head.format("chain") + 'import soolife_annex1 from "annex1.clause"\n', encoding="utf-8"
    )
    (project / ".hidden").mkdir()
    (project / ".hidden/x.clause").write_text(
        head.format("x") + 'import a from "../soolife/deposit.clause"\n', encoding="utf-8"
    )
    from clausec.dependents import dependents

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        found = dependents([Path("soolife/deposit.clause")])
    assert [p.as_posix() for p in found] == [
        "soolife/annex1.clause",
        "soolife/by_name.clause",
        "soolife/chain.clause",
    ]


def test_a_folder_check_does_not_look_outside_it(tmp_path: Path) -> None:
    project = soolife(tmp_path)
    (project / "other.clause").write_text(
        'contract other title "t" source "s" language en calendar CN\n'
        'import soolife_deposit from "soolife/deposit.clause"\n',
        encoding="utf-8",
    )
    result = run_cli(["check", "soolife"], cwd=project)
    assert "other.clause" not in result.stdout and "importing those given" not in result.stdout
    result = run_cli(["check", "soolife/deposit.clause"], cwd=project)
    assert "checked 3 files (2 importing those given)" in result.stdout


# ------------------------------------------------------------------ colour and standard input

W0501 = "tests/golden/checks/w0501_obligation_prohibition.clause"
ESC = "\x1b["


def on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What `python -m clausec ARGS` writes to a pseudo-terminal."""
    import os
    import pty
    import sys

    leader, follower = pty.openpty()
    full_env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    full_env.update(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "clausec", *args],
        cwd=REPO,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=full_env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_only_and_never_under_no_color() -> None:
    assert ESC in on_a_terminal(["check", W0501], {"TERM": "xterm"})
    assert ESC not in on_a_terminal(["check", W0501], {"TERM": "xterm", "NO_COLOR": "1"})
    assert ESC not in on_a_terminal(["check", W0501], {"TERM": "dumb"})
    assert ESC not in on_a_terminal(["check", W0501, "--color", "never"], {"TERM": "xterm"})
    piped = run_cli(["check", W0501], cwd=REPO)
    assert ESC not in piped.stdout


def test_colour_always_paints_the_text_and_changes_nothing_else() -> None:
    plain = run_cli(["check", W0501], cwd=REPO).stdout
    coloured = run_cli(["check", W0501, "--color", "always"], cwd=REPO).stdout
    assert f"{ESC}1;33mwarning[W0501]{ESC}0m" in coloured
    import re

    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    sarif_out = run_cli(["check", W0501, "--color", "always", "--format", "sarif"], REPO).stdout
    assert ESC not in sarif_out


def test_messages_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """Control characters that reach a message (from a hostile file) are shown as U+FFFD."""
    from clausec.diagnostics import Diagnostic, Note, Severity
    from clausec.diagnostics.text import render_text

    d = Diagnostic(
        "W0540", Severity.WARNING, "a\x1b[2Jb", None, "", (Note("n\x07"),), "h\x9bi", "r\rs"
    )
    shown = render_text(d, {})
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\r" not in shown and shown.count("\N{REPLACEMENT CHARACTER}") == 4


def test_facts_from_standard_input() -> None:
    facts = json.dumps(
        {
            "complaint.consulted": "2025-03-03",
            "complaint.resolved": "never",
            "complaint.bad_influence": True,
        }
    )
    question = ["ask", "contracts/soolife/deposit.clause", "may_deduct_deposit", "--facts", "-"]
    answer = run_cli(question, cwd=REPO, stdin=facts)
    assert answer.returncode == 0 and answer.stdout.startswith("may_deduct_deposit: yes\n")
    bad = run_cli(question, cwd=REPO, stdin="[1")
    assert bad.returncode == 1 and bad.stderr.startswith("error: <stdin>:1:3: not valid JSON")
