"""Files in and out: regular files only, bounded sizes, folders read completely, atomic writes.

Clause files and facts files may come from third parties, so nothing here opens a device or a
FIFO (opening one can block, reading one may never end), reads past a size limit, or skips a
folder it cannot list; and an output is either wholly written or untouched."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

# Far above any contract (the longest shipped one is under 100 KB) or facts file, far below
# what would exhaust memory: a 10 MB file takes about 100 MB to check.
MAX_INPUT_BYTES = 10 * 2**20


class FileProblem(Exception):
    """A file or folder that cannot be used; the message says why, without the path."""


class TooLarge(FileProblem):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"the file is too large ({_size(size)}; the limit is {_size(limit)})")
        self.size = size
        self.limit = limit


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n:,} bytes"


def read_regular(path: Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file ``path`` (links followed), at most ``limit`` of them.
    Raises :class:`FileProblem` for anything else: missing, unreadable, a folder, a device, a
    FIFO or socket (refused before it is opened), or a file larger than ``limit``."""
    try:
        _require_regular(os.stat(path).st_mode)
        # Non-blocking, in case the path was swapped for a FIFO since the stat.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise FileProblem(exc.strerror or str(exc)) from None
    with os.fdopen(fd, "rb") as file:
        try:
            status = os.fstat(fd)
            _require_regular(status.st_mode)
            if status.st_size > limit:
                raise TooLarge(status.st_size, limit)
            data = file.read(limit + 1)
        except OSError as exc:
            raise FileProblem(exc.strerror or str(exc)) from None
    if len(data) > limit:  # it grew since the fstat
        raise TooLarge(len(data), limit)
    return data


def read_stream(stream: BinaryIO, limit: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``limit`` bytes of ``stream`` (standard input, a pipe); :class:`TooLarge` past
    them, without reading further."""
    try:
        data = stream.read(limit + 1)
    except OSError as exc:
        raise FileProblem(exc.strerror or str(exc)) from None
    if len(data) > limit:
        raise TooLarge(len(data), limit)
    return data


def _require_regular(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise FileProblem("it is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise FileProblem("not a regular file (a device, FIFO or socket)")


def walk(folder: Path, suffix: str) -> list[Path]:
    """Every file named ``*suffix`` below ``folder``, sorted as paths sort. Links to files are
    followed, links to folders are not (no cycles). A folder that cannot be listed, or a
    ``*suffix`` that is not a regular file (a FIFO, a broken link), raises
    :class:`FileProblem` naming it: a partial answer would pass for a whole one."""
    found: list[Path] = []

    def refuse(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else folder
        raise FileProblem(f"{where}: cannot read folder: {exc.strerror or exc}")

    for top, folders, files in os.walk(folder, onerror=refuse):
        folders.sort()
        for name in files:
            if not name.endswith(suffix):
                continue
            path = Path(top, name)
            try:
                _require_regular(os.stat(path).st_mode)
            except OSError as exc:
                raise FileProblem(f"{path}: cannot read: {exc.strerror or exc}") from None
            except FileProblem as exc:
                raise FileProblem(f"{path}: {exc}") from None
            found.append(path)
    return sorted(found)


# ------------------------------------------------------------------ writing


def write_atomically(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8 with LF line ends) to ``path`` in one step: into a
    temporary file beside the target, then renamed over it. A link is written through (its
    target is replaced, the link kept); an existing file keeps its mode; devices and FIFOs
    (``/dev/stdout``) are written to directly. Temporary files left by killed runs are removed
    first. Returns the path written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a folder", str(path))
        with open(target, "wb") as stream:
            stream.write(data)
        return target
    _remove_stale(target)
    fd, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
    )
    try:
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; give what a new file would get
        else:
            os.fchmod(fd, stat.S_IMODE(mode))
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return target


def _remove_stale(target: Path) -> None:
    """Remove temporary files of ``target`` whose writing process no longer exists."""
    prefix = f".{target.name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            pid = entry.name[len(prefix) :].split(".", 1)[0]
            if pid.isdigit() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM and SIGINT (Ctrl-C) into SystemExit (143, 130) while the command runs, so
    that ``finally`` blocks (the removal of a half-written temporary file) run when the
    command is stopped."""
    if sys.platform == "win32" or not _main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    def interrupt(signum: int, frame: object) -> None:
        # Not KeyboardInterrupt: click would turn it into "Aborted!" and exit 1.
        sys.stderr.write("interrupted\n")
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    # A SIGINT that the caller ignores (a background job of a shell) stays ignored.
    previous_interrupt = signal.getsignal(signal.SIGINT)
    if previous_interrupt is signal.default_int_handler:
        signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if previous_interrupt is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_interrupt)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()
