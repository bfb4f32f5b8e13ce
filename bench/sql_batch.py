"""Questions over a table of cases: the generated SQL in DuckDB against the generated Python
evaluator called per row, measured in the same run.

The contract is contracts/soolife/deposit.clause. For each question, --distinct (default
1,000) seeded fact sets over the facts it reads, drawn as in bench/evaluate_many.py (every fact
given a value of its type; a share of them, --missing (default 0.1), misses three facts), are
repeated to --rows rows (default 10,000,000) in a Parquet file. Then, each in a process of its
own, so that its peak memory (ru_maxrss) is its own:

- python: the generated module (`clausec emit --target python`), the question function called
  per fact set, each a ready dict in the forms callers give (money as "AMOUNT CNY", "never"),
  which is the evaluator's fast path; conversion from the table is not counted. On --python-rows
  rows (default 200,000; its cost per row does not depend on the count), results dropped.
- duckdb: `clausec batch`'s engine: the question's query (`question_sql`, dialect duckdb) over
  the Parquet file, written to a Parquet file with COPY, on all cores (DuckDB's default) and on
  one thread; on --rows rows and on a tenth of them, to show that memory does not grow with
  the rows. The time includes planning the query, not building it.
- clausec batch: the command's own run (`clausec.batch.run`), which also checks every value of
  the input and sorts the answers by row number, Parquet in and out.
- spark (with PySpark and a Java runtime; --spark-rows, default 1,000,000, 0 to leave it out):
  the query printed for Spark over the Parquet file in a local session on all cores
  (`local[*]`, the settings of docs/batch.md), written to Parquet. Spark is built to spread
  work over a cluster; on one machine this shows what one machine's share costs. Its peak
  memory is the driver JVM's and the Python process's together.

Every way answers the distinct fact sets alike first (answers, grounds and due dates, checked
against the interpreter). Figures: rows per second (the median of --repeat runs), the ratio
to Python's rows per second, and the peak resident memory of the process in MB (VmHWM).

Run: python bench/sql_batch.py [--rows N] [--python-rows N] [--spark-rows N] [--repeat N]
[--questions Q,...] [--missing SHARE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import clausec  # noqa: E402
from clausec.backends.python import emit_python  # noqa: E402
from clausec.backends.sql import SPARK_SETTINGS, question_sql  # noqa: E402
from clausec.evaluation.interpreter import ask  # noqa: E402
from clausec.ir import nodes as ir  # noqa: E402
from clausec.ir import types as T  # noqa: E402
from clausec.plan import lower  # noqa: E402

CONTRACT = ROOT / "contracts" / "soolife" / "deposit.clause"
QUESTIONS = ("may_deduct_deposit", "top_up_deadline", "release_deadline")
AS_OF = dt.date(2025, 6, 1)
NEVER = dt.date(9999, 12, 31)


def fact_mix(
    contract: ir.Contract, reads: tuple[str, ...], distinct: int, missing: float = 0.1
) -> list[dict[str, object]]:
    """Fact sets in native values (money as Decimal, never as None-free "never")."""
    facts = {f.name: f for f in contract.facts}
    rng = random.Random(20)
    mix = []
    for _ in range(distinct):
        given: dict[str, object] = {name: _value(facts[name], rng) for name in reads}
        if rng.random() < missing:  # a share of the sets misses a few facts
            for name in rng.sample(list(given), min(3, len(given))):
                del given[name]
        mix.append(given)
    return mix


def _value(fact: ir.Fact, rng: random.Random) -> object:
    t = fact.type
    if isinstance(t, T.Boolean):
        return rng.random() < 0.3
    if isinstance(t, T.Money):
        return Decimal(rng.randint(0, 20_000))
    if isinstance(t, T.Duration | T.Integer):
        return rng.randint(0, 30)
    if isinstance(t, T.Date):
        if fact.kind == "event" and rng.random() < 0.3:
            return "never"
        return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
    if isinstance(t, T.Enum):
        return rng.choice(t.members)
    return "text"


def caller_form(contract: ir.Contract, given: dict[str, object]) -> dict[str, object]:
    """A fact set as a caller gives it to the Python evaluator."""
    money = {f.name: f.type.currency for f in contract.facts if isinstance(f.type, T.Money)}
    return {k: f"{v} {money[k]}" if k in money else v for k, v in given.items()}


def table_value(value: object) -> object:
    return NEVER if value == "never" else value


def write_table(
    contract: ir.Contract, question: str, mix: list[dict[str, object]], rows: int, path: Path
) -> None:
    import duckdb

    (qp,) = [q for q in lower(contract).questions if q.question == question]
    sql = question_sql(contract, qp, as_of=AS_OF)
    con = duckdb.connect()
    columns = ", ".join(f'"{name}" {kind}' for name, kind in sql.inputs)
    con.execute(f"CREATE TABLE seed (k BIGINT, {columns})")
    con.executemany(
        f"INSERT INTO seed VALUES ({', '.join('?' for _ in range(len(sql.inputs) + 1))})",
        [[i, *(table_value(m.get(name)) for name, _ in sql.inputs)] for i, m in enumerate(mix)],
    )
    chosen = ", ".join(f's."{name}"' for name, _ in sql.inputs)
    con.execute(
        f"COPY (SELECT t.i AS row_id, {chosen} FROM range({rows}) t(i) "
        f"JOIN seed s ON s.k = t.i % {len(mix)} "
        f"ORDER BY t.i) TO '{path}' (FORMAT parquet)"
    )


# ------------------------------------------------------------------ the measured runs


def run_python(question: str, mix_file: str, rows: int) -> dict[str, float]:
    contract = clausec.load(CONTRACT)
    with tempfile.TemporaryDirectory() as tmp:
        module = load_module(contract, Path(tmp))
    mix = [
        caller_form(contract, m) for m in json.loads(Path(mix_file).read_text(), object_hook=_dates)
    ]
    function = module.QUESTIONS[question]
    sets = [mix[i % len(mix)] for i in range(rows)]
    start = time.perf_counter()
    for facts in sets:
        function(facts, as_of=AS_OF)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def run_duckdb(question: str, table: str, threads: int) -> dict[str, float]:
    import duckdb

    contract = clausec.load(CONTRACT)
    (qp,) = [q for q in lower(contract).questions if q.question == question]
    sql = question_sql(contract, qp, source="facts", keep=["row_id"], as_of=AS_OF).sql()
    # As `clausec batch` runs it: rows in no particular order on the way (batch sorts them
    # by row number at the end; the bench writes them as they come).
    con = duckdb.connect(
        config={"preserve_insertion_order": False, "disabled_optimizers": "build_side_probe_side"}
    )
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute(f"CREATE VIEW facts AS SELECT * FROM read_parquet('{table}')")
    rows = con.execute("SELECT count(*) FROM facts").fetchone()[0]  # type: ignore[index]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        con.execute(f"COPY ({sql}) TO '{Path(tmp) / 'out.parquet'}' (FORMAT parquet)")
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows}


def run_batch(question: str, table: str) -> dict[str, float]:
    """`clausec batch` end to end (checks every value, sorts the answers by row), Parquet in
    and out."""
    from clausec.batch import run

    contract = clausec.load(CONTRACT)
    (qp,) = [q for q in lower(contract).questions if q.question == question]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = run(contract, qp, Path(table), Path(tmp) / "out.parquet", as_of=AS_OF)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": summary.rows}


def run_spark(question: str, table: str) -> dict[str, float]:
    from pyspark.sql import SparkSession

    contract = clausec.load(CONTRACT)
    (qp,) = [q for q in lower(contract).questions if q.question == question]
    text = question_sql(contract, qp, keep=["row_id"], as_of=AS_OF, dialect="spark").sql()
    spark = (
        SparkSession.builder.master("local[*]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config(map=SPARK_SETTINGS)
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.read.parquet(table).createOrReplaceTempView("facts")
    rows = spark.table("facts").count()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        spark.sql(text).write.parquet(str(Path(tmp) / "out"))
        seconds = time.perf_counter() - start
    jvm = spark._jvm.java.lang.ProcessHandle.current().pid()  # type: ignore[union-attr]
    jvm_peak = peak_kb(f"/proc/{jvm}/status")
    spark.stop()
    return {"seconds": seconds, "rows": rows, "jvm_peak_kb": jvm_peak}


def load_module(contract: ir.Contract, folder: Path) -> ModuleType:
    path = folder / "soolife_deposit.py"
    path.write_text(emit_python(contract, clausec_version=clausec.__version__), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("soolife_deposit", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dates(obj: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in obj.items():
        if isinstance(v, str) and len(v) == 10 and v[4] == "-":
            out[k] = dt.date.fromisoformat(v)
        elif isinstance(v, str) and v.startswith("decimal:"):
            out[k] = Decimal(v[8:])
        else:
            out[k] = v
    return out


def mixes(
    contract: ir.Contract, questions: list[str], distinct: int, missing: float, folder: Path
) -> Iterator[tuple[str, list[dict[str, object]], Path]]:
    """For each question, its fact mix and the JSON file in ``folder`` that the Python worker
    reads it from (back through ``_dates``)."""
    plans = {q.question: q for q in lower(contract).questions}
    for question in questions:
        mix = fact_mix(contract, plans[question].reads, distinct, missing)
        path = folder / f"{question}.json"
        path.write_text(json.dumps([{k: _encode(v) for k, v in m.items()} for m in mix]))
        yield question, mix, path


def _encode(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"decimal:{value}"
    return value


def measured(args: list[str]) -> tuple[dict[str, float], float]:
    """Run this script's worker in a fresh process: its figures and peak memory in MB."""
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=True
    )
    figures = json.loads(out.stdout)
    return figures, figures.pop("peak_kb") / 1024


