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
DAYS = internal("days")
WORKING = internal("working_days")
TABLE = internal("calendar")
# A lookup: (the key, the column) -> the value: "ordinal" finds W of a day, "nth" the day
# of a count, after_N and before_N the day N working days after or before a day.
Lookup = Callable[[E, str], E]
Let = Callable[[E], E]


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
        self.counted: list[int] = []  # W of each day of the table
        for day in range(self.first, self.last + 1):
            total += self.working(day, listed_on, listed_off)
            self.counted.append(total)
        self.through = total  # W of the table's last day
        self.correction = total - self._weekly(self.last)
        self.counts: set[int] = set()  # the constant counts of working days moved by

    def working(self, day: int, on: set[int], off: set[int]) -> bool:
        if day in on:
            return True
        return (day - 1) % 7 + 1 not in self.weekend and day not in off

    def _weekly(self, day: int) -> int:
        weeks, rest = divmod(day - 1, 7)
        return weeks * self.per_week + self.prefix[rest]

    # ------------------------------------------------------------ closed forms

    def monday_first(self) -> bool:
        """The working weekdays are the first of the week (Monday to Friday, say)."""
        return self.positions == list(range(1, self.per_week + 1))

    def weekly(self, x: E, let: Let) -> E:
        """W(x) counting weekends only, for a day x of at least 1."""
        before = let(B.sub(x, B.num(1)))
        rest = let(B.mod(before, B.num(7)))
        if self.monday_first():
            prefix = B.least([B.add(rest, B.num(1)), B.num(self.per_week)])
        else:
            prefix = B.case(
                [
                    (B.compare("=", rest, B.num(r)), B.num(p))
                    for r, p in enumerate(self.prefix[:-1])
                ],
                B.num(self.prefix[-1]),
            )
        return B.add(B.mul(B.idiv(before, B.num(7)), B.num(self.per_week)), prefix)

    def weekly_nth(self, k: E, let: Let) -> E:
        """The day of the k-th working day counting weekends only, for k of at least 1."""
        q = let(B.idiv(B.sub(k, B.num(1)), B.num(self.per_week)))
        rank = let(B.sub(k, B.mul(q, B.num(self.per_week))))
        if self.monday_first():
            position = rank
        else:
            position = B.case(
                [
                    (B.compare("=", rank, B.num(i + 1)), B.num(p))
                    for i, p in enumerate(self.positions[:-1])
                ],
                B.num(self.positions[-1]),
            )
        return B.add(B.mul(q, B.num(7)), position)

    # ------------------------------------------------------------ counts

    def count_to(self, x: E, lookup: Lookup, let: Let) -> E:
        """W(x) for a day x in 1..MAX_DAY."""
        x = let(x)
        found = lookup(self.key(x), "ordinal")
        return B.case(
            [
                (B.compare("<", x, B.num(self.first)), self.weekly(x, let)),
                (
                    B.compare(">", x, B.num(self.last)),
                    B.add(self.weekly(x, let), B.num(self.correction)),
                ),
            ],
            found,
        )

    def nth(self, k: E, lookup: Lookup, let: Let) -> E:
        """The day of the k-th working day, for k of at least 1."""
        k = let(k)
        in_table = B.and_(
            B.compare(">", k, B.num(self.before)), B.compare("<=", k, B.num(self.through))
        )
        found = lookup(B.case([(in_table, k)]), "nth")
        return B.case(
            [
                (B.compare("<=", k, B.num(self.before)), self.weekly_nth(k, let)),
                (
                    B.compare(">", k, B.num(self.through)),
                    self.weekly_nth(B.sub(k, B.num(self.correction)), let),
                ),
            ],
            found,
        )

    def moved(self, day: E, count: int, lookup: Lookup) -> E:
        """The day ``count`` working days after (before, when negative) ``day``, looked up
        in the table's column for that count; NULL outside the table."""
        self.counts.add(count)
        return lookup(self.key(day), _moved_column(count))

    def key(self, day: E) -> E:
        """``day`` where the table has a row for it, else NULL."""
        in_table = B.and_(
            B.compare(">=", day, B.num(self.first)), B.compare("<=", day, B.num(self.last))
        )
        return B.case([(in_table, day)])

    def moved_range(self, count: int) -> tuple[int, int]:
        """The days whose move by ``count`` working days the table's column answers."""
        if count > 0:
            last = max(
                (i for i, w in enumerate(self.counted) if w + count <= self.through), default=-1
            )
            return self.first, self.first + last
        before = [self.before, *self.counted[:-1]]  # W of the day before each day
        first = min(
            (i for i, w in enumerate(before) if w + count + 1 > self.before),
            default=len(before),
        )
        return self.first + first, self.last

    # ------------------------------------------------------------ the table

    def ctes(self) -> list[tuple[str, exp.Select]]:
        """The calendar table (every day the tables cover: its ordinal, date, whether a
        working day, W, and a column per constant count of working days moved by), and its
        working days by W."""
        size = self.last - self.first + 1
        digits = len(str(size - 1))
        offset: E = B.num(0)
        for i in range(digits):
            offset = B.add(offset, B.mul(exp.column("n", table=f"d{i}"), B.num(10**i)))
        numbers = exp.select(B.add(offset, B.num(self.first)).as_("day_number"))
        for i in range(digits):
            source = exp.Values(
                expressions=[exp.Tuple(expressions=[B.num(n)]) for n in range(10)],
                alias=exp.TableAlias(
                    this=exp.to_identifier(f"d{i}"), columns=[exp.to_identifier("n")]
                ),
            )
            numbers = numbers.from_(source) if i == 0 else numbers.join(source, join_type="cross")
        numbers = numbers.where(B.compare("<", offset, B.num(size)))
        day = exp.column("day_number", table="days")
        # The listed days (holidays, make-up days) joined, rather than tested one by one.
        listed = sorted([(d, False) for d in self.off] + [(d, True) for d in self.on])
        weekday_works = B.not_(_member(D.weekday(day), sorted(self.weekend)))
        working = B.coalesce(exp.column("working", table="listed"), weekday_works)
        flagged = exp.select(day, working.as_("working")).from_(numbers.subquery("days"))
        if listed:
            rows = exp.Values(
                expressions=[
                    exp.Tuple(expressions=[B.num(d), B.TRUE if on else B.FALSE]) for d, on in listed
                ],
                alias=exp.TableAlias(
                    this=exp.to_identifier("listed"),
                    columns=[exp.to_identifier("day_number"), exp.to_identifier("working")],
                ),
            )
            on = B.compare("=", exp.column("day_number", table="listed"), day)
            flagged = flagged.join(rows, on=on, join_type="left")
        else:
            flagged = exp.select(day, weekday_works.as_("working")).from_(numbers.subquery("days"))
        day = exp.column("day_number")
        window = exp.Window(
            this=exp.Sum(this=B.case([(exp.column("working"), B.num(1))], B.num(0))),
            order=exp.Order(expressions=[exp.Ordered(this=day)]),
            spec=exp.WindowSpec(
                kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"
            ),
        )
        first = B.cast(exp.Literal.string("0001-01-01"), "DATE")
        days = exp.select(
            day,
            B.cast(
                exp.DateAdd(
                    this=first, expression=B.cast(B.sub(day, B.num(1)), "INT"), unit=exp.var("DAY")
                ),
                "DATE",
            ).as_("day"),
            exp.column("working"),
            B.add(window, B.num(self.before)).as_("ordinal"),
        ).from_(flagged.subquery("flagged"))
        working_days = (
            exp.select(exp.column("ordinal"), day).from_(DAYS).where(exp.column("working"))
        )
        table = exp.select(exp.column(exp.Star(), table="c")).from_(exp.to_table(DAYS).as_("c"))
        for count in sorted(self.counts):
            alias = f"w{len(table.args.get('joins') or [])}"
            if count > 0:
                target = B.add(exp.column("ordinal", table="c"), B.num(count))
            else:  # W of the day before, minus the count, plus one
                itself = B.case([(exp.column("working", table="c"), B.num(1))], B.num(0))
                target = B.add(B.sub(exp.column("ordinal", table="c"), itself), B.num(count + 1))
            table = table.select(
                exp.alias_(exp.column("day_number", table=alias), _moved_column(count)), copy=False
            ).join(
                exp.to_table(WORKING).as_(alias),
                on=B.compare("=", exp.column("ordinal", table=alias), target),
                join_type="left",
                copy=False,
            )
        return [(DAYS, days), (WORKING, working_days), (TABLE, table)]


def _moved_column(count: int) -> str:
    return f"after_{count}" if count > 0 else f"before_{-count}"


def _member(value: E, members: list[int]) -> E:
    if not members:
        return B.FALSE
    return exp.In(this=value, expressions=[B.num(m) for m in members])
