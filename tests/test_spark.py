"""The SQL target on Apache Spark (docs/batch.md, "On Spark"): the queries of
``clausec emit --target sql --dialect spark`` answer as the interpreter does.

One local Spark session (``local[2]``) serves the whole run. For every question of every
shipped contract, seeded cases (tests/sql_cases.py, from factgen: the cases of
tests/test_sql.py, fewer of them) go into a Spark DataFrame with the typed columns the query
reads, registered as the temporary view ``facts``; ``spark.sql`` runs the question's query
and every row must say what the interpreter says: answer, grounds, facts needed, due date,
presumptions relied on, value and error problem (30 cases per question by default, 100 at
full depth: DuckDB's tests take 2,000).

The queries have the shape printed for Spark (one branch, steps nested: docs/batch.md), and
the session the settings that page gives: without them Spark runs 2 GB of driver memory out
on the larger queries. Every run asks the questions of annex 1 and the deposit agreement's
flagship question; the full-depth tier (``CLAUSEC_TEST_DEPTH=full``, or
``CLAUSEC_SPARK_ALL=1``) asks every question of every shipped contract. Texts with
quotes, backslashes and line breaks, and clause ids in any script, must come through Spark's
string escaping both ways, and an emitted file runs as it is.

The tests need PySpark (the ``spark`` extra) and a Java runtime; without them they are
skipped, and in CI (.ci/run installs both) they fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sql_cases import TableCase, compare, table_cases

import clausec
from clausec.backends.sql import (
    SPARK_SETTINGS,
    AsOfColumn,
    column_type,
    input_columns,
    question_sql,
)
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import EvaluationError, ask
from clausec.ir import nodes as ir
from clausec.plan import lower

from conftest import FULL_DEPTH, REPO, SHIPPED, depth, need_tool, run_cli

HAVE_PYSPARK = importlib.util.find_spec("pyspark") is not None
JAVA_HOME = os.environ.get("JAVA_HOME")
HAVE_JAVA = shutil.which("java") is not None or (
    JAVA_HOME is not None and (Path(JAVA_HOME) / "bin" / "java").exists()
)

NO_PYSPARK = "PySpark is not installed: pip install -e '.[spark]' -c constraints.txt"

CASES = depth(fast=30, full=100)  # a smaller sample than DuckDB's 2,000 (the issue's)

ITEMS = [(path, q.name) for path in SHIPPED for q in clausec.load(path).questions]

# Every run asks Spark the questions of annex 1 and the deposit agreement's flagship question
# (about half a minute); the full-depth tier (CLAUSEC_TEST_DEPTH=full), or CLAUSEC_SPARK_ALL=1,
# asks every question of every shipped contract (about 7 minutes on 2 cores).
DEFAULT = {("annex1", None), ("deposit", "may_deduct_deposit")}
ALL_ON = FULL_DEPTH or os.environ.get("CLAUSEC_SPARK_ALL") == "1"


def _default(path: Path, question: str) -> bool:
    return (path.stem, None) in DEFAULT or (path.stem, question) in DEFAULT


def _item(path: Path, question: str) -> Any:
    marks = [] if _default(path, question) else [pytest.mark.deep]
    return pytest.param(path, question, marks=marks, id=f"{path.stem}:{question}")


# ------------------------------------------------------------------ the session


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    need_tool(HAVE_PYSPARK, NO_PYSPARK)
    need_tool(
        HAVE_JAVA,
        "no Java runtime (`java` on PATH or JAVA_HOME) for Spark: install one, such as "
        "Debian's default-jre-headless",
    )
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("clausec-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # Due dates are DATEs; CURRENT_DATE is never used (each row has its as-of date).
        .config("spark.sql.session.timeZone", "UTC")
        .config(map=SPARK_SETTINGS)
        # The driver analyses and plans the query: 2 GB are enough for every shipped question.
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


_SPARK_TYPES = {
    "BOOLEAN": "BooleanType",
    "BIGINT": "LongType",
    "DATE": "DateType",
    "VARCHAR": "StringType",
}


def spark_type(sql_type: str) -> Any:
    """The Spark type of a column of the query's input (``q.inputs``)."""
    from pyspark.sql import types

    if sql_type.startswith("DECIMAL("):
        precision, scale = sql_type[len("DECIMAL(") : -1].split(",")
        return types.DecimalType(int(precision), int(scale))
    return getattr(types, _SPARK_TYPES[sql_type])()


