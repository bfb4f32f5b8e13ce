"""The command examples in the documentation print what the pages show.

Extraction rules (README.md and every page under docs/):

* Only fenced blocks marked ```console are read. In them, a line starting with ``$ clausec``
  is a command; a command line ending in ``\\`` continues on the next line. The lines after a
  command, up to the next ``$`` line or the end of the block, are its shown output.
* A line ``$ echo $?`` followed by a number gives the exit code of the command before it.
  Other ``$`` lines (not clausec) are ignored, with their output.
* A command with no shown output that ends its ```console block, when the next fenced block
  of the page is ```json, has that block as its output.
* A block right after a line ``<!-- not run: REASON -->`` is skipped (an example that needs
  a file the page cannot show, such as one that is not UTF-8 text).
* The command is split as a POSIX shell would (``shlex``) and run in this process through
  the console entry point (``conftest.run_cli``), in a temporary folder holding a link to
  the repository's ``contracts`` folder, a copy of its ``docs`` folder and the files the pages
  define
  (``DEFINED_FILES`` below: ``F.json`` and ``limit.clause`` of semantics.md, and every block
  right after a line ``<!-- file: NAME -->``, as the file NAME), so files written by the
  examples (``-o build/``, ``-o deposit.svg``) land there.
* The real output is standard output followed by standard error. It must equal the shown
  output line by line (trailing spaces ignored), except that a shown line that is only ``…``
  stands for any number of real lines (zero or more).
* A command without ``--as-of`` is answered as of today: in its shown output, the date of a
  line ``as of DATE (today)`` and of a JSON line ``"as_of": "DATE"`` stands for today's date.
* The exit code: the one ``echo $?`` gives; else non-zero when the shown output starts with
  ``error:``, 0 otherwise. A command with no shown output is checked for its exit code only.
  Commands that write SVG or PNG are skipped when Graphviz ``dot`` is missing.
* The first example of each command (check, ask, test, emit, graph) with shown output is also
  run through the installed ``clausec`` console script in a process of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def _blocks(page: Path) -> list[tuple[str, str, int]]:
    """(info string, body, line number of the opening fence) of every fenced block."""
    text = page.read_text(encoding="utf-8")
    return [
        (m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(text)
    ]


_MARK = re.compile(r"^<!-- (file: (?P<file>\S+)|not run: [^\n]*) -->\n```", re.M)


def _marked(page: Path) -> dict[int, str]:
    """Line number of a fence -> the marker right before it: a file name, or "" (not run)."""
    text = page.read_text(encoding="utf-8")
    return {text.count("\n", 0, m.end()) + 1: m.group("file") or "" for m in _MARK.finditer(text)}


def _defined_files() -> dict[str, str]:
    """Files the pages define: name -> content."""
    files: dict[str, str] = {}
    for page in PAGES:
        marked = _marked(page)
        for _, body, line in _blocks(page):
            if marked.get(line):
                assert marked[line] not in files, f"{page.name}:{line}: defined twice"
                files[marked[line]] = body
    text = (ROOT / "docs" / "semantics.md").read_text(encoding="utf-8")
    m = re.search(r"where `F\.json` is\n\n```json\n(.*?)^```", text, re.S | re.M)
    assert m, "docs/semantics.md no longer defines F.json"
    files["F.json"] = m.group(1)
    limit = [
        body
        for info, body, _ in _blocks(ROOT / "docs" / "semantics.md")
        if info == "clause" and body.lstrip().startswith("contract limit_example")
    ]
    assert len(limit) == 1, "docs/semantics.md no longer defines limit.clause"
    files["limit.clause"] = limit[0]
    return files


DEFINED_FILES = _defined_files()


@dataclass
class Example:
    where: str
    command: str
    shown: list[str]
    exit_code: int | None = None


def _examples() -> list[Example]:
    out: list[Example] = []
    for page in PAGES:
        blocks = _blocks(page)
        marked = _marked(page)
        for index, (info, body, line) in enumerate(blocks):
            if info != "console" or marked.get(line) == "":
                continue
            lines = body.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            current: Example | None = None
            i = 0
            while i < len(lines):
                text = lines[i]
                if text.startswith("$ "):
                    start = i
                    command = text[2:]
                    while command.endswith("\\") and i + 1 < len(lines):
                        i += 1
                        command = command[:-1] + " " + lines[i].strip()
                    if command.strip() == "echo $?":
                        assert current is not None, f"{page.name}:{line + start + 1}"
                        current.exit_code = int(lines[i + 1].strip())
                        i += 2
                        continue
                    if command.startswith("clausec ") or command == "clausec":
                        current = Example(f"{page.name}:{line + start + 1}", command, [])
                        out.append(current)
                    else:
                        current = None
                elif current is not None:
                    current.shown.append(text)
                i += 1
            if (
                current is not None
                and not current.shown
                and index + 1 < len(blocks)
                and blocks[index + 1][0] == "json"
            ):
                current.shown = blocks[index + 1][1].rstrip("\n").split("\n")
    return out


EXAMPLES = _examples()


def _matches(shown: list[str], actual: list[str]) -> bool:
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if s.strip() == "…" else re.escape(s.rstrip()) + r"\n" for s in shown
    )
    return re.fullmatch(pattern, "".join(a.rstrip() + "\n" for a in actual)) is not None


def test_examples_are_found() -> None:
    assert len(EXAMPLES) >= 25
    assert sum(1 for e in EXAMPLES if e.shown) >= 20
    assert any("F.json" in e.command for e in EXAMPLES)


def test_matching_rules() -> None:
    assert _matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert _matches(["a", "…", "d"], ["a", "d"])
    assert not _matches(["a", "b"], ["a", "c"])
    assert not _matches(["a"], ["a", "b"])
    assert not _matches(["a", "…", "d"], ["a", "b"])


_TODAY_LINE = re.compile(r'^(\s*as of |\s*"as_of": ")\d{4}-\d{2}-\d{2}(?= \(today\)$|",?$)')


def _as_of_today(shown: list[str]) -> list[str]:
    """The shown output with today's date in its as-of lines (the date the page was
    written on is not today's)."""
    today = dt.date.today().isoformat()
    return [_TODAY_LINE.sub(lambda m: m.group(1) + today, line) for line in shown]


