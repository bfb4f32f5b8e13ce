"""How long `clausec check` takes, process start included, against baselines from the same run.

Prints wall-clock medians for: an empty Python process, a Python process importing lark,
and `clausec check contracts/`; then in-process parse+check throughput on generated files.
Run: python bench/check_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


HEADER = (
    'contract gen title "t" source "s" language zh calendar CN\n'
    'party platform role "甲方"\nobject deposit : money CNY\naction deduct\n'
    "fact f : boolean\nfact g : money CNY\nevent e\n"
)
CLAUSE = (
    'clause "{i}" quote "甲方接到买家投诉，经过与乙方协商沟通后十个工作日内未妥善解决"\n'
    "  platform may deduct deposit (part) when f and g > {i} CNY\n"
    "    within 10 working days after e + 3 months\n"
)


def throughput(norms: int) -> tuple[float, float]:
    from clausec import check_paths

    text = HEADER + "".join(CLAUSE.format(i=i) for i in range(norms))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.clause"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        result = check_paths([path])
        elapsed = time.perf_counter() - start
    assert result.ok and len(result.contracts[0].norms) == norms
    return elapsed, len(text.encode()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    base = wall([py, "-c", "pass"], args.runs)
    lark = wall([py, "-c", "import lark"], args.runs)
    check = wall([py, "-m", "clausec", "check", "contracts"], args.runs)
    files = len(list((ROOT / "contracts").rglob("*.clause")))
    print(f"median of {args.runs} runs, wall clock")
    rows = [
        ("python -c pass", base),
        ("python -c 'import lark'", lark),
        (f"clausec check contracts/ ({files} files)", check),
    ]
    for label, seconds in rows:
        print(f"{label:40} {seconds * 1000:8.1f} ms  {seconds / base:6.2f}x")
    print()
    print(f"{'norms':>8} {'MB':>7} {'seconds':>8} {'MB/s':>6} {'norms/s':>8}")
    for n in (100, 1000, 5000):
        seconds, mb = throughput(n)
        print(f"{n:8d} {mb:7.2f} {seconds:8.2f} {mb / seconds:6.2f} {n / seconds:8.0f}")


if __name__ == "__main__":
    main()
