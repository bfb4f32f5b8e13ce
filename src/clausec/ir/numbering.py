"""Clause numbers as documents write them: hierarchy ("12" holds 12.1 and 12.3.2) and the
one kind of slip worth suggesting a fix for.

Numbers are the document's own ("6.2(1)", "§ 5 (1) b", "III attēlu dati"); nothing here
parses them into parts, it only compares their written forms."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# What may follow a section's number in the number of a clause within it: "6.2" holds
# "6.2.3", "6.2(1)" and "6.2 a)"; "1" does not hold "12" or "1a".
_BELOW = (".", "(", " ")
_LAYOUT = re.compile(r"[\s.]+$|\s+")


def within(number: str, section: str) -> bool:
    """``number`` is ``section`` or a clause below it."""
    return number == section or number.startswith(tuple(section + s for s in _BELOW))


def sub_clauses(section: str, numbers: Iterable[str]) -> list[str]:
    """The clauses below ``section`` (not itself), in the order given."""
    return [n for n in numbers if n != section and within(n, section)]


def likely_meant(number: str, numbers: Iterable[str]) -> str | None:
    """The clause a missing ``number`` most likely means, or None: the same number laid out
    differently ("6.2 (1)" for "6.2(1)", "§8" for "§ 8"), or, for a name with letters, a
    near spelling. Other numbers are not guessed: "12" is as near to "1.2" as to "22", and
    a wrong guess reads as a fix."""
    candidates = list(numbers)
    same = [n for n in candidates if _laid_out(n) == _laid_out(number)]
    if len(same) == 1:
        return same[0]
    if any(ch.isalpha() for ch in number):
        close = difflib.get_close_matches(number, candidates, n=1, cutoff=0.85)
        if close:
            return close[0]
    return None


def _laid_out(number: str) -> str:
    return _LAYOUT.sub("", number).casefold()
