"""Seeded fact sets for differential tests of generated evaluators against the interpreter.

API (deterministic for a given contract and seed; no global random state is touched)::

    fact_cases(contract, n, seed) -> list[tuple[dict[str, object], str | None]]
        n cases (raw facts, as_of): raw facts as accepted by
        clausec.evaluation.interpreter.ask / clausec.evaluation.facts.read_facts, JSON-compatible
        (values are None, bool, int within +-(2**53 - 1), non-integral float, str, or
        a money object {"amount": str, "currency": str}); as_of is
        None or an ISO date "YYYY-MM-DD" (pass dt.date.fromisoformat(as_of) to the interpreter).
    fact_sets(contract, n, seed) -> list[dict[str, object]]
        the fact dicts of fact_cases(contract, n, seed), without as_of.

Each fact is omitted, None (unknown) or given a value of its type: booleans (also "true" /
"false"); integers, decimals and money near the constants of the contract's expressions (c-1,
c, c+1, c+-0.01) and random ones, as int or decimal string (money as "N CUR" or
{"amount": "N", "currency": "CUR"}); durations near the
constants of the same unit class, as int or "N working days" / "N weeks" / "N years" strings;
dates over 2023-2028 (often close to a per-case base date, so that facts compared with each
other meet at the boundaries; holidays, make-up working days and month ends of the contract's
calendar) or "never" for events — and, so that due dates land on holidays and as-of dates and
events fall just before, on and just after them, dates that are an earlier date of the case
moved by one of the contract's periods, give or take a day, and holidays moved back by one;
enumeration members; short texts. A few cases (about 3%) hold
one value the readers must reject, or a misspelled fact name, so that FactError paths are
compared too. Floats are never integral (JSON could not tell 10.0 from 10).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TypeVar

from clausec.evaluation import calendar as C
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir import values as V
from clausec.ir.values import UNIT_SIZE

__all__ = ["fact_cases", "fact_sets"]

_T = TypeVar("_T", Decimal, dt.date)

FIRST = dt.date(2023, 1, 1)
LAST = dt.date(2028, 12, 31)
_EXTREME_DATES = [
    dt.date(9999, 12, 31),
    dt.date(9999, 11, 30),
    dt.date(9999, 12, 20),
    dt.date(1, 1, 1),
    dt.date(1, 2, 1),
]
_TEXTS = ["", "a", "Schriftform", "email", "说明", "x y", "O'Brien", 'say "hi"']


def fact_sets(contract: ir.Contract, n: int, seed: int) -> list[dict[str, object]]:
    """The raw fact dicts of ``fact_cases(contract, n, seed)``."""
    return [facts for facts, _ in fact_cases(contract, n, seed)]


def fact_cases(
    contract: ir.Contract, n: int, seed: int
) -> list[tuple[dict[str, object], str | None]]:
    """``n`` pairs (raw facts, as_of or None), the same for the same contract and seed."""
    gen = _Generator(contract, seed)
    return [gen.case() for _ in range(n)]


# ------------------------------------------------------------------ constants of the contract


def _expressions(contract: ir.Contract) -> list[ir.Expr]:
    roots: list[ir.Expr | None] = [d.expr for d in contract.definitions]
    for n in contract.norms:
        roots += [n.condition, *n.exceptions, n.breach]
        if n.amount is not None:
            roots.append(n.amount.expr)
        if n.deadline is not None:
            roots += [n.deadline.anchor, n.deadline.duration]
        for x in n.extensions:
            roots += [x.amount, x.condition]
    for ext in contract.deadline_extensions:
        roots += [ext.amount, ext.condition]
    roots += [q.expr for q in contract.questions]
    return [e for r in roots if r is not None for e in ir.subexpressions(r)]


def _constants(contract: ir.Contract) -> dict[str, list[object]]:
    """Constant values by class: "number" (Decimal), "money CUR" (Decimal), "duration CLASS"
    (int, base units), "date" (dt.date), "text" (str), each sorted and without repeats."""
    found: dict[str, set[object]] = {}
    for e in _expressions(contract):
        if not isinstance(e, ir.Const):
            continue
        v = e.value
        key: str | None = None
        value: object = v
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, Decimal)):
            key, value = "number", Decimal(v)
        elif isinstance(v, V.MoneyValue):
            key, value = f"money {v.currency}", v.amount
        elif isinstance(v, V.DurationValue):
            key, value = f"duration {T.UNIT_CLASS[v.unit]}", v.amount * UNIT_SIZE[v.unit]
        elif isinstance(v, dt.date):
            key = "date"
        elif isinstance(v, str):
            key = "text"
        if key is not None:
            found.setdefault(key, set()).add(value)
    return {k: sorted(vs, key=repr) for k, vs in sorted(found.items())}


# ------------------------------------------------------------------ the generator


class _Generator:
    def __init__(self, contract: ir.Contract, seed: int) -> None:
        self.contract = contract
        self.rng = random.Random(seed)
        self.constants = _constants(contract)
        special: set[dt.date] = set()
        if contract.calendar:
            table = C.table(contract.calendar)
            for d in (*table.holidays, *table.workdays):
                if FIRST <= d <= LAST:
                    special.update(d + dt.timedelta(days=k) for k in (-1, 0, 1))
        for year in range(FIRST.year, LAST.year + 1):
            for month in range(1, 13):
                nxt = dt.date(year + month // 12, month % 12 + 1, 1)
                special.update(nxt - dt.timedelta(days=k) for k in (1, 2, 3))
            special.add(dt.date(year, 1, 29))
        for c in self.constants.get("date", []):
            assert isinstance(c, dt.date)
            special.update(c + dt.timedelta(days=k) for k in (-1, 0, 1))
        # The periods of the contract (days, working days, months), to reach due dates from
        # the case's dates; and holidays moved back by those of days, so that a period starting
        # there ends on a holiday (a due date that moves to a working day).
        self.periods = [
            (unit.removeprefix("duration "), int(str(c)))
            for unit, values in self.constants.items()
            if unit.startswith("duration ") and not unit.endswith("months")
            for c in values
            if 0 < int(str(c)) < 400
        ]
        self.calendar = C.working_days(contract.calendar) if contract.calendar else None
        if contract.calendar:
            for d in C.table(contract.calendar).holidays:
                for unit, amount in self.periods:
                    if unit == "days" and FIRST <= d - dt.timedelta(days=amount) <= LAST:
                        special.add(d - dt.timedelta(days=amount))
        self.special = sorted(special)
        self.names = [f.name for f in contract.facts]
        self.dates: list[dt.date] = []  # the dates given so far in the case

    # -------------------------------------------------------------- one case

    def case(self) -> tuple[dict[str, object], str | None]:
        rng = self.rng
        self.base = self.date_anywhere()
        self.pool = [Decimal(rng.randint(0, 20000)) for _ in range(2)]
        known = rng.choice([0.3, 0.6, 0.85, 0.95, 1.0])
        self.p_true = rng.choice([0.05, 0.2, 0.5, 0.8])
        self.dates = []
        facts: dict[str, object] = {}
        for f in self.contract.facts:
            r = rng.random()
            if r < known:
                facts[f.name] = self.value(f)
            elif r < known + (1 - known) / 3:
                facts[f.name] = None
        if rng.random() < 0.03 and self.contract.facts:
            self.spoil(facts)
        items = list(facts.items())
        rng.shuffle(items)  # the readers must not depend on the order of the names
        r = rng.random()
        as_of = None if r < 0.4 else (self.after_period() or self.date()).isoformat()
        return dict(items), as_of

    def after_period(self) -> dt.date | None:
        """About half the time, a date of the case moved by one of the contract's periods,
        give or take a day (or one day after the next working day): where due dates fall, so
        that as-of dates and events land just before, on and after them. Else None."""
        rng = self.rng
        if not self.dates or not self.periods or rng.random() < 0.5:
            return None
        start = rng.choice(self.dates)
        unit, amount = rng.choice(self.periods)
        try:
            if unit == "working_days":
                if self.calendar is None:
                    return None
                day = self.calendar.add(start, amount)
            else:
                day = start + dt.timedelta(days=amount)
            if self.calendar is not None and rng.random() < 0.3:  # past a move to a working day
                day = self.calendar.add(day - dt.timedelta(days=1), 1)
            return day + dt.timedelta(days=rng.choice([-1, 0, 0, 1]))
        except (OverflowError, ValueError):
            return None

    def spoil(self, facts: dict[str, object]) -> None:
        rng = self.rng
        f = rng.choice(self.contract.facts)
        if rng.random() < 0.25:
            name = f.name
            i = rng.randrange(len(name))
            mangled = rng.choice(
                [name[:i] + name[i + 1 :], name[:i] + "x" + name[i:], name + "s", "no.such_fact"]
            )
            if mangled not in self.names:
                facts[mangled] = True
            return
        facts[f.name] = self.bad_value(f)

    # -------------------------------------------------------------- values

    def value(self, f: ir.Fact) -> object:
        t = f.type
        rng = self.rng
        if isinstance(t, T.Boolean):
            v = rng.random() < self.p_true
            return v if rng.random() < 0.9 else ("true" if v else "false")
        if isinstance(t, T.Integer):
            i = int(self.bounded(f, self.number("number", integral=True)))
            return i if rng.random() < 0.7 and abs(i) < 2**53 else str(i)
        if isinstance(t, T.DecimalType):
            return self.number_form(self.bounded(f, self.number("number")), None)
        if isinstance(t, T.Money):
            return self.money_form(self.bounded(f, self.number(f"money {t.currency}")), t.currency)
        if isinstance(t, T.Duration):
            return self.duration(t.unit_class)
        if isinstance(t, T.Date):
            if f.kind == "event" and rng.random() < 0.2:
                return "never"
            day = self.bounded(f, self.after_period() or self.date())
            self.dates.append(day)
            return day.isoformat()
        if isinstance(t, T.Text):
            return rng.choice(_TEXTS + [str(c) for c in self.constants.get("text", [])])
        if isinstance(t, T.Enum):
            return rng.choice(t.members)
        raise AssertionError(t)

    def bounded(self, f: ir.Fact, value: _T) -> _T:
        """``value`` moved within the fact's bounds, mostly: now and then it is left outside,
        so that the readers' bound checks are compared too."""
        if self.rng.random() < 0.05:
            return value
        for bound, below in ((f.minimum, True), (f.maximum, False)):
            if bound is not None:
                key = V.order_key(bound)
                if (value < key) if below else (value > key):  # type: ignore[operator]
                    value = key  # type: ignore[assignment]
        return value

    def number(self, key: str, integral: bool = False) -> Decimal:
        rng = self.rng
        consts = [Decimal(str(c)) for c in self.constants.get(key, [])]
        if key.startswith("money"):
            consts += [Decimal(str(c)) for c in self.constants.get("number", [])]
        r = rng.random()
        if consts and r < 0.5:
            c = rng.choice(consts)
            step = Decimal(1) if integral or rng.random() < 0.7 else Decimal("0.01")
            v = c + rng.choice([-1, 0, 0, 1]) * step
        elif r < 0.7:
            v = rng.choice(self.pool)
        elif r < 0.95:
            v = Decimal(rng.randint(-100, 20000))
            if not integral and rng.random() < 0.4:
                v += Decimal(rng.randint(0, 99)) / 100
        else:
            v = Decimal(rng.choice([10**39 - 1, -(10**39), 123456789012345678901234567890]))
        return v.to_integral_value() if integral else v

    def number_form(self, v: Decimal, currency: str | None) -> object:
        rng = self.rng
        r = rng.random()
        text = format(v, "f")
        if r < 0.3 and v == v.to_integral_value() and abs(v) < 2**53:
            return int(v)
        if r < 0.35 and v != v.to_integral_value() and len(text) < 12:
            return float(text)  # a non-integral float: JSON keeps it exactly as written
        if r < 0.8 and v == v.to_integral_value():
            return format(v, ".2f")
        return text

    def money_form(self, v: Decimal, currency: str) -> object:
        """Money as the text "AMOUNT CUR" or the object {"amount", "currency"}."""
        rng = self.rng
        text = format(v, ".2f") if rng.random() < 0.3 else format(v, "f")
        r = rng.random()
        if r < 0.4:
            return {"amount": text, "currency": currency}
        if r < 0.8:
            return f"{text} {currency}"
        return f" {text}\t {currency} "

    def duration(self, unit_class: str) -> object:
        rng = self.rng
        consts = [int(str(c)) for c in self.constants.get(f"duration {unit_class}", [])]
        r = rng.random()
        if consts and r < 0.6:
            v = rng.choice(consts) + rng.choice([-1, 0, 0, 1])
        elif r < 0.98:
            v = rng.randint(-2, 40)
        elif unit_class == "working_days":  # past the limit; about 46 years (slow to count)
            v = rng.choice([3_660_001, -3_660_001, 12_000])
        else:
            v = rng.choice([10**6, -(10**6), 4 * 10**6])
        form = rng.random()
        if form < 0.4:
            return v
        if unit_class == "working_days":
            return f"{v} working day" if v == 1 else f"{v} working days"
        if unit_class == "days":
            if v % 7 == 0 and form < 0.6:
                return f"{v // 7} weeks"
            return f"{v} days"
        if v % 12 == 0 and form < 0.6:
            return f"{v // 12} years"
        return f"{v} months"

    def date_anywhere(self) -> dt.date:
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(self.special)
        return FIRST + dt.timedelta(days=rng.randrange((LAST - FIRST).days + 1))

    def date(self) -> dt.date:
        """A date near the case's base date (about half the time), else anywhere."""
        rng = self.rng
        r = rng.random()
        if r < 0.01:  # near the ends of the date range: arithmetic may leave it
            return rng.choice(_EXTREME_DATES)
        if r < 0.3:
            return self.base + dt.timedelta(days=rng.randint(-40, 40))
        if r < 0.5:  # a month or three around the base, give or take a day
            months = rng.choice([-3, -1, 1, 3])
            y, m = divmod(self.base.month - 1 + months, 12)
            year, month = self.base.year + y, m + 1
            last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
            d = dt.date(year, month, min(self.base.day, last))
            return d + dt.timedelta(days=rng.choice([-1, 0, 1]))
        return self.date_anywhere()

    def bad_value(self, f: ir.Fact) -> object:
        """A value that the fact readers must reject (or, rarely, one at the edge of a limit)."""
        rng = self.rng
        t = f.type
        common: list[object] = [[1, 2], {"a": 1}, "", "  ", "unknown"]
        by_type: list[object]
        if isinstance(t, T.Boolean):
            by_type = ["yes", "True", 1, 0, 1.5]
        elif isinstance(t, T.Integer):
            by_type = ["1.5", 1.5, "1e3", "x", True, "9" * 40, "9" * 41, "+-1", " 12"]
        elif isinstance(t, T.Money):
            other = "EUR" if t.currency != "EUR" else "USD"
            by_type = [
                100,  # a bare number names no currency
                "100",
                2.5,
                f"100{t.currency}",
                f"100 {other}",
                f"1,5 {t.currency}",
                f"{'1' * 41} {t.currency}",
                {"amount": "100", "currency": other},
                {"amount": 100, "currency": t.currency},
                {"amount": "1e3", "currency": t.currency},
                {"amount": "100"},
                {"amount": "100", "currency": t.currency, "note": "x"},
                {"amount": "100", "currency": None},
            ]
        elif isinstance(t, T.DecimalType):
            cur = "CNY"
            other = "EUR"
            by_type = [
                "abc",
                "1,5",
                "1e3",
                f"100 {other}",
                f"100 {cur}",
                "1" * 41,
                "0." + "1" * 40,
                ".5",
                "5.",
                "-.5",
                True,
                1e-7,
                2.5e16,
            ]
        elif isinstance(t, T.Duration):
            wrong = {"days": "3 months", "working_days": "3 days", "months": "3 working days"}
            by_type = [wrong[t.unit_class], "3 fortnights", "3", "three days", 1.5, "1" * 41]
        elif isinstance(t, T.Date):
            by_type = [
                "2024-02-30",
                "2023-02-29",
                "0000-01-01",
                "2024-1-5",
                "20240105",
                "never",
                "NEVER",
                "9999-12-31",
                "2024-02-29",
            ]
        elif isinstance(t, T.Text):
            by_type = [5, True, 2.5]
        elif isinstance(t, T.Enum):
            by_type = ["nope", t.members[0].upper(), 3]
        else:
            raise AssertionError(t)
        return rng.choice(by_type + common)
