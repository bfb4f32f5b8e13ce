"""How generated files name the clause file they come from: relative to the project, never
an absolute path (which would tell the machine and folder they were emitted on)."""

from __future__ import annotations

import os
from pathlib import Path

_PROJECT_MARKERS = ("clausec.toml", ".git")


def project_relative(file: str) -> str:
    """``file`` relative to its project's folder: the nearest folder above it holding a
    ``clausec.toml`` or ``.git``; else relative to the working folder when below it; else
    the file's name alone. Always with ``/``."""
    path = Path(os.path.abspath(file))
    for folder in path.parents:
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return path.relative_to(folder).as_posix()
    cwd = Path.cwd()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else path.name