def facts_view(spark: Any, inputs: tuple[tuple[str, str], ...], rows: list[tuple]) -> None:
    """``rows`` (case_id, as_of_date, then the columns of ``inputs``) as the view ``facts``."""
    from pyspark.sql import types

    fields = [
        types.StructField("case_id", types.LongType()),
        types.StructField("as_of_date", types.DateType()),
        *(types.StructField(name, spark_type(kind)) for name, kind in inputs),
    ]
    spark.createDataFrame(rows, types.StructType(fields)).createOrReplaceTempView("facts")


def run(spark: Any, query: str) -> tuple[list[dict[str, object]], float, float]:
    """The rows of ``query`` over the view ``facts``, the seconds Spark took to parse and
    analyse it, and those it took to optimise, plan and run it."""
    start = time.perf_counter()
    frame = spark.sql(query)
    analysed = time.perf_counter()
    rows = [row.asDict() for row in frame.collect()]
    return rows, analysed - start, time.perf_counter() - analysed


def answers(
    spark: Any, contract: ir.Contract, question: str, n: int
) -> tuple[int, list[str], dict[str, float]]:
    """Rows compared, the disagreements, and the seconds each phase took."""
    (plan,) = [q for q in lower(contract).questions if q.question == question]
    started = time.perf_counter()
    as_of = AsOfColumn("as_of_date")
    query = question_sql(contract, plan, keep=["case_id"], as_of=as_of, dialect="spark")
    text = query.sql()
    generated = time.perf_counter() - started
    cases = table_cases(contract, question, n, zlib.crc32(question.encode()) % 1000)
    facts_view(spark, query.inputs, [c.row for c in cases])
    rows, analysis, running = run(spark, text)
    results = {r["case_id"]: r for r in rows}
    assert len(results) == len(rows) == len(cases)
    bad = []
    for case in cases:
        problem = compare(case, results[case.row[0]])
        if problem:
            bad.append(f"{question} {case.facts} as of {case.as_of}: {problem}")
    seconds = {"generate": generated, "analyse": analysis, "run": running}
    return len(cases), bad, seconds


# ------------------------------------------------------------------ every question


@pytest.mark.parametrize(("path", "question"), [_item(p, q) for p, q in ITEMS])
def test_spark_answers_as_the_interpreter(spark: Any, path: Path, question: str) -> None:
    if not _default(path, question) and not ALL_ON:
        pytest.skip("full-depth tier only (CLAUSEC_TEST_DEPTH=full, or CLAUSEC_SPARK_ALL=1)")
    count, bad, seconds = answers(spark, clausec.load(path), question, CASES)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
    assert not bad, f"{len(bad)} of {count} rows disagree ({timing}); first: {bad[0]}"
    assert count >= CASES // 2, count


# ------------------------------------------------------------------ emitted files


def _page_script(page: Path, info: str) -> str:
    """The one fenced block of ``page`` whose info string is ``info``."""
    lines = page.read_text(encoding="utf-8").splitlines()
    opening = lines.index(f"```{info}")
    closing = lines.index("```", opening + 1)
    return "\n".join(lines[opening + 1 : closing]) + "\n"


