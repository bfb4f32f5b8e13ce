"""The files that depend on the files being checked: a pre-commit run passes only the changed
files, and a clause renamed in one of them breaks the files that import it (`clausec check`
checks those too unless told `--no-dependents`).

A file depends on another when it imports it by path (``import x from "other.clause"``,
resolved as the compiler resolves it), or imports its contract by name alone and lies in the
same folder (the files a folder check would load together); dependence is transitive. Only
the project folder is searched: the enclosing git repository, else the working folder (for a
file inside it), else the file's own folder. Hidden folders and ``node_modules`` are skipped.
A file is parsed only when its text names a checked file or contract, so that a large
project costs a scan of its text."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from clausec.files import FileProblem, read_regular
from clausec.source import SourceDecodeError, decode
from clausec.syntax import ast
from clausec.syntax.parser import parse

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


def _mentions(text: str, targets: dict[Path, str | None]) -> bool:
    """Whether ``text`` could import one of ``targets``: it names its file or its contract."""
    return "import" in text and any(
        real.name in text or (contract is not None and contract in text)
        for real, contract in targets.items()
    )


def _module(path: Path, text: str) -> ast.Module:
    module, _ = parse(decode(str(path), text.encode("utf-8")))
    return module


def _header_id(real: Path) -> str | None:
    text = _text(real)
    if text is None:
        return None
    header = _module(real, text).header
    return header.contract.name if header is not None else None


def _imports_any(path: Path, text: str, targets: dict[Path, str | None]) -> bool:
    """Whether the file at ``path`` (as found, links kept: imports are relative to it)
    imports one of ``targets``."""
    for declaration in _module(path, text).declarations:
        if not isinstance(declaration, ast.Import):
            continue
        if declaration.path is None:
            if any(
                contract == declaration.contract.name
                and target.parent == Path(os.path.realpath(path.parent))
                for target, contract in targets.items()
            ):
                return True
            continue
        if "\0" in declaration.path.value:
            continue
        imported = Path(os.path.realpath(path.parent / declaration.path.value))
        if imported in targets:
            return True
    return False


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
