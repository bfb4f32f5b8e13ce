"""`clausec batch` (docs/batch.md): a question answered for every row of a CSV or Parquet
file by its SQL query in DuckDB.

The answers are checked row by row against the reference interpreter on generated fact sets
(factgen) of a few questions; the conversions of CSV and Parquet cells, the pass-through of
hostile cells, every error (its exit code, its message naming the column, row and value) and
that nothing is written by a run that fails."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import clausec
from clausec.batch import progress_line
from clausec.evaluation import facts as F
from clausec.evaluation.interpreter import ask
from clausec.evaluation.values import EvaluationError
from clausec.ir import nodes as ir
from clausec.plan import lower

from conftest import CONTRACTS, run_cli
from factgen import fact_cases

DEPOSIT = CONTRACTS / "soolife" / "deposit.clause"
ANNEX1 = CONTRACTS / "soolife" / "annex1.clause"

# A small contract with a fact of every type, a presumption, bounds and a working-day
# deadline on the CN calendar.
SMALL = """\
contract batch_t
  title "Batch test"
  source "t.txt"
  language en
  calendar CN

party a role "first party"
party b role "second party"
action pay "pay"
object fee : money CNY "the fee"
fact f : boolean
  presumed false because "the party relying on it must show it"
fact n : integer
fact x : decimal
fact m : money CNY at least 0 CNY
fact d : date
fact dd : duration in days
fact wd : duration in working days
fact mm : duration in months
fact t : text
fact k : one of red, green
event e

clause "1"
  quote "Pay within 10 working days after e when f."
  a must pay fee to b
    when f and k = red
    within 10 working days after e
clause "2"
  quote "May pay when the fee is large."
  a may pay fee
    when m > 100 CNY or t = "yes"

question due : deadline of a pay fee
question may_pay : may a pay fee
question total : value of m * n
question later : value of d + dd
question work_later : value of d + wd
question month_later : value of d + mm
question big : value of x > 1.5 and n >= 2
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "t.clause"
    path.write_text(SMALL, encoding="utf-8")
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def batch(*args: str | Path) -> tuple[int, str, str]:
    result = run_cli(["batch", *map(str, args)])
    return result.returncode, result.stdout, result.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ------------------------------------------------------------------ against the interpreter


def cell(fact: ir.Fact, raw: object) -> str | None:
    """A generated fact value as a CSV cell, or None when the SQL types cannot hold it (more
    digits than DECIMAL(38, 12) or BIGINT) or it is no value of the fact's type at all."""
    try:
        value = F._read_typed(fact, raw)  # bounds are the query's to check
    except F.FactError:
        return None
    if value is None:
        return ""
    if value is F.NEVER:
        return "never"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        if fact.kind == "event" and value == dt.date.max:
            return None  # reads as never in SQL (docs/batch.md, "Limits")
        return value.isoformat()
    if isinstance(value, Decimal):
        whole, _, fraction = format(value, "f").lstrip("+-").partition(".")
        if len(whole.lstrip("0")) > 26 or len(fraction.rstrip("0")) > 12:
            return None
        return format(value, "f")
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return None
    if value == "":
        return None  # an empty cell is a text not given (docs/batch.md)
    return str(value)


def expected_outcome(
    contract: ir.Contract, question: str, raw: dict[str, object], as_of: str | None
) -> dict[str, object]:
    day = dt.date.fromisoformat(as_of) if as_of else None
    try:
        result = ask(contract, question, raw, day).to_dict()
    except F.FactError as exc:
        return {"error": f"{exc.problem}: {exc.fact}"}
    except EvaluationError as exc:
        return {"error": exc.problem}
    return result


