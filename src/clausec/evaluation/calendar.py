"""Working-day calendars, built from the ``holidays`` package.

A day is a working day when it is a weekday and not a public holiday, or when it is an
official make-up working day (a weekend day worked in exchange for a bridge holiday, as in
China and Russia). Make-up days are announced a year at a time, so a calendar knows them
only through its last announced year; working-day counts that reach later years carry a
warning. The same tables are embedded in generated evaluators (`table()`), so both count
identically.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Iterable

import attrs
import holidays

from clausec.evaluation.messages import wording

# Years covered by the embedded tables; outside them only weekends are known.
FIRST_YEAR = 2000
LAST_YEAR = 2060

# The calendars the language accepts (see semantic/lower.py) and their `holidays` codes.
CALENDARS: dict[str, tuple[str, str | None]] = {
    "CN": ("CN", None),
    "HK": ("HK", None),
    "DE": ("DE", None),
    "DE-SN": ("DE", "SN"),
    "LV": ("LV", None),
    "RU": ("RU", None),
}


@attrs.frozen
class CalendarTable:
    """Everything needed to count working days, as plain data.

    ``weekend`` holds ISO weekday numbers (Monday 1 … Sunday 7); ``holidays`` are the
    non-working weekdays and ``workdays`` the working weekend days, both as ISO dates within
    ``first_year``–``last_year``; ``announced_through`` is the last year whose make-up days
    are known (``None`` for a calendar without make-up days)."""

    code: str
    weekend: tuple[int, ...]
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]
    first_year: int
    last_year: int
    announced_through: int | None


@functools.cache
def _year(code: str, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], tuple[int, ...]]:
    """Days off on weekdays and working weekend days of one year.

    Neighbouring years are loaded too: a make-up day can be listed under the holiday it
    pays for, in the next year (29 December 2001 for New Year 2002 in China)."""
    country, subdiv = CALENDARS[code]
    h = holidays.country_holidays(country, subdiv=subdiv, years=(year - 1, year, year + 1))
    weekend = tuple(sorted(d + 1 for d in h.weekend))
    off = frozenset(
        d
        for d in h
        if d.year == year and d.isoweekday() not in weekend and d not in h.weekend_workdays
    )
    on = frozenset(d for d in h.weekend_workdays if d.year == year)
    return off, on, weekend


@functools.cache
def table(code: str) -> CalendarTable:
    """The whole calendar as data, for the years FIRST_YEAR–LAST_YEAR."""
    off: set[dt.date] = set()
    on: set[dt.date] = set()
    weekend: tuple[int, ...] = ()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        y_off, y_on, weekend = _year(code, year)
        off |= y_off
        on |= y_on
    return CalendarTable(
        code,
        weekend,
        tuple(sorted(off)),
        tuple(sorted(on)),
        FIRST_YEAR,
        LAST_YEAR,
        announced_through(code),
    )


@functools.cache
def announced_through(code: str) -> int | None:
    """The last year whose make-up working days are known; None without make-up days."""
    country, subdiv = CALENDARS[code]
    h = holidays.country_holidays(country, subdiv=subdiv, years=FIRST_YEAR)
    return _announced_through(h) if _has_workdays(code) else None


@functools.cache
def _has_workdays(code: str) -> bool:
    # Probe recent years: a calendar with make-up days has some in most of them.
    return any(_year(code, y)[1] for y in range(2015, 2026))


def _announced_through(h: holidays.HolidayBase) -> int | None:
    """The last year of the calendar's announced (non-computable) special days."""
    module = sys.modules[type(h).__module__]
    years: set[int] = set()
    for name, value in vars(module).items():
        if not (isinstance(value, type) and name.endswith("StaticHolidays")):
            continue
        for attr, data in vars(value).items():
            if attr.startswith("special_") and isinstance(data, dict):
                years |= {y for y in data if isinstance(y, int)}
    return max(years) if years else None


class WorkingDays:
    """Counting working days on one calendar (years are loaded as they are reached)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.announced_through = announced_through(code)

    def is_working_day(self, day: dt.date) -> bool:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            off: frozenset[dt.date] = frozenset()
            on: frozenset[dt.date] = frozenset()
            weekend = _year(self.code, FIRST_YEAR)[2]
        else:
            off, on, weekend = _year(self.code, day.year)
        if day in on:
            return True
        return day.isoweekday() not in weekend and day not in off

    def add(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (before it, if negative); ``start``
        itself is not counted. Zero gives ``start``. Raises OverflowError past the dates
        Python can represent."""
        step = dt.timedelta(days=1 if count >= 0 else -1)
        day, left = start, abs(count)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def warnings(self, start: dt.date, end: dt.date) -> list[str]:
        """What is uncertain about counting working days between two dates."""
        lo, hi = sorted((start, end))
        out = []
        if lo.year < FIRST_YEAR or hi.year > LAST_YEAR:
            out.append(wording("calendar_range", code=self.code, first=FIRST_YEAR, last=LAST_YEAR))
        if self.announced_through is not None and hi.year > self.announced_through:
            out.append(
                wording(
                    "makeup_unknown",
                    code=self.code,
                    announced=self.announced_through,
                    year=hi.year,
                )
            )
        return out


@functools.cache
def working_days(code: str) -> WorkingDays:
    return WorkingDays(code)


def iso_dates(days: Iterable[dt.date]) -> list[str]:
    return [d.isoformat() for d in days]