def test_as_of_today_rule() -> None:
    today = dt.date.today().isoformat()
    assert _as_of_today(["x: no", "  as of 2025-01-01 (today)", "  as of 2025-01-01"]) == [
        "x: no",
        f"  as of {today} (today)",
        "  as of 2025-01-01",
    ]
    assert _as_of_today(['  "as_of": "2025-01-01",']) == [f'  "as_of": "{today}",']


def _check(example: Example, result: subprocess.CompletedProcess[str]) -> None:
    real = result.stdout + result.stderr
    shown = example.shown if "--as-of" in example.command else _as_of_today(example.shown)
    if example.exit_code is not None:
        assert result.returncode == example.exit_code, f"{example.where}\n{real}"
    elif example.shown and example.shown[0].startswith("error:"):
        assert result.returncode != 0, f"{example.where}\n{real}"
    else:
        assert result.returncode == 0, f"{example.where}\n{real}"
    if shown:
        actual = real.rstrip("\n").split("\n") if real else []
        assert _matches(shown, actual), (
            f"{example.where}: {example.command}\n--- shown\n"
            + "\n".join(shown)
            + "\n--- real\n"
            + real
        )


def _workspace(example: Example, tmp_path: Path) -> list[str]:
    """The example's arguments, in a fresh working folder ``tmp_path`` set up as the pages
    assume; skips what needs Graphviz when it is missing."""
    args = shlex.split(example.command)[1:]
    writes_image = any(a.endswith((".svg", ".png")) or a in ("svg", "png") for a in args)
    if writes_image and shutil.which("dot") is None:
        pytest.skip("Graphviz dot is not installed")
    (tmp_path / "contracts").symlink_to(ROOT / "contracts", target_is_directory=True)
    # A copy: examples write into docs/ (docs/img/*.svg), and the checkout must stay as it is.
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for name, content in DEFINED_FILES.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    return args


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.where)
def test_command_prints_what_the_page_shows(example: Example, tmp_path: Path) -> None:
    _check(example, run_cli(_workspace(example, tmp_path), cwd=tmp_path))


# A few examples run through the installed console script, in a process of their own: the
# in-process runs above do not see start-up, the entry point or the real standard streams.
SMOKE = [
    next(e for e in EXAMPLES if e.command.startswith(f"clausec {command} ") and e.shown)
    for command in ("check", "ask", "test", "emit", "graph")
]


@pytest.mark.parametrize("example", SMOKE, ids=lambda e: e.where)
def test_console_script_prints_what_the_page_shows(example: Example, tmp_path: Path) -> None:
    script = shutil.which("clausec", path=str(Path(sys.executable).parent)) or shutil.which(
        "clausec"
    )
    if script is None:
        pytest.skip("the clausec console script is not installed (pip install -e .)")
    args = _workspace(example, tmp_path)
    _check(
        example,
        subprocess.run(
            [script, *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=600,
        ),
    )
