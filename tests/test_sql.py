"""The SQL target against the interpreter, in DuckDB (docs/batch.md).

For every question of every shipped contract and documentation example, seeded cases
(tests/sql_cases.py, from factgen) go into a typed DuckDB table, one row each, and the
question's query answers them all at once: answer, grounds, facts needed, due date,
presumptions relied on, value and error problem must be the interpreter's, row by row (60
cases per question by default; in the deep tier 300 more, 2,000 at full depth). Property
tests check the integer date arithmetic and the working-day calendar of the generated SQL
against Python's on any day of 0001–9999; others check determinism and refusals (hostile
contracts are in tests/test_hostile.py, the files of `emit` in tests/test_emit_sql.py)."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sql_cases import TableCase, compare, table_cases
from sqlglot import exp

import clausec
from clausec.backends.sql import AsOfColumn, QuestionSQL, SQLError, question_sql
from clausec.backends.sql import build as B
from clausec.backends.sql import dates as D
from clausec.backends.sql.calendar import WorkingCalendar
from clausec.backends.sql.names import internal
from clausec.backends.sql.query import NESTING, PIECES
from clausec.evaluation import calendar as C
from clausec.ir import nodes as ir
from clausec.plan import QuestionPlan, lower

from conftest import FULL_DEPTH, REPO, SHIPPED, depth

ITEMS = [
    (path, q.name)
    for path in [*SHIPPED, *sorted((REPO / "docs" / "examples").glob("*.clause"))]
    for q in clausec.load(path).questions
]
CASES = 60
DEEP_CASES = depth(fast=300, full=2_000)


@functools.cache
def compiled(path: Path) -> tuple[ir.Contract, dict[str, QuestionPlan]]:
    """The contract of ``path`` and its questions' plans, compiled once per test process."""
    contract = clausec.load(path)
    return contract, {q.question: q for q in lower(contract).questions}


def fact_table(query: QuestionSQL, rows: list[tuple[object, ...]]) -> duckdb.DuckDBPyConnection:
    """A connection whose table ``facts`` holds ``rows``: case id, as-of date, the facts read."""
    con = duckdb.connect()
    columns = ", ".join(f'"{name}" {kind}' for name, kind in query.inputs)
    con.execute(
        f"CREATE TABLE facts (case_id BIGINT, as_of_date DATE{', ' if columns else ''}{columns})"
    )
    if rows:
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"INSERT INTO facts VALUES ({marks})", rows)
    return con


def answers(
    path: Path,
    question: str,
    n: int,
    *,
    presume: bool = True,
    seed: int = 0,
    compact: bool = False,
) -> tuple[int, list[str], dict[str, int]]:
    """Rows compared, the disagreements, and the answers by kind."""
    contract, plans = compiled(path)
    plan = plans[question]
    cases = table_cases(
        contract, question, n, (zlib.crc32(question.encode()) + seed) % 1000, presume=presume
    )
    as_of = AsOfColumn("as_of_date")
    query = question_sql(
        contract, plan, keep=["case_id"], as_of=as_of, presume=presume, compact=compact
    )
    con = fact_table(query, [c.row for c in cases])
    rows = con.execute(query.sql()).fetchall()
    names = [d[0] for d in con.description]
    results = {r[0]: dict(zip(names, r, strict=True)) for r in rows}
    assert len(results) == len(cases)
    bad, kinds = [], {}
    for case in cases:
        problem = compare(case, results[case.row[0]])
        if problem:
            bad.append(f"{question} {case.facts} as of {case.as_of}: {problem}")
        kind = case.outcome["result"]["answer"] if "result" in case.outcome else "error"  # type: ignore[index]
        kinds[kind] = kinds.get(kind, 0) + 1
    return len(cases), bad, kinds


IDS = [f"{p.stem}:{q}" for p, q in ITEMS]


@pytest.mark.parametrize(("path", "question"), ITEMS, ids=IDS)
def test_duckdb_answers_as_the_interpreter(path: Path, question: str) -> None:
    count, bad, kinds = answers(path, question, CASES)
    assert not bad, f"{len(bad)} of {count} rows disagree; first: {bad[0]}"
    # Not vacuous: most cases fit the table.
    assert count >= CASES // 2, (count, kinds)


