"""`clausec check` over many files: a result cache and parallel workers (docs/cli.md).

Files are checked in groups: files that may affect each other's results — one imports the
other (by name or by path, through any chain) or both define the same contract — are checked
together, each other file on its own. A cheap scan of the text finds the links; it finds
every `import` and `contract` the parser can see (and some it cannot, which only makes groups
larger), so checking the groups apart gives what checking all files together gives.

Each group's result (its diagnostics, after the analyses and `accept`) is cached as JSON,
under a key made of the contents of its files and of every file they import, clausec's
version and code, the versions of the libraries that shape results, and the options that
change them. An entry is only read as data, checked field by field; anything unexpected in it
is a miss. Groups not in the cache are checked in worker processes when there are enough of
them to pay for starting the workers."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from clausec import __version__
from clausec.diagnostics import Diagnostic, transfer
from clausec.driver import EXTENSION, CheckResult, InputError, _discover, _refused_import, read
from clausec.files import FileProblem, read_regular, write_atomically
from clausec.links import scan, string_value
from clausec.source import SourceDecodeError, SourceFile, decode, display_name

__all__ = ["CACHE_ENV", "check_many", "default_cache_dir", "default_jobs"]

#: Overrides the folder of the cache.
CACHE_ENV = "CLAUSEC_CACHE_DIR"
# The layout of a cache entry; entries of another layout are misses.
FORMAT = 1
# Starting workers and handing them the work costs about a tenth of a second: below this many
# groups to check (or this much text), checking in this process is faster.
MIN_PARALLEL_GROUPS = 3
MIN_PARALLEL_BYTES = 64 * 1024

Progress = Callable[[int, int], None]


def default_cache_dir() -> Path:
    """$CLAUSEC_CACHE_DIR, else the user's cache folder for this platform."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "clausec" / "Cache" if local else home / "AppData/Local/clausec/Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "clausec"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else home / ".cache") / "clausec"


def default_jobs() -> int:
    return os.cpu_count() or 1


@attrs.frozen
class _File:
    """A file to check: as found, the folder its imports must stay in, and its bytes."""

    path: Path
    root: Path
    data: bytes


def check_many(
    paths: Sequence[str | os.PathLike[str]],
    *,
    analysis: bool = True,
    import_roots: Sequence[str | os.PathLike[str]] = (),
    cache_dir: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    source_folders: Sequence[str | os.PathLike[str]] = (),
) -> CheckResult:
    """The diagnostics and sources that :func:`clausec.check_paths` gives for ``paths``
    (``contracts`` is left empty): from the cache in ``cache_dir`` where it has them (none:
    no cache), the rest checked in up to ``jobs`` processes. ``progress(done, total)`` is
    called as groups of files are checked; ``source_folders``: the folders of the source documents
    whose quotes are checked (W0546). Raises :class:`InputError` as check_paths does."""
    found = _discover(paths)
    if not found:
        raise InputError(f"no {EXTENSION} files in {', '.join(map(str, paths))}")
    files = [_File(path, root, read(path)) for path, root in found.items()]
    roots = tuple(Path(r) for r in import_roots)
    documents = tuple(Path(f) for f in source_folders)
    groups, links = _groups(files, roots)
    store = _Store(Path(cache_dir)) if cache_dir is not None else None
    settings = ""
    if store is not None:
        try:
            settings = _settings(analysis, roots, documents)
        except OSError:
            store = None
    outcomes: dict[int, _Outcome] = {}
    keys: dict[int, str] = {}
    for index, (group, imported) in enumerate(groups):
        if store is None or links.uncertain:
            continue
        key = _key(settings, [files[i] for i in group], [links.imported[n] for n in imported])
        keys[index] = key
        cached = store.read(key, [files[i] for i in group])
        if cached is not None:
            outcomes[index] = cached
    todo = [i for i in range(len(groups)) if i not in outcomes]
    tasks = [(i, [files[j] for j in groups[i][0]], analysis, roots, documents) for i in todo]
    for index, payload, texts in _run(tasks, jobs, progress):
        outcome = _load(payload, texts)
        if outcome is None:  # cannot happen: it is what _work made
            raise RuntimeError("a worker's result did not read back")
        outcomes[index] = outcome
        if store is not None and index in keys:
            store.write(keys[index], payload)
    sources: dict[str, SourceFile] = {}
    diagnostics: list[Diagnostic] = []
    for index in range(len(groups)):
        sources.update(outcomes[index].sources)
        diagnostics += outcomes[index].diagnostics
    from clausec.driver import _sorted

    return CheckResult(
        tuple(display_name(f.path) for f in files), sources, (), _sorted(diagnostics)
    )


# ------------------------------------------------------------------ groups


@attrs.define
class _Links:
    """What the scan found: the files read through imports (by shown name: the shown name,
    the path and what became of it), and whether some import path could not be worked
    out."""

    imported: dict[str, tuple[str, Path, str]] = attrs.field(factory=dict)
    uncertain: bool = False


