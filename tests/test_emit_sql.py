"""`clausec emit --target sql` (docs/batch.md): one file per question, a header of `--`
comments and the question's SELECT in the dialect asked.

The files run in DuckDB over a table laid out as their headers say and answer as the
interpreter does; the Spark and PostgreSQL files parse as one query. A contract whose texts
and clause numbers hold comment terminators, quotes, line breaks, trailing backslashes and
SQL payloads gives files whose headers stay comments and whose queries keep those texts as
data."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import duckdb
import pytest
import sqlglot
from hypothesis import given
from hypothesis import strategies as st
from sqlglot import exp
from test_hostile import CANARIES, clause_string

import clausec
from clausec.backends.sql.emit import comment
from clausec.evaluation.interpreter import ask

from conftest import REPO, run_cli

EXAMPLE = REPO / "docs" / "examples" / "questions_scenarios.clause"
UNSAFE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

PAYLOAD = "'; DROP TABLE x; --"
HOSTILE_TEXT = "*/ /* \"q\" 'q' `q`\n" + PAYLOAD + "\r\n\u2028\u202e\x00 end\\"
HOSTILE_NUMBERS = ['*/ 1 "a" \'; DROP TABLE x; --', "2\\", "3 /* '"]


def hostile_contract() -> str:
    s = clause_string
    n1, n2, n3 = HOSTILE_NUMBERS
    return "\n".join(
        [
            "contract hostile_sql",
            f"  title {s(HOSTILE_TEXT)}",
            f"  source {s('x.txt')}",
            "  language en",
            "  calendar CN",
            "",
            f"party a role {s(HOSTILE_TEXT)}",
            'action pay "pay"',
            f"object fee {s(CANARIES[0])}",
            f"fact f : boolean {s(HOSTILE_TEXT)}",
            "fact t : text",
            "fact k : one of red, green",
            "event e",
            "",
            f"clause {s(n1)}",
            f"  quote {s(HOSTILE_TEXT)}",
            f"  gloss {s(PAYLOAD)}",
            "  a may pay fee",
            f"    when t = {s(HOSTILE_TEXT)}",
            f"clause {s(n2)}",
            f"  quote {s(HOSTILE_TEXT)}",
            "  a must pay fee",
            "    when f and k = red",
            "    within 10 working days after e",
            f"clause {s(n3)}",
            f"  quote {s(CANARIES[2])}",
            "  a may pay fee",
            "    when f",
            "",
            f"question may_pay {s(HOSTILE_TEXT)} : may a pay fee",
            f"question pay_by {s(PAYLOAD + chr(92))} : deadline of a pay fee",
            "",
        ]
    )


def emit(*args: str | Path, cwd: Path | None = None) -> tuple[int, str, str]:
    result = run_cli(["emit", *map(str, args)], cwd=cwd)
    return result.returncode, result.stdout, result.stderr


def header_and_query(text: str) -> tuple[list[str], str]:
    header, blank, query = text.partition("\n\n")
    assert blank, text[:200]
    return header.split("\n"), query


def assert_safe_header(lines: list[str]) -> None:
    for line in lines:
        assert line.startswith("--"), line
        assert not any(unicodedata.category(ch) in UNSAFE for ch in line), line
        # Spark reads a backslash before a line break as continuing the comment.
        assert not line.endswith("\\"), line


def run_duckdb(
    text: str, columns: list[tuple[str, str]], rows: list[tuple[object, ...]]
) -> list[dict[str, object]]:
    """The file run over a table ``facts`` of each row in turn (a query's rows come in no
    particular order, and these have no case id to sort them by)."""
    out = []
    for row in rows:
        con = duckdb.connect()
        listed = ", ".join(f'"{name}" {kind}' for name, kind in columns) or "one INTEGER"
        con.execute(f"CREATE TABLE facts ({listed})")
        con.execute(f"INSERT INTO facts VALUES ({', '.join('?' for _ in row) or '1'})", row)
        cursor = con.execute(text)  # the whole file: header comments, the query and its `;`
        names = [d[0] for d in cursor.description]
        (result,) = cursor.fetchall()
        out.append(dict(zip(names, result, strict=True)))
    return out


def header_columns(lines: list[str], title: str) -> list[tuple[str, str]]:
    """(name, type) under a header's ``title`` line, up to the next empty comment line."""
    start = next(i for i, line in enumerate(lines) if line.startswith(f"-- {title}"))
    out = []
    for line in lines[start + 1 :]:
        if line == "--":
            break
        if line.startswith("--   "):
            name, kind = line[5:].split()[:2]
            out.append((name, kind))
    return out


