"""The front end's public entry points: files in, IR and diagnostics out."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from clausec.diagnostics import CompileError, Diagnostic, Severity, error
from clausec.files import FileProblem, read_regular, walk
from clausec.source import SourceDecodeError, SourceFile, Span, decode, display_name

if TYPE_CHECKING:
    # Imported where used: `clausec check` answered from its cache parses nothing.
    from clausec.ir import nodes as ir
    from clausec.syntax import ast

EXTENSION = ".clause"
# Expression checking recurses once per nesting level (bounded by the parser's MAX_NESTING);
# leave generous head room above it.
_RECURSION_LIMIT = 20_000


class InputError(Exception):
    """A path that cannot be used at all (missing, unreadable, not a clause file)."""


@attrs.frozen
class Parsed:
    """A file's text as parsed: its syntax tree and its syntax errors."""

    source: SourceFile
    module: ast.Module
    syntax_errors: tuple[Diagnostic, ...]


@attrs.frozen
class CheckResult:
    """Everything the front end learned about a set of files."""

    files: tuple[str, ...]
    sources: dict[str, SourceFile]
    contracts: tuple[ir.Contract, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)

    def contract(self, contract_id: str) -> ir.Contract:
        for c in self.contracts:
            if c.id == contract_id:
                return c
        raise KeyError(contract_id)


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named directly, and every ``.clause`` file below each folder, in sorted order."""
    return list(_discover(paths))


def _discover(paths: Iterable[str | os.PathLike[str]]) -> dict[Path, Path]:
    """Each file to check, and the folder its imports must stay in: the folder it was found
    in when given as a folder, else the file's own folder."""
    found: list[tuple[Path, Path]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                inside = walk(path, EXTENSION)
            except FileProblem as exc:
                raise InputError(str(exc)) from None
            for p in inside:
                # A third party's folder may hold a link to any file (`x.clause` ->
                # /etc/passwd): only files really in the folder are read from it.
                if _refused_import(p, [path]) is not None:
                    raise InputError(
                        f"{p}: a link to a file outside {raw}; name the file itself to check it"
                    )
            found += [(p, path) for p in inside]
        elif path.is_file():
            found.append((path, path.parent))
        elif path.exists():
            raise InputError(f"{raw}: not a regular file or folder")
        else:
            raise InputError(f"{raw}: no such file or folder")
    # One entry per file, however it was reached; named as found (links kept), so that what
    # is shown is the path the user gave.
    unique: dict[Path, tuple[Path, Path]] = {}
    for p, root in found:
        unique.setdefault(p.resolve(), (Path(os.path.normpath(p)), root))
    return dict(unique.values())


def read(path: Path) -> bytes:
    try:
        return read_regular(path)
    except FileProblem as exc:
        raise InputError(f"{display_name(path)}: cannot read: {exc}") from None


def compile_text(text: str, name: str = "<string>") -> CheckResult:
    """Compile clause text held in memory (imports are resolved against the working folder)."""
    try:
        # Through the bytes, so that text holding lone surrogates or NUL is refused as a file
        # holding them would be.
        source = decode(name, text.encode("utf-8", "surrogatepass"))
    except SourceDecodeError as exc:
        problem = error(exc.code, exc.message, exc.span, "here", hint=exc.hint)
        return CheckResult((name,), {name: SourceFile(name, "")}, (), (problem,))
    return _compile([source], base=Path.cwd(), roots={name: Path.cwd()})


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    analysis: bool = False,
    stats: object | None = None,
    import_roots: Sequence[str | os.PathLike[str]] = (),
    source_folders: Sequence[str | os.PathLike[str]] = (),
) -> CheckResult:
    """Parse, resolve and type-check every clause file in ``paths`` (files or folders).

    Imports must name ``.clause`` files inside the folder of the file (or of the folder given)
    that the chain of imports started from, or inside one of ``import_roots``.

    With ``analysis``, also run the analyses of `clausec check` (docs/checks.md) on every
    contract whose file has no error; ``stats`` (an ``analysis.Stats``) collects their
    counts. With ``source_folders``, check every quote against the contract's source
    document found there (W0546, W0547). Findings covered by an `accept` directive are
    marked as accepted.
    Raises :class:`InputError` for paths that cannot be read; problems inside files are
    diagnostics in the result."""
    roots = _discover(paths)
    if not roots:
        raise InputError(f"no {EXTENSION} files in {', '.join(map(str, paths))}")
    listed = [(path, root, read(path)) for path, root in roots.items()]
    return check_read(
        listed,
        analysis=analysis,
        stats=stats,
        import_roots=import_roots,
        source_folders=source_folders,
    )


