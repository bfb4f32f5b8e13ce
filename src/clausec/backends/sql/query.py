"""One query per question: the fact table in, the answers out.

The query reads a table (or view) with one row per case and one column per fact the
question reads, named as the fact and typed as :func:`column_type` says (NULL: not given;
``9999-12-31`` in an event's column: it never happens). It returns the columns asked to be
kept, then ``answer``, ``value`` (value questions), ``due_date`` (questions with deadlines),
``grounds``, ``needed`` and ``presumed`` (JSON arrays of norm ids and fact names) and
``error`` (the problem of a wrong fact or of an evaluation error; the other results are NULL
then). Presumptions apply as in the other evaluators: an undetermined answer is computed
again with the presumed values of the facts it waits for."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import attrs
from sqlglot import exp

from clausec.backends.sql import build as B
from clausec.backends.sql import dates as D
from clausec.backends.sql.calendar import WorkingCalendar
from clausec.backends.sql.errors import SQLError, Unsupported
from clausec.backends.sql.graph import Graph, Join
from clausec.backends.sql.lowering import (
    DUE_RANK,
    ERROR,
    GROUND,
    Context,
    PassLowering,
    Val,
    unknown_deps,
)
from clausec.backends.sql.names import INTERNAL, internal, sql_name, sql_text
from clausec.evaluation import calendar as C
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.plan import QuestionPlan
from clausec.plan import nodes as P
from clausec.plan.lower import constant

E = B.E
DIALECTS = ("duckdb", "spark", "postgres")
RESULT_COLUMNS = ("answer", "value", "due_date", "grounds", "needed", "presumed", "error")
# The most facts a question may read: one bit each, and one for the as-of date, in a BIGINT.
MAX_FACTS = 62
# The most steps nested in one another: sqlglot prints a tree by recursion, about a dozen
# Python frames a level, and Python allows a thousand.
NESTING = 40
_TOO_DEEP = "its expressions are nested too deeply to be written as SQL"
# DuckDB works on batches of up to 2,048 rows at a cost per batch that hardly depends on how
# full it is, and its filters gather batches of fewer than 64 rows into full ones. The rows that
# miss a fact are a part of every batch: dealt out to copies of it, each keeping one piece of
# about PIECE rows, they reach the three-valued steps in full batches. The number of copies
# follows that part in the source's first batch, at most PIECES (43 rows a piece when every
# row misses a fact): each copy costs a pass over the batch (docs/batch.md, "Speed and memory").
BATCH = 2048
PIECE = 32
PIECES = 48
# The last day, which an event's column uses for "never".
NEVER_DATE = dt.date(9999, 12, 31)


@attrs.frozen
class AsOfColumn:
    """The as-of date of each case is in this column of the input (NULL: none)."""

    name: str


# The as-of date: a date, None (none: an answer that needs it waits for it), "today" (the
# engine's current date when the query runs), or a column of the input.
AsOf = dt.date | None | str | AsOfColumn


def column_type(t: T.Type) -> str:
    """The SQL type of the column of a fact of type ``t`` (and of a value question's value)."""
    if isinstance(t, T.Boolean):
        return "BOOLEAN"
    if isinstance(t, T.Integer | T.Duration):
        return "BIGINT"
    if isinstance(t, T.DecimalType | T.Money):
        return "DECIMAL(38, 12)"
    if isinstance(t, T.Date):
        return "DATE"
    return "VARCHAR"


@attrs.frozen
class QuestionSQL:
    """The query of one question, with the columns it reads and writes."""

    question: str
    inputs: tuple[tuple[str, str], ...]  # (fact, SQL type), in the question's order
    outputs: tuple[tuple[str, str], ...]  # (result column, SQL type)
    query: exp.Expr
    dialect: str  # the engine the query is shaped for and printed in

    def sql(self, *, pretty: bool = False) -> str:
        try:
            # sqlglot copies a tree before printing it unless told not to, in case a dialect's
            # rewrites change it; they leave these trees as they are (tests/test_sql.py), and
            # the copy took half the printing time.
            return self.query.sql(dialect=self.dialect, pretty=pretty, copy=False)
        except RecursionError:
            raise SQLError(f"question `{self.question}`: {_TOO_DEEP}") from None


def input_columns(contract: ir.Contract, qp: QuestionPlan) -> tuple[tuple[str, str], ...]:
    """The fact columns the query of ``qp`` reads, (fact, SQL type) in the question's order,
    without building the query."""
    facts = {f.name: f for f in contract.facts}
    return tuple((name, column_type(facts[name].type)) for name in qp.reads)


def question_sql(
    contract: ir.Contract,
    qp: QuestionPlan,
    *,
    source: str = "facts",
    keep: Sequence[str] | None = None,
    as_of: AsOf = "today",
    presume: bool = True,
    dialect: str = "duckdb",
    compact: bool | None = None,
) -> QuestionSQL:
    """The query answering ``qp`` for every row of the table ``source`` (a name, its parts
    separated by dots), in ``dialect``. ``keep``: the input columns passed through (default:
    the facts read). ``compact``: one branch of three-valued code for all rows, its steps
    nested: shorter and shallower, slower per row (default: for Spark only, docs/batch.md). Raises
    SQLError naming the question when it cannot be written as SQL."""
    if dialect not in DIALECTS:
        raise SQLError(f"unknown SQL dialect `{dialect}` (one of {', '.join(DIALECTS)})")
    try:
        shape = dialect == "spark" if compact is None else compact
        return _Query(contract, qp, source, keep, as_of, presume, dialect, shape).build()
    except Unsupported as exc:
        raise SQLError(
            f"question `{qp.question}` of `{contract.id}` cannot be written as SQL: {exc}"
        ) from exc
    except SQLError as exc:
        raise SQLError(f"question `{qp.question}` of `{contract.id}`: {exc}") from exc
    except RecursionError:
        raise SQLError(f"question `{qp.question}` of `{contract.id}`: {_TOO_DEEP}") from None


class _Query:
    def __init__(
        self,
        contract: ir.Contract,
        qp: QuestionPlan,
        source: str,
        keep: Sequence[str] | None,
        as_of: AsOf,
        presume: bool,
        dialect: str,
        compact: bool,
    ) -> None:
        self.contract = contract
        self.dialect = dialect
        # Spark analyses a query in time that grows with its depth times its size, and
        # resolves a chain of CTEs more slowly than nested subqueries: its query is one
        # branch for every row, its steps nested (docs/batch.md, "On Spark").
        self.compact = compact
        self.qp = qp
        self.facts = {f.name: f for f in contract.facts}
        self.reads = list(qp.reads)
        if len(self.reads) > MAX_FACTS:
            raise SQLError(
                f"question `{qp.question}` reads {len(self.reads)} facts; the SQL target "
                f"handles at most {MAX_FACTS}"
            )
        self.keep = list(dict.fromkeys(self.reads if keep is None else keep))
        for name in self.keep:
            if name.startswith(INTERNAL):
                raise SQLError(
                    f"column `{name}`: names starting with {INTERNAL} are the query's own"
                )
            if name in RESULT_COLUMNS:
                raise SQLError(f"column `{name}` has the name of a result column; rename it")
        self.source = source
        self.as_of = as_of
        self.presume = presume
        code = contract.calendar
        table = C.table(code) if code and C.is_known(code) else None
        self.calendar = WorkingCalendar(table) if table is not None else None
        self.labels = sorted(_labels(qp))

    def start(self) -> None:
        """A new column graph, for one branch of the query."""
        self.graph = Graph()
        self.context = Context(
            self.graph, self.calendar, self.labels, self.as_of_value(), 1 << len(self.reads)
        )

    # ------------------------------------------------------------ inputs

    def raw(self, i: int) -> E:
        return B.column(internal(f"r{i}"))

    def as_of_value(self) -> E:
        a = self.as_of
        if a is None:
            return B.NULL
        if isinstance(a, dt.date):
            return B.num(a.toordinal())
        if isinstance(a, AsOfColumn):
            return self.graph.let(_ordinal(B.column(internal("as_of"))))
        if a == "today":
            return self.graph.let(_ordinal(exp.CurrentDate()))
        raise SQLError(f"as-of date `{a}`: a date, none, today or a column")

    def fact_value(self, i: int, name: str) -> E:
        fact = self.facts[name]
        raw = self.raw(i)
        if isinstance(fact.type, T.Date):
            value = _ordinal(raw)
            if fact.kind == "event":
                never = B.compare("=", raw, _date_literal(NEVER_DATE))
                value = B.case([(never, B.num(D.NEVER))], value)
            return self.graph.let(value)
        return raw

    def fact_errors(self, values: dict[str, Val]) -> E:
        """The first wrong fact in name order, as ``problem: fact``."""
        branches = []
        lowering = PassLowering(self.context, values)
        for name in sorted(self.reads):
            fact, v = self.facts[name], values[name].v
            bad: list[E] = []
            if isinstance(fact.type, T.Enum):
                bad.append(
                    B.not_(exp.In(this=v, expressions=[sql_text(m) for m in fact.type.members]))
                )
                branches.append((B.holds(B.or_(*bad)), sql_text(f"wrong_value: {name}")))
                continue
            for bound, op in ((fact.minimum, "<"), (fact.maximum, ">")):
                if bound is not None:
                    limit = lowering.const(constant(bound, fact.type))
                    test = B.compare(op, v, limit)
                    if fact.kind == "event":
                        test = B.and_(test, B.compare("!=", v, B.num(D.NEVER)))
                    bad.append(test)
            if bad:
                branches.append((B.holds(B.or_(*bad)), sql_text(f"out_of_bounds: {name}")))
        return B.case(branches)

    # ------------------------------------------------------------ the passes

    def build(self) -> QuestionSQL:
        """Two branches over the rows: those that give every fact the question reads, where
        no value waits for a fact (two-valued code, no presumptions), and the others; or, in
        the compact shape, one branch of three-valued code for all rows."""
        qp = self.qp
        types: dict[str, str] = {}
        selects: list[exp.Select] = []
        ctes: list[tuple[str, exp.Expr]] = []
        joined = False
        two = self.reads and not self.compact
        for rows in ("incomplete", "complete") if two else ("all",):
            self.start()
            outputs = self.answers(known=rows == "complete")
            types = {name: kind for name, _, kind in outputs}
            prefix = "known_" if rows == "complete" else ""
            select, steps = self.assemble([(n, e) for n, e, _ in outputs], rows, prefix)
            selects.append(select)
            ctes += steps
            joined = joined or bool(self.graph.joins)
        query: exp.Query = selects[0]
        if len(selects) == 2:
            query = exp.Union(this=selects[0], expression=selects[1], distinct=False)
        # The steps are read once each: an engine that materializes CTEs by default (DuckDB)
        # would keep every row of every step in memory. The calendar's tables are small.
        table = self.calendar.ctes() if joined and self.calendar is not None else []
        with_ = [_cte(name, body) for name, body in table]
        # Spark has no MATERIALIZED hints (and inlines CTEs).
        hint = None if self.dialect == "spark" else False
        with_ += [_cte(name, body, materialized=hint) for name, body in ctes]
        if with_:
            query.set("with_", exp.With(expressions=with_))
        return QuestionSQL(
            qp.question,
            input_columns(self.contract, qp),
            tuple(types.items()),
            query,
            self.dialect,
        )

    def answers(self, known: bool) -> list[tuple[str, E, str]]:
        """The result columns over rows whose facts are all given (``known``) or not."""
        qp, d = self.qp, self.qp.decision
        facts = {
            name: Val(self.fact_value(i, name), B.num(0 if known else 1 << i), known=known)
            for i, name in enumerate(self.reads)
        }
        fact_error = self.graph.let(self.fact_errors(facts))
        first = PassLowering(self.context, facts)
        env = first.run(qp.body)
        results = self.results(env, first)
        error = B.coalesce(fact_error, env[ERROR].v)
        presumable = [
            (i, name)
            for i, name in enumerate(self.reads)
            if self.facts[name].presumption is not None and not known
        ]
        relied: E = B.num(0)
        if self.presume and presumable and d.depends_on is not None:
            # Asked again, where the answer waits for presumed facts, with their values.
            mask = sum(1 << i for i, _ in presumable)
            relied = self.graph.let(
                B.case(
                    [(B.is_null(env[ERROR].v), B.bit_and(self.needed_mask(env), B.num(mask)))],
                    B.num(0),
                )
            )
            again = self.graph.let(B.compare("!=", relied, B.num(0)))
            presumed = dict(facts)
            for i, name in presumable:
                fact = self.facts[name]
                assert fact.presumption is not None
                value = first.const(constant(fact.presumption.value, fact.type))
                uses = B.compare("!=", B.bit_and(relied, B.num(1 << i)), B.num(0))
                presumed[name] = Val(
                    self.graph.let(B.case([(uses, value)], facts[name].v)), facts[name].m
                )
            # One pass of three-valued code over the presumed values: a second, two-valued
            # pass where they complete the facts made the query a fifth longer and slower.
            second = PassLowering(self.context, presumed, guard=again)
            final = second.run(qp.body)
            slow = self.results(final, second)
            results = {k: B.case([(again, slow[k])], v) for k, v in results.items()}
            error = B.coalesce(error, final[ERROR].v)
        error = self.graph.let(error)
        ok = B.is_null(error)
        outputs: list[tuple[str, E, str]] = [
            ("answer", B.case([(ok, results["answer"])]), "VARCHAR")
        ]
        if "value" in results:
            assert qp.value_type is not None
            outputs.append(("value", B.case([(ok, results["value"])]), column_type(qp.value_type)))
        if "due_date" in results:
            outputs.append(("due_date", B.case([(ok, results["due_date"])]), "DATE"))
        outputs.append(("grounds", B.case([(ok, results["grounds"])]), "VARCHAR"))
        outputs.append(("needed", B.case([(ok, results["needed"])]), "VARCHAR"))
        presumed_names = [
            (_has(relied, 1 << i), name) for i, name in sorted(presumable, key=lambda p: p[1])
        ]
        none = B.compare("=", relied, B.num(0))
        presumed_list = _json_list(presumed_names, none)
        outputs.append(("presumed", B.case([(ok, presumed_list)]), "VARCHAR"))
        outputs.append(("error", error, "VARCHAR"))
        return outputs

    def results(self, env: dict[str, Val], lowering: PassLowering) -> dict[str, E]:
        """The results of one pass: answer, value, due date, grounds, facts needed."""
        qp, d = self.qp, self.qp.decision
        answer = env[d.answer.name].v
        out = {"answer": answer}
        if d.value is not None and qp.value_type is not None:
            value = env.get(d.value.name, Val(B.NULL, B.num(0))).v
            if isinstance(qp.value_type, T.Date):
                value = _date_output(self.graph.let(value))
            out["value"] = B.case([(B.compare("=", answer, sql_text("value")), value)])
        if d.dues:
            days = []
            for norm, local in d.dues:
                key = env.get(local.name, Val(B.NULL, B.num(0))).v
                grounded = env.get(GROUND + norm, Val(B.FALSE, B.num(0))).v
                dated = B.and_(
                    grounded,
                    B.compare(">=", key, B.num(DUE_RANK)),
                    B.compare("<", key, B.num(2 * DUE_RANK)),
                )
                days.append(B.case([(B.holds(dated), B.sub(key, B.num(DUE_RANK)))]))
            out["due_date"] = _date_output(self.graph.let(B.least(days)))
        grounds = [(env[GROUND + n].v, n) for n in lowering.grounds if GROUND + n in env]
        out["grounds"] = _json_list(grounds)
        needed = self.graph.let(self.needed_mask(env))
        names = [*self.reads, "today"]
        bits = sorted((name, 1 << i) for i, name in enumerate(names))
        none = B.compare("=", needed, B.num(0))
        out["needed"] = _json_list([(_has(needed, b), n) for n, b in bits], none)
        return out

    def needed_mask(self, env: dict[str, Val]) -> E:
        d = self.qp.decision
        if d.depends_on is None:
            return B.num(0)
        undetermined = B.compare("=", env[d.answer.name].v, sql_text("undetermined"))
        return B.case([(B.holds(undetermined), unknown_deps(env[d.depends_on.name]))], B.num(0))

    # ------------------------------------------------------------ the query

    def assemble(
        self, outputs: list[tuple[str, E]], rows: str, prefix: str
    ) -> tuple[exp.Select, list[tuple[str, exp.Expr]]]:
        """One branch: the SELECT of its results, and its steps as CTEs named with
        ``prefix`` (or nested, NESTING deep at most, between CTEs), over the rows of the
        source that give every fact read (``rows`` is "complete"), the others
        ("incomplete") or all."""
        inputs = {internal(f"r{i}") for i in range(len(self.reads))} | {internal("as_of")}
        steps, final, results = self.graph.steps([e for _, e in outputs], inputs)
        parts = self.source.split(".")
        source = exp.Table(
            this=sql_name(parts[-1]),
            db=sql_name(parts[-2]) if len(parts) > 1 else None,
            catalog=sql_name(".".join(parts[:-2])) if len(parts) > 2 else None,
        )
        columns: list[E] = [exp.column(sql_name(n), table="src") for n in self.keep]
        columns += [
            B.alias(exp.column(sql_name(name), table="src"), internal(f"r{i}"))
            for i, name in enumerate(self.reads)
        ]
        if isinstance(self.as_of, AsOfColumn):
            columns.append(
                B.alias(exp.column(sql_name(self.as_of.name), table="src"), internal("as_of"))
            )
        if len(columns) == 0:
            columns.append(B.alias(B.num(0), internal("row")))
        facts = [exp.column(sql_name(name), table="src") for name in self.reads]
        given = B.and_(*(B.not_null(column) for column in facts))
        # Written as such, not as NOT given: DuckDB leaves NOT (NOT (x IS NULL)) as it is.
        missing = B.or_(*(B.is_null(column.copy()) for column in facts))
        select_input = exp.select(*columns).from_(source.as_("src"))
        if rows != "all":
            select_input = select_input.where(given if rows == "complete" else missing)
        if rows == "incomplete" and self.dialect == "duckdb":
            select_input = _dealt(select_input, source, missing)
        ctes: list[tuple[str, exp.Expr]] = []

        depth = [0]  # of the subqueries nested since the last CTE

        def step(name: str, body: exp.Select) -> exp.Expr:
            """What the next step reads from: the step nested, or a CTE."""
            depth[0] += 1
            if self.compact and depth[0] % NESTING:
                return body.subquery("s", copy=False)
            ctes.append((name, body))
            return exp.to_table(name).as_("s")

        previous = step(internal(prefix + "input"), select_input)
        # Each step passes on only the columns a later step or the result reads.
        last_use: dict[str, int] = {}
        for index, names in enumerate(steps, 1):
            for name in names:
                read = (
                    [self.graph.joins[name].on] if name in self.graph.joins else _names(final[name])
                )
                for column in read:
                    last_use[column] = index
        for e in results:
            for column in _names(e):
                last_use[column] = len(steps) + 1
        available = [c for c in (*sorted(inputs), internal("row")) if c in last_use]
        kept = [exp.column(sql_name(n), table="s") for n in self.keep]
        for index, names in enumerate(steps, 1):
            selected: list[E] = [
                *kept,
                *(exp.column(c, table="s") for c in available if last_use[c] > index),
            ]
            joins: dict[str, Join] = {}
            for name in names:
                if name in self.graph.joins:
                    j = self.graph.joins[name]
                    joins[j.alias] = j
                    selected.append(B.alias(exp.column(j.value, table=j.alias), name))
                else:
                    selected.append(B.alias(_qualified(final[name]), name, copy=False))
            available = [c for c in available if last_use[c] > index] + [
                n for n in names if last_use.get(n, 0) > index
            ]
            if not selected:
                selected.append(B.alias(B.num(0), internal("row")))
            select = exp.select(*selected, copy=False).from_(previous, copy=False)
            for alias, j in joins.items():
                condition = B.compare(
                    "=", exp.column(j.key, table=alias), exp.column(j.on, table="s")
                )
                select = select.join(
                    exp.to_table(j.table).as_(alias), on=condition, join_type="left", copy=False
                )
            previous = step(internal(f"{prefix}step{index}"), select)
        last = exp.select(
            *kept,
            *(
                B.alias(_qualified(e), name, copy=False)
                for (name, _), e in zip(outputs, results, strict=True)
            ),
        ).from_(previous, copy=False)
        return last, ctes


def _dealt(select: exp.Select, source: exp.Table, missing: E) -> exp.Select:
    """The rows of ``select`` dealt out to copies of each batch, each keeping the rows of one
    piece (by a hash of the row), so that DuckDB gathers them into full batches; as many
    copies as the share of ``source``'s first batch that misses a fact (``missing``) makes
    pieces of about PIECE rows (docs/batch.md, "Speed and memory")."""
    piece, pieces = internal("piece"), internal("pieces")
    names = [c.args["alias"] if isinstance(c, exp.Alias) else c.this for c in select.expressions]
    hashed = B.function("hash", *(c.unalias().copy() for c in select.expressions))
    # Half the UBIGINT hash is a BIGINT, which the count of copies divides.
    select = select.select(B.alias(B.cast(B.idiv(hashed, B.num(2)), "BIGINT"), piece), copy=False)
    first = (
        exp.select(B.alias(missing.copy(), "missing"))
        .from_(source.copy().as_("src"))
        .limit(BATCH)
        .subquery("batch")
    )
    # ceil(missing / seen * BATCH / PIECE): the copies that leave about PIECE rows a piece.
    seen = exp.Count(this=exp.Star())
    scaled = B.mul(
        B.function("SUM", B.case([(exp.column("missing", table="batch"), B.num(1))], B.num(0))),
        B.num(BATCH // PIECE),
    )
    needed = B.idiv(B.add(scaled, B.sub(seen, B.num(1))), B.greatest([seen.copy(), B.num(1)]))
    count = B.greatest([B.num(1), B.least([B.cast(needed, "BIGINT"), B.num(PIECES)])])
    shared = exp.select(B.alias(count, "k")).from_(first).subquery("share")
    k = exp.column("k", table="share")
    series = exp.GenerateSeries(start=B.num(0), end=k.copy(), is_end_exclusive=True)
    copies = exp.select(B.alias(exp.Explode(this=series), "p"), B.alias(k, "k")).from_(shared)
    # Not `piece % k = p`: DuckDB would join on it, each batch meeting its pieces in one.
    mine = B.sub(
        B.mod(exp.column(piece, table="src"), exp.column("k", table=pieces)),
        exp.column("p", table=pieces),
    )
    return (
        exp.select(*(exp.column(name.copy(), table="src") for name in names))
        .from_(select.subquery("src"))
        .join(copies.subquery(pieces), join_type="cross")
        .where(B.compare("=", mine, B.num(0)))
    )


def _cte(name: str, body: exp.Expr, materialized: bool | None = None) -> exp.CTE:
    alias = exp.TableAlias(this=exp.to_identifier(name))
    return exp.CTE(this=body, alias=alias, materialized=materialized)


def _names(e: E) -> list[str]:
    return [c.name for c in e.find_all(exp.Column) if not c.table]


def _qualified(e: E) -> E:
    """``e`` with its columns read from the previous step ``s``: changed in place, since the
    expressions of :meth:`Graph.steps` are the branch's own."""

    def qualify(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and not node.table:
            node.set("table", exp.to_identifier("s"))
        return node

    return e.transform(qualify, copy=False)


def _labels(qp: QuestionPlan) -> set[str]:
    """The labels of frequency deadlines (rank 3) a plan compares."""
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, P.DueKey) and node.rank == 3:
            found.add(node.label)
        due = isinstance(node, P.Const) and node.of_kind == "due"
        if due and isinstance(node.value, tuple) and node.value[0] == 3:  # type: ignore[attr-defined]
            found.add(node.value[2])  # type: ignore[attr-defined]
        if isinstance(node, tuple):
            for item in node:
                visit(item)
        else:
            for field in getattr(type(node), "__attrs_attrs__", ()):
                visit(getattr(node, field.name))

    visit(qp.body)
    visit(qp.decision)
    return found


def _ordinal(date: E) -> E:
    """The ordinal of a DATE (days since 0001-01-01, plus one)."""
    first = _date_literal(dt.date(1, 1, 1))
    return B.add(exp.DateDiff(this=date, expression=first, unit=exp.var("DAY")), B.num(1))


def _date_literal(day: dt.date) -> E:
    return B.cast(sql_text(day.isoformat()), "DATE")


def _date_output(ordinal: E) -> E:
    """A DATE from an ordinal (``never`` as 9999-12-31)."""
    never = B.compare("=", ordinal, B.num(D.NEVER))
    first = _date_literal(dt.date(1, 1, 1))
    # An INT offset: Spark's date_add takes no BIGINT (an ordinal fits an INT).
    offset = B.cast(B.sub(ordinal, B.num(1)), "INT")
    made = exp.DateAdd(this=first, expression=offset, unit=exp.var("DAY"))
    return B.case([(never, _date_literal(NEVER_DATE))], B.cast(made, "DATE"))


def _has(mask: E, bit: int) -> E:
    return B.compare("!=", B.bit_and(mask, B.num(bit)), B.num(0))


def _json_list(items: Sequence[tuple[E, str]], empty: E | None = None) -> E:
    """A JSON array of those of the texts whose condition holds, in order (ASCII JSON: no
    control character reaches a string literal). ``empty``, a test cheaper than the
    conditions (a mask's), gives '[]' at once where it holds; without it, the list is built
    for every row, the conditions tested once."""
    items = [(c, t) for c, t in items if not B.is_false(c)]
    if not items:
        return sql_text("[]")
    entries = [B.case([(B.holds(c), sql_text(json.dumps(t)))]) for c, t in items]
    # CONCAT_WS leaves out NULLs in every dialect printed.
    listed = B.function(
        "CONCAT", sql_text("["), B.function("CONCAT_WS", sql_text(","), *entries), sql_text("]")
    )
    # CONCAT_WS of NULLs alone is '' in every dialect printed, so no condition gives '[]'.
    return listed if empty is None else B.case([(empty, sql_text("[]"))], listed)