@pytest.mark.parametrize(("path", "question"), ITEMS, ids=IDS)
def test_the_compact_shape_answers_as_the_interpreter(path: Path, question: str) -> None:
    """The shape printed for Spark (one three-valued branch for every row, steps nested), run
    in DuckDB: Spark's tests take a smaller sample, this one every question's."""
    count, bad, kinds = answers(path, question, CASES // 2, seed=3, compact=True)
    assert not bad, f"{len(bad)} of {count} rows disagree; first: {bad[0]}"
    assert count >= CASES // 4, (count, kinds)


@pytest.mark.deep
@pytest.mark.parametrize(("path", "question"), ITEMS, ids=IDS)
def test_duckdb_answers_as_the_interpreter_in_depth(path: Path, question: str) -> None:
    """The same with more cases (2,000 per question at full depth), other seeds' cases."""
    if not FULL_DEPTH:
        pytest.skip("the full-depth tier's test (CLAUSEC_TEST_DEPTH=full)")
    count, bad, kinds = answers(path, question, DEEP_CASES, seed=7)
    assert not bad, f"{len(bad)} of {count} rows disagree; first: {bad[0]}"
    assert count >= DEEP_CASES // 2, (count, kinds)


@pytest.mark.parametrize(
    "question", ["may_deduct_deposit", "release_deadline", "platform_may_terminate"]
)
def test_without_presumptions(question: str) -> None:
    _, bad, kinds = answers(REPO / "contracts/soolife/deposit.clause", question, 60, presume=False)
    assert not bad, bad[0]
    assert "undetermined" in kinds, kinds


def test_answers_vary_over_the_shipped_contracts() -> None:
    """The cases reach every kind of answer the deposit questions give, errors included."""
    seen: set[str] = set()
    for question in ("release_deadline", "may_deduct_deposit", "deduction_amount"):
        _, bad, kinds = answers(REPO / "contracts/soolife/deposit.clause", question, 120)
        assert not bad, bad[0]
        seen |= set(kinds)
    assert {"date", "none", "undetermined", "yes", "no", "value", "error"} <= seen, seen


def test_rows_that_miss_facts_are_dealt_out_once_each() -> None:
    """DuckDB's query deals the rows that miss a fact out to copies of each batch by a hash of
    the row (docs/batch.md): rows alike share a piece, and each comes out once, answered."""
    contract, plans = compiled(REPO / "contracts/soolife/deposit.clause")
    plan = plans["top_up_deadline"]
    cases = table_cases(contract, "top_up_deadline", 60, 7)
    query = question_sql(contract, plan, keep=["case_id"], as_of=AsOfColumn("as_of_date"))
    assert isinstance(query.query.find(exp.GenerateSeries), exp.GenerateSeries)
    postgres = question_sql(contract, plan, keep=["case_id"], dialect="postgres")
    assert postgres.query.find(exp.GenerateSeries) is None
    # 3,000 rows: batches of both branches, each case 50 rows alike
    _answered_once_each(query, cases, [c.row for c in cases] * 50)
    assert any(value is None for case in cases for value in case.row[2:])


@pytest.mark.parametrize("first", ["complete", "incomplete"])
def test_rows_are_dealt_out_whatever_the_first_batch_holds(first: str) -> None:
    """The number of copies follows the share of the first batch that misses a fact (one copy
    when none does, the most when all do); the rows after it, whatever their share, still
    come out once each, answered."""
    contract, plans = compiled(REPO / "contracts/soolife/deposit.clause")
    cases = table_cases(contract, "top_up_deadline", 60, 7)
    query = question_sql(
        contract, plans["top_up_deadline"], keep=["case_id"], as_of=AsOfColumn("as_of_date")
    )
    complete = [c.row for c in cases if all(v is not None for v in c.row[2:])]
    incomplete = [c.row for c in cases if any(v is None for v in c.row[2:])]
    assert complete and incomplete
    leading = complete if first == "complete" else incomplete
    trailing = incomplete if first == "complete" else complete
    copies = -(-2_100 // len(leading))  # the first batch and more
    rows = leading * copies + trailing * copies
    con = _answered_once_each(query, cases, rows)
    (pieces,) = [s for s in query.query.find_all(exp.Subquery) if s.alias == internal("pieces")]
    count = con.execute(f"SELECT count(*), max(k) FROM {pieces.sql('duckdb')}").fetchall()
    assert count == ([(1, 1)] if first == "complete" else [(PIECES, PIECES)])


def _answered_once_each(
    query: QuestionSQL, cases: list[TableCase], rows: list[tuple[object, ...]]
) -> duckdb.DuckDBPyConnection:
    """Every row of ``rows`` (cases by id) answered once, as the interpreter answers its case;
    the connection whose table holds them."""
    con = fact_table(query, rows)
    got = con.execute(query.sql()).fetchall()
    names = [d[0] for d in con.description]
    assert Counter(row[0] for row in got) == Counter(row[0] for row in rows)
    seen: dict[object, list[tuple[object, ...]]] = {}
    for row in got:
        seen.setdefault(row[0], []).append(row)
    for case in cases:
        group = seen[case.row[0]]
        assert len(set(group)) == 1, group[:2]
        problem = compare(case, dict(zip(names, group[0], strict=True)))
        assert problem is None, f"{case.facts}: {problem}"
    return con


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
def test_printing_leaves_the_query_as_it_was(dialect: str) -> None:
    """QuestionSQL.sql prints its tree without copying it first: every dialect's rewrites must
    leave it unchanged, so that printing twice prints the same."""
    contract, plans = compiled(REPO / "contracts/soolife/deposit.clause")
    # Three-valued steps, a working-day calendar, presumptions: most of what a query holds.
    plan = plans["release_deadline"]
    query = question_sql(contract, plan, keep=["case_id"], dialect=dialect)
    before = query.query.copy()
    first = query.sql()
    assert query.query == before
    assert query.sql() == first == before.sql(dialect=dialect, copy=False)


# ------------------------------------------------------------------ date arithmetic


def evaluate(expression: B.E) -> object:
    return duckdb.execute(f"SELECT {expression.sql('duckdb')}").fetchall()[0][0]


days = st.integers(min_value=D.MIN_DAY, max_value=D.MAX_DAY)


@settings(max_examples=depth(fast=60, full=1_000), deadline=None)
@given(days)
def test_civil_dates_round_trip(day: int) -> None:
    date = dt.date.fromordinal(day)
    year, month, dom = D.to_civil(B.num(day), lambda e: e)
    assert evaluate(year) == date.year and evaluate(month) == date.month
    assert evaluate(dom) == date.day
    assert (
        evaluate(D.from_civil(B.num(date.year), B.num(date.month), B.num(date.day), lambda e: e))
        == day
    )


@pytest.fixture(scope="module")
def china() -> tuple[WorkingCalendar, duckdb.DuckDBPyConnection]:
    """The CN calendar (make-up working days) as a table in DuckDB."""
    calendar = WorkingCalendar(C.table("CN"))
    calendar.counts |= {3, -3}
    con = duckdb.connect()
    for name, select in calendar.ctes():
        con.execute(f"CREATE TABLE {name} AS {select.sql('duckdb')}")
    return calendar, con


def lookup_in(con: duckdb.DuckDBPyConnection) -> object:
    def lookup(key: B.E, column: str) -> B.E:
        table, by, value = (
            ("clausec__working_days", "ordinal", "day_number")
            if column == "nth"
            else ("clausec__calendar", "day_number", column)
        )
        return sqlglot.parse_one(
            f"(SELECT {value} FROM {table} WHERE {by} = ({key.sql('duckdb')}))", read="duckdb"
        )

    return lookup


@settings(
    max_examples=depth(fast=60, full=1_000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.one_of(days, st.integers(min_value=728_000, max_value=755_000)))
def test_working_day_counts_match_the_runtime(
    china: tuple[WorkingCalendar, duckdb.DuckDBPyConnection], day: int
) -> None:
    """W(x) and its inverse, in and out of the table's years, as the calendar counts them."""
    calendar, con = china
    working = C.working_days("CN")
    lookup = lookup_in(con)
    counted = con.execute(
        f"SELECT {calendar.count_to(B.num(day), lookup, lambda e: e).sql('duckdb')}"
    ).fetchone()[0]  # type: ignore[index,arg-type]
    nth = con.execute(
        f"SELECT {calendar.nth(B.num(counted), lookup, lambda e: e).sql('duckdb')}"
    ).fetchone()[0]  # type: ignore[index,arg-type]
    date = dt.date.fromordinal(day)
    if working.is_working_day(date):
        assert nth == day
    else:  # the last working day before it
        assert nth < day and working.is_working_day(dt.date.fromordinal(nth))
        assert all(not working.is_working_day(dt.date.fromordinal(d)) for d in range(nth + 1, day))


def test_moved_columns_agree_with_counting(
    china: tuple[WorkingCalendar, duckdb.DuckDBPyConnection],
) -> None:
    calendar, con = china
    working = C.working_days("CN")
    for count in (3, -3):
        low, high = calendar.moved_range(count)
        rows = con.execute(
            f"SELECT day_number, {'after_3' if count > 0 else 'before_3'} FROM clausec__calendar "
            f"WHERE day_number BETWEEN {low} AND {high} AND day_number % 97 = 0"
        ).fetchall()
        assert rows
        for day, moved in rows:
            expected = working.add(dt.date.fromordinal(day), count)
            assert moved == expected.toordinal(), (day, count)


# ------------------------------------------------------------------ printing


def test_output_is_the_same_whatever_the_hash_seed() -> None:
    script = (
        "import hashlib, clausec\n"
        "from clausec.plan import lower\n"
        "from clausec.backends.sql import question_sql\n"
        "c = clausec.load('contracts/soolife/deposit.clause')\n"
        "for q in lower(c).questions[:4]:\n"
        "    text = question_sql(c, q, as_of=None, dialect='spark').sql()\n"
        "    print(hashlib.sha256(text.encode()).hexdigest())\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "4242")
    }
    assert len(outputs) == 1


def test_spark_steps_nest_at_most_nesting_deep() -> None:
    """Spark's query nests its steps as subqueries, NESTING deep at most between CTEs: sqlglot
    prints a tree by recursion, and the query prints within Python's default limit."""
    contract, plans = compiled(REPO / "contracts/unisend/privacy.clause")
    plan = plans["delete_deadline"]
    query = question_sql(contract, plan, as_of=None, dialect="spark")
    ctes = [cte.alias for cte in query.query.args["with_"].expressions]
    assert sum(name.startswith("clausec__step") for name in ctes) >= 2, ctes

    # The most SELECTs nested in one another through subqueries (a CTE's body starts anew),
    # in one walk of the tree.
    deepest, stack = 0, [(query.query, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        for child in node.iter_expressions():
            if isinstance(child, exp.Subquery) and isinstance(child.this, exp.Select):
                stack.append((child.this, depth + 1))
            elif isinstance(child, exp.CTE):
                stack.append((child.this, 1))
            else:
                stack.append((child, depth))
    assert 2 <= deepest <= NESTING + 1, deepest
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(1_000)
        assert query.sql().startswith("WITH")
    finally:
        sys.setrecursionlimit(limit)


def test_a_query_too_deep_to_print_is_refused_not_a_traceback() -> None:
    contract, plans = compiled(REPO / "contracts/soolife/annex1.clause")
    plan = plans["next_settlement_date"]
    query = question_sql(contract, plan, as_of=None)
    limit = sys.getrecursionlimit()
    try:
        # A few dozen frames above this one: far too few for the query's tree.
        sys.setrecursionlimit(len(inspect.stack(0)) + 40)
        with pytest.raises(SQLError, match="nested too deeply"):
            query.sql()
    finally:
        sys.setrecursionlimit(limit)


def test_an_unknown_dialect_and_a_reserved_column_are_refused() -> None:
    contract = clausec.load(REPO / "contracts/soolife/annex1.clause")
    plan = lower(contract).questions[0]
    with pytest.raises(SQLError, match="dialect"):
        question_sql(contract, plan, dialect="oracle")
    with pytest.raises(SQLError, match="clausec__"):
        question_sql(contract, plan, keep=["clausec__x"])
    with pytest.raises(SQLError, match="result column"):
        question_sql(contract, plan, keep=["answer"])