def test_the_pages_script_runs_an_emitted_file(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The spark-submit script of docs/batch.md, run on the file `clausec emit --target sql
    --dialect spark` writes (its header of comments and final `;` included) and on a Parquet
    file of cases, writes the answers the interpreter gives. The script runs in this process,
    where its ``getOrCreate()`` finds the tests' session."""
    path = REPO / "contracts/soolife/annex1.clause"
    question = "next_settlement_date"
    options = ["--dialect", "spark", "--as-of", "column:as_of_date", "--keep", "case_id"]
    options += ["--question", question]
    result = run_cli(["emit", str(path), "--target", "sql", *options, "-o", str(tmp_path)])
    assert result.returncode == 0, result.stderr
    (emitted,) = tmp_path.rglob(f"{question}.sql")
    text = emitted.read_text(encoding="utf-8")
    assert text.startswith("-- ") and text.rstrip().endswith(";")
    contract = clausec.load(path)
    (plan,) = [q for q in lower(contract).questions if q.question == question]
    cases = table_cases(contract, question, 20, seed=7)
    facts_view(spark, input_columns(contract, plan), [c.row for c in cases])
    spark.table("facts").write.parquet(str(tmp_path / "cases.parquet"))
    script = _page_script(REPO / "docs/batch.md", "python spark-submit")
    for key, value in SPARK_SETTINGS.items():  # the page gives the settings the tests use
        assert f'.config("{key}", "{value}")' in script, key
    argv = ["answer.py", str(tmp_path / "cases.parquet"), str(emitted), str(tmp_path / "out")]
    monkeypatch.setattr("sys.argv", argv)
    exec(compile(script, "docs/batch.md", "exec"), {"__name__": "__main__"})
    rows = [row.asDict() for row in spark.read.parquet(str(tmp_path / "out")).collect()]
    got = {r["case_id"]: r for r in rows}
    assert len(got) == len(rows) == len(cases) >= 10
    for case in cases:
        assert compare(case, got[case.row[0]]) is None, case.facts


# ------------------------------------------------------------------ texts and names

# A text with a quote, a backslash, double quotes and a line break, each of which a string
# literal of Spark SQL must escape; and a clause id in three scripts with quotes of its own.
HOSTILE = 'it\'s a \\ "test"\n'
CLAUSE_ID = '§ 1 „Über“ 第一条 it\'s \\ "q"'


def _literal(text: str) -> str:
    """A clause-language string literal for ``text`` (the line break stays a real one)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


ESCAPES = f"""\
contract escapes title "Texts through Spark" source "escapes.txt" language en calendar CN
party a role "first"
party b role "second"
action pay "pay"
object fee : money CNY "the fee"
fact note : text "a note"
fact channel : one of email, post
clause {_literal(CLAUSE_ID)} quote "Pay when the note says so."
  a must pay fee to b when note = {_literal(HOSTILE)}
question must_pay : must a pay fee
question the_note : value of note
question the_channel : value of channel
"""


def test_texts_and_clause_ids_survive_spark_escaping(spark: Any) -> None:
    result = clausec.compile_text(ESCAPES, "escapes.clause")
    assert not result.diagnostics, result.diagnostics
    contract = result.contract("escapes")
    plans = {q.question: q for q in lower(contract).questions}
    notes = [HOSTILE, HOSTILE.rstrip("\n"), "it's", "", None]
    channels = ["email", "post", HOSTILE, None]
    for question, fact, values in [
        ("must_pay", "note", notes),
        ("the_note", "note", notes),
        ("the_channel", "channel", channels),
    ]:
        query = question_sql(
            contract, plans[question], keep=["case_id"], as_of=None, dialect="spark"
        )
        assert query.inputs == ((fact, "VARCHAR"),)
        cases = [_case(contract, question, k, fact, v) for k, v in enumerate(values)]
        facts_view(spark, query.inputs, [c.row for c in cases])
        rows, _, _ = run(spark, query.sql())
        got = {r["case_id"]: r for r in rows}
        for case in cases:
            assert compare(case, got[case.row[0]]) is None, (question, case.facts)
        by_value = dict(zip(values, cases, strict=True))
        if question == "must_pay":
            # The one text equal to the clause's, byte for byte, grounds the obligation.
            row = got[by_value[HOSTILE].row[0]]
            assert row["answer"] == "obliged", row
            assert json.loads(str(row["grounds"])) == [f"{CLAUSE_ID}#1"]
            assert got[by_value["it's"].row[0]]["answer"] == "not_obliged"
        elif question == "the_note":
            # The text comes back as it went in.
            assert got[by_value[HOSTILE].row[0]]["value"] == HOSTILE
        else:
            # Not a member of the `one of`: the row's error names the fact.
            assert got[by_value[HOSTILE].row[0]]["error"] == "wrong_value: channel"
            assert got[by_value["post"].row[0]]["value"] == "post"


def _case(contract: ir.Contract, question: str, k: int, fact: str, value: str | None) -> TableCase:
    """A row of one text fact, and what the interpreter says of it."""
    given = {} if value is None else {fact: value}
    try:
        outcome: dict[str, object] = {"result": ask(contract, question, given, None).to_dict()}
    except (FactError, EvaluationError) as exc:
        outcome = {"error": exc.problem}
    return TableCase((k, None, value), given, None, outcome)


# ------------------------------------------------------------------ typed columns


def test_every_input_type_has_a_spark_type() -> None:
    """Every SQL type a fact's column may have (``column_type``) has its Spark type."""
    need_tool(HAVE_PYSPARK, NO_PYSPARK)
    from pyspark.sql import types

    assert spark_type("DECIMAL(38, 12)") == types.DecimalType(38, 12)
    kinds = {column_type(f.type) for path in SHIPPED for f in clausec.load(path).facts}
    assert kinds == {*_SPARK_TYPES, "DECIMAL(38, 12)"}, kinds
    for kind in kinds:
        assert isinstance(spark_type(kind), types.DataType), kind
