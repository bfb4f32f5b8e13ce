"""``clausec batch``: one question answered for every row of a CSV or Parquet file, by the
question's SQL query (clausec.backends.sql) run in DuckDB (docs/batch.md).

The input is read as it is (CSV: every cell as text) into a view ``clausec__raw`` with the
row number of each data row. Each column a fact of the question reads is converted to the
fact's SQL type by expressions written here, so that a value that does not convert is
reported with its column, row and value before anything is written (:class:`BatchError`).
The view ``facts`` holds the converted fact columns and, under names no fact can have, the
row number and every input column unchanged; the question's query keeps those, and the
output is the input's columns as given followed by the result columns, in the input's
order. It is written to a temporary file beside the output and renamed over it once
complete."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import stat
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import attrs

from clausec.backends.sql.errors import SQLError
from clausec.backends.sql.names import INTERNAL, sql_name, sql_text
from clausec.backends.sql.query import NEVER_DATE, RESULT_COLUMNS, AsOf, AsOfColumn, question_sql
from clausec.evaluation.messages import show
from clausec.files import _remove_stale
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.plan import QuestionPlan

if TYPE_CHECKING:
    import duckdb

__all__ = ["BatchError", "Summary", "file_format", "run"]

# File suffixes (lower case) and what they hold: (format, compression).
FORMATS: dict[str, tuple[str, str | None]] = {
    ".csv": ("csv", None),
    ".csv.gz": ("csv", "gzip"),
    ".parquet": ("parquet", None),
}
# Names of the view's own columns: a space makes them names no fact and no column the
# query refuses can have, and they are never written out.
ROW = "clausec row"
AS_OF = "clausec as_of"
_PASSED = "clausec input {}"
# Fractional digits, and digits before the point, that DECIMAL(38, 12) holds.
SCALE, WHOLE_DIGITS = 12, 26


class BatchError(Exception):
    """A batch that cannot run. ``usage``: a wrong option, an unreadable or unsupported
    file, a question the SQL target cannot write (exit 2); otherwise the input's content is
    wrong (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def file_format(path: str, role: str) -> tuple[str, str | None]:
    """The format and compression of ``path`` from its suffix; ``role`` names the option
    for the message."""
    name = path.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    known = ", ".join(FORMATS)
    raise BatchError(f"{role} {path}: unknown file type; the name must end in {known}", usage=True)


@attrs.frozen
class Summary:
    """What a batch did: rows, how many of each answer (``error``: rows with an error),
    seconds."""

    rows: int
    answers: tuple[tuple[str, int], ...]
    seconds: float

    def line(self, output: str | None) -> str:
        """``answered 4 rows in 0.52 s (3 yes, 1 error); wrote out.csv`` (``output`` None:
        standard output)."""
        counted = ", ".join(f"{n} {answer}" for answer, n in self.answers)
        rows = f"{self.rows} row{'' if self.rows == 1 else 's'}"
        where = "them to standard output" if output is None else output
        return (
            f"answered {rows} in {self.seconds:.2f} s"
            + (f" ({counted})" if counted else "")
            + f"; wrote {where}"
        )


# progress(stage, percent): a stage of the run, with how much of it is done (None: not
# known); an empty stage when one ends.
Progress = Callable[[str, float | None], None]


def run(
    contract: ir.Contract,
    qp: QuestionPlan,
    source: Path,
    output: Path | None,
    *,
    as_of: AsOf,
    as_of_column: str | None = None,
    presume: bool = True,
    threads: int | None = None,
    progress: Progress | None = None,
    write_to: Callable[[Path], None] | None = None,
) -> Summary:
    """Answer ``qp`` for every row of ``source`` and write ``output`` (None: a CSV handed
    to ``write_to`` as a temporary file, for standard output). ``as_of``: a date or None;
    ``as_of_column``: the input column holding each row's as-of date instead."""
    started = time.monotonic()
    in_format, in_compression = file_format(str(source), "--input")
    out_format, out_compression = (
        ("csv", None) if output is None else file_format(str(output), "--output")
    )
    _require_file(source)
    import duckdb

    with tempfile.TemporaryDirectory(prefix="clausec-batch-") as scratch:
        con = duckdb.connect(config=_config(threads, scratch))
        try:
            # Progress is tracked for _Runner, which shows it on standard error on a
            # terminal only; DuckDB itself prints nothing.
            con.execute("SET enable_progress_bar = true")
            con.execute("SET enable_progress_bar_print = false")
            runner = _Runner(con, progress)
            if in_format == "csv":
                names = _csv_header(source, in_compression)
                types = ["VARCHAR"] * len(names)
                scan = _csv_scan(source, names, in_compression, scratch)
            else:
                scan = f"read_parquet({_literal(_readable(source, scratch))})"
                names, types = _parquet_columns(runner, scan, source)
            columns = _columns(contract, qp, source, names, as_of_column)
            kept = [_PASSED.format(i) for i in range(len(names))]
            when: AsOf = AsOfColumn(AS_OF) if as_of_column is not None else as_of
            if progress is not None:
                progress("preparing the query", None)
            try:
                query = question_sql(contract, qp, keep=[ROW, *kept], as_of=when, presume=presume)
            except SQLError as exc:
                raise BatchError(str(exc), usage=True) from exc
            finally:
                if progress is not None:
                    progress("", None)
            runner.execute(
                f"CREATE TEMP VIEW clausec__raw AS SELECT row_number() OVER () AS "
                f"{_name(ROW)}, * FROM {scan}"
            )
            conversions = {
                name: _conversion(name, source_type, columns[name], source)
                for name, source_type in zip(names, types, strict=True)
                if name in columns
            }
            _validate(runner, source, names, conversions, in_format)
            selected = [_name(ROW)]
            for name in names:
                if name in conversions:
                    target = AS_OF if columns[name].as_of else name
                    selected.append(f"{conversions[name].value} AS {_name(target)}")
            selected += [f"{_name(n)} AS {_name(k)}" for n, k in zip(names, kept, strict=True)]
            runner.execute(
                f"CREATE TEMP VIEW facts AS SELECT {', '.join(selected)} FROM clausec__raw"
            )
            results = [name for name, _ in query.outputs]
            shown = [f"{_name(k)} AS {_name(n)}" for n, k in zip(names, kept, strict=True)] + [
                _result(name, sql_type, out_format) + f" AS {_name(name)}"
                for name, sql_type in query.outputs
            ]
            final = (
                f"SELECT {', '.join(shown)} FROM ({query.sql()}) AS clausec__answers "
                f"ORDER BY {_name(ROW)}"
            )
            with _temporary_output(output, scratch) as temporary:
                options = _copy_options(out_format, out_compression)
                runner.execute(
                    f"COPY ({final}) TO {_literal(str(temporary))} ({options})",
                    stage="answering",
                )
                answers, rows = _count(
                    runner, temporary, out_format, out_compression, names, results
                )
                if output is None:
                    assert write_to is not None
                    write_to(temporary)
        except duckdb.Error as exc:
            raise BatchError(_engine_problem(exc, source)) from None
        finally:
            con.close()
    return Summary(rows, answers, time.monotonic() - started)


# ------------------------------------------------------------------ the engine


def _config(threads: int | None, scratch: str) -> dict[str, str | bool | int | float | list[str]]:
    config: dict[str, str | bool | int | float | list[str]] = {
        # Spill to our own scratch folder (an in-memory database would use ./.tmp).
        "temp_directory": str(Path(scratch) / "spill"),
        # The queries need no extension; never fetch one.
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        # The answers are sorted by row number at the end; keeping the order of every step
        # on the way would make DuckDB buffer rows.
        "preserve_insertion_order": False,
        # The calendar tables are small, the cases many; DuckDB's estimate of a generated
        # calendar is too large, and swapping a lookup join's sides would build a hash table
        # of every case (memory growing with the rows).
        "disabled_optimizers": "build_side_probe_side",
    }
    if threads is not None:
        config["threads"] = threads
    return config


class _Runner:
    """Runs statements in a worker thread, so that the main thread shows progress and
    stops the engine at once on Ctrl-C or SIGTERM (which raise there)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, progress: Progress | None) -> None:
        self.con = con
        self.progress = progress

    def execute(self, sql: str, *, stage: str | None = None) -> list[tuple[object, ...]]:
        box: dict[str, object] = {}
        # Waited on rather than the thread: a join interrupted by an exception may later
        # return while the thread still runs (CPython before 3.13).
        done = threading.Event()

        def work() -> None:
            try:
                box["rows"] = self.con.execute(sql).fetchall()
            except BaseException as exc:  # handed to the main thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=work, name="clausec-batch", daemon=True).start()
        try:
            while not done.wait(0.1):
                if stage is not None and self.progress is not None:
                    percent = -1.0
                    with contextlib.suppress(Exception):  # progress is never worth failing
                        percent = self.con.query_progress()
                    if percent >= 0:
                        self.progress(stage, percent)
        except BaseException:
            # Ctrl-C, SIGTERM: stop the engine, and let the worker end before the
            # connection is closed.
            while not done.is_set():
                with contextlib.suppress(Exception):
                    self.con.interrupt()
                done.wait(0.1)
            raise
        finally:
            if stage is not None and self.progress is not None:
                self.progress("", None)
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        rows = box["rows"]
        assert isinstance(rows, list)
        return rows


def _engine_problem(exc: Exception, source: Path) -> str:
    """DuckDB's message made short: a CSV error as ``FILE: line N: problem`` (without the
    line's text), others as their first line. No control character reaches the terminal."""
    lines = [line.strip() for line in str(exc).split("\n")]
    first = lines[0]
    if "CSV Error on Line:" in first:
        line = first.rsplit(":", 1)[1].strip()
        problems = [
            x
            for x in lines[1:]
            if x
            and not x.startswith(("Original Line:", "Possible", "*", "file ="))
            and "=" not in x
        ]
        problem = problems[0] if problems else "not valid CSV"
        return _clean(f"{source}: line {line}: not valid CSV: {problem}")
    if "Error: " in first and first.split("Error: ", 1)[0].replace(" ", "").isalpha():
        first = first.split("Error: ", 1)[1]
    return _clean(f"cannot answer for {source}: {first}")


def _clean(text: str) -> str:
    return "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in text
    )


