"""W0550: a check the solver could not decide within its limits (z3's resource count per
query, and the number of refinements of approximated date moves).

Reported in place of the finding it might have been, so that a clean result never hides an
analysis that did not finish. Both limits count work, not time, so the same input is
undecided on every machine, loaded or not."""

from __future__ import annotations

from collections.abc import Sequence

from clausec.diagnostics import Diagnostic, Note, warning
from clausec.source import Span


def undecided(question: str, span: Span | None, notes: Sequence[Note] = ()) -> Diagnostic:
    """``question``: what the check asked, e.g. "whether `a must pay fee` (1#1) and ... can
    apply together"."""
    return warning(
        "W0550",
        f"cannot decide {question} within the solver's limits",
        span,
        "not decided",
        notes=notes,
        hint="the analysis is incomplete here; simplify the conditions (products of facts, "
        "many month or working-day moves) or accept W0550 with a reason",
    )