def _groups(
    files: list[_File], import_roots: tuple[Path, ...]
) -> tuple[list[tuple[list[int], list[str]]], _Links]:
    """The files in groups that must be checked together (indexes into ``files``, in order;
    groups in the order of their first file) with the files their imports may read (shown
    names, keys of ``imported`` of the second result: what the scan found)."""
    links = _Links()
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    by_name: dict[str, list[str]] = {}
    names = [display_name(f.path) for f in files]
    queue: list[tuple[str, Path, Path, bytes]] = [
        (name, f.path, f.root, f.data) for name, f in zip(names, files, strict=True)
    ]
    seen: set[str] = set(names)
    while queue:
        node, path, root, data = queue.pop(0)
        find(node)
        try:
            text = decode(node, data).text
        except SourceDecodeError:
            continue
        defined, imported, literals = scan(text)
        for name in defined | imported:
            by_name.setdefault(name, []).append(node)
        for literal in literals:
            value = string_value(literal)
            if value is None or "\0" in value:
                links.uncertain = True
                continue
            target = Path(os.path.normpath(path.parent / value))
            shown = display_name(target)
            union(node, shown)
            if shown in seen:
                continue
            seen.add(shown)
            refusal = _refused_import(target, [root, *import_roots])
            if refusal is not None:
                links.imported[shown] = (shown, target, f"refused {os.path.realpath(target)}")
                continue
            try:
                content = read_regular(target)
            except FileProblem as exc:
                links.imported[shown] = (shown, target, f"unreadable {exc}")
                continue
            links.imported[shown] = (shown, target, "read " + hashlib.sha256(content).hexdigest())
            queue.append((shown, target, root, content))
    for nodes in by_name.values():
        for other in nodes[1:]:
            union(nodes[0], other)
    if links.uncertain:
        return [(list(range(len(files))), sorted(links.imported))], links
    groups: dict[str, tuple[list[int], list[str]]] = {}
    for index, name in enumerate(names):
        groups.setdefault(find(name), ([], []))[0].append(index)
    for shown in sorted(links.imported):
        # A file read only through imports belongs to the group of its importers.
        groups[find(shown)][1].append(shown)
    return list(groups.values()), links


# ------------------------------------------------------------------ the cache


def _settings(
    analysis: bool, import_roots: tuple[Path, ...], sources: tuple[Path, ...] = ()
) -> str:
    """What besides the files' contents shapes a result: also the source documents that
    quotes are checked against (every file of their folders, by content)."""
    return json.dumps(
        {
            "format": FORMAT,
            "clausec": __version__,
            "code": _code_fingerprint(),
            "libraries": _library_versions(),
            "python": list(sys.version_info[:2]),
            "analysis": analysis,
            "import_roots": [os.path.realpath(r) for r in import_roots],
            "sources": [[os.path.realpath(f), _folder_digest(f)] for f in sources],
        },
        sort_keys=True,
    )


def _folder_digest(folder: Path) -> str:
    """The names and contents of the files directly in ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.update(json.dumps([path.name, content]).encode())
    return digest.hexdigest()


def _code_fingerprint() -> str:
    """The size and time of change of every file of the package, so that an edited
    checkout (the version unchanged) does not read results of the code before the edit."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    grammar = package.parent.parent / "grammar"
    for folder in (package, grammar):
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".lark", ".json")):
                    status = os.stat(os.path.join(dirpath, name))
                    digest.update(
                        f"{dirpath}/{name} {status.st_size} {status.st_mtime_ns}\n".encode()
                    )
    return digest.hexdigest()


def _library_versions() -> dict[str, str | None]:
    """The installed versions of the libraries whose behaviour reaches diagnostics: the
    parser's messages, the solver's witnesses, the calendars' working days."""
    from clausec.evaluation.calendar import data_version

    versions: dict[str, str | None] = {"calendars": data_version()}
    for package, distribution in (("lark", "lark"), ("z3", "z3_solver"), ("attr", "attrs")):
        versions[distribution] = _installed_version(package, distribution)
    return versions


def _installed_version(package: str, distribution: str) -> str | None:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).parent
    prefix = f"{distribution}-".lower()
    found = sorted(
        n for n in os.listdir(folder) if n.lower().startswith(prefix) and n.endswith(".dist-info")
    )
    return found[0] if found else str(folder)


def _key(settings: str, group: list[_File], imported: list[tuple[str, Path, str]]) -> str:
    digest = hashlib.sha256(settings.encode())
    for f in group:
        digest.update(
            json.dumps(
                [
                    display_name(f.path),
                    os.path.abspath(f.path),
                    os.path.realpath(f.root),
                    hashlib.sha256(f.data).hexdigest(),
                ]
            ).encode()
        )
    # Every file an import of the group may read, and what became of it.
    for shown, path, status in imported:
        digest.update(json.dumps([shown, os.path.abspath(path), status]).encode())
    return digest.hexdigest()


