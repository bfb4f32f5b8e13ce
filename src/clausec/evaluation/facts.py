"""Reading facts: from the command line, JSON files or Python mappings, checked against
their declared types (docs/semantics.md, "Facts"). Generated evaluators accept exactly the
same inputs."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from clausec.evaluation.messages import closest, show, wording
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import order_key

# Runtime values (docs/semantics.md): booleans, ints, Decimals (money amounts too), dates,
# NEVER, durations as ints counted in the base unit of their class, strings.

# The syntax of facts given as text is ASCII: digits 0-9, and spaces, tabs and line breaks
# around and between the parts (docs/semantics.md, "Facts"), in every evaluator alike.
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_MONEY = re.compile(r"(?P<amount>\S+)\s+(?P<currency>[A-Z]{3})", re.ASCII)
_DURATION = re.compile(r"(?P<amount>[+-]?\d+)\s+(?P<unit>[a-z ]+)", re.ASCII)
SPACE = " \t\n\r\f\v"  # what \s matches in ASCII patterns
# Units a duration may be written in, with their size in the base unit of their class.
DURATION_UNITS: dict[str, tuple[T.DurationClass, int]] = {
    "day": ("days", 1),
    "days": ("days", 1),
    "week": ("days", 7),
    "weeks": ("days", 7),
    "working day": ("working_days", 1),
    "working days": ("working_days", 1),
    "month": ("months", 1),
    "months": ("months", 1),
    "year": ("months", 12),
    "years": ("months", 12),
}
MAX_DIGITS = 40  # longer numbers are refused rather than computed with


class Never:
    """The date of an event that does not happen: later than every date."""

    _instance: Never | None = None

    def __new__(cls) -> Never:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "never"


NEVER = Never()

RuntimeValue = bool | int | Decimal | dt.date | Never | str | float


class FactError(ValueError):
    """A fact that cannot be used: unknown name, wrong type, malformed value. ``problem`` is
    a key of messages.MESSAGES; ``expected`` what the fact's values are (None when the name
    is wrong); ``given`` the value as given."""

    def __init__(
        self,
        fact: str,
        problem: str,
        *,
        expected: str | None = None,
        given: object = None,
        **fields: object,
    ) -> None:
        self.detail = wording(problem, expected=expected, given=show(given), **fields)
        super().__init__(f"fact `{fact}`: {self.detail}")
        self.fact = fact
        self.problem = problem
        self.expected = expected
        self.given = given


def read_facts(contract: ir.Contract, raw: Mapping[str, object]) -> dict[str, RuntimeValue]:
    """Check every given fact; ``None`` means unknown and is left out."""
    if not isinstance(raw, Mapping):
        raise FactError("<facts>", "not_a_mapping", given=raw)
    declared = {f.name: f for f in contract.facts}
    out: dict[str, RuntimeValue] = {}
    for name in sorted(raw, key=name_order):
        if not isinstance(name, str):
            raise FactError(show(name), "name_not_text", given=name)
        fact = declared.get(name)
        if fact is None:
            close = closest(name, list(declared))
            suggestion = f" (did you mean `{close}`?)" if close else ""
            raise FactError(name, "no_such_fact", contract=contract.id, suggestion=suggestion)
        value = read_value(fact, raw[name])
        if value is not None:
            out[name] = value
    return out


def name_order(name: object) -> tuple[int, str]:
    """The order in which given facts are checked: names that are not texts first, as given
    (as the JavaScript runtime reports them), then by code point. Never ``str()`` of a name
    that is not a text: that of an integer of more than 4,300 digits raises ValueError."""
    return (1, name) if isinstance(name, str) else (0, "")


def read_value(fact: ir.Fact, raw: object) -> RuntimeValue | None:
    """One fact's value, or None for unknown. Raises FactError."""
    value = _read_typed(fact, raw)
    if value is not None and (fact.minimum is not None or fact.maximum is not None):
        low = order_key(fact.minimum) if fact.minimum is not None else None
        high = order_key(fact.maximum) if fact.maximum is not None else None
        if (low is not None and value < low) or (high is not None and value > high):  # type: ignore[operator]
            raise FactError(fact.name, "out_of_bounds", expected=describe(fact), given=raw)
    return value


