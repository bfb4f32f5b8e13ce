"""The working-day tables computed from the ``holidays`` package, and the generator of the
shipped copy (``calendars.json``, read by :mod:`clausec.evaluation.calendar`).

After changing the pin of ``holidays`` in constraints.txt, regenerate the copy with::

    python3 -m clausec.evaluation.calendar_data

tests/test_calendar_data.py checks that the copy equals what the installed ``holidays`` gives.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path
from typing import Any

from clausec.evaluation.calendar import (
    CALENDARS,
    DATA_FILE,
    FIRST_YEAR,
    LAST_YEAR,
    installed_holidays_version,
)


@functools.cache
def compute_year(
    code: str, year: int
) -> tuple[frozenset[dt.date], frozenset[dt.date], tuple[int, ...]]:
    """Days off on weekdays and working weekend days of one year, from ``holidays``.

    Neighbouring years are loaded too: a make-up day can be listed under the holiday it
    pays for, in the next year (29 December 2001 for New Year 2002 in China)."""
    import holidays

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
def compute_announced_through(code: str) -> int | None:
    """The last year whose make-up working days are known; None without make-up days."""
    import holidays

    country, subdiv = CALENDARS[code]
    h = holidays.country_holidays(country, subdiv=subdiv, years=FIRST_YEAR)
    # Probe recent years: a calendar with make-up days has some in most of them.
    if not any(compute_year(code, y)[1] for y in range(2015, 2026)):
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
    off: list[dt.date] = []
    on: list[dt.date] = []
    weekend: tuple[int, ...] = ()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        y_off, y_on, weekend = compute_year(code, year)
        off += y_off
        on += y_on
    return {
        "weekend": list(weekend),
        "announced_through": compute_announced_through(code),
        "holidays": [d.isoformat() for d in sorted(off)],
        "workdays": [d.isoformat() for d in sorted(on)],
    }


def render() -> str:
    """The text of the shipped file for the installed ``holidays``."""
    data = {
        "format": 1,
        "holidays_version": installed_holidays_version(),
        "first_year": FIRST_YEAR,
        "last_year": LAST_YEAR,
        "calendars": {code: compute(code) for code in sorted(CALENDARS)},
    }
    return json.dumps(data, indent=0, sort_keys=True) + "\n"


def main() -> None:
    if installed_holidays_version() is None:
        sys.exit("cannot tell the installed version of holidays")
    Path(DATA_FILE).write_text(render(), encoding="utf-8")
    print(f"wrote {DATA_FILE}")


if __name__ == "__main__":
    main()