@attrs.frozen
class _Outcome:
    sources: dict[str, SourceFile]
    diagnostics: list[Diagnostic]


class _Store:
    """Cache entries as JSON files, ``<folder>/v1/ab/abcdef….json``; written atomically. A
    folder that cannot be written turns the cache off for the rest of the run, silently."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / f"v{FORMAT}"
        self.writable = True

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def read(self, key: str, group: list[_File]) -> _Outcome | None:
        try:
            raw = read_regular(self._path(key))
            payload = json.loads(raw.decode("utf-8"))
        except (FileProblem, ValueError, RecursionError):
            return None
        if not isinstance(payload, dict) or payload.get("key") != key:
            return None
        texts: dict[str, str] = {}
        for f in group:
            with contextlib.suppress(SourceDecodeError):
                texts[display_name(f.path)] = decode(display_name(f.path), f.data).text
        return _load(payload, texts, reread=True)

    def write(self, key: str, payload: dict[str, Any]) -> None:
        if not self.writable:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, json.dumps({**payload, "key": key}, ensure_ascii=False))
        except OSError:
            self.writable = False


def _dump(
    result: CheckResult, group: list[_File], loaded: dict[str, Path]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A group's result as JSON data, and the text of each source."""
    paths = {display_name(f.path): f.path for f in group} | loaded
    sources = [
        [name, os.path.abspath(paths[name]), source.sha256]
        for name, source in result.sources.items()
    ]
    return (
        {
            "format": FORMAT,
            "sources": sources,
            "diagnostics": [transfer.dump(d) for d in result.diagnostics],
        },
        {name: source.text for name, source in result.sources.items()},
    )


def _load(payload: object, texts: dict[str, str], reread: bool = False) -> _Outcome | None:
    """A group's result from JSON data; None if the data is not exactly what _dump writes, or
    (``reread``) a source read through an import has changed since."""
    try:
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise transfer.Corrupt
        sources: dict[str, SourceFile] = {}
        for item in transfer.as_list(payload.get("sources")):
            name, path, digest = transfer.as_list(item, 3)
            name, path, digest = (transfer.as_str(x) for x in (name, path, digest))
            if name in texts:
                source = SourceFile(name, texts[name])
            elif reread:
                source = decode(name, read_regular(Path(path)))
            else:
                raise transfer.Corrupt
            if source.sha256 != digest:
                raise transfer.Corrupt
            sources[name] = source
        diagnostics = [transfer.load(d) for d in transfer.as_list(payload.get("diagnostics"))]
    except (transfer.Corrupt, FileProblem, SourceDecodeError, ValueError, TypeError):
        return None
    return _Outcome(sources, diagnostics)


# ------------------------------------------------------------------ checking the groups

_Task = tuple[int, list[_File], bool, tuple[Path, ...], tuple[Path, ...]]
_Done = tuple[int, dict[str, Any], dict[str, str]]


def _work(task: _Task) -> _Done:
    """Check one group (in a worker, or in this process)."""
    from clausec.driver import check_read

    index, group, analysis, import_roots, folders = task
    loaded: dict[str, Path] = {}
    result = check_read(
        [(f.path, f.root, f.data) for f in group],
        analysis=analysis,
        import_roots=import_roots,
        loaded=loaded,
        source_folders=folders,
    )
    payload, texts = _dump(result, group, loaded)
    return index, payload, texts


def _run(tasks: list[_Task], jobs: int, progress: Progress | None) -> Iterator[_Done]:
    """Each task's result, in this process or in up to ``jobs`` worker processes."""
    total = len(tasks)
    size = sum(len(f.data) for task in tasks for f in task[1])
    workers = min(jobs, total)
    if workers < 2 or total < MIN_PARALLEL_GROUPS or size < MIN_PARALLEL_BYTES:
        for done, task in enumerate(tasks, 1):
            yield _work(task)
            if progress is not None:
                progress(done, total)
        return
    import multiprocessing

    # Fork where it is safe (Linux): the workers start with what this process imported and
    # built (the parser, its tables) instead of importing it again.
    method = "fork" if sys.platform == "linux" else "spawn"
    _prepare()
    # Largest groups first, so that no worker is left with a large one at the end.
    ordered = sorted(tasks, key=lambda t: -sum(len(f.data) for f in t[1]))
    pool = multiprocessing.get_context(method).Pool(workers, initializer=_quiet_worker)
    try:
        for done, result in enumerate(pool.imap_unordered(_work, ordered), 1):
            yield result
            if progress is not None:
                progress(done, total)
        pool.close()
    finally:
        # Interrupted, failed, or done: no worker outlives the command.
        pool.terminate()
        pool.join()


def _prepare() -> None:
    """Build the parser before the workers are forked, so that each does not build it."""
    from clausec.syntax import parser

    with contextlib.suppress(Exception):
        parser.parse(SourceFile("<warm-up>.clause", ""))


def _quiet_worker() -> None:
    """Workers leave Ctrl-C and SIGTERM to the command, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