def compare_with_interpreter(path: Path, question: str, tmp_path: Path, cases: int) -> None:
    (contract,) = [
        c
        for c in clausec.check_paths([str(path)]).contracts
        if question in [q.name for q in c.questions]
    ]
    (plan,) = [p for p in lower(contract).questions if p.question == question]
    facts = {f.name: f for f in contract.facts}
    rows: list[list[str]] = []
    wanted: list[dict[str, object]] = []
    for raw, as_of in fact_cases(contract, cases, seed=2026):
        read = {name: value for name, value in raw.items() if name in plan.reads}
        cells = [cell(facts[name], read.get(name)) for name in plan.reads]
        if any(c is None for c in cells):
            continue
        rows.append([str(len(rows) + 1), as_of or "", *(c or "" for c in cells)])
        wanted.append(expected_outcome(contract, question, read, as_of))
    assert len(rows) > cases // 2
    source = write_csv(tmp_path / "cases.csv", ["case", "day", *plan.reads], rows)
    output = tmp_path / "answers.csv"
    code, _, err = batch(
        path, question, "--input", source, "--output", output, "--as-of-column", "day"
    )
    assert code == 0, err
    got = read_csv(output)
    assert [g["case"] for g in got] == [r[0] for r in rows]
    checked = {"answer": 0, "error": 0}
    header = ["case", "day", *plan.reads]
    for row, want, have in zip(rows, wanted, got, strict=True):
        where = f"{question}, case {row[0]}: {dict(zip(header, row, strict=True))}"
        if "error" in want:
            # `problem: fact` for a fact error, the problem for an evaluation error.
            assert have["error"] == want["error"], where
            assert have["answer"] == have["grounds"] == "", where
            checked["error"] += 1
            continue
        assert have["error"] == "", f"{where}: {have['error']}"
        assert have["answer"] == want["answer"], where
        assert json.loads(have["grounds"]) == [g["norm"] for g in want["grounds"]], where  # type: ignore[attr-defined, index]
        assert json.loads(have["needed"]) == (
            want["depends_on"] if want["answer"] == "undetermined" else []
        ), where
        if "due_date" in have:
            due = want["due"]
            assert have["due_date"] == (
                "" if due is None else "9999-12-31" if due == "never" else due
            ), where
        if "value" in have and want["answer"] == "value":
            assert_same_value(have["value"], want["value"], where)
        checked["answer"] += 1
    assert checked["answer"] > len(rows) // 2, checked


def assert_same_value(cell_text: str, value: object, where: str) -> None:
    if isinstance(value, dict) and "currency" in value:
        value = value["amount"]
    if isinstance(value, bool):
        assert cell_text == str(value).lower(), where
    elif isinstance(value, dict) and "unit" in value:
        assert cell_text == str(value["amount"]), where
    elif isinstance(value, (int, str)) and not str(value).replace(".", "").lstrip("-").isdigit():
        assert cell_text == ("9999-12-31" if value == "never" else value), where
    else:
        assert Decimal(cell_text) == Decimal(str(value)), where


@pytest.mark.parametrize(
    ("path", "question"),
    [
        (ANNEX1, "service_fee_deadline"),
        (ANNEX1, "settlement_amount"),
        (DEPOSIT, "top_up_deadline"),
    ],
)
def test_answers_are_the_interpreters(path: Path, question: str, tmp_path: Path) -> None:
    compare_with_interpreter(path, question, tmp_path, cases=300)


@pytest.mark.parametrize(
    "question", ["due", "may_pay", "total", "later", "work_later", "month_later", "big"]
)
def test_every_fact_type_answers_as_the_interpreter(
    question: str, small: Path, tmp_path: Path
) -> None:
    compare_with_interpreter(small, question, tmp_path, cases=120)


# ------------------------------------------------------------------ reading and writing


def test_cells_of_every_type_and_hostile_text_pass_through(small: Path, tmp_path: Path) -> None:
    hostile = [
        "'; DROP TABLE x; --",
        'a "quoted",\nmulti-line\r\ntext',
        "\\N",
        "null",
        "NULL",
        "🙂 中文",
    ]
    header = ["id", "f", "k", "e", "m", "t", "note"]
    rows = [
        ["1", "true", "red", "2025-01-24", "", "", hostile[1]],
        ["2", "", "red", "2025-01-24", "200.50", "", hostile[0]],
        ["3", "true", "green", "never", "5", "yes", hostile[2]],
        ["4", "false", hostile[0], "", "", hostile[1], hostile[3]],
        ["5", " true\t", "red", " 2025-01-24 ", " 0.5 ", hostile[4], hostile[5]],
    ]
    source = write_csv(tmp_path / "in.csv", header, rows)
    output = tmp_path / "out.csv"
    code, out, err = batch(
        small, "due", "--input", source, "--output", output, "--as-of", "2025-03-01"
    )
    assert code == 0, err
    assert out == ""
    assert err.startswith("answered 5 rows in ") and err.endswith("; wrote " + str(output) + "\n")
    got = read_csv(output)
    # Every input cell comes back as it was given, hostile ones included.
    assert [[g[h] for h in header] for g in got] == rows
    by_id = {g["id"]: g for g in got}
    assert (by_id["1"]["answer"], by_id["1"]["due_date"], by_id["1"]["grounds"]) == (
        "date",
        "2025-02-13",  # 10 working days across the Spring Festival on the CN calendar
        '["1#1"]',
    )
    assert json.loads(by_id["2"]["presumed"]) == ["f"]
    assert by_id["3"]["answer"] == "none"
    # A text that is no member of the enumeration is the row's fact error, nothing more.
    assert by_id["4"]["error"] == "wrong_value: k"
    assert by_id["4"]["answer"] == by_id["4"]["grounds"] == ""
    # Spaces and tabs around typed values are ignored.
    assert by_id["5"]["answer"] == "date"
    assert "(3 date, 1 none, 1 error)" not in err  # counted by kind, the most first:
    assert "(2 date, 2 none, 1 error)" in err or "(2 none, 2 date, 1 error)" in err