# ------------------------------------------------------------------ reading the input


def _require_file(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise BatchError(f"{path}: cannot read: {exc.strerror or exc}", usage=True) from None
    if not stat.S_ISREG(mode):
        raise BatchError(f"{path}: cannot read: not a regular file", usage=True)


def _readable(path: Path, scratch: str) -> str:
    """A name DuckDB reads as exactly ``path``: DuckDB expands ``*``, ``?``, ``[`` and
    ``{`` as a glob, so a file whose name has one is read through a link without."""
    real = os.path.realpath(path)
    if not any(ch in real for ch in "*?[]{}"):
        return real
    link = Path(scratch) / ("input" + "".join(Path(path).suffixes[-2:]))
    try:
        link.symlink_to(real)
    except OSError as exc:
        raise BatchError(
            f"{path}: cannot read a file whose name has *, ?, [ or {{ here: {exc}", usage=True
        ) from None
    return str(link)


def _csv_header(path: Path, compression: str | None) -> list[str]:
    """The column names of a CSV file's first record (a UTF-8 byte order mark is skipped)."""
    try:
        raw = gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")  # noqa: SIM115
        # Bytes that are not UTF-8 decoded as surrogates: only the header's matter here (the
        # engine reports those of the rows), and it reads ahead of the first record.
        with (
            raw,
            io.TextIOWrapper(
                raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
            ) as text,
        ):
            header = next(csv.reader(text, strict=True), None)
    except csv.Error as exc:
        raise BatchError(f"{path}: line 1: not valid CSV: {exc}") from None
    except (OSError, EOFError) as exc:
        raise BatchError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if not header:
        raise BatchError(f"{path}: no header: the first line must name the columns")
    if any("\udc80" <= ch <= "\udcff" for name in header for ch in name):
        raise BatchError(f"{path}: line 1: not valid CSV: the header is not UTF-8 text")
    return header


def _csv_scan(path: Path, names: Sequence[str], compression: str | None, scratch: str) -> str:
    columns = ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in names)
    options = [
        "header = true",
        "auto_detect = false",
        f"columns = {{{columns}}}",
        "delim = ','",
        "quote = '\"'",
        "escape = '\"'",
        "comment = ''",
        "strict_mode = true",
        "encoding = 'utf-8'",
        f"compression = '{compression or 'none'}'",
    ]
    return f"read_csv({_literal(_readable(path, scratch))}, {', '.join(options)})"


