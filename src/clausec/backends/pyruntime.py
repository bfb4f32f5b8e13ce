# The runtime of generated Python evaluators: copied verbatim into every module that
# `clausec emit --target python` writes, so the module needs nothing but the standard
# library. It mirrors clausec.evaluation (facts.py, values.py, interpreter.py) and must agree
# with it on every input (tests/test_python_backend.py,
# tests/test_javascript.py). Dates are day ordinals here and
# `never` is +infinity, which keeps comparisons and arithmetic cheap.
from __future__ import annotations

import bisect as _bisect
import datetime as _dt
import math as _math
import operator as _operator
import re as _re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Context as _Context
from decimal import Decimal as _Decimal
from decimal import InvalidOperation as _InvalidOperation
from fractions import Fraction as _Fraction
from time import time as _time
from typing import Any

_INF = _math.inf
# object.__new__ and slot stores make results and unknowns at about half the cost of calling
# their classes (no __init__ frame); generated code makes results this way too.
_new = object.__new__
_EXACT = _Context(prec=200, Emax=999_999, Emin=-999_999)
_DIVISION_PLACES = 18
_MAX_DIGITS = 40
_BIG = 10**_MAX_DIGITS
_MIN_ORD = 1
_MAX_ORD = _dt.date.max.toordinal()


class FactError(ValueError):
    """A fact that cannot be used: unknown name, wrong type, malformed value. ``problem`` is
    a key of MESSAGES; ``expected`` what the fact's values are (None when the name is
    wrong); ``given`` the value as given."""

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


class EvaluationError(Exception):
    """A computation without an answer, e.g. a date beyond 9999-12-31. ``problem`` is a key
    of MESSAGES."""

    def __init__(self, problem: str, **fields: object) -> None:
        super().__init__(wording(problem, **fields))
        self.problem = problem


class _Unknown:
    __slots__ = ("deps",)

    def __init__(self, deps: frozenset[str]) -> None:
        self.deps = deps


_NONE = _Unknown(frozenset())
_TODAY = _Unknown(frozenset({"today"}))
_date = _dt.date


class _Bail(Exception):
    """The two-valued fast path met an unknown value: the three-valued code takes over."""


def _known(value: Any) -> Any:
    if value.__class__ is _Unknown:
        raise _Bail
    return value


def _unknown(deps: frozenset[str]) -> _Unknown:
    u = _new(_Unknown)
    u.deps = deps
    return u


def _u(*values: Any) -> _Unknown:
    deps: frozenset[str] = frozenset()
    for v in values:
        if v.__class__ is _Unknown:
            deps = deps | v.deps
    return _unknown(deps)


# ---------------------------------------------------------------- three-valued logic


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return _unknown(a.deps | b.deps)


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return _unknown(a.deps | b.deps)


def _not(a: Any) -> Any:
    return a if a.__class__ is _Unknown else not a


def _any(values: Iterable[Any]) -> Any:
    """Kleene disjunction: True if one is true, else unknown (all their facts) if one is."""
    deps: frozenset[str] | None = None
    for v in values:
        if v is True:
            return True
        if v is not False:
            deps = v.deps if deps is None else deps | v.deps
    return False if deps is None else _unknown(deps)


def _cmp(op: Callable[[Any, Any], bool], a: Any, b: Any) -> Any:
    if a.__class__ is _Unknown or b.__class__ is _Unknown:
        return _u(a, b)
    return op(a, b)


# ---------------------------------------------------------------- arithmetic


def _arith(kind: str, op: str, a: Any, b: Any) -> Any:
    """``a op b`` for numbers (kind "int", "dec") and durations (kind "dur")."""
    if a.__class__ is _Unknown or b.__class__ is _Unknown:
        return _u(a, b)
    if op == "/":
        if b == 0:
            return _NONE
        q = _Fraction(a) / _Fraction(b)
        return _Decimal(round(q * 10**_DIVISION_PLACES)).scaleb(-_DIVISION_PLACES, _EXACT)
    if kind == "dec":
        x, y = _Decimal(a), _Decimal(b)
        return (
            _EXACT.add(x, y)
            if op == "+"
            else _EXACT.subtract(x, y)
            if op == "-"
            else _EXACT.multiply(x, y)
        )
    r = a + b if op == "+" else a - b if op == "-" else a * b
    if r != r:  # inf - inf, inf * 0
        return _NONE
    return r


