"""The files that depend on the files being checked: a pre-commit run passes only the changed
files, and a clause renamed in one of them breaks the files that import it (`clausec check`
checks those too unless told `--no-dependents`).

A file depends on another when it imports it by path (``import x from "other.clause"``,
resolved as the compiler resolves it), or imports its contract by name alone and lies in the
same folder (the files a folder check would load together); dependence is transitive. Only
the project folder is searched: the enclosing git repository, else the working folder (for a
file inside it), else the file's own folder. Hidden folders and ``node_modules`` are skipped.
Files are not parsed: the links are found by the scan the check's groups use
(:mod:`clausec.links`), which never misses one and may find more (a file then checked for
nothing), so that a large project, or a large file, costs a scan of its text."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from clausec.files import FileProblem, read_regular
from clausec.links import scan, string_value
from clausec.source import SourceDecodeError, decode

EXTENSION = ".clause"
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__"})


def project_folder(file: Path) -> Path:
    """The folder searched for the files that depend on ``file``."""
    here = Path(os.path.abspath(file)).parent
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    cwd = Path.cwd()
    return cwd if here.is_relative_to(cwd) else here


def dependents(files: Sequence[Path]) -> list[Path]:
    """The ``.clause`` files of the checked files' project folders that depend on them,
    directly or not, other than ``files`` themselves; sorted, named relative to the working
    folder when below it. Files that cannot be read or parsed are left to the check (which
    reports them when given) and depend on nothing here."""
    checked = {Path(os.path.realpath(f)) for f in files}
    candidates: dict[Path, Path] = {}
    for folder in sorted({project_folder(f) for f in files}):
        for path in _clause_files(folder):
            candidates.setdefault(Path(os.path.realpath(path)), path)
    texts = {real: _text(real) for real in candidates if real not in checked}
    found: set[Path] = set()
    frontier = set(checked)
    while frontier:
        targets = {real: _header_id(real) for real in frontier}
        frontier = set()
        for real, text in texts.items():
            if real in found or text is None or not _mentions(text, targets):
                continue
            if _imports_any(candidates[real], text, targets):
                found.add(real)
                frontier.add(real)
    return sorted((_shown(candidates[real]) for real in found), key=str)


def _clause_files(folder: Path) -> Iterator[Path]:
    for top, folders, names in os.walk(folder):
        folders[:] = sorted(
            f for f in folders if not f.startswith(".") and f not in _SKIPPED_FOLDERS
        )
        for name in sorted(names):
            if name.endswith(EXTENSION):
                yield Path(top, name)


def _text(path: Path) -> str | None:
    try:
        return decode(str(path), read_regular(path)).text
    except (FileProblem, SourceDecodeError, OSError):
        return None


def _mentions(text: str, targets: dict[Path, frozenset[str]]) -> bool:
    """Whether ``text`` could import one of ``targets``: it names its file or a contract."""
    return "import" in text and any(
        real.name in text or any(contract in text for contract in contracts)
        for real, contracts in targets.items()
    )


def _header_id(real: Path) -> frozenset[str]:
    """The contracts the file defines (one, unless it is broken)."""
    text = _text(real)
    return frozenset(scan(text)[0]) if text is not None else frozenset()


def _imports_any(path: Path, text: str, targets: dict[Path, frozenset[str]]) -> bool:
    """Whether the file at ``path`` (as found, links kept: imports are relative to it)
    imports one of ``targets``: one of their contracts by name from the same folder, or one
    of their files by path."""
    _, imported, literals = scan(text)
    folder = Path(os.path.realpath(path.parent))
    if any(
        imported & contracts and target.parent == folder for target, contracts in targets.items()
    ):
        return True
    for literal in literals:
        value = string_value(literal)
        if value is None or "\0" in value:
            continue
        if Path(os.path.realpath(path.parent / value)) in targets:
            return True
    return False


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