def _read_typed(fact: ir.Fact, raw: object) -> RuntimeValue | None:
    """One fact's value as its type reads it, or None for unknown. Raises FactError."""
    if raw is None:
        return None
    t = fact.type
    name = fact.name

    def wrong(problem: str = "wrong_value", **fields: object) -> FactError:
        return FactError(name, problem, expected=describe(fact), given=raw, **fields)

    if isinstance(t, T.Boolean):
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise wrong()
    if isinstance(t, T.Integer):
        value = _integer(raw)
        if value is None:
            raise wrong()
        return value
    if isinstance(t, T.Money):
        amount, currency = money_parts(raw)
        number = _decimal(amount) if isinstance(amount, str) else None
        if number is None or not isinstance(currency, str):
            raise wrong()
        if currency != t.currency:
            raise wrong("wrong_currency", currency=currency)
        return number
    if isinstance(t, T.DecimalType):
        number = _decimal(raw)
        if number is None:
            raise wrong()
        return number
    if isinstance(t, T.Date):
        if isinstance(raw, str) and raw == "never":
            if fact.kind == "event":
                return NEVER
            raise wrong("never_not_event")
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, str):
            m = _DATE.fullmatch(raw)
            if m:
                try:
                    return dt.date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    raise wrong("not_a_date") from None
        raise wrong()
    if isinstance(t, T.Duration):
        value = _integer(raw)
        if value is not None:
            return value
        if isinstance(raw, str):
            m = _DURATION.fullmatch(raw.strip(SPACE))
            unit = DURATION_UNITS.get(m["unit"].strip(" ")) if m else None
            if m and unit and len(m["amount"].lstrip("+-")) <= MAX_DIGITS:
                if unit[0] != t.unit_class:
                    raise wrong("wrong_unit", unit=unit[0].replace("_", " "))
                return int(m["amount"]) * unit[1]
        raise wrong()
    if isinstance(t, T.Text):
        if isinstance(raw, str):
            return raw
        raise wrong()
    if isinstance(t, T.Enum):
        if isinstance(raw, str) and raw in t.members:
            return raw
        raise wrong()
    raise AssertionError(t)


def money_parts(raw: object) -> tuple[object, object]:
    """The amount and currency of money as given: the text ``"AMOUNT CUR"`` or the object
    results use, ``{"amount": "AMOUNT", "currency": "CUR"}`` (no other keys); (None, None)
    for anything else. A bare number is not money: it names no currency."""
    if isinstance(raw, str):
        m = _MONEY.fullmatch(raw.strip(SPACE))
        return (m["amount"], m["currency"]) if m else (None, None)
    if isinstance(raw, Mapping) and len(raw) == 2 and "amount" in raw and "currency" in raw:
        return raw["amount"], raw["currency"]
    return None, None


TODAY_WORD = "today"  # the default as-of date: the local date when the question is asked


def read_as_of(raw: object) -> dt.date | None:
    """The evaluation date as every evaluator reads ``as_of`` (docs/semantics.md, "The
    as-of date"): ``"today"`` (the default) is the local date now; a date, or YYYY-MM-DD in
    ASCII digits (not the other forms ``date.fromisoformat`` takes, such as week dates);
    None evaluates without a date: every date given counts as past, and what depends on
    the current date stays undetermined."""
    if raw is None:
        return None
    if isinstance(raw, str) and raw == TODAY_WORD:
        return dt.date.today()
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    m = _DATE.fullmatch(raw) if isinstance(raw, str) else None
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise FactError("as_of", "bad_as_of", given=raw)


def parse_assignment(text: str) -> tuple[str, object]:
    """``name=value`` from the command line; the value stays a string (typed later)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise FactError(text, "bad_assignment")
    value = value.strip()
    return name.strip(), (None if value in ("unknown", "") else value)


def _integer(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if -(10**MAX_DIGITS) < raw < 10**MAX_DIGITS else None  # no str(): any size
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer() and abs(raw) < 2**53:
        return int(raw)
    if isinstance(raw, str) and _INTEGER.fullmatch(raw) and len(raw.lstrip("+-")) <= MAX_DIGITS:
        return int(raw)
    return None


def _decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw) if -(10**MAX_DIGITS) < raw < 10**MAX_DIGITS else None
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        raw = repr(raw)
        if "e" in raw or "E" in raw:
            raw = format(Decimal(raw), "f")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            return None
        raw = format(raw, "f")
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw):
        digits = raw.lstrip("+-")
        if len(digits.replace(".", "")) > MAX_DIGITS:
            return None
        try:
            return Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            return None
    return None


def describe(fact: ir.Fact) -> str:
    """What a fact's value must be, for messages ("true or false", "a date (YYYY-MM-DD)"),
    with its bounds ("…, at least 0 USD")."""
    bounds = [
        f"{words} {value}"
        for words, value in (("at least", fact.minimum), ("at most", fact.maximum))
        if value is not None
    ]
    return ", ".join([_describe_type(fact), *bounds])


def _describe_type(fact: ir.Fact) -> str:
    t = fact.type
    if isinstance(t, T.Money):
        return (
            f'an amount of money in {t.currency} ("100.50 {t.currency}" or '
            f'{{"amount": "100.50", "currency": "{t.currency}"}})'
        )
    if isinstance(t, T.Duration):
        unit = t.unit_class.replace("_", " ")
        return f'a duration in {unit} (a whole number of {unit}, or e.g. "3 {unit}")'
    if isinstance(t, T.Date):
        return "a date (YYYY-MM-DD)" + (" or never" if fact.kind == "event" else "")
    if isinstance(t, T.Enum):
        return f"one of {', '.join(t.members)}"
    return {
        "boolean": "true or false",
        "integer": "a whole number",
        "decimal": "a decimal number",
        "text": "a text",
    }[str(t)]
