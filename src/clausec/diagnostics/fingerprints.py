"""Fingerprints of findings that survive edits elsewhere in a file, for code scanning (SARIF's
``partialFingerprints``) and baselines (``--baseline``).

A finding is identified by its code, its file (relative to the source root), its message
(which names norms and clauses, never lines) and the text it points at, with white space
squeezed; equal findings in one file are told apart by their order. Moving a clause, or
editing another, leaves every fingerprint as it was."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from clausec.diagnostics import Diagnostic
from clausec.source import SourceFile

# The key under SARIF's partialFingerprints; the version changes if the recipe does.
KEY = "clausecFinding/v1"


def source_root(given: str | os.PathLike[str] | None = None) -> Path:
    """The folder paths are made relative to: ``given``, else the nearest folder above the
    working one that holds ``.git`` (the repository's root), else the working folder."""
    if given is not None:
        return Path(os.path.abspath(given))
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def relative_path(file: str, root: Path) -> str | None:
    """``file`` (as diagnostics name it: relative to the working folder, or absolute) relative
    to ``root`` with forward slashes, or None when it is outside ``root``."""
    absolute = Path(os.path.abspath(file))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return None


def fingerprints(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, SourceFile], root: Path
) -> list[str]:
    """One fingerprint per diagnostic, in order."""
    seen: Counter[str] = Counter()
    out = []
    for d in diagnostics:
        file = ""
        text = ""
        if d.span is not None:
            file = relative_path(d.span.file, root) or d.span.file
            source = sources.get(d.span.file)
            if source is not None:
                text = " ".join(_span_text(source, d).split())
        identity = json.dumps([d.code, file, d.message, text], ensure_ascii=False)
        seen[identity] += 1
        digest = hashlib.sha256(f"{identity}\n{seen[identity]}".encode()).hexdigest()
        out.append(digest[:32])
    return out


def _span_text(source: SourceFile, d: Diagnostic) -> str:
    """The text the diagnostic points at (its first 200 characters)."""
    assert d.span is not None
    span = d.span
    if span.end_line == span.line:
        return source.line(span.line)[span.column - 1 : span.end_column - 1][:200]
    return source.line(span.line)[span.column - 1 :][:200]
