"""Files in and out through the command line: only regular files are read, within size
limits; imports stay in the checked folder; folders are read whole or not at all; outputs are
written atomically, through links, keeping their mode, and never left half-written."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PRELUDE, REPO, run_cli, run_cli_process

CONTRACTS = REPO / "contracts"

DEPOSIT = REPO / "contracts" / "soolife" / "deposit.clause"
HEADER = 'contract {id} title "T" source "t.txt" language en calendar CN\n'


def importer(target: str) -> str:
    return HEADER.format(id="main") + f'import other from "{target}"\n'


def check(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(["check", "--no-analysis", *args], cwd=folder)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1, 2), result.stdout + result.stderr
    return result


# ------------------------------------------------------------------ imports


@pytest.mark.parametrize(
    "target",
    ["/etc/passwd", "/etc/hostname.clause", "../outside.clause", "sub/../../outside.clause"],
)
def test_imports_stay_in_the_checked_folder(tmp_path: Path, target: str) -> None:
    (tmp_path / "outside.clause").write_text(HEADER.format(id="other"), encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "main.clause").write_text(importer(target), encoding="utf-8")
    result = check(inner, "main.clause")
    assert result.returncode == 1 and "error[E0005]" in result.stdout
    assert "root:" not in result.stdout  # nothing of the refused file is shown


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.clause").write_text(HEADER.format(id="other"), encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "other.clause").symlink_to(tmp_path / "outside.clause")
    (inner / "main.clause").write_text(importer("other.clause"), encoding="utf-8")
    result = check(inner, "main.clause")
    assert "error[E0005]" in result.stdout, result.stdout


def test_import_root_widens_the_folders(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "other.clause").write_text(HEADER.format(id="other"), encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "main.clause").write_text(importer("../shared/other.clause"), encoding="utf-8")
    assert "error[E0005]" in check(inner, "main.clause").stdout
    result = check(inner, "--import-root", "../shared", "main.clause")
    assert result.returncode == 0, result.stdout


def test_imports_of_a_folder_check_stay_in_that_folder(tmp_path: Path) -> None:
    """Given a folder, imports may reach across its sub-folders."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other.clause").write_text(HEADER.format(id="other"), encoding="utf-8")
    (tmp_path / "a" / "main.clause").write_text(importer("../b/other.clause"), encoding="utf-8")
    assert check(tmp_path, ".").returncode == 0
    assert "error[E0005]" in check(tmp_path, "a/main.clause").stdout


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/urandom", "folder"])
def test_imported_special_files_are_refused_unopened(tmp_path: Path, special: str) -> None:
    link = tmp_path / "other.clause"
    if special == "fifo":
        os.mkfifo(link)
    elif special == "folder":
        link.mkdir()
    else:
        link.symlink_to(special)
    (tmp_path / "main.clause").write_text(importer("other.clause"), encoding="utf-8")
    assert "error[E0005]" in check(tmp_path, "main.clause").stdout or special[0] != "/"
    # Even where imports may read, a device or FIFO is not opened.
    result = check(tmp_path, "--import-root", "/dev", "main.clause")
    assert "error[E0001]" in result.stdout, result.stdout


def test_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    big = PRELUDE + "# " + "x" * (10 * 2**20) + "\n"
    (tmp_path / "other.clause").write_text(big, encoding="utf-8")
    (tmp_path / "main.clause").write_text(importer("other.clause"), encoding="utf-8")
    result = check(tmp_path, "main.clause")
    assert "error[E0001]" in result.stdout and "too large" in result.stdout
    result = check(tmp_path, "other.clause")
    assert result.returncode == 2 and "too large" in result.stderr


# ------------------------------------------------------------------ folders and files given


def test_a_fifo_given_directly_is_a_usage_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.clause")
    result = check(tmp_path, "pipe.clause")
    assert result.returncode == 2 and "not a regular file" in result.stderr
    result = check(tmp_path, ".")
    assert result.returncode == 2 and "pipe.clause" in result.stderr


def test_an_unreadable_sub_folder_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.clause").write_text(PRELUDE, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.clause").write_text("not clause text", encoding="utf-8")
    if os.geteuid() == 0:  # permissions do not stop root: make listing fail as they would
        real = os.scandir

        def scandir(path: object = ".") -> object:
            if Path(os.fsdecode(path)).resolve() == locked.resolve():  # type: ignore[arg-type]
                raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        result = check(tmp_path, ".")
        assert result.returncode == 2
        assert "locked: cannot read folder: Permission denied" in result.stderr
        result = check(locked, ".")
        assert result.returncode == 2 and "cannot read folder" in result.stderr
    finally:
        locked.chmod(0o755)


# ------------------------------------------------------------------ facts files