def check_read(
    listed: Sequence[tuple[Path, Path, bytes]],
    *,
    analysis: bool = False,
    stats: object | None = None,
    import_roots: Sequence[str | os.PathLike[str]] = (),
    loaded: dict[str, Path] | None = None,
    source_folders: Sequence[str | os.PathLike[str]] = (),
    parsed: dict[str, Parsed] | None = None,
) -> CheckResult:
    """:func:`check_paths` on files already found and read: each file, the folder its imports
    must stay in, and its bytes. ``loaded``, when given, receives the path of every file read
    through an import, by its shown name; ``parsed`` every file's syntax tree and syntax
    errors, by its shown name (the language server indexes the tree for navigation instead
    of parsing the text again). With ``source_folders``, every quote of a contract without
    errors is checked against its source document (clausec.quotes)."""
    files = [path for path, _, _ in listed]
    sources: list[SourceFile] = []
    early: list[Diagnostic] = []
    for path, _, data in listed:
        name = display_name(path)
        try:
            sources.append(decode(name, data))
        except SourceDecodeError as exc:
            early.append(error(exc.code, exc.message, exc.span, "here", hint=exc.hint))
            sources.append(SourceFile(name, ""))
    undecodable = {d.span.file for d in early if d.span}
    result = _compile(
        [s for s in sources if s.name not in undecodable],
        base=Path.cwd(),
        paths={display_name(p): p for p in files},
        roots={display_name(p): root for p, root, _ in listed},
        import_roots=[Path(r) for r in import_roots],
        loaded_paths=loaded,
        parsed=parsed,
    )
    found = [*early, *result.diagnostics]
    if analysis:
        found += _analyse(result, stats)
    if source_folders:
        from clausec.quotes import check as check_quotes

        folders = [Path(f) for f in source_folders]
        found += [d for c in _sound(result) for d in check_quotes(c, folders)]
    return CheckResult(
        tuple(display_name(p) for p in files),
        result.sources,
        result.contracts,
        _sorted(_accepted(result.contracts, found)),
    )


def _sound(result: CheckResult) -> list[ir.Contract]:
    """The contracts whose files have no error."""
    broken = {
        d.span.file
        for d in result.diagnostics
        if d.severity is Severity.ERROR and d.span is not None
    }
    return [c for c in result.contracts if c.file not in broken]


def _analyse(result: CheckResult, stats: object | None) -> list[Diagnostic]:
    from clausec.analysis import Stats, analyze

    out: list[Diagnostic] = []
    sound = {c.id: c for c in _sound(result)}
    for contract in sound.values():
        out += analyze(contract, stats=stats if isinstance(stats, Stats) else None)
    out += _analyse_imports(sound, stats)
    return out


def _analyse_imports(contracts: dict[str, ir.Contract], stats: object | None) -> list[Diagnostic]:
    """The conflicts between each contract and each contract it imports (once for two
    contracts that import each other: from the one whose file comes first)."""
    from clausec.analysis import Stats, analyze_import

    out: list[Diagnostic] = []
    for contract in contracts.values():
        for name in sorted({i.contract for i in contract.imports}):
            other = contracts.get(name)
            if other is None or other.id == contract.id:
                continue
            mutual = any(i.contract == contract.id for i in other.imports)
            if mutual and (other.file, other.id) < (contract.file, contract.id):
                continue
            out += analyze_import(
                contract, other, stats=stats if isinstance(stats, Stats) else None
            )
    return out


def _accepted(contracts: Iterable[ir.Contract], found: list[Diagnostic]) -> list[Diagnostic]:
    if not any(c.accepts for c in contracts):
        return found
    from clausec.analysis import accept

    for contract in contracts:
        if contract.accepts:
            found = accept(contract, found)
    return found


def load(path: str | os.PathLike[str]) -> ir.Contract:
    """Compile one clause file to its IR. Raises :class:`CompileError` on any error."""
    result = check_paths([path])
    if not result.ok or not result.contracts:
        raise CompileError([d for d in result.diagnostics if d.severity is Severity.ERROR])
    wanted = display_name(Path(path))
    for contract in result.contracts:
        if contract.file == wanted:
            return contract
    return result.contracts[0]