def _neg(a: Any) -> Any:
    if a.__class__ is _Unknown:
        return a
    return _EXACT.minus(a) if a.__class__ is _Decimal else -a


def _date_diff(a: Any, b: Any) -> Any:
    if a.__class__ is _Unknown or b.__class__ is _Unknown:
        return _u(a, b)
    r = a - b
    return _NONE if r != r else r


def _shift(day: Any, amount: Any, unit: str, sign: int, w: list[str]) -> Any:
    """A date moved by a duration; ``never`` stays never."""
    if day.__class__ is _Unknown or amount.__class__ is _Unknown:
        return _u(day, amount)
    if day == _INF:
        return _INF
    if amount.__class__ is float:  # infinite duration
        return _INF if (amount > 0) == (sign > 0) else _NONE
    amount *= sign
    if unit == "days":
        result = day + amount
    elif unit == "months":
        if abs(amount) > 12 * 10_000:
            _out_of_range(day, amount, unit)
        d = _dt.date.fromordinal(day)
        year, month = divmod(d.year * 12 + d.month - 1 + amount, 12)
        if not 1 <= year <= 9999:
            _out_of_range(day, amount, unit)
        month += 1
        result = _dt.date(year, month, min(d.day, _month_length(year, month))).toordinal()
    else:
        if abs(amount) > 366 * 10_000:
            _out_of_range(day, amount, unit)
        result = _add_working_days(day, amount, w, unit)
    if not _MIN_ORD <= result <= _MAX_ORD:
        _out_of_range(day, amount, unit)
    return result


def _count_between(unit: str, start: Any, end: Any, w: list[str]) -> Any:
    """Working days or whole months from ``start`` to ``end`` (``never`` as in a difference)."""
    if start.__class__ is _Unknown or end.__class__ is _Unknown:
        return _u(start, end)
    if start == _INF or end == _INF:
        return _date_diff(end, start)
    if end < start:
        return -_count_between(unit, end, start, w)
    if unit == "months":
        s, e = _dt.date.fromordinal(start), _dt.date.fromordinal(end)
        months = (e.year - s.year) * 12 + e.month - s.month
        return months if _shift(start, months, "months", 1, w) <= end else months - 1
    if _CAL_CODE is None:
        raise EvaluationError("no_calendar")
    weeks, rest = divmod(end - start, 7)
    total = weeks * (7 - len(_CAL_WEEKEND))
    total += sum((start + i - 1) % 7 + 1 not in _CAL_WEEKEND for i in range(1, rest + 1))
    listed = _listed_days()
    for day in listed[_bisect.bisect_right(listed, start) : _bisect.bisect_right(listed, end)]:
        total += _is_working_day(day) - ((day - 1) % 7 + 1 not in _CAL_WEEKEND)
    _calendar_warnings(start, end, w)
    return total


_LISTED: list[list[int]] = []


def _listed_days() -> list[int]:
    """The days the calendar's tables list (holidays and make-up days), sorted, made once."""
    if not _LISTED:
        _LISTED.append(sorted(_CAL_OFF | _CAL_ON))
    return _LISTED[0]