def _parquet_columns(runner: _Runner, scan: str, path: Path) -> tuple[list[str], list[str]]:
    import duckdb

    try:
        described = runner.execute(f"DESCRIBE SELECT * FROM {scan}")
    except duckdb.Error as exc:
        problem = _clean(str(exc).split("\n")[0])
        raise BatchError(f"{path}: cannot read as Parquet: {problem}") from None
    return [str(row[0]) for row in described], [str(row[1]) for row in described]


@attrs.frozen
class _Column:
    """An input column the question reads: a fact's (``fact``), the as-of column, or both."""

    fact: ir.Fact | None
    as_of: bool

    @property
    def sql_type(self) -> str:
        from clausec.backends.sql import column_type

        return "DATE" if self.fact is None else column_type(self.fact.type)


def _columns(
    contract: ir.Contract,
    qp: QuestionPlan,
    path: Path,
    names: Sequence[str],
    as_of_column: str | None,
) -> dict[str, _Column]:
    """Check the input's column names; the columns to convert."""
    seen: dict[str, str] = {}
    results = {r.casefold() for r in RESULT_COLUMNS}
    for index, name in enumerate(names, 1):
        if not name:
            raise BatchError(f"{path}: column {index} has no name")
        if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
            raise BatchError(
                f"{path}: column {index} ({show(name)}): a column name may not hold line "
                "breaks or control characters"
            )
        folded = name.casefold()
        if folded in seen:
            raise BatchError(
                f"{path}: columns {show(seen[folded])} and {show(name)}: two columns of one "
                "name (DuckDB compares names without case)"
            )
        seen[folded] = name
        if folded in results:
            raise BatchError(
                f"{path}: column {show(name)} has the name of a result column "
                f"({', '.join(RESULT_COLUMNS)}); rename it"
            )
        if folded.startswith(INTERNAL):
            raise BatchError(
                f"{path}: column {show(name)}: names starting with {INTERNAL} are clausec's "
                "own; rename it"
            )
    facts = {f.name: f for f in contract.facts}
    missing = [name for name in qp.reads if name not in names]
    if missing:
        hints = [
            f"{show(seen[m.casefold()])} is not {show(m)}: names are compared exactly"
            for m in missing
            if m.casefold() in seen
        ]
        raise BatchError(
            f"{path}: no column for the fact{'s' if len(missing) > 1 else ''} "
            + ", ".join(f"`{m}`" for m in missing)
            + f" that `{qp.question}` reads: every fact column must be present (leave its "
            "cells empty for not given)" + (f"; {'; '.join(hints)}" if hints else "")
        )
    columns = {name: _Column(facts[name], False) for name in qp.reads}
    if as_of_column is not None:
        if as_of_column not in names:
            raise BatchError(
                f"--as-of-column: {path} has no column {show(as_of_column)}", usage=True
            )
        if as_of_column in columns:
            raise BatchError(
                f"--as-of-column: {show(as_of_column)} is the column of a fact the question "
                "reads; the as-of date needs a column of its own",
                usage=True,
            )
        columns[as_of_column] = _Column(None, True)
    return columns