def test_conversions_of_each_type(small: Path, tmp_path: Path) -> None:
    header = ["m", "n", "x", "d", "dd", "wd", "mm"]
    rows = [
        ["200.5", "3", "1.75", "2025-01-24", "14", "10", "1"],
        ["+1", "-2", ".5", "2024-02-29", "-3", "0", "13"],
    ]
    source = write_csv(tmp_path / "in.csv", header, rows)
    results = {}
    for question in ("total", "later", "work_later", "month_later", "big"):
        output = tmp_path / f"{question}.csv"
        code, _, err = batch(small, question, "--input", source, "--output", output, "-q")
        assert code == 0, err
        assert err == ""
        results[question] = [r["value"] for r in read_csv(output)]
    assert results["total"] == ["601.5", "-2"]
    assert results["later"] == ["2025-02-07", "2024-02-26"]
    assert results["work_later"] == ["2025-02-13", "2024-02-29"]
    assert results["month_later"] == ["2025-02-24", "2025-03-29"]
    assert results["big"] == ["true", "false"]


def test_parquet_in_and_out(small: Path, tmp_path: Path) -> None:
    text = write_csv(
        tmp_path / "in.csv",
        ["f", "k", "e", "m", "t"],
        [
            ["true", "red", "2025-01-24", "", ""],
            ["", "red", "never", "200.5", "x"],
            ["", "", "", "", ""],
        ],
    )
    typed = tmp_path / "in.parquet"
    duckdb.execute(
        "COPY (SELECT * FROM (VALUES (TRUE, 'red', DATE '2025-01-24', NULL, NULL), "
        "(NULL, 'red', DATE '9999-12-31', 200.5::DOUBLE, 'x'), (NULL, NULL, NULL, NULL, NULL)) "
        f"AS v(f, k, e, m, t)) TO '{typed}' (FORMAT parquet)"
    )
    out_csv, out_parquet = tmp_path / "a.csv", tmp_path / "b.parquet"
    assert (
        batch(small, "due", "--input", text, "--output", out_csv, "--as-of", "2025-03-01")[0] == 0
    )
    assert (
        batch(small, "due", "--input", typed, "--output", out_parquet, "--as-of", "2025-03-01")[0]
        == 0
    )
    parquet = duckdb.execute(f"SELECT * FROM read_parquet('{out_parquet}')")
    types = {d[0]: d[1] for d in parquet.description}
    rows = parquet.fetchall()
    names = list(types)
    assert types["due_date"] == "DATE" and types["f"] == "BOOLEAN"
    want = [(r["answer"], r["due_date"] or None, r["grounds"]) for r in read_csv(out_csv)]
    have = [
        (r[names.index("answer")], r[names.index("due_date")], r[names.index("grounds")])
        for r in rows
    ]
    assert have == [(a, dt.date.fromisoformat(d) if d else None, g) for a, d, g in want]


