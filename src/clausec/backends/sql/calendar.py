"""Working days in SQL: a generated calendar table, and the counts that use it.

``W(x)``, the number of working days from 0001-01-01 up to and including day ``x``, and its
inverse ``nth(K)``, the day of the ``K``-th working day, make every working-day operation an
addition and two lookups. Inside the years the calendar's tables cover (2000–2060 for most
countries), both are looked up in the table ``clausec__calendar`` (one row per day: its
ordinal, its date, whether it is a working day and ``W``). Outside them only the weekend is
known, so both have a closed form: ``k`` working days in every week, plus the table's net
correction once past it (the same rules as the other evaluators' runtimes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlglot import exp

from clausec.backends.sql import build as B
from clausec.backends.sql import dates as D
from clausec.backends.sql.names import internal
from clausec.evaluation.calendar import CalendarTable

E = B.E
TABLE = internal("calendar")
WORKING = internal("working_days")
# A lookup: (the key, "day" to find W of a day or "nth" to find the day of a count) -> value.
Lookup = Callable[[E, str], E]


class WorkingCalendar:
    def __init__(self, table: CalendarTable) -> None:
        self.table = table
        self.weekend = frozenset(table.weekend)
        self.first = dt.date(table.first_year, 1, 1).toordinal()
        self.last = dt.date(table.last_year, 12, 31).toordinal()
        self.off = sorted(d.toordinal() for d in table.holidays)
        self.on = sorted(d.toordinal() for d in table.workdays)
        # Working weekdays: their count per week, and Monday..Sunday as prefix counts.
        self.per_week = 7 - len(self.weekend)
        self.prefix = [sum(1 for w in range(1, r + 2) if w not in self.weekend) for r in range(7)]
        self.positions = [w for w in range(1, 8) if w not in self.weekend]
        self.before = self._weekly(self.first - 1)  # W of the day before the table
        listed_on, listed_off = set(self.on), set(self.off)
        total = self.before
        self.rows = 0
        for day in range(self.first, self.last + 1):
            total += self.working(day, listed_on, listed_off)
        self.through = total  # W of the table's last day
        self.correction = total - self._weekly(self.last)

    def working(self, day: int, on: set[int], off: set[int]) -> bool:
        if day in on:
            return True
        return (day - 1) % 7 + 1 not in self.weekend and day not in off

    def _weekly(self, day: int) -> int:
        weeks, rest = divmod(day - 1, 7)
        return weeks * self.per_week + self.prefix[rest]

    # ------------------------------------------------------------ closed forms

    def weekly(self, x: E) -> E:
        """W(x) counting weekends only, for a day x of at least 1."""
        rest = B.mod(B.sub(x, B.num(1)), B.num(7))
        prefix = B.case([(B.compare("=", rest, B.num(r)), B.num(p)) for r, p in enumerate(self.prefix[:-1])], B.num(self.prefix[-1]))
        return B.add(B.mul(B.idiv(B.sub(x, B.num(1)), B.num(7)), B.num(self.per_week)), prefix)

    def weekly_nth(self, k: E) -> E:
        """The day of the k-th working day counting weekends only, for k of at least 1."""
        q = B.idiv(B.sub(k, B.num(1)), B.num(self.per_week))
        rank = B.sub(k, B.mul(q, B.num(self.per_week)))
        position = B.case(
            [(B.compare("=", rank, B.num(i + 1)), B.num(p)) for i, p in enumerate(self.positions[:-1])],
            B.num(self.positions[-1]),
        )
        return B.add(B.mul(q, B.num(7)), position)

    # ------------------------------------------------------------ counts

    def count_to(self, x: E, lookup: Lookup) -> E:
        """W(x) for a day x in 1..MAX_DAY."""
        in_table = B.and_(
            B.compare(">=", x, B.num(self.first)), B.compare("<=", x, B.num(self.last))
        )
        found = lookup(B.case([(in_table, x)]), "day")
        return B.case(
            [
                (B.compare("<", x, B.num(self.first)), self.weekly(x)),
                (B.compare(">", x, B.num(self.last)), B.add(self.weekly(x), B.num(self.correction))),
            ],
            found,
        )

    def nth(self, k: E, lookup: Lookup) -> E:
        """The day of the k-th working day, for k of at least 1."""
        in_table = B.and_(
            B.compare(">", k, B.num(self.before)), B.compare("<=", k, B.num(self.through))
        )
        found = lookup(B.case([(in_table, k)]), "nth")
        return B.case(
            [
                (B.compare("<=", k, B.num(self.before)), self.weekly_nth(k)),
                (
                    B.compare(">", k, B.num(self.through)),
                    self.weekly_nth(B.sub(k, B.num(self.correction))),
                ),
            ],
            found,
        )

    # ------------------------------------------------------------ the table

    def ctes(self) -> list[tuple[str, exp.Select]]:
        """The calendar table (every day the tables cover) and its working days."""
        size = self.last - self.first + 1
        digits = len(str(size - 1))
        numbers = exp.select(
            *(exp.column("n", table=f"d{i}") for i in range(digits))
        )  # placeholder replaced below
        offset: E = B.num(0)
        for i in range(digits):
            offset = B.add(offset, B.mul(exp.column("n", table=f"d{i}"), B.num(10**i)))
        digit_rows = exp.Values(
            expressions=[exp.Tuple(expressions=[B.num(n)]) for n in range(10)],
            alias=exp.TableAlias(this=exp.to_identifier("d"), columns=[exp.to_identifier("n")]),
        )
        numbers = exp.select(B.add(offset, B.num(self.first)).as_("day_number"))
        for i in range(digits):
            source = digit_rows.copy()
            source.set(
                "alias",
                exp.TableAlias(this=exp.to_identifier(f"d{i}"), columns=[exp.to_identifier("n")]),
            )
            numbers = numbers.from_(source) if i == 0 else numbers.join(source, join_type="cross")
        numbers = numbers.where(B.compare("<", offset, B.num(size)))
        day = exp.column("day_number")
        weekday = D.weekday(day)
        working = B.case(
            [
                (_member(day, self.on), B.TRUE),
                (B.or_(_member(weekday, sorted(self.weekend)), _member(day, self.off)), B.FALSE),
            ],
            B.TRUE,
        )
        flagged = exp.select(exp.Star(), working.as_("working")).from_(numbers.subquery("days"))
        window = exp.Window(
            this=exp.Sum(this=B.case([(exp.column("working"), B.num(1))], B.num(0))),
            order=exp.Order(expressions=[exp.Ordered(this=day)]),
            spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"),
        )
        year, month, dom = D.to_civil(day, lambda e: e)
        table = exp.select(
            day,
            exp.DateFromParts(year=year, month=month, day=dom).as_("day"),
            exp.column("working"),
            B.add(window, B.num(self.before)).as_("ordinal"),
        ).from_(flagged.subquery("flagged"))
        working_days = (
            exp.select(exp.column("ordinal"), day)
            .from_(TABLE)
            .where(exp.column("working"))
        )
        return [(TABLE, table), (WORKING, working_days)]


def _member(value: E, members: list[int]) -> E:
    if not members:
        return B.FALSE
    return exp.In(this=value, expressions=[B.num(m) for m in members])