def ask(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = run_cli(["ask", str(DEPOSIT), "may_deduct_deposit", *args], cwd=cwd)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_special_facts_files_are_refused_unopened(tmp_path: Path, special: str) -> None:
    path = tmp_path / "facts.json"
    if special == "fifo":
        os.mkfifo(path)
    elif special == "folder":
        path.mkdir()
    else:
        path = Path(special)
    result = ask("--facts", str(path))
    assert result.returncode == 2 and f"{path}: cannot read: " in result.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"merchant.closed_shop": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"platform.loss": ' + "9" * 5000 + "}", "not usable JSON"),
        ("\xff".encode("latin-1"), "not UTF-8"),
        ("[1]", "facts must be a JSON object"),
    ],
)
def test_bad_facts_files_name_the_problem(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = ask("--facts", str(path))
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_deeply_nested_fact_values_are_fact_errors(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(
        json.dumps({"merchant.closed_shop": json.loads("[" * 900 + "]" * 900)}), encoding="utf-8"
    )
    result = ask("--facts", str(path))
    assert result.returncode == 1 and "fact `merchant.closed_shop`" in result.stderr


def test_facts_files_over_the_size_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"x": "' + "y" * (10 * 2**20) + '"}', encoding="utf-8")
    result = ask("--facts", str(path))
    assert result.returncode == 2 and "too large" in result.stderr


# ------------------------------------------------------------------ writing


def graph_to(output: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = run_cli(["graph", str(DEPOSIT), "--format", "mermaid", "-o", str(output)], cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def test_output_through_a_link_replaces_the_target_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "real.mmd"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.mmd"
    link.symlink_to(target)
    graph_to(link, tmp_path)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert "flowchart" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.mmd", "real.mmd"]


def test_output_to_a_device_is_written_to_it(tmp_path: Path) -> None:
    graph_to(Path(os.devnull), tmp_path)
    assert Path(os.devnull).is_char_device()


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".out.mmd.{dead.stdout.strip()}.abc123.tmp"
    stale.write_text("half", encoding="utf-8")
    mine = tmp_path / f".out.mmd.{os.getpid()}.def456.tmp"  # a live writer's: kept
    mine.write_text("busy", encoding="utf-8")
    graph_to(tmp_path / "out.mmd", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "out.mmd"]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_terminated_write_leaves_no_temporary_file(tmp_path: Path, stop: int) -> None:
    """SIGTERM or Ctrl-C in the middle of writing: the target is untouched and nothing is
    left."""
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from clausec import files\n"
        "real = os.replace\n"
        "def slow(a, b):\n"
        "    print('writing', flush=True); time.sleep(30); real(a, b)\n"
        "os.replace = slow\n"
        "with files.terminate_cleanly():\n"
        "    files.write_atomically(Path(sys.argv[1]), 'new')\n"
    )
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "writing\n"
    process.send_signal(stop)
    assert process.wait(timeout=20) == 128 + stop
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert target.read_text(encoding="utf-8") == "old"


def test_ctrl_c_stops_a_parallel_check_with_130(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group, workers included: one line, exit 130, and no
    traceback from the command or its workers."""
    shipped = sorted(CONTRACTS.rglob("*.clause"))
    for copy in range(12):
        for path in shipped:
            target = tmp_path / f"copy{copy}" / path.relative_to(CONTRACTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    process = subprocess.Popen(
        [sys.executable, "-m", "clausec", "check", str(tmp_path), "--no-cache", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(1.5)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (130, "", "interrupted\n")


def test_check_of_a_fifo_does_not_hang() -> None:
    """The whole command in a fresh process, with a deadline: a FIFO is never opened."""
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    fifo = folder / f"clausec-fifo-{os.getpid()}-{time.monotonic_ns()}.clause"
    os.mkfifo(fifo)
    try:
        result = run_cli_process(["check", str(fifo)], timeout=60)
        assert result.returncode == 2 and "not a regular file" in result.stderr
    finally:
        fifo.unlink()


def test_a_folder_s_link_to_a_file_outside_it_is_refused(tmp_path: Path) -> None:
    """A folder from a third party may hold `x.clause` linking to any file: it is not read,
    so nothing of it can be quoted in a diagnostic (or a CI log)."""
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "ok.clause").write_text(PRELUDE, encoding="utf-8")
    (inner / "evil.clause").symlink_to("/etc/passwd")
    result = check(tmp_path, "inner")
    assert result.returncode == 2 and "evil.clause: a link to a file outside" in result.stderr
    assert "root" not in result.stdout + result.stderr
    (inner / "evil.clause").unlink()
    (inner / "evil.clause").symlink_to(inner / "ok.clause")  # inside: fine, checked once
    assert check(tmp_path, "inner").returncode == 0