# ------------------------------------------------------------------ converting the facts


@attrs.frozen
class _Conversion:
    value: str  # SQL: the converted value (NULL for NULL)
    bad: str  # SQL: the raw value is given but does not convert
    expected: str  # words, for the message


_INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
}


def _conversion(name: str, source_type: str, column: _Column, path: Path) -> _Conversion:
    raw = _name(name)
    target = column.sql_type
    fact = column.fact
    expected = _expected(column)
    numeric = source_type in _INTEGERS or source_type in ("FLOAT", "DOUBLE")
    numeric = numeric or source_type.startswith("DECIMAL")
    if source_type == "VARCHAR":
        value, ok = _from_text(
            raw, target, fact is not None and fact.kind == "event" and not column.as_of
        )
    elif source_type == '"NULL"' or source_type == "NULL":
        value, ok = f"CAST(NULL AS {target})", "TRUE"
    elif target == "VARCHAR" and source_type.startswith("ENUM"):
        value, ok = f"CAST({raw} AS VARCHAR)", "TRUE"
    elif target == source_type and target in ("BOOLEAN", "BIGINT"):
        value, ok = raw, "TRUE"
    elif target == "DATE" and source_type == "DATE":
        value, ok = raw, f"(isfinite({raw}) AND year({raw}) BETWEEN 1 AND 9999)"
    elif target in ("BIGINT", "DECIMAL(38, 12)") and numeric:
        value = f"TRY_CAST({raw} AS {target})"
        ok = f"({value} IS NOT NULL AND {value} = {raw})"
    else:
        raise BatchError(
            f"{path}: column {show(name)} has type {source_type}; it must hold {expected}, "
            f"as {_accepted_types(target)}"
        )
    return _Conversion(value, f"({raw} IS NOT NULL AND NOT coalesce({ok}, FALSE))", expected)


