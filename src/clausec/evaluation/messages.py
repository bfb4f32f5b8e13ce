# The wording of evaluation errors and warnings, for the reference interpreter and every
# generated evaluator: the interpreter imports this module, the Python back end pastes it into
# each module it writes (so it uses the standard library only), and the JavaScript back end
# embeds MESSAGES as data and implements show() and closest() with the same rules.
"""Evaluation errors and warnings: one table of wordings, and how given values are shown.

An error has a *problem* (a key of :data:`MESSAGES`) and fields; its message is the wording
with the fields filled in. A fact error also names the fact, what was expected and what was
given, so that programs can read them without parsing the message.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

MESSAGES = {
    # Fact errors: the message is "fact `NAME`: " followed by one of these.
    "not_a_mapping": "facts must be a mapping of fact names to values, got {given}",
    "name_not_text": "fact names are texts, got {given}",
    "no_such_fact": "no such fact in contract `{contract}`{suggestion}",
    "wrong_value": "expected {expected}, got {given}",
    "wrong_currency": "expected {expected}, got an amount in {currency}",
    "wrong_unit": "expected {expected}, got a duration in {unit}",
    "never_not_event": "expected {expected}; `never` is only for events",
    "out_of_bounds": "expected {expected}, got {given}",
    "not_a_date": "{given} is not a valid date",
    "bad_as_of": "expected a date (YYYY-MM-DD), got {given}",
    "foreign_facts": "{detail}",
    "bad_assignment": "write a fact as name=value, e.g. merchant.closed_shop=true",
    # Evaluation errors.
    "date_out_of_range": (
        "{date} moved by {amount} {unit} is not a date between 0001-01-01 and 9999-12-31"
    ),
    "no_calendar": "working days need a calendar in the contract header",
    "monthly_beyond": "the monthly deadline (day {days}) has no date left before 9999-12-31",
    # Warnings.
    "calendar_range": (
        "calendar {code}: working days are known for {first}–{last}; outside those years "
        "only weekends are skipped"
    ),
    "makeup_unknown": (
        "calendar {code}: official make-up working days are known through {announced}; "
        "counting into {year} assumes none"
    ),
}

SHOWN_LENGTH = 60  # characters of a given value shown in a message
_SURROGATE = re.compile("[\ud800-\udfff]")


def wording(problem: str, **fields: object) -> str:
    return MESSAGES[problem].format(**fields)


def show(raw: object) -> str:
    """A given value as messages show it: as JSON text (numbers as JavaScript writes them, so
    that every evaluator shows a value alike), cut to 60 characters. Only what is shown is
    written: a value nested 100,000 deep or a list of millions costs what 60 characters do."""
    pieces: list[str] = []
    length = 0
    pending: list[Iterator[object]] = [iter((raw,))]
    while pending and length <= SHOWN_LENGTH:
        item = next(pending[-1], _END)
        if item is _END:
            pending.pop()
            continue
        if isinstance(item, _Piece):
            text = str(item)
        elif isinstance(item, list | tuple):
            pending.append(_list_pieces(item))
            continue
        elif isinstance(item, dict):
            pending.append(_dict_pieces(item))
            continue
        else:
            text = _scalar_text(item)
        pieces.append(text)
        length += len(text)
    text = "".join(pieces)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3] + "..."


class _Piece(str):
    """Punctuation and keys of a container, written as they are (a ``str`` value is not)."""


_END = object()


def _list_pieces(items: list[object] | tuple[object, ...]) -> Iterator[object]:
    yield _Piece("[")
    for index, item in enumerate(items):
        if index:
            yield _Piece(",")
        yield item
    yield _Piece("]")


def _dict_pieces(items: dict[object, object]) -> Iterator[object]:
    yield _Piece("{")
    for index, (key, value) in enumerate(items.items()):
        # A key as JSON writes one, as a text; an integer's without str() (see _int_text).
        text = _int_text(key) if isinstance(key, int) else str(key)
        yield _Piece(("," if index else "") + _string_text(text) + ":")
        yield value
    yield _Piece("}")


def _scalar_text(raw: object) -> str:
    if raw is None or isinstance(raw, bool):
        return json.dumps(raw)
    if isinstance(raw, int):
        return _int_text(raw)
    if isinstance(raw, float):
        return number_text(raw)
    if isinstance(raw, str):
        return _string_text(raw)
    name = type(raw).__name__
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def _string_text(raw: str) -> str:
    """Well-formed JSON text of (the start of) ``raw``: a lone surrogate is written as an
    escape. A long string is cut first, far past what show() keeps."""
    if len(raw) > 4 * SHOWN_LENGTH:
        raw = raw[: 4 * SHOWN_LENGTH]
    return _SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(raw, ensure_ascii=False))


def _int_text(n: int) -> str:
    """An integer's digits, only the first ones of a very long one (enough for show() to cut
    it as it cuts any text): Python refuses str() of more than 4,300 digits by default."""
    magnitude = abs(n)
    if magnitude < 10**SHOWN_LENGTH:
        return str(n)
    digits = int(magnitude.bit_length() * 0.30102999566398) + 1
    while 10 ** (digits - 1) > magnitude:
        digits -= 1
    lead = magnitude // 10 ** (digits - SHOWN_LENGTH - 1)
    return ("-" if n < 0 else "") + str(lead)


def number_text(x: float) -> str:
    """``x`` as ECMAScript's Number::toString writes it: the shortest digits that read back
    as ``x``, positional from 1e-6 up to 1e21, else with an exponent."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    # The value is 0.DIGITS * 10**n.
    n = len(whole) + (int(exponent) if exponent else 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def closest(name: str, names: list[str]) -> str | None:
    """The name at the smallest edit distance from ``name`` (insertions, deletions and
    substitutions of characters), if it is at most a quarter of the name's length (at least
    1); the first in code-point order among equals."""
    limit = max(1, len(name) // 4)
    best: str | None = None
    best_distance = limit + 1
    for candidate in sorted(names):
        if abs(len(candidate) - len(name)) >= best_distance:
            continue
        d = _distance(name, candidate, best_distance)
        if d < best_distance:
            best, best_distance = candidate, d
    return best


def _distance(a: str, b: str, stop: int) -> int:
    """The edit distance of ``a`` and ``b``, or ``stop`` when it is at least that."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= stop:
            return stop
        previous = current
    return min(previous[-1], stop)
