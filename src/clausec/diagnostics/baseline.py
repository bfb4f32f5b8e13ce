"""Baselines: the findings of an earlier run, recorded so that a team adopting clausec on an
existing contract set fails only on new findings (`clausec check --baseline FILE`).

A baseline file is JSON: ``{"clausec_baseline": 1, "findings": [{"fingerprint", "code",
"file", "message"}, ...]}``, sorted, one entry per finding that counts (accepted findings are
recorded in the source already). Errors are never recorded: a file that does not compile is
not checked, so a baseline must not let it pass. Only the fingerprints are compared; the rest
is for people reading the file in a review."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from clausec.diagnostics import Diagnostic, Severity
from clausec.diagnostics.fingerprints import relative_path

FORMAT_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used; the message says why."""


def read(path: Path) -> frozenset[str]:
    """The fingerprints a baseline file records."""
    from clausec.files import FileProblem, read_regular

    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except FileProblem as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BaselineError(f"{path}: not a clausec baseline (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("clausec_baseline") != FORMAT_VERSION:
        raise BaselineError(
            f"{path}: not a clausec baseline (version {FORMAT_VERSION}); write one with "
            "--write-baseline"
        )
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise BaselineError(f"{path}: `findings` must be a list of objects with a fingerprint")
    return frozenset(f["fingerprint"] for f in findings)


def recordable(d: Diagnostic) -> bool:
    """Whether a baseline records ``d``: a finding that counts, not an error."""
    return d.counts and d.severity is not Severity.ERROR


def render(
    diagnostics: Sequence[Diagnostic], fingerprints: Mapping[Diagnostic, str], root: Path
) -> str:
    """The baseline file recording ``diagnostics`` (those that count)."""
    findings = sorted(
        (
            {
                "fingerprint": fingerprints[d],
                "code": d.code,
                "file": (relative_path(d.span.file, root) or d.span.file) if d.span else None,
                "message": d.message,
            }
            for d in diagnostics
            if recordable(d)
        ),
        key=lambda f: (str(f["file"]), str(f["code"]), str(f["fingerprint"])),
    )
    data = {"clausec_baseline": FORMAT_VERSION, "findings": findings}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def mark(
    diagnostics: Sequence[Diagnostic],
    fingerprints: Mapping[Diagnostic, str],
    known: frozenset[str],
) -> tuple[list[Diagnostic], dict[Diagnostic, str]]:
    """The diagnostics with those the baseline records marked, and their fingerprints."""
    out: list[Diagnostic] = []
    prints: dict[Diagnostic, str] = {}
    for d in diagnostics:
        marked = (
            attrs.evolve(d, in_baseline=True) if fingerprints[d] in known and recordable(d) else d
        )
        out.append(marked)
        prints[marked] = fingerprints[d]
    return out, prints