def _from_text(raw: str, target: str, event: bool) -> tuple[str, str]:
    """(value, ok) of a text cell read as ``target``; around every value but a text, spaces
    and tabs are ignored."""
    if target == "VARCHAR":
        return raw, "TRUE"
    t = f"trim({raw}, ' \t')"
    if target == "BOOLEAN":
        return (
            f"CASE {t} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
            f"{t} IN ('true', 'false')",
        )
    if target == "BIGINT":
        value = f"TRY_CAST({t} AS BIGINT)"
        return value, f"(regexp_full_match({t}, '[+-]?[0-9]+') AND {value} IS NOT NULL)"
    if target == "DECIMAL(38, 12)":
        value = f"TRY_CAST({t} AS DECIMAL(38, 12))"
        number = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
        fits = rf"[+-]?0*[0-9]{{0,{WHOLE_DIGITS}}}(\.[0-9]{{0,{SCALE}}}0*)?"
        return value, (
            f"(regexp_full_match({t}, {_literal(number)}) AND "
            f"regexp_full_match({t}, {_literal(fits)}) AND {value} IS NOT NULL)"
        )
    assert target == "DATE", target
    day = f"TRY_CAST({t} AS DATE)"
    iso = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'"
    date_ok = f"(regexp_full_match({t}, {iso}) AND {t} >= '0001' AND {day} IS NOT NULL)"
    if not event:
        return f"CASE WHEN {date_ok} THEN {day} END", date_ok
    never = f"DATE '{NEVER_DATE.isoformat()}'"
    return (
        f"CASE WHEN {t} = 'never' THEN {never} WHEN {date_ok} THEN {day} END",
        f"({t} = 'never' OR {date_ok})",
    )


def _expected(column: _Column) -> str:
    fact = column.fact
    if fact is None or column.as_of:
        return "a date (YYYY-MM-DD)"
    t = fact.type
    if isinstance(t, T.Boolean):
        return "true or false"
    if isinstance(t, T.Integer):
        return "a whole number (at most 19 digits)"
    if isinstance(t, T.Duration):
        return f"a whole number of {t.unit_class.replace('_', ' ')}"
    digits = f"at most {WHOLE_DIGITS} digits before the point and {SCALE} after"
    if isinstance(t, T.Money):
        return f"an amount in {t.currency} as a plain number ({digits})"
    if isinstance(t, T.DecimalType):
        return f"a plain number ({digits})"
    if isinstance(t, T.Date):
        return "a date (YYYY-MM-DD) or never" if fact.kind == "event" else "a date (YYYY-MM-DD)"
    return "a text"


def _accepted_types(target: str) -> str:
    return {
        "BOOLEAN": "BOOLEAN or text",
        "BIGINT": "an integer type, a number without fraction, or text",
        "DECIMAL(38, 12)": "a number type or text",
        "DATE": "DATE or text",
    }.get(target, "text (VARCHAR)")


def _validate(
    runner: _Runner,
    path: Path,
    names: Sequence[str],
    conversions: dict[str, _Conversion],
    in_format: str,
) -> None:
    """Read the whole input once; the first value that does not convert, in row order and
    then column order, is a BatchError naming its row, column and value."""
    checked = [name for name in names if name in conversions]
    if not checked:
        runner.execute("SELECT count(*) FROM clausec__raw", stage="checking the input")
        return
    which = " ".join(f"WHEN {conversions[n].bad} THEN {index}" for index, n in enumerate(checked))
    sql = (
        f"SELECT {_name(ROW)}, CASE {which} END AS clausec__column FROM clausec__raw "
        f"WHERE {' OR '.join(conversions[n].bad for n in checked)} "
        f"ORDER BY {_name(ROW)} LIMIT 1"
    )
    found = runner.execute(sql, stage="checking the input")
    if not found:
        return
    row, index = found[0]
    assert isinstance(row, int) and isinstance(index, int)
    name = checked[index]
    value = runner.execute(
        f"SELECT CAST({_name(name)} AS VARCHAR) FROM clausec__raw WHERE {_name(ROW)} = {row}"
    )[0][0]
    raise BatchError(
        f"{path}: row {row}, column {show(name)}: expected {conversions[name].expected}, "
        f"got {show(value)}"
    )


