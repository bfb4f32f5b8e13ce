"""Working-day calendars, built from the ``holidays`` package.

A calendar is a country or subdivision code of ``holidays`` (``US``, ``US-CA``, ``GB-SCT``).
A day is a working day when it is not a weekend day of that country (Saturday and Sunday in
most; Friday and Saturday in some) and not a public holiday, or when it is an official make-up
working day (a weekend day worked in exchange for a bridge holiday, as in China and Russia).
Make-up days are announced a year at a time, so a calendar knows them only through its last
announced year; working-day counts that reach later years carry a warning. The same tables are
embedded in generated evaluators (`table()`), so both count identically.
"""

from __future__ import annotations

import datetime as dt
import difflib
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

# The calendars whose tables are shipped in calendars.json (those of contracts/); the tables
# of other codes are computed from `holidays` when first used (clausec.evaluation.calendar_data).
SHIPPED = ("CN", "DE", "DE-SN", "HK", "LV", "RU")


def holidays_code(code: str) -> tuple[str, str | None]:
    """The country and subdivision of ``holidays`` a calendar code names: DE-SN is Saxony."""
    country, _, subdivision = code.partition("-")
    return country, subdivision or None


@attrs.frozen
class CalendarTable:
    """Everything needed to count working days, as plain data.

    ``weekend`` holds ISO weekday numbers (Monday 1 … Sunday 7), the weekend of the
    calendar's last year; ``holidays`` are the non-working days outside that weekend and
    ``workdays`` the working days in it (make-up days, and the days of a weekend that was
    different in earlier years), both as ISO dates within ``first_year``–``last_year``
    (2000–2060, or the part of it that ``holidays`` covers for the country);
    ``announced_through`` is the last year whose make-up days are known (``None`` for a
    calendar without make-up days)."""

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
# The codes `holidays` knows, shipped likewise (calendar_codes.json), so that `clausec check`
# can tell a known code and suggest close ones without importing `holidays`.
CODES_FILE = Path(__file__).with_name("calendar_codes.json")

_Year = tuple[frozenset[dt.date], frozenset[dt.date], tuple[int, ...]]


