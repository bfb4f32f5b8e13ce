"""Instructions per row: the generated SQL in DuckDB against the generated Python evaluator,
counted by Valgrind's callgrind, which a busy or shared machine does not change.

bench/sql_batch.py measures rows per second, the figure users see; on a virtual machine whose
neighbours come and go, two runs of one DuckDB query can differ by tens of percent, more than
most changes to the SQL make. Instructions executed do not move with the machine's load: this
script counts them for each way at two row counts and reports the difference per row (the
work each added row costs) and what is left at zero rows (the fixed cost: building and
planning the query, or loading the evaluator). The ratio of per-row counts, Python over
DuckDB on one thread, is the work ratio; speed also depends on memory traffic and cores,
which instruction counts leave out, so read it beside sql_batch.py's figures, not instead.

Each count runs sql_batch.py's worker (the same table, fact mix, query and DuckDB settings)
under `valgrind --tool=callgrind` in a process of its own; DuckDB on one thread, so that the
count does not depend on how work is shared out. Needs Valgrind (apt-get install valgrind);
callgrind runs programs about 50 times slower, hence the small row counts.

Run: python bench/sql_instructions.py [--questions Q,...] [--rows N,N] [--python-rows N,N]
[--missing SHARE]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sql_batch

import clausec

COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(argv: list[str]) -> int:
    """The instructions a run of sql_batch.py's worker executes, counted by callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}",
                sys.executable,
                sql_batch.__file__,
                "--worker",
                *argv,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    found = COLLECTED.search(out.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{out.stderr[-2000:]}")
    return int(found.group(1))


def slope(counts: dict[int, int]) -> tuple[float, float]:
    """(instructions per row, instructions at zero rows) through two counts."""
    (small, low), (large, high) = sorted(counts.items())
    per_row = (high - low) / (large - small)
    return per_row, low - per_row * small


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", default=",".join(sql_batch.QUESTIONS))
    parser.add_argument("--rows", default="100000,300000", help="two row counts for DuckDB")
    parser.add_argument("--python-rows", default="2000,6000", help="two row counts for Python")
    parser.add_argument("--distinct", type=int, default=1_000)
    parser.add_argument("--missing", type=float, default=0.1)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("needs Valgrind's callgrind (apt-get install valgrind)")
    rows = sorted(int(n) for n in args.rows.split(","))
    python_rows = sorted(int(n) for n in args.python_rows.split(","))
    if len(set(rows)) != 2 or len(set(python_rows)) != 2:
        parser.error("--rows and --python-rows take two different counts each")
    contract = clausec.load(sql_batch.CONTRACT)
    print(
        f"deposit.clause ({args.distinct:,} distinct fact sets, {args.missing:.0%} missing "
        f"facts); instructions counted by callgrind; DuckDB on one thread at "
        f"{rows[0]:,} and {rows[1]:,} rows, Python at {python_rows[0]:,} and "
        f"{python_rows[1]:,}"
    )
    print(f"{'':26} {'way':22} {'per row':>10} {'fixed (M)':>10} {'work ratio':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        questions = args.questions.split(",")
        for question, mix, mix_file in sql_batch.mixes(
            contract, questions, args.distinct, args.missing, folder
        ):
            duckdb_counts = {}
            for n in rows:
                table = folder / f"{question}.{n}.parquet"
                sql_batch.write_table(contract, question, mix, n, table)
                duckdb_counts[n] = instructions(["duckdb", question, str(table), "1"])
            python_counts = {
                n: instructions(["python", question, str(mix_file), str(n)]) for n in python_rows
            }
            python, python_fixed = slope(python_counts)
            duckdb, duckdb_fixed = slope(duckdb_counts)
            for way, per_row, fixed in (
                ("python, per row", python, python_fixed),
                ("duckdb, 1 thread", duckdb, duckdb_fixed),
            ):
                print(
                    f"{question:26} {way:22} {per_row:10,.0f} {fixed / 1e6:10,.0f} "
                    f"{python / per_row:10.1f}×"
                )


if __name__ == "__main__":
    main()
