"""The working-day tables and the calendar codes computed from the ``holidays`` package, and
the generator of their shipped copies (``calendars.json`` for the calendars of
:data:`clausec.evaluation.calendar.SHIPPED`, ``calendar_codes.json`` for every code), read by
:mod:`clausec.evaluation.calendar`. Other calendars are computed here when first used.

After changing the pin of ``holidays`` in constraints.txt, regenerate the copies with::

    python3 -m clausec.evaluation.calendar_data

tests/test_calendar_data.py checks that the copies equal what the installed ``holidays`` gives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clausec.evaluation.calendar import (
    CODES_FILE,
    DATA_FILE,
    FIRST_YEAR,
    LAST_YEAR,
    SHIPPED,
    holidays_code,
    installed_holidays_version,
)

if TYPE_CHECKING:
    from holidays import HolidayBase

_Year = tuple[frozenset[dt.date], frozenset[dt.date], tuple[int, ...]]

# A subdivision code the language can write after the country's (grammar/clause.lark, TAG);
# the few others of `holidays` are names with spaces ("NSW Western").
_SUBDIVISION = re.compile(r"[A-Za-z0-9]{1,8}")
# Years probed for make-up days: a calendar with make-up days has some in most of them.
_PROBE = range(2015, 2026)


@functools.cache
def _holidays(code: str) -> HolidayBase:
    """The holidays of ``code`` for FIRST_YEAR–LAST_YEAR and the years either side: a
    make-up day can be listed under the holiday it pays for, in the next year (29 December
    2001 for New Year 2002 in China), and a holiday observed under the previous one."""
    import holidays

    country, subdivision = holidays_code(code)
    with warnings.catch_warnings():
        # Some countries warn about years whose lunar holidays they only estimate.
        warnings.simplefilter("ignore")
        return holidays.country_holidays(
            country, subdiv=subdivision, years=range(FIRST_YEAR - 1, LAST_YEAR + 2)
        )


@functools.cache
def compute_years(code: str) -> tuple[int, int]:
    """FIRST_YEAR–LAST_YEAR, narrowed to the years `holidays` covers for the country."""
    h = _holidays(code)
    first, last = max(FIRST_YEAR, h.start_year), min(LAST_YEAR, h.end_year)
    return (first, last) if first <= last else (FIRST_YEAR, LAST_YEAR)


@functools.cache
def compute_weekend(code: str) -> tuple[int, ...]:
    """The ISO weekdays of the weekend in the last known year (the weekend can depend on the
    date: the United Arab Emirates rested on Friday and Saturday until 2021)."""
    h = _holidays(code)
    last_week = [dt.date(compute_years(code)[1], 12, 31) - dt.timedelta(days=n) for n in range(7)]
    return tuple(sorted(d.isoweekday() for d in last_week if h.is_weekend(d)))


@functools.cache
def compute_year(code: str, year: int) -> _Year:
    """Days off outside the weekend and working days in it, in one year, from ``holidays``:
    a year whose weekend differs from the calendar's lists the differences among them."""
    h = _holidays(code)
    weekend = compute_weekend(code)
    off: set[dt.date] = set()
    on: set[dt.date] = set()
    first, last = compute_years(code)
    if first <= year <= last:
        day = dt.date(year, 1, 1)
        while day.year == year:
            working = h.is_working_day(day)
            if day.isoweekday() in weekend:
                if working:
                    on.add(day)
            elif not working:
                off.add(day)
            day += dt.timedelta(days=1)
    return frozenset(off), frozenset(on), weekend


@functools.cache
def compute_announced_through(code: str) -> int | None:
    """The last year whose make-up working days are known; None without make-up days."""
    h = _holidays(code)
    if not any(d.year in _PROBE for d in h.weekend_workdays):
        return None
    module = sys.modules[type(h).__module__]
    years: set[int] = set()
    for name, value in vars(module).items():
        if not (isinstance(value, type) and name.endswith("StaticHolidays")):
            continue
        for attr, data in vars(value).items():
            if attr.startswith("special_") and isinstance(data, dict):
                years |= {y for y in data if isinstance(y, int)}
    return max(years) if years else None


def compute(code: str) -> dict[str, Any]:
    """One calendar's entry of the shipped file, from ``holidays``."""
    if compute_years(code) != (FIRST_YEAR, LAST_YEAR):
        raise ValueError(f"holidays does not cover {FIRST_YEAR}–{LAST_YEAR} for {code}")
    off: list[dt.date] = []
    on: list[dt.date] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        y_off, y_on, _ = compute_year(code, year)
        off += y_off
        on += y_on
    return {
        "weekend": list(compute_weekend(code)),
        "announced_through": compute_announced_through(code),
        "holidays": [d.isoformat() for d in sorted(off)],
        "workdays": [d.isoformat() for d in sorted(on)],
    }


def compute_index() -> dict[str, Any]:
    """The calendar codes of ``holidays``: each country's subdivisions, and the other names
    of countries (alpha-3 codes, UK) with their alpha-2 code."""
    import holidays
    from holidays.registry import COUNTRIES

    supported = holidays.list_supported_countries(include_aliases=False)
    countries = {
        country: sorted(s for s in subdivisions if _SUBDIVISION.fullmatch(s))
        for country, subdivisions in supported.items()
    }
    aliases: dict[str, str] = {}
    for names in COUNTRIES.values():
        codes = [n for n in names[1:] if n.isupper() and n.isalpha()]
        alpha2 = [c for c in codes if c in countries]
        aliases |= {c: alpha2[0] for c in codes if alpha2 and c not in countries}
    return {"countries": dict(sorted(countries.items())), "aliases": dict(sorted(aliases.items()))}


def render() -> str:
    """The text of the shipped tables for the installed ``holidays``."""
    data = {
        "format": 1,
        "holidays_version": installed_holidays_version(),
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "calendars": {code: compute(code) for code in sorted(SHIPPED)},
    }
    return json.dumps(data, indent=0, sort_keys=True) + "\n"


def render_index() -> str:
    """The text of the shipped code index for the installed ``holidays``."""
    data = {"format": 1, "holidays_version": installed_holidays_version(), **compute_index()}
    return json.dumps(data, indent=0, sort_keys=True) + "\n"


def main() -> None:
    if installed_holidays_version() is None:
        sys.exit("cannot tell the installed version of holidays")
    for path, text in ((DATA_FILE, render()), (CODES_FILE, render_index())):
        Path(path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