def _read_shipped(path: Path) -> dict[str, Any] | None:
    """A shipped file's content, when it was made with the installed version of `holidays`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != 1:
        return None
    if data.get("holidays_version") != installed_holidays_version():
        return None
    return data


@functools.cache
def _shipped() -> dict[str, Any] | None:
    """The shipped tables, when they were made with the installed version of `holidays`."""
    data = _read_shipped(DATA_FILE)
    if data is None:
        return None
    if data.get("first_year") != FIRST_YEAR or data.get("last_year") != LAST_YEAR:
        return None
    calendars = data.get("calendars")
    return calendars if isinstance(calendars, dict) else None


@attrs.frozen
class CodeIndex:
    """The calendar codes: each country code of `holidays` with its subdivision codes, and
    other names of countries (ISO alpha-3 codes, UK) with the code they are written as."""

    countries: dict[str, tuple[str, ...]]
    aliases: dict[str, str]

    @functools.cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(self.countries) | {
            f"{c}-{s}" for c, subdivisions in self.countries.items() for s in subdivisions
        }


@functools.cache
def code_index() -> CodeIndex:
    """The codes of the installed `holidays`, from the shipped index when it matches."""
    data = _read_shipped(CODES_FILE)
    if data is None:
        from clausec.evaluation.calendar_data import compute_index

        data = compute_index()
    return CodeIndex({c: tuple(s) for c, s in data["countries"].items()}, dict(data["aliases"]))


def is_known(code: str) -> bool:
    """Whether ``code`` names a calendar: a country or subdivision code of `holidays`."""
    return code in code_index().codes


def close_codes(code: str, limit: int = 5) -> list[str]:
    """Known codes close to an unknown ``code``, closest first: the code in capitals, the
    alpha-2 code for an alpha-3 one (DEU-SN → DE-SN), a subdivision the code begins with
    (US-CA for US-CAL) or those that begin with it (US-C), else codes that look alike (among
    the country's subdivisions when the country is known)."""
    index = code_index()
    wanted = code.upper()
    country, dash, subdivision = wanted.partition("-")
    country = index.aliases.get(country, country)
    wanted = country + dash + subdivision
    if wanted in index.codes:
        return [wanted]
    if country in index.countries:
        pool = [country] + [f"{country}-{s}" for s in index.countries[country]]
        longer = [c for c in pool if "-" in c and wanted.startswith(c)]
        if longer:
            return [max(longer, key=len)]
        if subdivision:
            shorter = [c for c in pool if c.startswith(wanted)]
            if shorter:
                return shorter[:limit]
    else:
        pool = sorted(index.codes if dash else index.countries)
    return difflib.get_close_matches(wanted, pool, n=limit, cutoff=0.5)


def unknown_code_hint(code: str) -> str:
    """The hint of E0402 for an unknown calendar code."""
    close = close_codes(code)
    if len(close) == 1:
        return f"did you mean `{close[0]}`?"
    if close:
        return "did you mean one of " + ", ".join(f"`{c}`" for c in close) + "?"
    country = holidays_code(code.upper())[0]
    subdivisions = code_index().countries.get(country)
    if subdivisions:
        shown = ", ".join(f"`{country}-{s}`" for s in subdivisions[:12])
        more = ", …" if len(subdivisions) > 12 else ""
        return f"`{country}` or one of its subdivisions: {shown}{more}"
    return (
        "a calendar is a country code of the `holidays` package (`US`, `FR`, `JP`, …) or a "
        "country with one of its subdivisions (`US-CA`, `GB-SCT`, `DE-SN`, …)"
    )


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
    """Days off outside the weekend, working weekend days and the weekend of one year."""
    shipped = _shipped_years(code)
    if shipped is not None and year in shipped[0]:
        return shipped[0][year]
    from clausec.evaluation.calendar_data import compute_year

    return compute_year(code, year)


@functools.cache
def years(code: str) -> tuple[int, int]:
    """The first and last year whose holidays are known: FIRST_YEAR–LAST_YEAR, or the part
    of it that `holidays` covers for the country."""
    if _shipped_years(code) is not None:
        return FIRST_YEAR, LAST_YEAR
    from clausec.evaluation.calendar_data import compute_years

    return compute_years(code)


@functools.cache
def table(code: str) -> CalendarTable:
    """The whole calendar as data, for the years it is known (see `years`)."""
    off: set[dt.date] = set()
    on: set[dt.date] = set()
    first, last = years(code)
    weekend = _year(code, last)[2]
    for year in range(first, last + 1):
        y_off, y_on, _ = _year(code, year)
        off |= y_off
        on |= y_on
    return CalendarTable(
        code,
        weekend,
        tuple(sorted(off)),
        tuple(sorted(on)),
        first,
        last,
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
        self.first_year, self.last_year = years(code)

    def is_working_day(self, day: dt.date) -> bool:
        if not self.first_year <= day.year <= self.last_year:
            off: frozenset[dt.date] = frozenset()
            on: frozenset[dt.date] = frozenset()
            weekend = _year(self.code, self.last_year)[2]
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
        first, last = self.first_year, self.last_year
        for year in range(max(start.year - 1, first), min(end.year + 1, last) + 1):
            off, on, _ = _year(self.code, year)
            listed |= off | on
        for day in listed:
            if start < day <= end and first <= day.year <= last:
                total += self.is_working_day(day) - (day.isoweekday() not in weekend)
        return total

    def weekend(self) -> tuple[int, ...]:
        """The weekend every year of the table is listed against (see `CalendarTable`)."""
        return tuple(_year(self.code, self.last_year)[2])

    def warnings(self, start: dt.date, end: dt.date) -> list[str]:
        """What is uncertain about counting working days between two dates."""
        lo, hi = sorted((start, end))
        out = []
        if lo.year < self.first_year or hi.year > self.last_year:
            out.append(
                wording(
                    "calendar_range", code=self.code, first=self.first_year, last=self.last_year
                )
            )
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