# ------------------------------------------------------------------ the files


@pytest.fixture(scope="module")
def example_sql(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sql")
    code, stdout, stderr = emit(EXAMPLE, "--target", "sql", "--dialect", "duckdb", "-o", out)
    assert code == 0, stderr
    questions = [q.name for q in clausec.load(EXAMPLE).questions]
    assert stdout.splitlines() == [
        f"wrote {(out / 'unisend_privacy' / q).as_posix()}.sql" for q in questions
    ]
    return out / "unisend_privacy"


def test_one_file_per_question_with_its_header(example_sql: Path) -> None:
    text = (example_sql / "answer_deadline.sql").read_bytes().decode("utf-8")
    lines, query = header_and_query(text)
    assert_safe_header(lines)
    assert lines[0].startswith(
        "-- Question `answer_deadline` of contract `unisend_privacy`: UNISEND"
    )
    assert "-- Generated by clausec 0.1.0 from docs/examples/questions_scenarios.clause" in lines
    assert "-- dialect: duckdb" in lines
    assert "-- as of: today (the engine's current date when the query runs)" in lines
    assert "-- reads: the table facts, one row per case" in lines
    assert header_columns(lines, "input columns") == [
        ("request.channel", "VARCHAR"),
        ("request.e_signed", "BOOLEAN"),
        ("request.notarised_id", "BOOLEAN"),
        ("extension.notified", "BOOLEAN"),
        ("request.received", "DATE"),
    ]
    assert "--   request.received      DATE  (event)" in lines
    outputs = header_columns(lines, "output columns")
    assert outputs[-6:] == [
        ("answer", "VARCHAR"),
        ("due_date", "DATE"),
        ("grounds", "VARCHAR"),
        ("needed", "VARCHAR"),
        ("presumed", "VARCHAR"),
        ("error", "VARCHAR"),
    ]
    assert query.startswith("WITH ") and query.endswith(";\n") and query.count(";") == 1


def test_the_files_answer_as_the_interpreter(example_sql: Path) -> None:
    contract = clausec.load(EXAMPLE)
    cases = [
        {
            "request.channel": "email",
            "request.e_signed": True,
            "request.received": dt.date(2024, 3, 15),
        },
        {
            "request.channel": "post",
            "request.notarised_id": False,
            "request.received": dt.date(2024, 3, 15),
        },
        {
            "request.channel": "email",
            "request.e_signed": True,
            "extension.notified": True,
            "request.received": dt.date(2024, 3, 15),
        },
        {"request.received": dt.date(9999, 12, 31)},
        {
            "request.unfounded": True,
            "image.recorded": dt.date(2024, 12, 30),
            "dispute.pending": False,
        },
        {},
    ]
    for question in contract.questions:
        text = (example_sql / f"{question.name}.sql").read_bytes().decode("utf-8")
        lines, _ = header_and_query(text)
        columns = header_columns(lines, "input columns")
        rows = [tuple(case.get(name) for name, _ in columns) for case in cases]
        results = run_duckdb(text, columns, rows)
        for case, result in zip(cases, results, strict=True):
            given = {
                name: ("never" if value == dt.date(9999, 12, 31) else value)
                for name, value in case.items()
                if name in dict(columns)
            }
            want = ask(contract, question.name, given, dt.date.today()).to_dict()
            where = f"{question.name} {given}"
            assert result["answer"] == want["answer"], where
            assert json.loads(str(result["grounds"])) == [g["norm"] for g in want["grounds"]], where
            if "due_date" in result:
                due = result["due_date"]
                assert (
                    None if due is None else "never" if due == dt.date.max else due.isoformat()
                ) == want["due"], where


def test_the_same_input_gives_the_same_bytes(example_sql: Path, tmp_path: Path) -> None:
    code, _, err = emit(EXAMPLE, "--target", "sql", "--dialect", "duckdb", "-o", tmp_path)
    assert code == 0, err
    for path in example_sql.iterdir():
        assert (tmp_path / "unisend_privacy" / path.name).read_bytes() == path.read_bytes()


def test_only_the_questions_asked(example_sql: Path, tmp_path: Path) -> None:
    """--question writes those questions' files, in the contract's order, as they are
    written with the others."""
    wanted = ["image_delete_by", "must_answer"]
    args = [f"--question={q}" for q in wanted]
    code, out, err = emit(EXAMPLE, "--target", "sql", "--dialect", "duckdb", *args, "-o", tmp_path)
    assert code == 0, err
    folder = tmp_path / "unisend_privacy"
    order = [q.name for q in clausec.load(EXAMPLE).questions if q.name in wanted]
    assert out.splitlines() == [f"wrote {(folder / q).as_posix()}.sql" for q in order]
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{q}.sql" for q in wanted)
    for name in wanted:
        assert (folder / f"{name}.sql").read_bytes() == (example_sql / f"{name}.sql").read_bytes()


@pytest.mark.parametrize("dialect", ["spark", "postgres"])
def test_other_dialects_parse_as_one_select(dialect: str, tmp_path: Path) -> None:
    code, _, err = emit(EXAMPLE, "--target", "sql", "--dialect", dialect, "-o", tmp_path)
    assert code == 0, err
    for path in sorted((tmp_path / "unisend_privacy").iterdir()):
        text = path.read_bytes().decode("utf-8")
        lines, _ = header_and_query(text)
        assert_safe_header(lines)
        assert f"-- dialect: {dialect}" in lines
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
        assert len(statements) == 1 and isinstance(statements[0], exp.Query), path.name


def test_as_of_source_and_keep(tmp_path: Path) -> None:
    code, _, err = emit(
        EXAMPLE,
        "--target",
        "sql",
        "--dialect",
        "duckdb",
        "-o",
        tmp_path,
        "--as-of",
        "column:day",
        "--source",
        "cases.main.requests",
        "--keep",
        "case_id",
    )
    assert code == 0, err
    text = (tmp_path / "unisend_privacy" / "answer_deadline.sql").read_bytes().decode("utf-8")
    lines, _ = header_and_query(text)
    assert "-- as of: the column day of each row (NULL: none)" in lines
    assert "-- reads: the table cases.main.requests, one row per case" in lines
    assert header_columns(lines, "output columns")[0] == ("case_id", "as")
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS cases")
    con.execute(
        'CREATE TABLE cases.main.requests (case_id INTEGER, day DATE, "request.channel" VARCHAR, '
        '"request.e_signed" BOOLEAN, "request.notarised_id" BOOLEAN, "extension.notified" BOOLEAN, '
        '"request.received" DATE)'
    )
    con.execute(
        "INSERT INTO cases.main.requests VALUES (7, DATE '2024-03-20', 'email', TRUE, NULL, NULL, "
        "DATE '2024-03-15'), (8, NULL, 'email', TRUE, NULL, NULL, DATE '2024-03-15')"
    )
    rows = con.execute(text).fetchall()
    assert [(r[0], r[1], str(r[2])) for r in rows] == [
        (7, "date", "2024-04-15"),
        (8, "date", "2024-04-15"),
    ]
    for option, line in (
        ("none", "-- as of: none (no date: what depends on the current date stays undetermined)"),
        ("2025-03-20", "-- as of: 2025-03-20"),
        ("today", "-- as of: today (the engine's current date when the query runs)"),
    ):
        out = tmp_path / option
        assert (
            emit(EXAMPLE, "--target", "sql", "--dialect", "postgres", "-o", out, "--as-of", option)[
                0
            ]
            == 0
        )
        assert line in (out / "unisend_privacy" / "may_refuse.sql").read_bytes().decode(
            "utf-8"
        ).split("\n")


USAGE = [
    (
        ["--target", "python", "--dialect", "duckdb"],
        "--dialect, --as-of, --source, --keep and --question apply to --target sql",
    ),
    (
        ["--target", "json", "--keep", "x"],
        "--dialect, --as-of, --source, --keep and --question apply to --target sql",
    ),
    (["--target", "sql"], "--target sql needs --dialect (duckdb, spark, postgres)"),
    (["--target", "sql", "--dialect", "mysql"], "Invalid value for '--dialect'"),
    (
        ["--target", "sql", "--dialect", "duckdb", "--as-of", "soon"],
        '--as-of: expected a date (YYYY-MM-DD), `today`, `none` or `column:NAME`, got "soon"',
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--as-of", "column:"],
        "--as-of column:NAME needs the name of a column",
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--source", "a..b"],
        "--source: 'a..b' is not a table name",
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--keep", "Answer"],
        "--keep: column `Answer` has the name of the result column `answer`",
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--keep", "clausec__x"],
        "names starting with clausec__ are the query's own",
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--package", "p"],
        "--package: not available for --target sql",
    ),
    (
        ["--target", "javascript", "--question", "answer_deadline"],
        "--dialect, --as-of, --source, --keep and --question apply to --target sql",
    ),
    (
        ["--target", "sql", "--dialect", "duckdb", "--question", "answer_dedline"],
        "no question `answer_dedline`; did you mean `answer_deadline`?",
    ),
]


@pytest.mark.parametrize(("args", "message"), USAGE, ids=[m for _, m in USAGE])
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = emit(EXAMPLE, *args, "-o", out)
    assert code == 2, stderr
    assert message in stderr, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert not out.exists()


def test_a_question_that_divides_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "d.clause"
    path.write_text(
        hostile_contract() + "fact x : decimal\nquestion half : value of x / 2\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    code, stdout, stderr = emit(path, "--target", "sql", "--dialect", "duckdb", "-o", out)
    assert code == 2
    assert stderr == (
        "error: question `half` of `hostile_sql` cannot be written as SQL: division (exact "
        "division has no portable SQL form)\n"
    )
    assert stdout == "" and not out.exists()


# ------------------------------------------------------------------ hostile contracts


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, clausec.ir.Contract]:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.clause"
    path.write_text(hostile_contract(), encoding="utf-8")
    result = clausec.check_paths([str(path)])
    assert result.ok, [d.message for d in result.diagnostics]
    return path, result.contracts[0]


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "postgres"])
def test_hostile_texts_stay_comments_and_data(
    dialect: str, hostile: tuple[Path, clausec.ir.Contract], tmp_path: Path
) -> None:
    path, contract = hostile
    code, _, err = emit(path, "--target", "sql", "--dialect", dialect, "-o", tmp_path)
    assert code == 0, err
    for question in ("may_pay", "pay_by"):
        text = (tmp_path / "hostile_sql" / f"{question}.sql").read_bytes().decode("utf-8")
        lines, query = header_and_query(text)
        assert_safe_header(lines)
        # The texts are in the header, harmlessly: each line break of them became U+FFFD.
        assert "*/ /* \"q\" 'q' `q`\N{REPLACEMENT CHARACTER}'; DROP TABLE x; --" in lines[0]
        assert query.count(";") >= 1 and query.rstrip().endswith(";")
        (statement,) = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
        assert isinstance(statement, exp.Query)
        strings = {lit.this for lit in statement.find_all(exp.Literal) if lit.is_string}
        if question == "may_pay":
            # The condition's literal is data, whole: quotes, line breaks, the payload.
            assert HOSTILE_TEXT in strings
        if dialect == "duckdb":
            check_hostile_answers(contract, question, text)