# ------------------------------------------------------------------ agreement


def check_agreement(
    contract: ir.Contract, question: str, mix: list[dict[str, object]], table: Path
) -> None:
    """The SQL answers the distinct fact sets as the interpreter does."""
    import duckdb

    (qp,) = [q for q in lower(contract).questions if q.question == question]
    sql = question_sql(contract, qp, as_of=AS_OF, keep=["row_id"])
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW facts AS SELECT * FROM read_parquet('{table}') WHERE row_id < {len(mix)}"
    )
    got = con.execute(f"SELECT * FROM ({sql.sql()}) ORDER BY row_id").fetchall()
    names = [d[0] for d in con.description]
    for given, row in zip(mix, got, strict=True):
        result = dict(zip(names, row, strict=True))
        want = ask(contract, question, caller_form(contract, given), AS_OF).to_dict()
        due = result.get("due_date")
        assert result["answer"] == want["answer"], (given, result, want)
        assert json.loads(result["grounds"]) == [g["norm"] for g in want["grounds"]]
        assert (None if due is None else "never" if due == NEVER else due.isoformat()) == want[
            "due"
        ]


# ------------------------------------------------------------------ main


def peak_kb(status: str = "/proc/self/status") -> float:
    """This process's peak resident memory in kB (or that of the process whose ``status`` file
    is given). VmHWM, where Linux has it: ru_maxrss keeps the peak of the process that started
    this one (it survives exec)."""
    try:
        for line in Path(status).read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def worker(argv: list[str]) -> None:
    way, question, source, count = argv[0], argv[1], argv[2], int(argv[3])
    if way == "python":
        figures = run_python(question, source, count)
    elif way == "batch":
        figures = run_batch(question, source)
    elif way == "spark":
        figures = run_spark(question, source)
    else:
        figures = run_duckdb(question, source, count)
    figures["peak_kb"] = peak_kb() + figures.pop("jvm_peak_kb", 0.0)
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--python-rows", type=int, default=200_000)
    parser.add_argument("--distinct", type=int, default=1_000)
    parser.add_argument("--spark-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--missing", type=float, default=0.1)
    parser.add_argument("--questions", default=",".join(QUESTIONS))
    args = parser.parse_args()
    if args.spark_rows and importlib.util.find_spec("pyspark") is None:
        parser.error("--spark-rows needs PySpark (pip install -e '.[spark]'); 0 leaves it out")
    contract = clausec.load(CONTRACT)
    print(
        f"deposit.clause, {args.rows:,} rows ({args.distinct:,} distinct fact sets, "
        f"{args.missing:.0%} missing facts), Python on "
        f"{args.python_rows:,}; median of {args.repeat}; rows/s, ratio to Python, peak MB"
    )
    print(f"{'':26} {'way':28} {'rows/s':>12} {'ratio':>7} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        questions = args.questions.split(",")
        for question, mix, mix_file in mixes(
            contract, questions, args.distinct, args.missing, folder
        ):
            big, small = folder / f"{question}.parquet", folder / f"{question}.small.parquet"
            write_table(contract, question, mix, args.rows, big)
            write_table(contract, question, mix, max(args.rows // 10, args.distinct), small)
            spark_table = folder / f"{question}.spark.parquet"
            if args.spark_rows:
                write_table(contract, question, mix, args.spark_rows, spark_table)
            check_agreement(contract, question, mix, big)
            ways = {
                "python, per row": ["python", question, str(mix_file), str(args.python_rows)],
                "duckdb, all cores": ["duckdb", question, str(big), "0"],
                "duckdb, 1 thread": ["duckdb", question, str(big), "1"],
                "clausec batch, all cores": ["batch", question, str(big), "0"],
                f"duckdb, all cores, {args.rows // 10:,} rows": [
                    "duckdb",
                    question,
                    str(small),
                    "0",
                ],
            }
            if args.spark_rows:
                ways[f"spark local, {args.spark_rows:,} rows"] = [
                    "spark",
                    question,
                    str(spark_table),
                    "0",
                ]
            speed: dict[str, list[float]] = {name: [] for name in ways}
            peak: dict[str, float] = {}
            for _ in range(args.repeat):
                for name, argv in ways.items():
                    figures, mb = measured(argv)
                    speed[name].append(figures["rows"] / figures["seconds"])
                    peak[name] = max(peak.get(name, 0.0), mb)
            base = statistics.median(speed["python, per row"])
            for name in ways:
                rate = statistics.median(speed[name])
                print(
                    f"{question:26} {name:28} {rate:12,.0f} {rate / base:6.1f}× {peak[name]:8.0f}"
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2:])
    else:
        main()
