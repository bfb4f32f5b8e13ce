"""The Python and JavaScript examples in the documentation print what their comments show.

Extraction rules (README.md and every docs/**/*.md page):

* Every fenced block marked ```python or ```js runs (a block whose info string says more, such
  as docs/batch.md's ```python spark-submit, is run by a test of its own: tests/test_spark.py).
  Per page and language, the blocks run in page order as one program, so a block sees what
  the blocks before it defined (the module imported in the first block, ``dt``, a
  ``result``): the Python blocks one after another in one namespace of one
  ``sys.executable`` process, the JS blocks as one ES module under ``node``
  (skipped when ``node`` is missing). Line numbers in errors are those of the page.
* The folder: a temporary folder with links to the repository's ``contracts`` and ``docs``
  folders and ``build/`` holding every shipped contract emitted by this checkout (``clausec emit
  contracts/ --target python -o build``, ``--target javascript`` and ``--target schema``).
  Python runs in that folder, with this checkout's ``src`` on its path; the JS program is a
  file in ``build/``, next to the modules it imports
  (``import * as deposit from "./soolife_deposit.mjs"``).
* An output call is a ``print(...)`` (Python) or ``console.log(...)`` (JS) call that starts a
  line (after its indentation); its last line is the one where its parentheses close. Its
  shown output is the comment on its last line (``print(r.answer)   # yes``: the one line
  ``yes``) or, when that line has no comment, the run of comment-only lines right after it (no
  blank line between), one printed line each. The text of a comment is what follows ``#``
  (``//`` in JS) and one space; trailing spaces are ignored. All other comments are remarks
  and are not read. Comments and brackets are found line by line, skipping string literals
  that end on their line (a ``#`` in a string is not a comment).
* Where the output is compared: an inline comment right after its call; a run of comment lines
  where it stands, at its own indentation, so a run at the indentation of a loop that ends with
  an output call shows the output of the whole loop. Each time the program passes there, the
  lines printed since the block began or since the previous comparison must equal the shown
  lines (so a call in a loop with an inline comment prints that line at every iteration).
  Every shown output must be reached at least once.
* Lines printed after a block's last shown output are not compared; every block must run
  without an error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
NODE = shutil.which("node")

LANGUAGES = {"python": "#", "js": "//"}
CALLS = {"python": "print(", "js": "console.log("}
QUOTES = {"python": "'\"", "js": "'\"`"}


@dataclass
class Shown:
    key: int
    where: str  # page:line of the call
    lines: list[str]


@dataclass
class Program:
    page: str  # path relative to the repository
    language: str
    blocks: list[tuple[int, str]] = field(default_factory=list)  # (fence line, instrumented)
    shown: list[Shown] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}-{self.language}"


def _fences(text: str) -> list[tuple[str, int, list[str]]]:
    """(info string, line number of the opening fence, body lines) of every fenced block."""
    out = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("```"):
            info, start, body = lines[i][3:].strip(), i + 1, []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out.append((info, start, body))
        i += 1
    return out


def _split(line: str, language: str, depth: int) -> tuple[str, str | None, int]:
    """(code, comment text or None, bracket depth after the line), skipping string literals."""
    marker, quotes = LANGUAGES[language], QUOTES[language]
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in quotes:
            quote = ch
        elif line.startswith(marker, i):
            text = line[i + len(marker) :]
            return line[:i], (text[1:] if text.startswith(" ") else text).rstrip(), depth
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        i += 1
    return line, None, depth


def _instrument(
    page: str, language: str, line: int, body: list[str], program: Program, counter: list[int]
) -> str:
    """The block with a call __shown(KEY) where each shown output is compared."""
    end = ";" if language == "js" else ""
    out = list(body)
    parsed = []
    depth = 0
    for text in body:
        before = depth
        code, comment, depth = _split(text, language, depth)
        parsed.append((before, code, comment, depth))
    call_start: int | None = None
    i = 0
    while i < len(body):
        before, code, comment, after = parsed[i]
        if before == 0 and code.lstrip().startswith(CALLS[language]):
            call_start = i
        if call_start is None or after != 0:
            i += 1
            continue
        where = f"{page}:{line + 1 + call_start}"
        call_start = None
        if comment is not None:
            lines = [comment]
            code = code.rstrip()
            if language == "js":
                out[i] = f"{code}{'' if code.endswith(';') else ';'} __shown({counter[0]});"
            else:
                out[i] = f"{code}; __shown({counter[0]})"
        else:
            run = i + 1
            lines = []
            while run < len(body) and parsed[run][1].strip() == "" and parsed[run][2] is not None:
                lines.append(parsed[run][2])
                run += 1
            if not lines:
                i += 1
                continue
            first = body[i + 1]
            indent = first[: len(first) - len(first.lstrip())]
            out[i + 1] = f"{indent}__shown({counter[0]}){end}"
            for k in range(i + 2, run):
                out[k] = ""
            i = run - 1
        program.shown.append(Shown(counter[0], where, lines))
        counter[0] += 1
        i += 1
    if depth != 0:
        program.problems.append(f"{page}:{line}: unbalanced brackets in the block")
    return "\n".join(out) + "\n"


def _programs() -> list[Program]:
    out = []
    counter = [0]
    for path in PAGES:
        page = path.relative_to(ROOT).as_posix()
        programs = {language: Program(page, language) for language in LANGUAGES}
        for info, line, body in _fences(path.read_text(encoding="utf-8")):
            if info in programs:
                program = programs[info]
                program.blocks.append((line, _instrument(page, info, line, body, program, counter)))
        out.extend(p for p in programs.values() if p.blocks)
    return out


PROGRAMS = _programs()

PYTHON_DRIVER = """\
import io, json, sys, traceback
spec = json.load(open(sys.argv[1], encoding="utf-8"))
shown, buffer = {}, io.StringIO()
def __shown(key):
    shown.setdefault(str(key), []).append(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
namespace = {"__name__": "__main__", "__shown": __shown}
error = None
real_stdout, sys.stdout = sys.stdout, buffer
for line, source in spec["blocks"]:
    buffer.seek(0)
    buffer.truncate()
    try:
        exec(compile("\\n" * line + source, spec["page"], "exec"), namespace)
    except BaseException:
        error = traceback.format_exc()
        break
sys.stdout = real_stdout
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump({"shown": shown, "error": error}, f)
"""

JS_DRIVER = """\
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
const shown = {};
let buffer = "";
console.log = (...args) => { buffer += format(...args) + "\\n"; };
globalThis.__block = () => { buffer = ""; };
globalThis.__shown = (key) => { (shown[key] ??= []).push(buffer); buffer = ""; };
let error = null;
try {
  await import(pathToFileURL(process.argv[2]).href);
} catch (e) {
  error = (e && e.stack) || String(e);
}
writeFileSync(process.argv[3], JSON.stringify({ shown, error }));
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    return env


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with contracts/, docs/ and build/ (every contract, emitted for Python and JS,
    and its JSON Schema)."""
    path = tmp_path_factory.mktemp("doc_examples")
    for name in ("contracts", "docs"):
        (path / name).symlink_to(ROOT / name, target_is_directory=True)
    for target in ("python", "javascript", "schema"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "clausec",
                "emit",
                "contracts/",
                "--target",
                target,
                "-o",
                "build",
            ],
            cwd=path,
            env=_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return path


def _lines(printed: str) -> list[str]:
    lines = [line.rstrip() for line in printed.split("\n")]
    return lines[:-1] if lines[-1] == "" else lines


def _check(program: Program, outcome: dict[str, object], stderr: str) -> None:
    recorded = outcome["shown"]
    assert isinstance(recorded, dict)
    failures = []
    if outcome["error"]:
        failures.append(
            f"{program.page}: the {program.language} program failed (line numbers "
            f"are the page's):\n{outcome['error']}\n{stderr}"
        )
    for shown in program.shown:
        printed = recorded.get(str(shown.key))
        if not printed:
            failures.append(f"{shown.where}: never reached; shown:\n  " + "\n  ".join(shown.lines))
            continue
        for text in printed:
            if _lines(text) != [line.rstrip() for line in shown.lines]:
                failures.append(
                    f"{shown.where}: shown:\n  "
                    + "\n  ".join(shown.lines)
                    + "\nprinted:\n  "
                    + "\n  ".join(_lines(text))
                )
                break
    assert not failures, "\n\n".join(failures)


def test_examples_are_found() -> None:
    by_id = {p.id: p for p in PROGRAMS}
    embedding = by_id["docs/embedding.md-python"]
    assert len(embedding.blocks) >= 10
    assert len(embedding.shown) >= 20
    assert len(by_id["docs/embedding.md-js"].shown) >= 8
    assert "README.md-python" in by_id
    assert not [problem for p in PROGRAMS for problem in p.problems]


def test_extraction_rules() -> None:
    program = Program("page.md", "python")
    body = [
        'x = "# not a comment"',
        "print(x)  # # not a comment",
        "for i in range(2):",
        "    print(i, (",
        "          'a'))   # shown each time",
        "    print('b')",
        "#  two spaces",
        "# second",
        "",
        "print(3)",
        "",
        "# a remark, after a blank line",
        "y = 1  # a remark",
    ]
    source = _instrument("page.md", "python", 10, body, program, [0])
    assert [(s.where, s.lines) for s in program.shown] == [
        ("page.md:12", ["# not a comment"]),
        ("page.md:14", ["shown each time"]),
        ("page.md:16", [" two spaces", "second"]),
    ]
    assert source.split("\n")[1] == "print(x); __shown(0)"
    assert source.split("\n")[6:8] == ["__shown(2)", ""]
    js = Program("page.md", "js")
    source = _instrument(
        "page.md",
        "js",
        0,
        ['console.log("//", 1);   // // 1', "f();", "console.log(2)", "// 2"],
        js,
        [7],
    )
    assert [(s.key, s.lines) for s in js.shown] == [(7, ["// 1"]), (8, ["2"])]
    assert source.split("\n")[:4] == [
        'console.log("//", 1); __shown(7);',
        "f();",
        "console.log(2)",
        "__shown(8);",
    ]


@pytest.mark.parametrize(
    "program", [p for p in PROGRAMS if p.language == "python"], ids=lambda p: p.id
)
def test_python_examples_print_what_the_page_shows(
    program: Program, folder: Path, tmp_path: Path
) -> None:
    spec, result_file = tmp_path / "spec.json", tmp_path / "result.json"
    spec.write_text(json.dumps({"page": program.page, "blocks": program.blocks}), encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(PYTHON_DRIVER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(driver), str(spec), str(result_file)],
        cwd=folder,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result_file.exists(), result.stdout + result.stderr
    _check(program, json.loads(result_file.read_text(encoding="utf-8")), result.stderr)


@pytest.mark.skipif(
    NODE is None, reason="`node` (Node.js 20) is not on PATH: the JavaScript examples cannot be run"
)
@pytest.mark.parametrize("program", [p for p in PROGRAMS if p.language == "js"], ids=lambda p: p.id)
def test_javascript_examples_print_what_the_page_shows(
    program: Program, folder: Path, tmp_path: Path
) -> None:
    assert NODE is not None
    lines = [""] * (max(line + source.count("\n") for line, source in program.blocks) + 1)
    for line, source in program.blocks:
        lines[line - 1] = "__block();"
        body = source.split("\n")[:-1]
        lines[line : line + len(body)] = body
    module = folder / "build" / (program.page.replace("/", "_") + ".mjs")
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")
    driver, result_file = tmp_path / "driver.mjs", tmp_path / "result.json"
    driver.write_text(JS_DRIVER, encoding="utf-8")
    result = subprocess.run(
        [NODE, str(driver), str(module), str(result_file)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result_file.exists(), result.stdout + result.stderr
    outcome = json.loads(result_file.read_text(encoding="utf-8"))
    stderr = result.stderr
    if outcome["error"]:  # a syntax error's message has no line: node --check gives it
        stderr += subprocess.run(
            [NODE, "--check", str(module)], capture_output=True, text=True, check=False, timeout=600
        ).stderr
    _check(program, outcome, stderr)