def _out_of_range(day: int, amount: int, unit: str) -> None:
    raise EvaluationError(
        "date_out_of_range",
        date=_dt.date.fromordinal(day).isoformat(),
        amount=amount,
        unit=unit.replace("_", " "),
    )


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_length(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def _is_working_day(day: int) -> bool:
    if day in _CAL_ON:
        return True
    return (day - 1) % 7 + 1 not in _CAL_WEEKEND and day not in _CAL_OFF


def _add_working_days(start: int, count: int, w: list[str], unit: str) -> int:
    if _CAL_CODE is None:
        raise EvaluationError("no_calendar")
    step = 1 if count >= 0 else -1
    day, left = start, abs(count)
    while left:
        day += step
        if day < _MIN_ORD or day > _MAX_ORD:
            _out_of_range(start, count, unit)
        if _is_working_day(day):
            left -= 1
    _calendar_warnings(min(start, day), max(start, day), w)
    return day


def _calendar_warnings(lo: int, hi: int, w: list[str]) -> None:
    """What is uncertain about counting working days between the days ``lo`` and ``hi``."""
    lo_year = _dt.date.fromordinal(lo).year
    hi_year = _dt.date.fromordinal(hi).year
    if lo_year < _CAL_FIRST or hi_year > _CAL_LAST:
        w.append(wording("calendar_range", code=_CAL_CODE, first=_CAL_FIRST, last=_CAL_LAST))
    if _CAL_ANNOUNCED is not None and hi_year > _CAL_ANNOUNCED:
        w.append(wording("makeup_unknown", code=_CAL_CODE, announced=_CAL_ANNOUNCED, year=hi_year))


def _extremum(kind: str, args: list[Any]) -> Any:
    if any(a.__class__ is _Unknown for a in args):
        return _u(*args)
    return min(args) if kind in ("earliest", "least") else max(args)


def _occurred(v: Any, as_of: Any) -> Any:
    if v.__class__ is _Unknown:
        return v
    if v == _INF:
        return False
    if as_of is _LATER:
        as_of = _today()
    return as_of is None or v <= as_of


def _next_monthly(start: Any, days: tuple[int, ...], after: bool) -> int:
    """The first day on or after ``start`` (strictly after when ``after``) that falls on one of
    ``days`` of its month, a day beyond the month's end counting as its last."""
    if after:
        if start == _MAX_ORD:
            raise EvaluationError("monthly_beyond", days=", ".join(map(str, sorted(days))))
        start += 1
    d = _dt.date.fromordinal(start)
    year, month = d.year, d.month
    while True:
        last = _month_length(year, month)
        for day in sorted(days):
            candidate = _dt.date(year, month, min(day, last)).toordinal()
            if candidate >= start:
                return candidate
        if (year, month) == (9999, 12):
            raise EvaluationError("monthly_beyond", days=", ".join(map(str, sorted(days))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _due_on(day: Any) -> Any:
    """The due key of a date (unknown when the date is)."""
    return day if day.__class__ is _Unknown else (1, day, "date")


# ---------------------------------------------------------------- facts

# Facts given as text are ASCII: digits 0-9, and spaces, tabs and line breaks between parts.
_DECIMAL_RE = _re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", _re.ASCII)
_INTEGER_RE = _re.compile(r"[+-]?\d+", _re.ASCII)
_DATE_RE = _re.compile(r"(\d{4})-(\d{2})-(\d{2})", _re.ASCII)
_MONEY_RE = _re.compile(r"(?P<amount>\S+)\s+(?P<currency>[A-Z]{3})", _re.ASCII)
_DURATION_RE = _re.compile(r"(?P<amount>[+-]?\d+)\s+(?P<unit>[a-z ]+)", _re.ASCII)
_SPACE = " \t\n\r\f\v"
_UNITS = {
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


def _integer(raw: object) -> int | None:
    if raw.__class__ is bool:
        return None
    if isinstance(raw, int):
        return raw if -_BIG < raw < _BIG else None  # no str(): any size
    if isinstance(raw, float) and _math.isfinite(raw) and raw.is_integer() and abs(raw) < 2**53:
        return int(raw)
    if isinstance(raw, str) and _INTEGER_RE.fullmatch(raw) and len(raw.lstrip("+-")) <= _MAX_DIGITS:
        return int(raw)
    return None


def _decimal(raw: object) -> _Decimal | None:
    if raw.__class__ is bool:
        return None
    if isinstance(raw, int):
        return _Decimal(raw) if -_BIG < raw < _BIG else None
    if isinstance(raw, float):
        if not _math.isfinite(raw):
            return None
        raw = repr(raw)
        if "e" in raw or "E" in raw:
            raw = format(_Decimal(raw), "f")
    if isinstance(raw, _Decimal):
        if not raw.is_finite():
            return None
        raw = format(raw, "f")
    if isinstance(raw, str) and _DECIMAL_RE.fullmatch(raw):
        if len(raw.lstrip("+-").replace(".", "")) > _MAX_DIGITS:
            return None
        try:
            return _Decimal(raw)
        except _InvalidOperation:
            return None
    return None


def _money_parts(raw: object) -> tuple[object, object]:
    """Amount and currency of money given as "AMOUNT CUR" or {"amount", "currency"}."""
    if isinstance(raw, str):
        m = _MONEY_RE.fullmatch(raw.strip(_SPACE))
        return (m["amount"], m["currency"]) if m else (None, None)
    if isinstance(raw, Mapping) and len(raw) == 2 and "amount" in raw and "currency" in raw:
        return raw["amount"], raw["currency"]
    return None, None


def _money(raw: object, currency: str) -> Any:
    """The amount of money given in ``currency``, or None (the reading raises the error)."""
    amount, given = _money_parts(raw)
    return _decimal(amount) if given == currency and isinstance(amount, str) else None


def _read(name: str, raw: object) -> Any:
    """A fact's runtime value, or its unknown marker. Raises FactError."""
    value = _read_typed(name, raw)
    bounds = _BOUNDS.get(name)
    if bounds is not None and raw is not None:
        low, high = bounds
        if (low is not None and value < low) or (high is not None and value > high):
            raise FactError(name, "out_of_bounds", expected=_FACTS[name][2], given=raw)
    return value


def _read_typed(name: str, raw: object) -> Any:
    """A fact's runtime value as its type reads it, or its unknown marker."""
    if raw is None:
        return _MISSING[name]
    kind, param, expected, event = _FACTS[name]
    problem, fields = "wrong_value", {}
    if kind == "boolean":
        if raw is True or raw is False:
            return raw
        if raw in ("true", "false"):
            return raw == "true"
    elif kind == "integer":
        value = _integer(raw)
        if value is not None:
            return value
    elif kind == "money":
        amount, currency = _money_parts(raw)
        number = _decimal(amount) if isinstance(amount, str) else None
        if number is not None and isinstance(currency, str):
            if currency != param:
                raise FactError(
                    name, "wrong_currency", expected=expected, given=raw, currency=currency
                )
            return number
    elif kind == "decimal":
        number = _decimal(raw)
        if number is not None:
            return number
    elif kind == "date":
        if isinstance(raw, str) and raw == "never":
            if event:
                return _INF
            problem = "never_not_event"
        elif isinstance(raw, _dt.date) and not isinstance(raw, _dt.datetime):
            return raw.toordinal()
        elif isinstance(raw, str):
            m = _DATE_RE.fullmatch(raw)
            if m:
                try:
                    return _dt.date(int(m[1]), int(m[2]), int(m[3])).toordinal()
                except ValueError:
                    problem = "not_a_date"
    elif kind == "duration":
        value = _integer(raw)
        if value is not None:
            return value
        if isinstance(raw, str):
            m = _DURATION_RE.fullmatch(raw.strip(_SPACE))
            unit = _UNITS.get(m["unit"].strip(" ")) if m else None
            if m and unit and len(m["amount"].lstrip("+-")) <= _MAX_DIGITS:
                if unit[0] != param:
                    problem, fields = "wrong_unit", {"unit": unit[0].replace("_", " ")}
                else:
                    return int(m["amount"]) * unit[1]
    elif kind == "text":
        if isinstance(raw, str):
            return raw
    elif kind == "enum" and isinstance(raw, str) and raw in param:
        return raw
    raise FactError(name, problem, expected=expected, given=raw, **fields)


def _check(facts: Mapping[str, object], reads: frozenset[str]) -> None:
    """Facts the question does not read are checked too (all of them, in name order)."""
    _check_mapping(facts)
    if not reads.issuperset(facts):
        _check_all(facts)


def _check_mapping(facts: object) -> None:
    if facts.__class__ is not dict and not isinstance(facts, Mapping):
        raise FactError("<facts>", "not_a_mapping", given=facts)


def _check_name(name: object) -> None:
    if not isinstance(name, str):
        raise FactError(show(name), "name_not_text", given=name)
    if name not in _FACTS:
        close = closest(name, list(_FACTS))
        suggestion = f" (did you mean `{close}`?)" if close else ""
        raise FactError(name, "no_such_fact", contract=CONTRACT["id"], suggestion=suggestion)


def _name_order(name: object) -> tuple[int, str]:
    """Names that are not texts first, as given; then by code point (no str() of a name)."""
    return (1, name) if isinstance(name, str) else (0, "")


def _check_all(facts: Mapping[str, object]) -> None:
    """Raise the FactError of the first wrong fact, in name order."""
    for name in sorted(facts, key=_name_order):
        _check_name(name)
        _read(name, facts[name])


def _convert(name: str, raw: object) -> Any:
    """A fact's runtime value exactly as a question's own reading makes it: a value of its
    plain type is kept as it is (an ``int`` amount stays an ``int``), anything else goes
    through _read."""
    kind = _FACTS[name][0]
    if name in _BOUNDS:
        plain = False  # _read checks the bounds
    elif kind == "boolean":
        plain = raw.__class__ is bool
    elif kind in ("integer", "duration", "decimal"):
        plain = raw.__class__ is int and -_BIG < raw < _BIG
    elif kind == "text":
        plain = raw.__class__ is str
    elif kind == "date" and raw.__class__ is _date:
        return raw.toordinal()
    else:
        plain = False
    return raw if plain else _read(name, raw)


class Facts(Mapping[str, object]):
    """A fact set checked once. ``Facts(mapping)`` raises the FactError that a question would
    raise for ``mapping`` (the first wrong fact in name order); every question then takes
    the Facts in place of the mapping, skips the checks and gives the same Result. It reads
    like the mapping it was made from and cannot be changed."""

    __slots__ = ("_given", "_known", "_values")
    _given: dict[str, object]
    _values: tuple[Any, ...]  # runtime values in the order of _FACTS, unknowns included
    _known: int  # bit i set: the i-th fact of _FACTS is known

    def __init__(self, facts: Mapping[str, object]) -> None:
        _check_mapping(facts)
        given = dict(facts)
        values = list(_UNKNOWNS)
        known = 0
        try:
            for name, raw in given.items():
                i = _INDEX[name]
                value = _convert(name, raw)
                values[i] = value
                if value.__class__ is not _Unknown:
                    known |= 1 << i
        except (KeyError, FactError):
            _check_all(given)  # the error of the first wrong fact in name order, as a call
            raise
        object.__setattr__(self, "_given", given)
        object.__setattr__(self, "_values", tuple(values))
        object.__setattr__(self, "_known", known)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Facts cannot be changed; make a new one")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Facts cannot be changed; make a new one")

    def __getitem__(self, name: str) -> object:
        return self._given[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._given)

    def __len__(self) -> int:
        return len(self._given)

    def __repr__(self) -> str:
        return f"Facts({self._given!r})"

    def __reduce__(self) -> tuple[type[Facts], tuple[dict[str, object]]]:
        return Facts, (self._given,)


_TODAY_WORD = "today"  # the default as-of date
# The as-of date of a call that left it to the default, before anything read it: the answer
# does not depend on the date until something does (then it is today's, from _today()).
_LATER: Any = type("_Later", (), {"__slots__": (), "__repr__": lambda self: "<today>"})()
# The time (seconds since the epoch) until which today's date holds — the next local
# midnight — and that date as an ordinal: asking the calendar for the date on every call cost
# more than most decisions do. One tuple, replaced whole, so that threads read a
# consistent pair.
_today_state: tuple[float, int] = (0.0, 0)


def _today() -> int:
    global _today_state
    state = _today_state
    if _time() < state[0]:
        return state[1]
    day = _dt.date.today()
    midnight = _dt.datetime.combine(day + _dt.timedelta(days=1), _dt.time())
    _today_state = (midnight.timestamp(), day.toordinal())
    return _today_state[1]


def _as_of(value: object) -> int | None:
    """``as_of`` (docs/semantics.md, "The as-of date"): "today" (the default), a date or
    YYYY-MM-DD, or None (no date)."""
    if value is None:
        return None
    if value.__class__ is str and value == _TODAY_WORD:
        return _today()
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.toordinal()
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return _dt.date.fromisoformat(value).toordinal()
        except ValueError:
            pass
    raise FactError("as_of", "bad_as_of", given=value)


# ---------------------------------------------------------------- results


def _canonical(d: Any) -> str:
    text = format(_Decimal(d), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _json(value: Any, kind: str, param: Any) -> object:
    """A runtime value in the output format of results."""
    if kind == "date":
        return _date_json(value)
    if kind == "money":
        return {
            "amount": str(value) if value.__class__ is int else _canonical(value),
            "currency": param,
        }
    if kind == "decimal":
        return _canonical(value)
    if kind == "duration":
        if value.__class__ is float:
            return {"amount": "infinite" if value > 0 else "-infinite", "unit": param}
        return {"amount": value, "unit": param}
    return value


_ISO: dict[int, str] = {}  # dates already written: results give the same few often


def _date_json(day: Any) -> str:
    if day == _INF:
        return "never"
    text = _ISO.get(day)
    if text is None:
        if len(_ISO) >= 4096:
            _ISO.clear()
        text = _ISO[day] = _dt.date.fromordinal(day).isoformat()
    return text


# question -> (norm, status code) -> what a reason says besides its facts: filled when first
# asked for (the tables it reads are the module's, and constant).
_REASON_ROWS: dict[str, dict[tuple[str | None, str], tuple[Any, ...]]] = {}


def _reason_row(question: str, norm: str | None, code: str) -> tuple[Any, ...]:
    """status, clause, modality, quote, condition, the facts it reads, and duty of a reason."""
    status, _, index = code.partition(":")
    condition: str | None = None
    reads: tuple[str, ...] = ()
    clause = modality = quote = duty = None
    if norm is None:
        if index:
            condition, reads = _VALUE_PARTS[question][int(index)]
    else:
        clause, modality, _, norm_reads = _NORMS[norm]
        quote = _CLAUSES[clause][0]
        conditions, exceptions, remedied, lapse_reads = _PARTS[norm]
        if index:
            parts = exceptions if status == "exception_applies" else conditions
            condition, reads = parts[int(index)]
        elif status == "prohibits":
            reads = norm_reads
        elif status in ("lapsed", "ended"):
            reads = lapse_reads
        elif status == "not_breached":
            duty = remedied
    return status, clause, modality, quote, condition, reads, duty


def _facts_json(
    names: Iterable[str], position: Mapping[str, int], values: tuple[Any, ...]
) -> dict[str, object]:
    """The known facts among ``names``, in the output form of values (``position``: where
    each fact read is in ``values``)."""
    out: dict[str, object] = {}
    for name in names:
        i = position.get(name)
        if i is None:
            continue
        v = values[i]
        if v.__class__ is bool:  # most facts: their output form is the value
            out[name] = v
        elif v.__class__ is not _Unknown:
            spec = _FACTS[name]
            out[name] = _json(v, spec[0], spec[1])
    return out


def _as_of_json(day: Any) -> str | None:
    """A result's as-of date in the output form; ``_LATER`` (the answer did not depend on
    the date) is today's, since the answer holds at any date."""
    if day is _LATER:
        day = _today()
    return None if day is None else _date_json(day)


class Result:
    """The answer to a question, with its grounds; ``to_dict()`` gives the documented
    JSON shape (docs/semantics.md)."""

    # Two slots and a tuple: a decision made on the fast path pays for little more than
    # its answer and grounds; everything else is unpacked only when asked for.
    __slots__ = ("_grounds", "_rest", "answer")

    def __init__(
        self,
        answer: str,
        grounds: tuple[str, ...],
        rest: tuple[
            str,
            tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
            tuple[str, ...],
            dict[str, Any],
            object,
            dict[str, int],
            tuple[Any, ...],
            list[str],
            tuple[Any, ...] | None,
            tuple[str, ...],
            dict[str, Any],
            int | None,
            dict[str, tuple[Any, ...]],
            dict[str, Any],
        ],
    ) -> None:
        self.answer = answer
        self._grounds = grounds
        # question, overridden, depends_on, due keys, value, where each fact read is in the
        # values read, values read, warnings, what the reasons are worked out from (None
        # when there are none), the presumed facts the answer relied on, the amounts of
        # grounds, the as-of date (an ordinal; None: no date), the amounts of the extensions
        # of grounds' due dates (None where one does not hold), the due dates of grounds
        # before they moved to a working day
        self._rest = rest

    @property
    def question(self) -> str:
        return self._rest[0]

    @property
    def as_of(self) -> str | None:
        """The date the answer was evaluated at (YYYY-MM-DD); None: evaluated without one."""
        return _as_of_json(self._rest[11])

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The unknown facts that would decide an undetermined answer."""
        return self._rest[2]

    @property
    def value(self) -> object:
        """The answer to a value question, in the output format of values."""
        return self._rest[4]

    @property
    def warnings(self) -> tuple[str, ...]:
        """What is uncertain about the answer (e.g. make-up days not yet announced)."""
        return tuple(sorted(set(self._rest[7])))

    @property
    def kind(self) -> str:
        return _QUESTIONS[self.question][0]

    @property
    def grounds(self) -> tuple[dict[str, object], ...]:
        """The norms that ground the answer: clause, quote, the facts they read."""
        out: list[dict[str, object]] = []
        for norm in self._grounds:
            clause, modality, deadline_kind, reads = _NORMS[norm]
            quote, gloss = _CLAUSES[clause]
            due = self._rest[3].get(norm)
            deadline: dict[str, object] | None = None
            if deadline_kind is not None and due is not None and due.__class__ is not _Unknown:
                deadline = {
                    "kind": deadline_kind,
                    "due": _date_json(due[1]) if due[0] == 1 else None,
                    "extended": self._extended(norm) if due[0] == 1 else [],
                    "moved": self._moved(norm, due[1]) if due[0] == 1 else None,
                }
            facts = self._given(reads)
            amount: dict[str, object] | None = None
            forms: tuple[str, ...] = ()
            if norm in _STATES:
                kind, value_kind, param, forms, source = _STATES[norm]
                if kind is not None:
                    if source is None:
                        v = self._rest[10].get(norm)
                    elif source[0] is None:  # a constant, in its output form (a copy)
                        v = dict(source[1]) if source[1].__class__ is dict else source[1]
                        value_kind = ""
                    else:  # a fact
                        i = self._rest[5].get(source[0])
                        v = None if i is None else self._rest[6][i]
                    known = v is not None and v.__class__ is not _Unknown
                    amount = {"kind": kind, "value": _json(v, value_kind, param) if known else None}
            out.append(
                {
                    "norm": norm,
                    "clause": clause,
                    "modality": modality,
                    "quote": quote,
                    "gloss": gloss,
                    "facts": facts,
                    "deadline": deadline,
                    "amount": amount,
                    "forms": list(forms),
                }
            )
        return tuple(out)

    @property
    def overridden(self) -> tuple[dict[str, object], ...]:
        """Norms that apply but yield, and the norms (and priority clauses) they yield to."""
        return tuple(
            {
                "norm": norm,
                "clause": _NORMS[norm][0],
                "by": [{"norm": h, "clause": _NORMS[h][0], "stated_in": s} for h, s in by],
            }
            for norm, by in self._rest[1]
        )

    @property
    def reasons(self) -> tuple[dict[str, object], ...]:
        """Why a negative answer is negative (docs/semantics.md, "Reasons")."""
        out: list[dict[str, object]] = []
        rest = self._rest
        explain = rest[8]
        if not explain:
            return ()
        question = rest[0]
        rows = _REASON_ROWS.setdefault(question, {})
        position, values = rest[5], rest[6]
        for norm, code, by, day in _EXPLAIN[question](*explain):
            row = rows.get((norm, code))
            if row is None:
                row = rows[norm, code] = _reason_row(question, norm, code)
            status, clause, modality, quote, condition, reads, duty = row
            out.append(
                {
                    "status": status,
                    "norm": norm,
                    "clause": clause,
                    "modality": modality,
                    "quote": quote,
                    "condition": condition,
                    "facts": _facts_json(reads, position, values) if reads else {},
                    "by": [{"norm": h, "clause": _NORMS[h][0], "stated_in": s} for h, s in by]
                    if status == "overridden"
                    else [],
                    "duty": duty,
                    "date": _date_json(day) if status in ("lapsed", "ended") else None,
                }
            )
        return tuple(out)

    @property
    def presumptions(self) -> tuple[dict[str, object], ...]:
        """The presumptions the answer relied on: facts not given, taken to be a value."""
        return tuple(
            {"fact": name, "value": value, "reason": reason, "rests_on": list(rests_on)}
            for name in self._rest[9]
            for _, value, reason, rests_on in (_PRESUMED[name],)
        )

    def _moved(self, norm: str, due: Any) -> dict[str, object] | None:
        """Where ground ``norm``'s due date fell before it moved to a working day, and why."""
        unmoved = self._rest[13].get(norm)
        if unmoved is None or unmoved == due:
            return None
        return {
            "from": _date_json(unmoved),
            "reason": f"not a working day in {CONTRACT['calendar']}",
        }

    def _extended(self, norm: str) -> list[dict[str, object]]:
        """The extensions that moved ground ``norm``'s due date (docs/semantics.md)."""
        amounts = self._rest[12].get(norm)
        if amounts is None:
            return []
        return [
            {
                "clause": clause,
                "mode": mode,
                "amount": _json(v, "duration", unit),
                "facts": self._given(reads),
            }
            for (clause, mode, unit, reads), v in zip(_EXTENSIONS[norm], amounts, strict=True)
            if v is not None
        ]

    def _given(self, names: tuple[str, ...]) -> dict[str, object]:
        """The given facts among ``names``, in the output form of values."""
        return _facts_json(names, self._rest[5], self._rest[6])

    @property
    def due(self) -> str | None:
        """The earliest due date among the grounds, if any."""
        days = [
            d[1]
            for n in self._grounds
            if (d := self._rest[3].get(n)) is not None and d.__class__ is not _Unknown and d[0] == 1
        ]
        return _date_json(min(days)) if days else None

    def to_dict(self) -> dict[str, object]:
        rest = self._rest
        question, overridden, depends_on, dues, value = rest[:5]
        warnings, reasons, presumed = rest[7:10]
        grounds = self._grounds  # most answers have no grounds or no overrides: skip those
        return {
            "contract": CONTRACT["id"],
            "question": question,
            "kind": _QUESTIONS[question][0],
            "answer": self.answer,
            "value": value,
            "due": self.due if grounds and dues else None,
            "as_of": _as_of_json(rest[11]),
            "grounds": list(self.grounds) if grounds else [],
            "overridden": list(self.overridden) if overridden else [],
            "reasons": list(self.reasons) if reasons else [],
            "presumptions": list(self.presumptions) if presumed else [],
            "depends_on": list(depends_on),
            "warnings": sorted(set(warnings)) if warnings else [],
        }

    def __repr__(self) -> str:
        return f"Result({self.question!r}, answer={self.answer!r})"


def _presume(
    function: Callable[..., Result],
    facts: Mapping[str, object],
    as_of: object,
    deps: tuple[str, ...],
) -> Result:
    """An undetermined answer asked again with the presumed values of the facts it waits for
    (docs/semantics.md, "Presumptions"); the result names them."""
    relied = tuple(name for name in deps if name in _PRESUMED)
    given = dict(facts)  # a Facts gives its facts as given
    for name in relied:
        given[name] = _PRESUMED[name][0]
    result = function(given, as_of=as_of, presume=False)
    result._rest = (*result._rest[:9], relied, *result._rest[10:])
    return result


# The due dates of a result without deadlines, and the facts of a question that reads none:
# one of each for all questions, which nothing changes.
_NO_DUES: dict[str, Any] = {}
_NO_POSITIONS: dict[str, int] = {}
_NO_NAMES: frozenset[str] = frozenset()