def test_gzip_input_and_output(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv.gz"
    with gzip.open(source, "wt", encoding="utf-8", newline="") as stream:
        stream.write("f,k,e,m,t\ntrue,red,2025-01-24,,\n")
    output = tmp_path / "out.csv.gz"
    code, _, err = batch(
        small, "due", "--input", source, "--output", output, "--as-of", "2025-03-01"
    )
    assert code == 0, err
    with gzip.open(output, "rt", encoding="utf-8", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert (row["answer"], row["due_date"]) == ("date", "2025-02-13")


def test_standard_output_and_quiet(small: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv", ["f", "k", "e", "m", "t"], [["true", "red", "2025-01-24", "", ""]]
    )
    code, out, err = batch(
        small, "due", "--input", source, "--output", "-", "--as-of", "2025-03-01", "--quiet"
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "f,k,e,m,t,answer,due_date,grounds,needed,presumed,error"
    assert out.splitlines()[1] == 'true,red,2025-01-24,,,date,2025-02-13,"[""1#1""]",[],[],'
    code, out, err = batch(
        small, "due", "--input", source, "--output", "-", "--as-of", "2025-03-01"
    )
    assert err.endswith("(1 date); wrote them to standard output\n")


def test_as_of_options(small: Path, tmp_path: Path) -> None:
    header = ["f", "k", "e", "m", "t", "day"]
    source = write_csv(
        tmp_path / "in.csv",
        header,
        [
            ["true", "red", "2025-01-24", "", "", "2025-01-20"],
            ["true", "red", "2025-01-24", "", "", ""],
        ],
    )
    output = tmp_path / "out.csv"
    contract = clausec.load(str(small))
    facts = {"f": "true", "k": "red", "e": "2025-01-24"}

    def interpreter(day: dt.date | None) -> tuple[str, str]:
        result = ask(contract, "due", facts, day).to_dict()
        return str(result["answer"]), str(result["due"] or "")

    assert (
        batch(small, "due", "--input", source, "--output", output, "--as-of-column", "day")[0] == 0
    )
    first, second = read_csv(output)
    assert first["day"] == "2025-01-20"  # the as-of column is passed through
    assert (first["answer"], first["due_date"]) == interpreter(dt.date(2025, 1, 20))
    assert (second["answer"], second["due_date"]) == interpreter(None)
    for option, day in (("none", None), ("2025-01-20", dt.date(2025, 1, 20))):
        assert batch(small, "due", "--input", source, "--output", output, "--as-of", option)[0] == 0
        assert [(r["answer"], r["due_date"]) for r in read_csv(output)] == [interpreter(day)] * 2
    assert batch(small, "due", "--input", source, "--output", output)[0] == 0  # today
    assert [(r["answer"], r["due_date"]) for r in read_csv(output)] == [
        interpreter(dt.date.today())
    ] * 2


def test_no_presume(small: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv", ["f", "k", "e", "m", "t"], [["", "red", "2025-01-24", "5", "no"]]
    )
    output = tmp_path / "out.csv"
    assert (
        batch(small, "due", "--input", source, "--output", output, "--as-of", "2025-03-01")[0] == 0
    )
    (row,) = read_csv(output)
    assert (row["answer"], row["presumed"]) == ("none", '["f"]')
    assert (
        batch(
            small,
            "due",
            "--input",
            source,
            "--output",
            output,
            "--as-of",
            "2025-03-01",
            "--no-presume",
            "--threads",
            "1",
        )[0]
        == 0
    )
    (row,) = read_csv(output)
    assert (row["answer"], row["needed"], row["presumed"]) == ("undetermined", '["f"]', "[]")


def test_an_empty_input_gives_the_header_alone(small: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["k", "f", "e", "m", "t"], [])
    output = tmp_path / "out.csv"
    code, _, err = batch(small, "due", "--input", source, "--output", output)
    assert code == 0, err
    assert (
        output.read_text(encoding="utf-8")
        == "k,f,e,m,t,answer,due_date,grounds,needed,presumed,error\n"
    )
    assert "answered 0 rows" in err


# ------------------------------------------------------------------ errors


BAD_DATA = [
    (["f,k,e,m"], "no column for the fact `t` that `due` reads"),
    (["f,k,e,m,t", "yes,red,,,"], 'row 1, column "f": expected true or false, got "yes"'),
    (
        ["f,k,e,m,t", "true,red,,,", "true,red,2025-02-30,,"],
        'row 2, column "e": expected a date (YYYY-MM-DD) or never, got "2025-02-30"',
    ),
    (
        ["f,k,e,m,t", "true,red,0000-01-01,,"],
        'column "e": expected a date (YYYY-MM-DD) or never, got "0000-01-01"',
    ),
    (["f,k,e,m,t", "true,red,,1e3,"], 'column "m": expected an amount in CNY as a plain number'),
    (["f,k,e,m,t", "true,red,,0.0000000000001,"], 'got "0.0000000000001"'),
    (["f,k,e,m,t", 'true,red,,"12,5",'], 'row 1, column "m"'),
    (["f,k,e,m,t,Answer"], 'column "Answer" has the name of a result column'),
    (["f,k,e,m,t,clausec__row"], 'column "clausec__row": names starting with clausec__'),
    (["f,k,e,m,t,x,X"], 'columns "x" and "X": two columns of one name'),
    (["f,K,e,m,t"], '"K" is not "k": names are compared exactly'),
    (["f,k,e,m,t,"], "column 6 has no name"),
    (["f,k,e,m,t", "true,red"], "line 2: not valid CSV: Expected Number of Columns: 5 Found: 2"),
    (["f,k,e,m,t", 'true,"red,,,'], "not valid CSV"),
]


@pytest.mark.parametrize(("lines", "message"), BAD_DATA, ids=[m for _, m in BAD_DATA])
def test_bad_data_is_named_and_nothing_is_written(
    small: Path, tmp_path: Path, lines: list[str], message: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    output.write_text("previous\n", encoding="utf-8")
    code, _, err = batch(small, "due", "--input", source, "--output", output)
    assert code == 1, err
    assert err.startswith(f"error: {source}: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert output.read_text(encoding="utf-8") == "previous\n"
    assert leftovers(tmp_path) == []


def test_a_value_with_a_line_break_is_shown_escaped(small: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv", ["f", "k", "e", "m", "t"], [["tr\nue\x1b[31m", "red", "", "", ""]]
    )
    code, _, err = batch(small, "due", "--input", source, "--output", tmp_path / "o.csv")
    assert code == 1
    assert (
        err
        == f'error: {source}: row 1, column "f": expected true or false, got "tr\\nue\\u001b[31m"\n'
    )


def test_not_utf8(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(b"f,k,e,m,t\ntrue,\xff,,,\n")
    code, _, err = batch(small, "due", "--input", source, "--output", tmp_path / "o.csv")
    assert code == 1
    assert "line 2: not valid CSV: Invalid unicode" in err
    source.write_bytes(b"f,\xff,e,m,t\n")
    code, _, err = batch(small, "due", "--input", source, "--output", tmp_path / "o.csv")
    assert (code, err) == (
        1,
        f"error: {source}: line 1: not valid CSV: the header is not UTF-8 text\n",
    )


def test_parquet_columns_of_the_wrong_type(small: Path, tmp_path: Path) -> None:
    def parquet(select: str) -> Path:
        path = tmp_path / "in.parquet"
        duckdb.execute(f"COPY (SELECT {select}) TO '{path}' (FORMAT parquet)")
        return path

    base = "NULL::VARCHAR AS k, NULL::DATE AS e, NULL::DOUBLE AS m, NULL::VARCHAR AS t"
    # The same columns, with e of another type, or m a double of more decimals than 12.
    stamp = base.replace("NULL::DATE AS e", "TIMESTAMP '2025-01-01 10:00' AS e")
    third = base.replace("NULL::DOUBLE AS m", "0.1::DOUBLE / 3 AS m")
    cases = [
        (f"1::INTEGER AS f, {base}", 'column "f" has type INTEGER; it must hold true or false'),
        (f"TRUE AS f, {base}, TIMESTAMP '2025-01-01' AS d", None),
        (
            f"TRUE AS f, {stamp}",
            'column "e" has type TIMESTAMP',
        ),
        (
            f"TRUE AS f, {third}",
            'row 1, column "m"',
        ),
        (
            "TRUE AS f, 5 AS k, NULL::DATE AS e, NULL::DOUBLE AS m, NULL::VARCHAR AS t",
            'column "k" has type INTEGER',
        ),
    ]
    for select, message in cases:
        code, _, err = batch(
            small, "due", "--input", parquet(select), "--output", tmp_path / "o.csv"
        )
        if message is None:  # a column the question does not read may have any type
            assert code == 0, err
        else:
            assert code == 1 and message in err, err
    code, _, err = batch(
        small,
        "total",
        "--input",
        parquet("2.5::DOUBLE AS n, 1 AS m, 1 AS x"),
        "--output",
        tmp_path / "o.csv",
    )
    assert code == 1 and 'row 1, column "n": expected a whole number' in err, err
    code, _, err = batch(
        small,
        "total",
        "--input",
        parquet("2.0::DOUBLE AS n, 1 AS m, 1 AS x"),
        "--output",
        tmp_path / "o.csv",
    )
    assert code == 0, err


def test_not_parquet(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    source.write_text("f,k,e,m,t\n", encoding="utf-8")
    code, _, err = batch(small, "due", "--input", source, "--output", tmp_path / "o.csv")
    assert code == 1 and err.startswith(f"error: {source}: cannot read as Parquet: "), err


def test_an_engine_error_is_reported_without_writing(small: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        ["m", "n", "x"],
        [["10000000000000000000000000", "1000000000000000000", ""]],
    )
    output = tmp_path / "out.csv"
    code, _, err = batch(small, "total", "--input", source, "--output", output)
    assert code == 1
    assert err.startswith(f"error: cannot answer for {source}: Overflow in multiplication"), err
    assert not output.exists() and leftovers(tmp_path) == []


USAGE = [
    (
        ["--input", "in.txt", "--output", "o.csv"],
        "--input in.txt: unknown file type; the name must end in .csv, .csv.gz, .parquet",
    ),
    (["--input", "in.csv", "--output", "o.json"], "--output o.json: unknown file type"),
    (
        ["--input", "missing.csv", "--output", "o.csv"],
        "missing.csv: cannot read: No such file or directory",
    ),
    (
        ["--input", "in.csv", "--output", "nowhere/o.csv"],
        "nowhere/o.csv: cannot write: No such file or directory",
    ),
    (
        [
            "--input",
            "in.csv",
            "--output",
            "o.csv",
            "--as-of",
            "2025-01-01",
            "--as-of-column",
            "day",
        ],
        "give one of --as-of and --as-of-column",
    ),
    (
        ["--input", "in.csv", "--output", "o.csv", "--as-of", "soon"],
        '--as-of: expected a date (YYYY-MM-DD), `today` or `none`, got "soon"',
    ),
    (
        ["--input", "in.csv", "--output", "o.csv", "--as-of-column", "when"],
        '--as-of-column: in.csv has no column "when"',
    ),
    (
        ["--input", "in.csv", "--output", "o.csv", "--as-of-column", "e"],
        '--as-of-column: "e" is the column of a fact the question reads',
    ),
    (["--input", "folder.csv", "--output", "o.csv"], "folder.csv: cannot read: not a regular file"),
    (["--input", "in.csv", "--output", "o.csv", "--threads", "0"], "Invalid value for '--threads'"),
]


@pytest.mark.parametrize(("args", "message"), USAGE, ids=[m for _, m in USAGE])
def test_usage_errors(small: Path, tmp_path: Path, args: list[str], message: str) -> None:
    write_csv(tmp_path / "in.csv", ["f", "k", "e", "m", "t"], [])
    (tmp_path / "folder.csv").mkdir()
    result = run_cli(["batch", str(small), "due", *args], cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o.csv").exists() and leftovers(tmp_path) == []


def test_a_question_the_sql_target_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "t.clause"
    path.write_text(SMALL + "question ratio : value of x / 2\n", encoding="utf-8")
    source = write_csv(tmp_path / "in.csv", ["x"], [["1"]])
    code, _, err = batch(path, "ratio", "--input", source, "--output", tmp_path / "o.csv")
    assert code == 2
    assert err == (
        "error: question `ratio` of `batch_t` cannot be written as SQL: division (exact "
        "division has no portable SQL form)\n"
    )


def test_an_unknown_question(small: Path, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["f"], [])
    code, _, err = batch(small, "deu", "--input", source, "--output", tmp_path / "o.csv")
    assert (code, err) == (2, "error: no question `deu`; did you mean `due`?\n")


def test_the_output_replaces_a_file_through_a_link_and_keeps_its_mode(
    small: Path, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "in.csv", ["f", "k", "e", "m", "t"], [["true", "red", "", "", ""]]
    )
    target = tmp_path / "real.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert batch(small, "due", "--input", source, "--output", link)[0] == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("f,k,e,m,t,answer")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_file_name_with_glob_characters(small: Path, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "cases [1]*.csv", ["f", "k", "e", "m", "t"], [["true", "red", "", "", ""]]
    )
    write_csv(tmp_path / "cases 1x.csv", ["other"], [["1"]])  # what the glob would match
    output = tmp_path / "out {a}.csv"
    code, _, err = batch(small, "due", "--input", source, "--output", output)
    assert code == 0, err
    assert read_csv(output)[0]["answer"] == "undetermined"


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    assert progress_line(io.StringIO()) is None

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    show = progress_line(stream)
    assert show is not None
    show("answering", 42.4)
    show("", None)
    assert stream.getvalue() == "\ranswering 42%\r             \r"