def check_hostile_answers(contract: clausec.ir.Contract, question: str, text: str) -> None:
    lines, _ = header_and_query(text)
    columns = header_columns(lines, "input columns")
    cases = [
        {"t": HOSTILE_TEXT},
        {"t": PAYLOAD},
        {"f": True, "k": "red", "e": dt.date(2025, 1, 24)},
        {"f": False, "t": "x", "k": PAYLOAD},
    ]
    rows = [tuple(case.get(name) for name, _ in columns) for case in cases]
    results = run_duckdb(text, columns, rows)
    for case, result in zip(cases, results, strict=True):
        given = {n: v for n, v in case.items() if n in dict(columns)}
        try:
            want = ask(contract, question, given, dt.date(2025, 3, 1)).to_dict()
        except clausec.evaluation.facts.FactError as exc:
            assert result["error"] == f"{exc.problem}: {exc.fact}"
            continue
        assert result["answer"] == want["answer"], case
        assert json.loads(str(result["grounds"])) == [g["norm"] for g in want["grounds"]], case
    # The norm ids carry the hostile clause numbers, exactly, through the JSON of grounds.
    if question == "may_pay":
        assert json.loads(str(results[0]["grounds"])) == [f"{HOSTILE_NUMBERS[0]}#1"]


# ------------------------------------------------------------------ the one comment function


@given(st.text())
def test_comment_is_one_safe_line(text: str) -> None:
    line = comment(text)
    assert line.startswith("--")
    assert not any(unicodedata.category(ch) in UNSAFE for ch in line)
    assert "\n" not in line and "\r" not in line and not line.endswith("\\")
    if all(unicodedata.category(ch) not in UNSAFE for ch in text) and not text.endswith(
        ("\\", " ")
    ):
        assert line == (f"-- {text}" if text else "--")


def test_comment_examples() -> None:
    assert comment("a\nb\r\nc\u2028d\u202ee\x00") == "-- a\ufffdb\ufffd\ufffdc\ufffdd\ufffde\ufffd"
    assert comment("ends in \\") == "-- ends in \\\ufffd"
    assert comment("*/ 'x' /*") == "-- */ 'x' /*"
    assert comment("") == "--"
