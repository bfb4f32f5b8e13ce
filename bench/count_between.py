"""How fast the generated Python evaluator counts working days between two dates.

    python bench/count_between.py [--calls N]

`working days from A to B` in a generated module (the question reads two date facts and
counts on the CN calendar, holidays and make-up days included), against a baseline measured
in the same run: a loop over the days between the two dates, testing each with the module's
own working-day table (what a counter without the tables' weekly arithmetic does). Spans of
0 to 30, 0 to 365 and 0 to 3,650 days; microseconds per call and the ratio to the baseline.
Run on an otherwise idle machine and read the ratios."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from clausec import compile_text
from clausec.backends.python import emit_python

CONTRACT = """contract counting
  title "Counting" source "counting.txt" language zh calendar CN
fact start : date "start"
fact finish : date "end"
question span : value of working days from start to finish
"""


def _module() -> object:
    result = compile_text(CONTRACT, "counting.clause")
    assert result.ok, [d.message for d in result.diagnostics]
    folder = Path(tempfile.mkdtemp())
    path = folder / "counting.py"
    path.write_text(emit_python(result.contract("counting"), clausec_version="bench"), "utf-8")
    spec = importlib.util.spec_from_file_location("counting", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["counting"] = module
    spec.loader.exec_module(module)
    return module


def _timed(function: object, cases: list[tuple[object, object]], repeat: int = 5) -> float:
    """The median over ``repeat`` runs of the seconds per call."""
    runs = []
    for _ in range(repeat):
        begin = time.perf_counter()
        for a, b in cases:
            function(a, b)  # type: ignore[operator]
        runs.append((time.perf_counter() - begin) / len(cases))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    m = _module()
    rng = random.Random(1)
    first = dt.date(2020, 1, 1).toordinal()
    is_working = m._is_working_day  # type: ignore[attr-defined]

    def loop(a: int, b: int) -> int:
        return sum(is_working(d) for d in range(a + 1, b + 1))

    def generated(a: int, b: int) -> object:
        facts = {"start": dt.date.fromordinal(a), "finish": dt.date.fromordinal(b)}
        return m.span(facts, as_of=None).value  # type: ignore[attr-defined]

    print("| span (days) | generated µs/call | day-by-day loop µs/call | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for longest in (30, 365, 3650):
        cases = []
        for _ in range(args.calls):
            a = first + rng.randrange(0, 3650)
            cases.append((a, a + rng.randrange(0, longest + 1)))
        for a, b in cases[:50]:  # the two agree
            value = generated(a, b)
            assert value == {"amount": loop(a, b), "unit": "working_days"}, (a, b, value)
        ours = _timed(generated, cases)
        base = _timed(loop, cases)
        print(f"| 0–{longest} | {ours * 1e6:.1f} | {base * 1e6:.1f} | {ours / base:.2f} |")


if __name__ == "__main__":
    main()
