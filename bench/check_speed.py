"""How long `clausec check` and `clausec ask` take, process start included, against baselines
from the same run.

Prints, each as milliseconds and as a ratio to an empty Python process (`python -c pass`):
- wall-clock medians of `--runs` runs: a Python importing lark; `clausec check contracts/`
  without the cache in one process (as before the cache), cold (an empty cache; files checked
  in parallel where it pays) and warm (every result in the cache);
- the CPU time (user + system) of the README's `clausec ask` question;
- for a generated portfolio of `--portfolio` files (renamed copies of the shipped contracts,
  in a temporary folder), one run each: cold in one process (`--jobs 1`), cold in parallel
  (`--jobs` the number of CPUs), and warm;
then in-process parse+check throughput on generated files.
Run: python bench/check_speed.py [--runs N] [--portfolio FILES]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
ASK = [
    "ask",
    "contracts/soolife/deposit.clause",
    "may_deduct_deposit",
    "--fact",
    "complaint.consulted=2025-03-03",
    "--fact",
    "complaint.resolved=never",
    "--fact",
    "complaint.bad_influence=true",
    "--as-of",
    "2025-03-20",
]


def run(cmd: list[str], cwd: Path = ROOT, cache: Path | None = None) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one process, which must succeed: a
    process that fails at once would time as fast as `python -c pass`."""
    env = dict(os.environ)
    if cache is not None:
        env["CLAUSEC_CACHE_DIR"] = str(cache)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stderr.decode()}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median(runs: int, once: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    results = [once() for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
    )


def portfolio(folder: Path, files: int) -> int:
    """Whole copies of the shipped contracts (at least ``files`` files: a partial copy would
    cut an annex from the contract it imports), each copy in a folder of its own with its
    contract names (and the imports of them) suffixed, so that no two files define the same
    contract."""
    shipped = sorted(CONTRACTS.rglob("*.clause"))
    names = sorted(
        {m.group(1) for p in shipped for m in re.finditer(r"^contract (\w+)", p.read_text(), re.M)}
    )
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    written = copy = 0
    while written < files:
        for path in shipped:
            target = folder / f"copy{copy:04d}" / path.relative_to(CONTRACTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = pattern.sub(lambda m, c=copy: f"{m.group(1)}_{c}", path.read_text())
            target.write_text(text, encoding="utf-8")
            written += 1
        copy += 1
    return written


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
    parser.add_argument("--portfolio", type=int, default=1000, metavar="FILES")
    args = parser.parse_args()
    py = sys.executable
    clausec = [py, "-m", "clausec"]
    jobs = os.cpu_count() or 1
    files = len(list(CONTRACTS.rglob("*.clause")))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        warm_cache = scratch / "warm"
        run([*clausec, "check", "contracts"], cache=warm_cache)

        def cold() -> tuple[float, float]:
            shutil.rmtree(scratch / "cold", ignore_errors=True)
            return run([*clausec, "check", "contracts"], cache=scratch / "cold")

        base = median(args.runs, lambda: run([py, "-c", "pass"]))
        rows = [
            ("python -c pass", base),
            ("python -c 'import lark'", median(args.runs, lambda: run([py, "-c", "import lark"]))),
            (
                f"check contracts/ ({files} files), no cache, --jobs 1",
                median(
                    args.runs,
                    lambda: run([*clausec, "check", "contracts", "--no-cache", "--jobs", "1"]),
                ),
            ),
            (f"check contracts/, cold cache, --jobs {jobs}", median(args.runs, cold)),
            (
                "check contracts/, warm cache",
                median(args.runs, lambda: run([*clausec, "check", "contracts"], cache=warm_cache)),
            ),
            ("ask (README question)", median(args.runs, lambda: run([*clausec, *ASK]))),
        ]
        print(f"median of {args.runs} runs; {jobs} CPUs")
        print(f"{'':54} {'wall ms':>8} {'ratio':>7} {'CPU ms':>8} {'ratio':>7}")
        for label, (wall, cpu) in rows:
            print(
                f"{label:54} {wall * 1000:8.0f} {wall / base[0]:6.1f}x "
                f"{cpu * 1000:8.0f} {cpu / base[1]:6.1f}x"
            )
        print()
        folder = scratch / "portfolio"
        count = portfolio(folder, args.portfolio)
        print(f"portfolio of {count} files, one run each")
        shown = [
            ("cold, --jobs 1", ["--jobs", "1"], scratch / "p1"),
            (f"cold, --jobs {jobs}", ["--jobs", str(jobs)], scratch / "p2"),
            ("warm", [], scratch / "p2"),
            ("no cache, --jobs 1 (as before the cache)", ["--no-cache", "--jobs", "1"], None),
        ]
        for label, options, cache in shown[: 3 if count > 400 else 4]:
            wall, cpu = run([*clausec, "check", "portfolio", *options], cwd=scratch, cache=cache)
            ratios = f"{wall / base[0]:6.0f}x {cpu:7.1f} s {cpu / base[1]:6.0f}x"
            print(f"{label:54} {wall:7.1f} s {ratios}")
    print()
    print(f"{'norms':>8} {'MB':>7} {'seconds':>8} {'MB/s':>6} {'norms/s':>8}")
    for n in (100, 1000, 5000):
        seconds, mb = throughput(n)
        print(f"{n:8d} {mb:7.2f} {seconds:8.2f} {mb / seconds:6.2f} {n / seconds:8.0f}")


if __name__ == "__main__":
    main()
