"""The result cache and the parallel workers of `clausec check` (clausec/checking.py): hits and
misses, damaged entries, no cache, and the same output whichever way the files are checked."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from clausec import checking

from conftest import CONTRACTS, REPO, run_cli, run_cli_process

GOLDEN_CHECKS = REPO / "tests" / "golden" / "checks"

MAIN = """\
contract main title "Main" source "m.txt" language en calendar CN
import lib from "lib.clause"
party a role "first party"
action pay "pay"
object fee "the fee"
fact f : boolean
clause "1"
  quote "A pays the fee."
  a must pay fee when f
"""

LIB = """\
contract lib title "Library" source "l.txt" language en calendar CN
party b role "second party"
action {action} "act"
object thing "the thing"
clause "1"
  quote "B acts."
  b must {action} thing
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(checking.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The files of each group checked (not answered from the cache), in this process."""
    calls: list[list[str]] = []
    work = checking._work

    def spy(task: checking._Task) -> checking._Done:
        calls.append(sorted(f.path.name for f in task[1]))
        return work(task)

    monkeypatch.setattr(checking, "_work", spy)
    yield calls


def shown(result: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    return result.returncode, result.stdout, result.stderr


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.json"))


def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "main.clause").write_text(MAIN, encoding="utf-8")
    (folder / "lib.clause").write_text(LIB.format(action="act"), encoding="utf-8")
    (folder / "other.clause").write_text(
        LIB.format(action="act").replace("contract lib", "contract other"), encoding="utf-8"
    )
    return folder


def test_hits_and_misses(
    tmp_path: Path, cache: Path, checked: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project(tmp_path)
    first = run_cli(["check", str(folder), "--jobs", "1"])
    assert first.returncode == 0, first.stderr
    # main imports lib: checked together; other alone.
    assert sorted(checked) == [["lib.clause", "main.clause"], ["other.clause"]]
    assert len(entries(cache)) == 2
    checked.clear()
    assert shown(run_cli(["check", str(folder), "--jobs", "1"])) == shown(first)
    assert checked == []
    # A change in a file is a miss for its group only.
    (folder / "other.clause").write_text(
        LIB.format(action="acts").replace("contract lib", "contract other"), encoding="utf-8"
    )
    run_cli(["check", str(folder), "--jobs", "1"])
    assert checked == [["other.clause"]]
    checked.clear()
    # Options that change results are part of the key.
    run_cli(["check", str(folder), "--jobs", "1", "--no-analysis"])
    assert len(checked) == 2
    checked.clear()
    # So is clausec's version.
    monkeypatch.setattr(checking, "__version__", "999.0")
    run_cli(["check", str(folder), "--jobs", "1"])
    assert len(checked) == 2


def test_a_change_in_an_imported_file_is_a_miss(
    tmp_path: Path, cache: Path, checked: list[list[str]]
) -> None:
    folder = project(tmp_path)
    # Only main is named: lib is read through its import, not listed.
    main = str(folder / "main.clause")
    first = run_cli(["check", main, "--jobs", "1", "--no-dependents"])
    assert checked == [["main.clause"]]
    assert shown(run_cli(["check", main, "--jobs", "1", "--no-dependents"])) == shown(first)
    assert len(checked) == 1
    (folder / "lib.clause").write_text(LIB.format(action="act oops"), encoding="utf-8")
    second = run_cli(["check", main, "--jobs", "1", "--no-dependents"])
    assert len(checked) == 2
    assert second.returncode == 1 and "lib.clause" in second.stdout
    uncached = run_cli(["check", main, "--jobs", "1", "--no-dependents", "--no-cache"])
    assert shown(second) == shown(uncached)
    # An imported file that goes missing, then comes back.
    (folder / "lib.clause").unlink()
    gone = run_cli(["check", main, "--jobs", "1", "--no-dependents"])
    assert "E0001" in gone.stdout
    (folder / "lib.clause").write_text(LIB.format(action="act"), encoding="utf-8")
    assert shown(run_cli(["check", main, "--jobs", "1", "--no-dependents"])) == shown(first)


def test_a_conflict_across_an_import_follows_the_imported_file(
    tmp_path: Path, cache: Path, checked: list[list[str]]
) -> None:
    """The importer's finding against an imported norm comes and goes with the imported
    file, even when only the importer is named and the result is cached."""
    folder = project(tmp_path)
    forbidding = LIB.format(action="act").replace("b must act thing", "a must not pay fee")
    forbidding = forbidding.replace('party b role "second party"', 'party a role "first party"')
    forbidding = forbidding.replace('action act "act"', 'action pay "pay"')
    forbidding = forbidding.replace('object thing "the thing"', 'object fee "the fee"')
    (folder / "lib.clause").write_text(forbidding, encoding="utf-8")
    main = str(folder / "main.clause")
    args = ["check", main, "--jobs", "1", "--no-dependents"]
    first = run_cli(args)
    assert first.returncode == 1 and "W0501" in first.stdout and "(1#1 of lib)" in first.stdout
    assert shown(run_cli(args)) == shown(first) and len(checked) == 1  # from the cache
    (folder / "lib.clause").write_text(LIB.format(action="act"), encoding="utf-8")
    second = run_cli(args)
    assert len(checked) == 2 and second.returncode == 0 and "W0501" not in second.stdout


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b"\x80\x81 not UTF-8",
        b"[1, 2, 3]",
        b'{"format": 1, "key": "x"}',
        # A pickle, which must never be unpickled.
        b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.",
        b"[" * 100_000,
    ],
    ids=["empty", "truncated", "binary", "list", "foreign", "pickle", "deep"],
)
def test_damaged_entries_are_misses(tmp_path: Path, cache: Path, damage: bytes) -> None:
    folder = project(tmp_path)
    (folder / "main.clause").write_text(MAIN.replace("when f", "when g"), encoding="utf-8")
    first = run_cli(["check", str(folder), "--jobs", "1"])
    assert first.returncode == 1
    for entry in entries(cache):
        entry.write_bytes(damage)
    again = run_cli(["check", str(folder), "--jobs", "1"])
    assert shown(again) == shown(first)
    assert "Traceback" not in again.stderr


def test_entries_with_wrong_fields_are_misses(tmp_path: Path, cache: Path) -> None:
    folder = project(tmp_path)
    (folder / "main.clause").write_text(MAIN.replace("when f", "when g"), encoding="utf-8")
    first = run_cli(["check", str(folder), "--jobs", "1"])
    (entry,) = [e for e in entries(cache) if "main.clause" in e.read_text(encoding="utf-8")]
    good = json.loads(entry.read_text(encoding="utf-8"))
    diagnostic = good["diagnostics"][0]
    for field, value in [
        ("severity", "fatal"),
        ("span", ["main.clause", "1", 1, 1, 2]),
        ("notes", [["a note"]]),
        ("witness", {"f": "true"}),
        ("in_baseline", 0),
        ("code", None),
    ]:
        entry.write_text(
            json.dumps({**good, "diagnostics": [{**diagnostic, field: value}]}), encoding="utf-8"
        )
        assert shown(run_cli(["check", str(folder), "--jobs", "1"])) == shown(first), field
    # A source whose text no longer matches its digest.
    entry.write_text(json.dumps({**good, "sources": [["main.clause", "/x", "0" * 64]]}))
    assert shown(run_cli(["check", str(folder), "--jobs", "1"])) == shown(first)


def test_no_cache_writes_nothing(tmp_path: Path, cache: Path) -> None:
    result = run_cli(["check", str(project(tmp_path)), "--no-cache"])
    assert result.returncode == 0
    assert not cache.exists()


def test_a_cache_folder_that_cannot_be_written_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(checking.CACHE_ENV, str(blocker / "cache"))
    folder = project(tmp_path)
    expected = run_cli(["check", str(folder), "--no-cache"])
    result = run_cli(["check", str(folder)])
    assert shown(result) == shown(expected)
    assert result.stderr == ""


def test_the_default_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(checking.CACHE_ENV, str(tmp_path / "x"))
    assert checking.default_cache_dir() == tmp_path / "x"
    monkeypatch.delenv(checking.CACHE_ENV)
    monkeypatch.setattr(checking.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert checking.default_cache_dir() == tmp_path / "xdg" / "clausec"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    assert checking.default_cache_dir() == Path.home() / ".cache" / "clausec"


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / folder.name
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("*.expected"))
    return target


@pytest.mark.parametrize("folder", [CONTRACTS, GOLDEN_CHECKS], ids=["contracts", "checks"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_same_output_every_way(
    folder: Path, fmt: str, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = copy_of(folder, tmp_path)
    args = ["check", work.name, "--format", fmt, "--show-info", "--show-accepted"]
    plain = run_cli([*args, "--no-cache", "--jobs", "1"], cwd=tmp_path)
    assert plain.returncode in (0, 1) and plain.stdout, plain.stderr
    assert shown(run_cli([*args, "--jobs", "1"], cwd=tmp_path)) == shown(plain)  # cold cache
    assert entries(cache)
    assert shown(run_cli([*args, "--jobs", "1"], cwd=tmp_path)) == shown(plain)  # warm
    # Parallel even for small work, and in the order of the files still.
    monkeypatch.setattr(checking, "MIN_PARALLEL_GROUPS", 2)
    monkeypatch.setattr(checking, "MIN_PARALLEL_BYTES", 0)
    assert shown(run_cli([*args, "--no-cache", "--jobs", "2"], cwd=tmp_path)) == shown(plain)


def test_parallel_in_a_fresh_process(tmp_path: Path) -> None:
    work = copy_of(CONTRACTS, tmp_path)
    plain = run_cli_process(["check", work.name, "--no-cache", "--jobs", "1"], cwd=tmp_path)
    parallel = run_cli_process(["check", work.name, "--no-cache", "--jobs", "2"], cwd=tmp_path)
    assert parallel.stdout == plain.stdout and parallel.returncode == plain.returncode
    assert parallel.stderr == plain.stderr == ""


def test_an_error_in_a_worker_is_reported(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("broken on purpose")

    monkeypatch.setattr("clausec.driver.check_read", broken)
    monkeypatch.setattr(checking, "MIN_PARALLEL_GROUPS", 2)
    monkeypatch.setattr(checking, "MIN_PARALLEL_BYTES", 0)
    result = run_cli(["check", str(copy_of(GOLDEN_CHECKS, tmp_path)), "--jobs", "2"])
    assert result.returncode == 3
    assert "internal error: ValueError: broken on purpose" in result.stderr
    assert "Traceback" not in result.stderr


def test_groups_follow_imports_and_shared_names(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    texts = {
        "a.clause": 'contract a title "t" source "s" language en\nimport b\n',
        "b.clause": 'contract b title "t" source "s" language en\n',
        "c.clause": 'contract c title "t" source "s" language en # import a\n',
        "d.clause": 'contract d title "import a" source "s" language en\n',
        "e.clause": 'contract # a comment\n  c title "t" source "s" language en\n',
        "f.clause": 'contract f title "t" source "s" language en\nimport z from "x/../g.clause"\n',
        "g.clause": 'contract g title "t" source "s" language en\n',
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    files = [checking._File(p, folder, p.read_bytes()) for p in sorted(folder.iterdir())]
    groups, _ = checking._groups(files, ())
    named = [[files[i].path.name for i in group] for group, _ in groups]
    assert named == [
        ["a.clause", "b.clause"],
        ["c.clause", "e.clause"],  # both define `c`
        ["d.clause"],
        ["f.clause", "g.clause"],
    ]


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    result = run_cli(["check", str(copy_of(GOLDEN_CHECKS, tmp_path)), "--jobs", "1"])
    assert "checking" not in result.stderr