# ------------------------------------------------------------------ writing the output


def _result(name: str, sql_type: str, out_format: str) -> str:
    """A result column as written: in CSV a DECIMAL without trailing zeros (``100.5``)."""
    column = _name(name)
    if out_format == "csv" and sql_type.startswith("DECIMAL"):
        text = f"CAST({column} AS VARCHAR)"
        return (
            f"CASE WHEN contains({text}, '.') THEN rtrim(rtrim({text}, '0'), '.') ELSE {text} END"
        )
    return column


def _copy_options(out_format: str, compression: str | None) -> str:
    if out_format == "parquet":
        return "FORMAT parquet"
    options = "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"'"
    return options + (", COMPRESSION gzip" if compression == "gzip" else ", COMPRESSION none")


@contextlib.contextmanager
def _temporary_output(output: Path | None, scratch: str) -> Iterator[Path]:
    """A temporary file beside ``output`` (in ``scratch`` for standard output), renamed over
    ``output`` when the block ends without an error, removed otherwise. A link is written
    through; an existing file keeps its permissions."""
    if output is None:
        yield Path(scratch) / "output.csv"
        return
    target = Path(os.path.realpath(output))
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise BatchError(f"{output}: cannot write: {exc.strerror or exc}", usage=True) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise BatchError(f"{output}: cannot write: not a regular file", usage=True)
    _remove_stale(target)
    try:
        fd, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
        )
    except OSError as exc:
        raise BatchError(f"{output}: cannot write: {exc.strerror or exc}", usage=True) from None
    temporary = Path(name)
    os.close(fd)
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # mkstemp makes 0600; give what a new file would get
    try:
        yield temporary
        # Set after DuckDB wrote the file, which it may have made anew.
        os.chmod(temporary, stat.S_IMODE(mode))
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise BatchError(f"{output}: cannot write: {exc.strerror or exc}", usage=True) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _count(
    runner: _Runner,
    written: Path,
    out_format: str,
    compression: str | None,
    names: Sequence[str],
    results: Sequence[str],
) -> tuple[tuple[tuple[str, int], ...], int]:
    """How many rows of each answer the written file holds (``error``: with an error)."""
    if out_format == "parquet":
        scan = f"read_parquet({_literal(str(written))})"
    else:
        columns = ", ".join(f"{_literal(n)}: 'VARCHAR'" for n in [*names, *results])
        scan = (
            f"read_csv({_literal(str(written))}, header = true, auto_detect = false, "
            f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', "
            f"compression = '{compression or 'none'}')"
        )
    rows = runner.execute(
        "SELECT CASE WHEN error IS NOT NULL THEN 'error' ELSE answer END AS kind, count(*) AS n "
        f"FROM {scan} GROUP BY kind"
    )
    counted = sorted(((str(k), int(str(n))) for k, n in rows), key=lambda x: (-x[1], x[0]))
    return tuple(counted), sum(n for _, n in counted)


def _name(name: str) -> str:
    """A column name as a DuckDB identifier."""
    return sql_name(name).sql(dialect="duckdb")


def _literal(text: str) -> str:
    """A text as a DuckDB string literal."""
    return sql_text(text).sql(dialect="duckdb")


def progress_line(stream: TextIO) -> Progress | None:
    """``answering 42%`` on ``stream``, redrawn in place, on a terminal only (not when TERM
    is dumb); erased when a stage ends."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty or os.environ.get("TERM") == "dumb":
        return None
    width = [0]

    def show_progress(stage: str, percent: float | None) -> None:
        line = stage + (f" {percent:.0f}%" if stage and percent is not None else "")
        stream.write("\r" + line.ljust(width[0]) + ("" if line else "\r"))
        stream.flush()
        width[0] = max(width[0], len(line)) if line else 0

    return show_progress
