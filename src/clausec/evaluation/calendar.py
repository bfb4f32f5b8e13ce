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
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

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


# The tables are shipped as data (calendars.json, written by `python3 -m
# clausec.evaluation.calendar_data`) for the version of `holidays` that constraints.txt pins:
# computing them takes `holidays` a tenth of a second per calendar, and importing one of its
# countries imports all of them. With another version of `holidays` installed, they are
# computed from it as before (clausec.evaluation.calendar_data).
DATA_FILE = Path(__file__).with_name("calendars.json")

_Year = tuple[frozenset[dt.date], frozenset[dt.date], tuple[int, ...]]


@functools.cache
def _shipped() -> dict[str, Any] | None:
    """The shipped tables, when they were made with the installed version of `holidays`."""
    try:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != 1:
        return None
    if data.get("first_year") != FIRST_YEAR or data.get("last_year") != LAST_YEAR:
        return None
    if data.get("holidays_version") != installed_holidays_version():
        return None
    calendars = data.get("calendars")
    return calendars if isinstance(calendars, dict) else None


def installed_holidays_version() -> str | None:
    """The installed version of `holidays`, read from its distribution's folder name beside
    the package (importlib.metadata costs a tenth of the run of `clausec ask`); None when it
    cannot be told that way."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))).parent
    try:
        names = [n for n in os.listdir(folder) if n.startswith("holidays-")]
    except OSError:
        return None
    found = [n[len("holidays-") : -len(".dist-info")] for n in names if n.endswith(".dist-info")]
    return found[0] if len(found) == 1 else None


def data_version() -> str:
    """What the working-day tables come from: results that count working days depend on it."""
    return f"holidays {installed_holidays_version()}" + (" (shipped)" if _shipped() else "")


@functools.cache
def _shipped_years(code: str) -> tuple[dict[int, _Year], int | None] | None:
    """The shipped table of ``code`` by year, and its last announced year."""
    calendars = _shipped()
    entry = calendars.get(code) if calendars is not None else None
    if entry is None:
        return None
    weekend = tuple(entry["weekend"])
    off: dict[int, set[dt.date]] = {}
    on: dict[int, set[dt.date]] = {}
    for key, into in (("holidays", off), ("workdays", on)):
        for text in entry[key]:
            day = dt.date.fromisoformat(text)
            into.setdefault(day.year, set()).add(day)
    years = {
        y: (frozenset(off.get(y, ())), frozenset(on.get(y, ())), weekend)
        for y in range(FIRST_YEAR, LAST_YEAR + 1)
    }
    return years, entry["announced_through"]


@functools.cache
def _year(code: str, year: int) -> _Year:
    """Days off on weekdays and working weekend days of one year."""
    shipped = _shipped_years(code)
    if shipped is not None and year in shipped[0]:
        return shipped[0][year]
    from clausec.evaluation.calendar_data import compute_year

    return compute_year(code, year)


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
    shipped = _shipped_years(code)
    if shipped is not None:
        return shipped[1]
    from clausec.evaluation.calendar_data import compute_announced_through

    return compute_announced_through(code)


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

    def count(self, start: dt.date, end: dt.date) -> int:
        """The working days after ``start`` up to and including ``end`` (``start`` <= ``end``):
        the weekdays outside the weekend, corrected on the days the tables list."""
        weekend = self.weekend()
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        total = weeks * (7 - len(weekend))
        total += sum(
            (start + dt.timedelta(days=i)).isoweekday() not in weekend for i in range(1, rest + 1)
        )
        listed: set[dt.date] = set()
        for year in range(max(start.year - 1, FIRST_YEAR), min(end.year + 1, LAST_YEAR) + 1):
            off, on, _ = _year(self.code, year)
            listed |= off | on
        for day in listed:
            if start < day <= end and FIRST_YEAR <= day.year <= LAST_YEAR:
                total += self.is_working_day(day) - (day.isoweekday() not in weekend)
        return total

    def weekend(self) -> tuple[int, ...]:
        return tuple(_year(self.code, FIRST_YEAR)[2])

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
