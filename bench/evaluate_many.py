"""The cost of `evaluate_many` against the plain loop over the question function.

The question is `may_deduct_deposit` of contracts/soolife/deposit.clause, emitted with
`clausec emit --target python` into a temporary directory and imported. The fact sets are a
seeded mix of 1,000 distinct dicts (each fact the question reads given a value of its type
in a form callers give; one set in ten misses three facts), repeated to --count fact sets
(default 1,000,000).

Measured side by side in one process, taking turns on chunks of 10,000 fact sets, the median
of --repeat runs (default 5), in microseconds per fact set:

- loop: ``for facts in fact_sets: function(facts, as_of=AS_OF)``, each result dropped;
- evaluate_many: ``for result in evaluate_many(QUESTION, fact_sets, as_of=AS_OF): pass``;
- evaluate_many, errors="return": the same with errors returned in place of results;
- for information, both with every result kept: a list comprehension over the function, and
  ``list(evaluate_many(...))`` — the cost of keeping a million results alive, which the
  cyclic garbage collector scans, is the caller's choice then, and the same for both.

Run: python bench/evaluate_many.py [--count N] [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import clausec  # noqa: E402
from clausec.backends.python import emit_python  # noqa: E402
from clausec.ir import types as T  # noqa: E402
from clausec.ir.interface import interface  # noqa: E402

CONTRACT = ROOT / "contracts" / "soolife" / "deposit.clause"
QUESTION = "may_deduct_deposit"
AS_OF = dt.date(2025, 6, 1)
DISTINCT = 1_000
CHUNK = 10_000


def load(folder: Path) -> ModuleType:
    contract = clausec.load(CONTRACT)
    path = folder / "soolife_deposit.py"
    path.write_text(emit_python(contract, clausec_version=clausec.__version__), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("soolife_deposit", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fact_mix(seed: int = 20) -> list[dict[str, object]]:
    """DISTINCT fact sets over the facts the question reads, in the forms callers give."""
    contract = clausec.load(CONTRACT)
    described = interface(contract)
    (question,) = [q for q in described.questions if q.name == QUESTION]
    rng = random.Random(seed)
    mix = []
    for _ in range(DISTINCT):
        facts: dict[str, object] = {}
        for name in question.facts:
            fact = described.fact(name)
            facts[name] = _value(fact.type, fact.kind, rng)
        if rng.random() < 0.1:  # one set in ten misses a few facts
            for name in rng.sample(list(facts), 3):
                del facts[name]
        mix.append(facts)
    return mix


def _value(t: T.Type, kind: str, rng: random.Random) -> object:
    if isinstance(t, T.Boolean):
        return rng.random() < 0.3
    if isinstance(t, T.Money):
        return f"{rng.randint(0, 20_000)} {t.currency}"
    if isinstance(t, T.Duration | T.Integer):
        return rng.randint(0, 30)
    if isinstance(t, T.Date):
        if kind == "event" and rng.random() < 0.3:
            return "never"
        return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
    if isinstance(t, T.Enum):
        return rng.choice(t.members)
    if isinstance(t, T.DecimalType):
        return f"{rng.randint(0, 100)}.5"
    return "text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        module = load(Path(tmp))
    mix = fact_mix()
    fact_sets = [mix[i % DISTINCT] for i in range(args.count)]
    function = module.QUESTIONS[QUESTION]
    many = module.evaluate_many

    # Every way gives the same answers (checked on the mix).
    want = [function(f, as_of=AS_OF).answer for f in mix]
    assert [r.answer for r in many(QUESTION, mix, as_of=AS_OF)] == want
    assert [r.answer for r in many(QUESTION, mix, as_of=AS_OF, errors="return")] == want

    def loop(sets: list[dict[str, object]]) -> None:
        for facts in sets:
            function(facts, as_of=AS_OF)

    def batch(sets: list[dict[str, object]]) -> None:
        for _ in many(QUESTION, sets, as_of=AS_OF):
            pass

    def batch_errors(sets: list[dict[str, object]]) -> None:
        for _ in many(QUESTION, sets, as_of=AS_OF, errors="return"):
            pass

    def kept_loop(sets: list[dict[str, object]]) -> None:
        kept = [function(facts, as_of=AS_OF) for facts in sets]
        del kept

    def kept_batch(sets: list[dict[str, object]]) -> None:
        kept = list(many(QUESTION, sets, as_of=AS_OF))
        del kept

    ways: dict[str, Callable[[list[dict[str, object]]], None]] = {
        "loop over the function": loop,
        "evaluate_many": batch,
        'evaluate_many, errors="return"': batch_errors,
        "list of the function's results (kept)": kept_loop,
        "list(evaluate_many(...)) (kept)": kept_batch,
    }
    # The dropping ways run on chunks, taking turns, so that a change in the machine's load
    # falls on all of them alike; the kept lists need the whole count (what they measure is
    # the collector rescanning many live results).
    chunks = [fact_sets[i : i + CHUNK] for i in range(0, len(fact_sets), CHUNK)]
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.repeat):
        spent = dict.fromkeys(ways, 0.0)
        for chunk in chunks:
            for name, way in ways.items():
                if "kept" not in name:
                    start = time.perf_counter()
                    way(chunk)
                    spent[name] += time.perf_counter() - start
        for name, way in ways.items():
            if "kept" in name:
                start = time.perf_counter()
                way(fact_sets)
                spent[name] = time.perf_counter() - start
        for name in ways:
            times[name].append(spent[name] / args.count * 1e6)
    base = statistics.median(times["loop over the function"])
    kept_base = statistics.median(times["list of the function's results (kept)"])
    print(f"{QUESTION}, {args.count:,} fact sets ({DISTINCT:,} distinct), median of {args.repeat}")
    print(f"{'':42} {'µs/set':>8} {'ratio':>7}")
    for name, values in times.items():
        per = statistics.median(values)
        ratio = per / (kept_base if "kept" in name else base)
        print(f"{name:42} {per:8.2f} {ratio:6.2f}×")
    print("(ratios of kept lists against the kept list of the function's results)")


if __name__ == "__main__":
    main()
