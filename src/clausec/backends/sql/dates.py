"""Days as integers, in SQL: the ordinals of ``datetime.date.toordinal()`` (0001-01-01 is 1).

Dates travel through a query as these ordinals, so that comparing, subtracting and moving by
days are integer operations, and calendar tables are looked up by an integer. Conversions to
and from years, months and days use integer arithmetic only (H. Hinnant's ``days_from_civil``
and ``civil_from_days``), which every dialect computes alike; operands are never negative
where a division or a remainder is taken."""

from __future__ import annotations

from collections.abc import Callable

from clausec.backends.sql import build as B

E = B.E
MIN_DAY = 1  # 0001-01-01
MAX_DAY = 3_652_059  # 9999-12-31
# ``never``: later than every date, and a key no calendar lookup finds.
NEVER = 4_000_000
# Infinite durations (``date - never``), beyond every finite one a BIGINT holds.
INFINITY = 9_223_372_036_854_775_807

Let = Callable[[E], E]  # gives an expression a column of its own, returning the column


def from_civil(year: E, month: E, day: E, let: Let) -> E:
    """The ordinal of a valid (year, month, day)."""
    march = B.case([(B.compare("<=", month, B.num(2)), B.num(1))], B.num(0))
    y = let(B.sub(year, march))  # the year starting in March
    era = let(B.idiv(y, B.num(400)))
    yoe = let(B.sub(y, B.mul(era, B.num(400))))
    shifted = B.case(
        [(B.compare(">", month, B.num(2)), B.sub(month, B.num(3)))], B.add(month, B.num(9))
    )
    doy = B.add(B.idiv(B.add(B.mul(B.num(153), shifted), B.num(2)), B.num(5)), B.sub(day, B.num(1)))
    doe = B.add(
        B.sub(B.add(B.mul(yoe, B.num(365)), B.idiv(yoe, B.num(4))), B.idiv(yoe, B.num(100))), doy
    )
    return B.sub(B.add(B.mul(era, B.num(146_097)), doe), B.num(305))


def to_civil(ordinal: E, let: Let) -> tuple[E, E, E]:
    """(year, month, day) of an ordinal in 1..MAX_DAY; ``let`` names the shared parts."""
    z = let(B.add(ordinal, B.num(305)))
    era = let(B.idiv(z, B.num(146_097)))
    doe = let(B.sub(z, B.mul(era, B.num(146_097))))
    yoe = let(
        B.idiv(
            B.sub(
                B.add(B.sub(doe, B.idiv(doe, B.num(1460))), B.idiv(doe, B.num(36_524))),
                B.idiv(doe, B.num(146_096)),
            ),
            B.num(365),
        )
    )
    doy = let(
        B.sub(
            doe,
            B.sub(B.add(B.mul(B.num(365), yoe), B.idiv(yoe, B.num(4))), B.idiv(yoe, B.num(100))),
        )
    )
    mp = let(B.idiv(B.add(B.mul(B.num(5), doy), B.num(2)), B.num(153)))
    day = B.add(B.sub(doy, B.idiv(B.add(B.mul(B.num(153), mp), B.num(2)), B.num(5))), B.num(1))
    month = let(B.case([(B.compare("<", mp, B.num(10)), B.add(mp, B.num(3)))], B.sub(mp, B.num(9))))
    year = B.add(
        B.add(yoe, B.mul(era, B.num(400))),
        B.case([(B.compare("<=", month, B.num(2)), B.num(1))], B.num(0)),
    )
    return year, month, day


def month_length(year: E, month: E) -> E:
    leap = B.or_(
        B.and_(
            B.compare("=", B.mod(year, B.num(4)), B.num(0)),
            B.compare("!=", B.mod(year, B.num(100)), B.num(0)),
        ),
        B.compare("=", B.mod(year, B.num(400)), B.num(0)),
    )
    return B.case(
        [
            (B.compare("=", month, B.num(2)), B.case([(leap, B.num(29))], B.num(28))),
            (_in(month, (4, 6, 9, 11)), B.num(30)),
        ],
        B.num(31),
    )


def _in(value: E, members: tuple[int, ...]) -> E:
    return B.or_(*(B.compare("=", value, B.num(m)) for m in members))


def weekday(ordinal: E) -> E:
    """The ISO weekday (Monday 1 … Sunday 7) of an ordinal of at least 1."""
    return B.add(B.mod(B.sub(ordinal, B.num(1)), B.num(7)), B.num(1))


def in_range(day: E) -> E:
    return B.and_(B.compare(">=", day, B.num(MIN_DAY)), B.compare("<=", day, B.num(MAX_DAY)))