def _compile(
    sources: list[SourceFile],
    base: Path,
    paths: dict[str, Path] | None = None,
    roots: dict[str, Path] | None = None,
    import_roots: Sequence[Path] = (),
    loaded_paths: dict[str, Path] | None = None,
    parsed: dict[str, Parsed] | None = None,
) -> CheckResult:
    from clausec.semantic.lower import lower
    from clausec.syntax.parser import parse

    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    paths = dict(paths or {})
    roots = dict(roots or {})
    diagnostics: list[Diagnostic] = []
    contracts: dict[str, ir.Contract] = {}
    by_name = {s.name: s for s in sources}
    queue = list(sources)
    while queue:
        source = queue.pop(0)
        with _collector_paused():
            module, found = parse(source)
            diagnostics += found
            if parsed is not None:
                parsed[source.name] = Parsed(source, module, tuple(found))
            contract = lower(module, source, diagnostics)
        if contract is None:
            continue
        if contract.id in contracts:
            other = contracts[contract.id]
            diagnostics.append(
                error(
                    "E0204",
                    f"contract `{contract.id}` is defined twice",
                    contract.span,
                    "second definition",
                    hint=f"the other one is in {other.file}",
                )
            )
            continue
        contracts[contract.id] = contract
        # `import x from "path"`: compile that file too, once.
        here = paths.get(source.name, base / source.name)
        for imp in contract.imports:
            if imp.path is None:
                continue
            target = Path(os.path.normpath(here.parent / imp.path))
            # No file system takes NUL in a path (`\u{0}` can spell one): refused unopened.
            name = display_name(target) if "\0" not in imp.path else ""
            if name in by_name:
                continue
            root = roots.get(source.name, base)
            refusal = _refused_import(target, [root, *import_roots])
            if refusal is not None:
                diagnostics.append(
                    error(
                        "E0005",
                        f"cannot import {imp.path!r}: {refusal}",
                        imp.span,
                        "not allowed",
                        hint="imports name .clause files in the folder being checked or below "
                        "it; to allow another folder, pass --import-root FOLDER",
                    )
                )
                continue
            try:
                loaded = decode(name, read_regular(target))
            except FileProblem as exc:
                diagnostics.append(
                    error(
                        "E0001",
                        f"cannot read imported file {imp.path!r}: {exc}",
                        imp.span,
                        "here",
                    )
                )
                continue
            except SourceDecodeError as exc:
                diagnostics.append(error(exc.code, exc.message, exc.span, "here", hint=exc.hint))
                continue
            roots[name] = root
            by_name[name] = loaded
            paths[name] = target
            if loaded_paths is not None:
                loaded_paths[name] = target
            queue.append(loaded)
    ordered = tuple(sorted(contracts.values(), key=lambda c: (c.file, c.id)))
    diagnostics += _check_imports(contracts)
    return CheckResult(tuple(by_name), by_name, ordered, _sorted(diagnostics))


def _refused_import(target: Path, allowed: Sequence[Path]) -> str | None:
    """Why importing ``target`` is not allowed, or None. Decided on the real path (links
    followed) before the file is opened, so that nothing outside is ever read or quoted."""
    if target.suffix != EXTENSION:
        return f"only {EXTENSION} files can be imported"
    if "\0" in str(target):
        return "a path cannot hold the NUL character"
    real = Path(os.path.realpath(target))
    if any(real.is_relative_to(os.path.realpath(folder)) for folder in allowed):
        return None
    return "it is outside the folders imports may read"


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing and lowering allocate millions of small objects and almost no cycles: left on,
    the cyclic collector walks the growing tree again and again (a fifth of the time)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _check_imports(contracts: dict[str, ir.Contract]) -> list[Diagnostic]:
    """Imports name a loaded contract; references into it name one of its clauses."""
    out: list[Diagnostic] = []
    numbers = {c.id: {clause.number for clause in c.clauses} for c in contracts.values()}
    for contract in contracts.values():
        imported = {i.contract: i for i in contract.imports}
        for imp in contract.imports:
            if imp.contract not in contracts:
                out.append(
                    error(
                        "E0209",
                        f"cannot find contract `{imp.contract}` to import",
                        imp.span,
                        "not loaded",
                        hint="check it together with this file (give both, or their folder), or "
                        'write `import NAME from "file.clause"`',
                    )
                )
        for ref in _refs(contract):
            if ref.contract not in imported or ref.number is None:
                continue
            if ref.contract in numbers and ref.number not in numbers[ref.contract]:
                out.append(
                    error(
                        "E0206",
                        f"contract `{ref.contract}` has no clause {ref.number!r}",
                        ref.span,
                        "missing clause",
                    )
                )
    return out


def _refs(contract: ir.Contract) -> Iterable[ir.ClauseRef]:
    for clause in contract.clauses:
        yield from clause.refers_to
    for p in contract.external_priorities:
        yield from p.higher
        yield from p.lower
    for scenario in contract.scenarios:
        for e in scenario.expectations:
            yield from e.because
            yield from e.overriding


def _sorted(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key))


__all__ = ["CheckResult", "InputError", "Span", "check_paths", "compile_text", "discover", "load"]
