"""How long `clausec graph` takes on large contracts, against baselines from the same run.

For generated contracts of 100, 1,000 and 3,000 norms (two parties, remedies, priorities),
prints seconds for: checking the file (the baseline every command pays), building the model
with the obligations view and its DOT text, and Graphviz laying it out to SVG (`dot -Tsvg`),
with each as a ratio to checking. Needs Graphviz's `dot` on PATH for the layout column.
Run: python bench/graph_scale.py [--sizes 100,1000,3000] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HEADER = (
    'contract gen title "generated" source "s" language zh calendar CN\n'
    'party platform role "甲方"\nparty merchant role "乙方"\n'
    "object deposit : money CNY\nobject agreement\naction deduct\naction release\n"
    "action terminate\nevent e\n" + "".join(f"fact f{i} : boolean\n" for i in range(20))
)


def generate(norms: int) -> str:
    """``norms`` norms: two thirds permissions of the platform, one third duties of the
    merchant with a deadline and a remedy (two norms); every tenth permission prevails over
    the clause before it."""
    out = [HEADER]
    i, previous = 0, None
    while i < norms:
        if i % 3 == 2:
            out.append(
                f'clause "{i}" quote "乙方应在十天内返还。"\n'
                f'  gloss "merchant duty {i}: release within ten days"\n'
                f"  merchant must release deposit when f{i % 20}\n"
                "    within 10 days after e\n"
                "    otherwise platform can terminate agreement\n"
            )
            previous, i = i, i + 2
        else:
            extra = f'    prevails over "{previous}"\n' if i % 10 == 0 and previous else ""
            out.append(
                f'clause "{i}" quote "甲方有权扣除部分质保金。"\n'
                f'  gloss "platform permission {i}: deduct part"\n'
                f"  platform may deduct deposit (part) when f{i % 20} and f{(i + 7) % 20}\n" + extra
            )
            previous, i = i, i + 1
    return "".join(out)


def best(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median time of ``runs`` calls, and what the last call returned."""
    times = []
    out: object = None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def row(path: Path, runs: int, has_dot: bool) -> str:
    """One line of the table for the generated contract in ``path``."""
    from clausec import check_paths
    from clausec.graph import build, dot, views

    result = check_paths([path])
    assert result.ok, result.diagnostics[:3]
    contract = result.contracts[0]
    check, _ = best(lambda: check_paths([path]), runs)
    generation, text = best(lambda: dot.to_dot(views.obligations(build(contract))), runs)
    line = f"{len(contract.norms):>6} {check:>9.3f} {generation:>12.3f} {generation / check:>6.2f}"
    if not has_dot:
        return line + "   (no `dot` on PATH: layout not measured)"
    assert isinstance(text, str)
    seconds, svg = best(lambda: dot.render(text, "svg"), 1)
    assert isinstance(svg, bytes)
    return line + f" {seconds:>12.3f} {seconds / check:>6.2f} {len(svg) / 1e6:>7.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    has_dot = shutil.which("dot") is not None
    print(
        f"{'norms':>6} {'check s':>9} {'model+DOT s':>12} {'ratio':>6} "
        f"{'dot -Tsvg s':>12} {'ratio':>6} {'SVG MB':>7}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"gen{size}.clause"
            path.write_text(generate(size), encoding="utf-8")
            print(row(path, args.runs, has_dot), flush=True)


if __name__ == "__main__":
    main()
