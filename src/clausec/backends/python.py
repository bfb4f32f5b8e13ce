"""The Python back end: a printer of decision plans (``clausec emit --target python``).

One standalone module per contract, standard library only: the runtime (``pyruntime.py``:
facts, decimals, dates and calendars, results; no norm logic), the contract's tables, and one
function per question printed from its plan (``clausec.plan``). Each plan is printed twice
into the function: as two-valued code (plain ``and``/``or``, comparisons on ints) for the
common case where every fact the question reads is known and of its plain type, and as
three-valued code that decides every other case. Both evaluate the same operations in the
same order; the two-valued code hands over to the three-valued one (``_Bail``) when an
operation has no value. Each plan operation is printed by one method below.

Every text from the contract reaches the module through :func:`py_str` (string literals) or
:func:`doc_text` (docstrings), and every name through :func:`identifier`.
"""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import functools
import importlib.resources
import keyword
import re
from collections.abc import Sequence
from decimal import Decimal

from clausec.backends.locals import LocalNames, assigned, ground_runs, or_chain
from clausec.evaluation import calendar
from clausec.evaluation import values as RV
from clausec.evaluation.facts import MAX_DIGITS, describe
from clausec.evaluation.next_facts import candidates
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir import values as V
from clausec.ir.queries import (
    conjuncts,
    extension_table,
    lapse_facts,
    norm_facts,
    norm_parts,
    parts_in_words,
)
from clausec.ir.text import cited
from clausec.ir.values import order_key
from clausec.plan import ContractPlan, QuestionPlan, lower
from clausec.plan import nodes as P
from clausec.plan.program import direct_amount, explain_inputs

_COMPARE_OPS = {"=": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_OPERATOR_NAMES = {"=": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


def emit_python(contract: ir.Contract, *, clausec_version: str) -> str:
    return _Module(lower(contract), clausec_version).render()


# ------------------------------------------------------------------ escaping and names


def py_str(text: str) -> str:
    """A Python string literal for any text (``repr`` escapes quotes, backslashes,
    newlines and every non-printable character, U+2028 included)."""
    return repr(text)


def doc_text(text: str) -> str:
    """Text safe inside a triple-quoted docstring, still readable (CJK stays as is)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n    ")
        elif not ch.isprintable() or ch in "\u2028\u2029\x85":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


# Names the module defines itself or that its runtime uses from builtins.
_RESERVED = frozenset(
    {
        "evaluate",
        "evaluate_many",
        "ask_next",
        "Result",
        "FactError",
        "EvaluationError",
        "Facts",
        "QUESTIONS",
        "CONTRACT",
        "CLAUSEC_VERSION",
        "Any",
        "Mapping",
        "Callable",
        "Iterable",
        "Iterator",
        "annotations",
    }
)


def identifier(name: str) -> str:
    """The module-level name of a question: its name with non-word characters as ``_``,
    and one more ``_`` when that is a keyword, a builtin, a name of the module or of its
    runtime (which start with ``_``), or ends in ``_`` (so that ``x`` and ``x_`` stay
    apart)."""
    ident = re.sub(r"\W", "_", name, flags=re.ASCII)
    if (
        keyword.iskeyword(ident)
        or keyword.issoftkeyword(ident)
        or ident in _RESERVED
        or ident in runtime_names()
        or hasattr(builtins, ident)
        or ident.startswith("_")
        or ident.endswith("_")
        or ident[:1].isdigit()
    ):
        ident += "_"
    return ident


def _type_spec(t: T.Type) -> tuple[str, object]:
    if isinstance(t, T.Money):
        return "money", t.currency
    if isinstance(t, T.Duration):
        return "duration", t.unit_class
    if isinstance(t, T.Enum):
        return "enum", t.members
    return str(t), None


def runtime_source() -> str:
    """What every generated module starts with: the wording of errors and warnings
    (clausec.evaluation.messages, shared with the interpreter) and the runtime."""
    parts = []
    for package, name in (
        ("clausec.evaluation", "messages.py"),
        ("clausec.backends", "pyruntime.py"),
    ):
        text = importlib.resources.files(package).joinpath(name).read_text(encoding="utf-8")
        # Drop each file's header comment and future import: the module has its own.
        parts.append(text.split("from __future__ import annotations\n", 1)[1].strip())
    return "\n\n\n".join(parts) + "\n"


@functools.cache
def runtime_names() -> frozenset[str]:
    """The names the runtime defines or imports at the top level of a module."""
    names: set[str] = set()
    for node in ast.parse(runtime_source()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return frozenset(names)


class _Module:
    def __init__(self, plan: ContractPlan, version: str) -> None:
        self.plan = plan
        self.c = plan.contract
        self.version = version
        self.constants: dict[str, str] = {}
        self.facts = {f.name: f for f in self.c.facts}
        self.fact_index = {f.name: i for i, f in enumerate(self.c.facts)}
        self.local = LocalNames(self.c)
        # Printing modes: two-valued code (every value known), and facts read from a Facts'
        # tuple of values (``fv``) instead of local variables.
        self.known = False
        self.prepared = False
        self.temp = 0

    # ------------------------------------------------------------ module

    def render(self) -> str:
        functions = [self.question(q) for q in self.plan.questions]
        explains = self.explain_functions()
        parts = [
            self.header(),
            "from __future__ import annotations\n",
            runtime_source(),
            self.tables(),
            *self.constant_lines(),
            *functions,
            explains,
            self.footer(),
        ]
        return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"

    def header(self) -> str:
        c = self.c
        return (
            f'"""Evaluator for contract `{doc_text(c.id)}`: {doc_text(c.title)}\n\n'
            f"Generated by clausec {doc_text(self.version)} from {doc_text(c.file)}\n"
            f"(source SHA-256 {c.source_sha256}). Do not edit; regenerate with\n"
            f"`clausec emit --target python`. Standard library only.\n\n"
            "Each question is a function taking a mapping of fact names to values (a\n"
            "missing or None fact is unknown), or a Facts checked once, and returning a\n"
            "Result; see docs/embedding.md of clausec.\n"
            f'"""'
        )

    def tables(self) -> str:
        c = self.c
        lines = [
            f"CLAUSEC_VERSION = {py_str(self.version)}",
            "CONTRACT = {"
            + ", ".join(
                f"{py_str(k)}: {_opt(v)}"
                for k, v in [
                    ("id", c.id),
                    ("title", c.title),
                    ("source", c.source_document),
                    ("file", c.file),
                    ("sha256", c.source_sha256),
                    ("calendar", c.calendar),
                    ("language", c.language),
                ]
            )
            + "}",
        ]
        lines += self.calendar_tables()
        lines.append("_FACTS: dict[str, tuple[str, Any, str, bool]] = {")
        for f in c.facts:
            kind, param = _type_spec(f.type)
            lines.append(
                f"    {py_str(f.name)}: ({py_str(kind)}, {_literal(param)}, "
                f"{py_str(describe(f))}, {f.kind == 'event'}),"
            )
        lines.append("}")
        # The bounds of facts that declare them, as runtime values (dates as ordinals).
        lines.append("_BOUNDS: dict[str, tuple[Any, Any]] = {")
        for f in c.facts:
            if f.minimum is not None or f.maximum is not None:
                low, high = (self.bound(v) for v in (f.minimum, f.maximum))
                lines.append(f"    {py_str(f.name)}: ({low}, {high}),")
        lines.append("}")
        lines.append("_MISSING = {name: _Unknown(frozenset((name,))) for name in _FACTS}")
        lines.append("_UNKNOWNS = tuple(_MISSING.values())")
        lines.append("_INDEX = {name: i for i, name in enumerate(_FACTS)}")
        lines.append("_NORMS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {")
        for n in c.norms:
            reads = tuple(sorted(norm_facts(c, n)))
            deadline = py_str(n.deadline.kind) if n.deadline else "None"
            lines.append(
                f"    {py_str(n.id)}: ({py_str(n.clause)}, {py_str(n.modality)}, "
                f"{deadline}, {_literal(reads)}),"
            )
        lines.append("}")
        # What grounds say of a norm besides its clause: the amount (its kind, and the type of
        # its value when the norm gives one) and the forms required.
        # An amount that is a fact or a constant is read here, not computed by the question
        # (clausec.plan.program.direct_amount): (fact name, None) or (None, its value).
        lines.append(
            "_STATES: dict[str, tuple[str | None, str, object, tuple[str, ...], "
            "tuple[str | None, object] | None]] = {"
        )
        for n in c.norms:
            if n.amount is None and not n.forms:
                continue
            amount_kind = n.amount.kind if n.amount is not None else None
            spec = _type_spec(n.amount.expr.type) if n.amount and n.amount.expr else ("", None)
            direct = direct_amount(n)
            source = "None" if direct is None else _literal((direct.fact, direct.constant))
            lines.append(
                f"    {py_str(n.id)}: ({_opt(amount_kind)}, {py_str(spec[0])}, "
                f"{_literal(spec[1])}, {_literal(tuple(n.forms))}, {source}),"
            )
        lines.append("}")
        # The extensions that may move a norm's due date: the clause that states each, how
        # it moves the date, the unit of its amount and the facts it reads.
        lines.append(
            "_EXTENSIONS: dict[str, tuple[tuple[str, str, str, tuple[str, ...]], ...]] = {"
        )
        for norm, extensions in extension_table(c):
            lines.append(f"    {py_str(norm)}: {_literal(extensions)},")
        lines.append("}")
        # The parts of each norm's condition and exceptions, in words with the facts they
        # read, and the duty a remedy follows: what reasons name.
        lines.append(
            "_PARTS: dict[str, tuple[tuple[tuple[str, tuple[str, ...]], ...], "
            "tuple[tuple[str, tuple[str, ...]], ...], str | None, tuple[str, ...]]] = {"
        )
        for n in c.norms:
            conditions, exceptions = norm_parts(c, n)
            lapse = lapse_facts(c, n) if n.lapses else ()
            lines.append(
                f"    {py_str(n.id)}: ({_literal(conditions)}, {_literal(exceptions)}, "
                f"{_opt(n.remedy_of)}, {_literal(lapse)}),"
            )
        lines.append("}")
        lines.append("_VALUE_PARTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {")
        for q in c.questions:
            if q.expr is not None:
                lines.append(
                    f"    {py_str(q.name)}: {_literal(parts_in_words(c, conjuncts(q.expr)))},"
                )
        lines.append("}")
        # Facts with a presumption: (the value as a fact value, in the output form of values,
        # the reason, the clauses it rests on).
        lines.append("_PRESUMED: dict[str, tuple[object, object, str, tuple[str, ...]]] = {")
        for f in c.facts:
            if f.presumption is not None:
                value = RV.from_ir(f.presumption.value)
                lines.append(
                    f"    {py_str(f.name)}: ({_json_literal(RV.to_input(value, f.type))}, "
                    f"{_json_literal(RV.to_json(value, f.type))}, {py_str(f.presumption.reason)}, "
                    f"{_literal(cited(f.presumption.rests_on))}),"
                )
        lines.append("}")
        # The values tried for each fact when an answer is undetermined (ask_next).
        lines.append("_CANDIDATES: dict[str, tuple[object, ...]] = {")
        for f in c.facts:
            if values := candidates(f):
                lines.append(f"    {py_str(f.name)}: {_literal(tuple(values))},")
        lines.append("}")
        lines.append("_CLAUSES: dict[str, tuple[str | None, str | None]] = {")
        for cl in c.clauses:
            if cl.normative:
                lines.append(f"    {py_str(cl.number)}: ({_opt(cl.quote)}, {_opt(cl.gloss)}),")
        lines.append("}")
        lines.append("_QUESTIONS: dict[str, tuple[str, str | None]] = {")
        for q in c.questions:
            lines.append(f"    {py_str(q.name)}: ({py_str(q.kind)}, {_opt(q.description)}),")
        lines.append("}")
        return "\n".join(lines)

    def calendar_tables(self) -> list[str]:
        code = self.c.calendar
        if not code or not calendar.is_known(code):
            return [
                "_CAL_CODE = None",
                "_CAL_FIRST = _CAL_LAST = 0",
                "_CAL_ANNOUNCED = None",
                "_CAL_WEEKEND: frozenset[int] = frozenset()",
                "_CAL_OFF: frozenset[int] = frozenset()",
                "_CAL_ON: frozenset[int] = frozenset()",
            ]
        t = calendar.table(code)
        return [
            f"# Working-day calendar {code} for {t.first_year}-{t.last_year}, from the "
            "`holidays` package at emit time: day ordinals",
            "# (datetime.date.toordinal) of weekday days off and of working weekend days.",
            f"_CAL_CODE = {py_str(code)}",
            f"_CAL_FIRST, _CAL_LAST = {t.first_year}, {t.last_year}",
            f"_CAL_ANNOUNCED = {t.announced_through!r}",
            f"_CAL_WEEKEND: frozenset[int] = frozenset({set(t.weekend)!r})",
            f"_CAL_OFF: frozenset[int] = frozenset({_ordinals(t.holidays)})",
            f"_CAL_ON: frozenset[int] = frozenset({_ordinals(t.workdays)})",
        ]

    def constant_lines(self) -> list[str]:
        return [
            f"{name} = {value}"
            for value, name in sorted(self.constants.items(), key=lambda kv: int(kv[1][2:]))
        ]

    def footer(self) -> str:
        names = [q.name for q in self.c.questions]
        entries = ", ".join(f"{py_str(n)}: {identifier(n)}" for n in names)
        exported = ", ".join(py_str(identifier(n)) for n in names)
        return f'''QUESTIONS: dict[str, Callable[..., Result]] = {{{entries}}}


def evaluate(question: str, facts: Mapping[str, object], *, as_of: object = "today",
             presume: bool = True) -> Result:
    """Answer the question named ``question``."""
    try:
        function = QUESTIONS[question]
    except KeyError:
        raise KeyError(f"no question {{question!r}}; the questions are: "
                       f"{{', '.join(QUESTIONS)}}") from None
    return function(facts, as_of=as_of, presume=presume)


def ask_next(question: str, facts: Mapping[str, object], *, as_of: object = "today",
             presume: bool = True) -> list[dict[str, object]]:
    """For an undetermined answer, the facts it waits for, ranked: each with the values that
    decide the answer alone and the answer each gives; the facts with the most deciding values
    first. [] when the answer is decided."""
    function = QUESTIONS[question]
    result = function(facts, as_of=as_of, presume=presume)
    if result.answer != "undetermined":
        return []
    given = dict(facts)  # a Facts gives its facts as given
    ranked: list[dict[str, Any]] = []
    for name in result.depends_on:
        if name not in _FACTS:  # "today": the as-of date
            continue
        decides = []
        for value in _CANDIDATES.get(name, ()):
            tried = function({{**given, name: value}}, as_of=as_of, presume=presume)
            if tried.answer != "undetermined":
                word = (tried.due if tried.answer == "date"
                        else tried.value if tried.answer == "value" else tried.answer)
                decides.append({{"value": value, "answer": word}})
        ranked.append({{"fact": name, "decides": decides}})
    return sorted(ranked, key=lambda entry: -len(entry["decides"]))  # most deciding first


def evaluate_many(question: str, fact_sets: Iterable[Mapping[str, object]], *,
                  as_of: object = "today", errors: str = "raise",
                  presume: bool = True) -> list[Any]:
    """Answer one question for many fact sets. With ``errors="return"`` a fact set that
    cannot be evaluated gives its FactError or EvaluationError in place of a Result."""
    function = QUESTIONS[question]
    out: list[Any] = []
    for facts in fact_sets:
        try:
            out.append(function(facts, as_of=as_of, presume=presume))
        except (FactError, EvaluationError) as exc:
            if errors != "return":
                raise
            out.append(exc)
    return out


__all__ = ["CONTRACT", "CLAUSEC_VERSION", "EvaluationError", "FactError", "Facts", "QUESTIONS",
           "Result", "ask_next", "evaluate", "evaluate_many", {exported}]'''

    # ------------------------------------------------------------ one question

    def question(self, qp: QuestionPlan) -> str:
        self.temp = 0
        self.qp = qp
        reads = list(qp.reads)
        names_const = (
            self.hoist(
                "{" + ", ".join(f"{py_str(name)}: {i}" for i, name in enumerate(reads)) + "}"
            )
            if reads
            else "_NO_POSITIONS"
        )
        variables = [_var(self.fact_index[f]) for f in reads] + [
            self.local(name) for name in assigned(qp.body)
        ]
        head = [f"{v}: Any" for v in dict.fromkeys(variables)] + [
            "grounds: tuple[str, ...]",
            "deps: tuple[str, ...]",
            "dues: dict[str, Any]",
            "amounts: dict[str, Any]",
            "overridden: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]",
            "by: tuple[tuple[str, str], ...]",
            "explain: tuple[Any, ...] | None",
            "fv: tuple[Any, ...]",
            # The default, today, is read from the clock when first needed (_LATER).
            "asof = _LATER if as_of is _TODAY_WORD else _as_of(as_of)",
            "plain: bool",
            "w: list[str] = []",
        ]
        fast = self.fast_path(qp, names_const)
        general = [
            "if facts.__class__ is not Facts:",
            f"    _check(facts, {self.hoist(_frozenset(reads)) if reads else '_NO_NAMES'})",
            "    get = facts.get",
        ]
        reading: list[str] = []
        for name in reads:
            reading += self.read_fact(name)
        # A wrong fact raises the error of the first wrong fact in name order, as the
        # interpreter does, whichever fact was read first.
        general += (
            [
                "    try:",
                *("        " + line for line in reading),
                "    except FactError:",
                "        _check_all(facts)",
                "        raise",
            ]
            if reading
            else []
        )
        self.known = False
        general += self.program(qp, names_const)
        return (
            f"def {identifier(qp.question)}(facts: Mapping[str, object], *, "
            f"as_of: object = _TODAY_WORD, presume: bool = True) -> Result:\n{self.docstring(qp)}\n"
            + "\n".join("    " + line for line in head + fast + general)
            + "\n"
        )

    def docstring(self, qp: QuestionPlan) -> str:
        q = next(x for x in self.c.questions if x.name == qp.question)
        lines = [doc_text(q.description or q.name), ""]
        if q.kind != "value":
            lines.append(
                f"{q.kind} {doc_text(q.party or '')} {doc_text(q.action or '')} "
                f"{doc_text(q.object or '')}; the clauses:"
            )
            norms = {n.id: n for n in self.c.norms}
            for i in q.norm_ids:
                n = norms[i]
                cl = self.c.clause(n.clause)
                lines.append(
                    f"- {doc_text(n.clause)} ({doc_text(n.id)}, {n.modality}): "
                    f"{doc_text(cl.quote or '')}"
                )
        return '    """' + "\n    ".join(lines).rstrip() + '\n    """'

    def fast_path(self, qp: QuestionPlan, names_const: str) -> list[str]:
        """Two-valued code for the common cases: a Facts with every fact the question reads
        known (checked and converted when it was made), or a dict giving exactly those facts,
        each of the plain type that needs no conversion. Anything else (a missing or extra
        fact, a string to parse, an unknown result of a computation) falls through to the
        three-valued code below, which decides every such case, errors included; both
        evaluate the same operations in the same order, so they agree where both run."""
        reads = list(qp.reads)
        self.known = True
        checks = [self.fast_check(name) for name in reads]
        decision = self.program(qp, names_const)
        # For a Facts, the same code reads each value where it is used, from the tuple of
        # values: a fact that a short-circuit skips is never read.
        self.prepared = True
        prepared = self.program(qp, names_const)
        self.prepared = self.known = False
        lines = ["if facts.__class__ is Facts:", "    fv = facts._values"]
        indexes = [self.fact_index[f] for f in reads]
        mask = sum(1 << i for i in set(indexes))
        lines += [
            f"    if facts._known & {mask} == {mask}:" if reads else "    if True:",
            "        try:",
            *(f"            {line}" for line in prepared),
            "        except _Bail:",
            "            w = []",
            # Unknown values included: the three-valued code below uses these.
            *(f"    {_var(i)} = fv[{i}]" for i in indexes),
            "    plain = False",
        ]
        if reads:
            targets = ", ".join(_var(self.fact_index[f]) for f in reads)
            lines += [f"elif facts.__class__ is dict and len(facts) == {len(reads)}:"]
            # One C-level call reads every fact (a missing one raises KeyError).
            if len(reads) == 1:
                getter = f"facts[{py_str(reads[0])}]"
            else:
                names = ", ".join(map(py_str, reads))
                getter = f"{self.hoist(f'_operator.itemgetter({names})')}(facts)"
            lines += [
                "    try:",
                f"        {targets} = {getter}",
                "    except KeyError:",
                "        plain = False",
                "    else:",
                f"        plain = {' and '.join(checks)}",
            ]
        else:
            lines += ["elif facts.__class__ is dict and not facts:", "    plain = True"]
        lines += [
            "else:",
            "    plain = False",
            "if plain:",
            "    try:",
            *(f"        {line}" for line in decision),
            "    except _Bail:",
            "        w = []",
        ]
        return lines

    def bound(self, value: V.Value | None) -> str:
        """A fact's bound as a runtime value in code (None for no bound)."""
        if value is None:
            return "None"
        key = order_key(value)
        if isinstance(key, Decimal):
            return f"_Decimal({py_str(str(key))})"
        if isinstance(key, dt.date):
            return str(key.toordinal())
        return repr(key)

    def within_bounds(self, name: str, v: str) -> str:
        """`` and …`` testing that the value in ``v`` lies within the fact's bounds."""
        fact = self.facts[name]
        tests = [
            f"{self.hoist(self.bound(value))} {op} {v}"
            for value, op in ((fact.minimum, "<="), (fact.maximum, ">="))
            if value is not None
        ]
        return "".join(f" and {t}" for t in tests)

    def fast_check(self, name: str) -> str:
        """A test that the variable of fact ``name`` holds a value the two-valued code can use
        as it is (dates are turned into ordinals on the way), within the fact's bounds."""
        return self.typed_check(name) + self.within_bounds(name, _var(self.fact_index[name]))

    def typed_check(self, name: str) -> str:
        fact = self.facts[name]
        v = _var(self.fact_index[name])
        kind, param = _type_spec(fact.type)
        if kind == "boolean":
            return f"({v} is True or {v} is False)"
        if kind == "money":
            return f"({v} := _money({v}, {py_str(str(param))})) is not None"
        if kind in ("integer", "duration", "decimal"):
            big = 10**MAX_DIGITS  # a literal: no global lookup, no negation per call
            return f"{v}.__class__ is int and -{big} < {v} < {big}"
        if kind == "text":
            return f"{v}.__class__ is str"
        if kind == "enum":
            assert isinstance(param, tuple)
            return f"{v}.__class__ is str and {v} in {self.hoist(_frozenset(list(param)))}"
        assert kind == "date", kind
        never = (
            f"_INF if {v}.__class__ is str and {v} == 'never' else None"
            if fact.kind == "event"
            else "None"
        )
        return f"({v} := {v}.toordinal() if {v}.__class__ is _date else {never}) is not None"

    def read_fact(self, name: str) -> list[str]:
        v = _var(self.fact_index[name])
        kind, _ = _type_spec(self.facts[name].type)
        fast = {
            "boolean": f"{v}.__class__ is bool",
            "integer": f"{v}.__class__ is int and -_BIG < {v} < _BIG",
            "duration": f"{v}.__class__ is int and -_BIG < {v} < _BIG",
            "decimal": f"{v}.__class__ is int and -_BIG < {v} < _BIG",
            "text": f"{v}.__class__ is str",
        }.get(kind)
        lines = [f"{v} = get({py_str(name)})"]
        slow = f"{v} = _MISSING[{py_str(name)}] if {v} is None else _read({py_str(name)}, {v})"
        fact = self.facts[name]
        if fact.minimum is not None or fact.maximum is not None:
            lines.append(slow)  # _read checks the bounds
        elif fast:
            lines += [f"if not ({fast}):", f"    {slow}"]
        elif kind == "date":
            lines += [f"if {v}.__class__ is _date:", f"    {v} = {v}.toordinal()"]
            if self.facts[name].kind == "event":
                lines += [f"elif {v}.__class__ is str and {v} == 'never':", f"    {v} = _INF"]
            lines += ["else:", f"    {slow}"]
        else:
            lines.append(slow)
        return lines

    # ------------------------------------------------------------ statements

    def program(self, qp: QuestionPlan, names_const: str) -> list[str]:
        """The body, then the Result."""
        return self.block(qp.body) + self.finish(qp, names_const)

    def block(self, stmts: Sequence[P.Stmt]) -> list[str]:
        out: list[str] = []
        for s in stmts:
            out += self.statement(s)
        return out

    def statement(self, s: P.Stmt) -> list[str]:
        if isinstance(s, P.Let):
            return [f"{self.local(s.name)} = {self.expr(s.value)}"]
        if isinstance(s, P.If):
            test = self.test(s.test)
            then, otherwise = self.block(s.then), self.block(s.otherwise)
            if test == "True":
                return then
            if test == "False":
                return otherwise
            if not then:
                if not otherwise:
                    return []
                return [f"if not ({test}):", *_indent(otherwise)]
            return [f"if {test}:", *_indent(then)] + (
                ["else:", *_indent(otherwise)] if otherwise else []
            )
        if isinstance(s, P.ChooseGrounds):
            return [f"grounds = {self.grounds(s.grounds)}"]
        raise AssertionError(type(s))

    def grounds(self, grounds: Sequence[P.Ground]) -> str:
        """A tuple expression of the grounds whose tests hold. Consecutive grounds whose tests
        start with the same condition test it once."""
        parts = []
        for first, members in ground_runs(grounds):
            if first is None or len(members) == 1:
                parts += [self.ground(g.norm, g.when) for g in members]
                continue
            test = self.test(first)
            if test == "False":
                continue
            inner = [
                self.ground(g.norm, P.All(g.when.parts[1:]))  # type: ignore[attr-defined]
                for g in members
            ]
            inner = [x for x in inner if x != "()"]
            if inner:
                joined = " + ".join(inner)
                parts.append(joined if test == "True" else f"(({joined}) if {test} else ())")
        parts = [p for p in parts if p != "()"]
        return f"({' + '.join(parts)})" if parts else "()"

    def ground(self, norm: str, when: P.Test) -> str:
        test = self.test(when)
        if test == "False":
            return "()"
        entry = f"({py_str(norm)},)"
        return entry if test == "True" else f"({entry} if {test} else ())"

    def finish(self, qp: QuestionPlan, names_const: str) -> list[str]:
        d = qp.decision
        lines = []
        if d.dues:
            lines.append("dues = {}")
            for norm, due in d.dues:
                lines.append(
                    f"if {py_str(norm)} in grounds: dues[{py_str(norm)}] = {self.local(due.name)}"
                )
        else:
            lines.append("dues = _NO_DUES")
        if d.amounts:
            lines.append("amounts = {}")
            for norm, amount in d.amounts:
                lines.append(
                    f"if {py_str(norm)} in grounds: amounts[{py_str(norm)}] = "
                    f"{self.local(amount.name)}"
                )
        else:
            lines.append("amounts = _NO_DUES")
        if d.extended:
            lines.append("extended = {}")
            for x in d.extended:
                values = ", ".join(
                    f"{self.expr(amount)} if {self.test(P.IsTrue(holds))} else None"
                    for holds, amount in x.extensions
                )
                lines.append(f"if {self.test(x.when)}: extended[{py_str(x.norm)}] = ({values},)")
        else:
            lines.append("extended = _NO_DUES")
        if d.moved:
            lines.append("moved = {}")
            for norm, dated, unmoved in d.moved:
                lines.append(f"if {self.test(dated)}: moved[{py_str(norm)}] = {self.expr(unmoved)}")
        else:
            lines.append("moved = _NO_DUES")
        lines.append("overridden = ()")
        for y in d.yields:
            when = self.test(y.when)
            if when == "False":
                continue
            parts = self.prevailing(y.by)
            if not parts:
                continue
            body = [f"by = {' + '.join(parts)}", f"if by: overridden += (({py_str(y.norm)}, by),)"]
            lines += body if when == "True" else [f"if {when}:", *_indent(body)]
        lines += self.explain_arguments(qp)
        answer = self.local(d.answer.name)
        if d.depends_on is None or self.known:
            lines.append("deps = ()")
        else:
            dep = self.local(d.depends_on.name)
            lines.append(f"deps = tuple(sorted({dep}.deps)) if {answer} == 'undetermined' else ()")
            presumable = [f for f in qp.reads if self.facts[f].presumption is not None]
            if presumable:
                names = self.hoist(_frozenset(presumable))
                lines += [
                    f"if deps and presume and {names}.intersection(deps):",
                    f"    return _presume({identifier(qp.question)}, facts, as_of, deps)",
                ]
        if d.value is not None and qp.value_type is not None:
            kind, param = _type_spec(qp.value_type)
            v = self.local(d.value.name)
            lines.append(
                f"value = _json({v}, {py_str(kind)}, {_literal(param)}) "
                f"if {answer} == 'value' else None"
            )
            value = "value"
        else:
            value = "None"
        reads = list(qp.reads)
        values = (
            "("
            + ", ".join(_var(self.fact_index[f]) for f in reads)
            + ("," if len(reads) == 1 else "")
            + ")"
        )
        if self.prepared:
            names_const, values = "_INDEX", "fv"
        # Slots set directly: a call of Result.__init__ would cost more than the decision.
        lines += [
            "_r = _new(Result)",
            f"_r.answer = {answer}",
            "_r._grounds = grounds",
            f"_r._rest = ({py_str(qp.question)}, overridden, deps, dues, {value}, "
            f"{names_const}, {values}, w, explain, (), amounts, asof, extended, moved)",
            "return _r",
        ]
        return lines

    # ------------------------------------------------------------ reasons, when asked for

    def explain_arguments(self, qp: QuestionPlan) -> list[str]:
        """``explain``: on a negative answer, what the question's explain function reads (it
        runs when the reasons are asked for); None otherwise."""
        d = qp.decision
        negative = self.test(P.Any_(tuple(dict.fromkeys(r.when for r in d.reasons))))
        if not d.reasons or negative == "False":
            return ["explain = None"]
        inputs = explain_inputs(d)
        values = ["asof"] + [self.local(name) for name in inputs.locals]
        values += [self.expr(P.Fact(name, "bool")) for name in inputs.facts]
        packed = f"({', '.join(values)},)"
        return [
            f"explain = {packed}"
            if negative == "True"
            else f"explain = {packed} if {negative} else None"
        ]

    def explain_functions(self) -> str:
        """One function per question with reasons: the plan's explain statements, printed as
        three-valued code over the values the question computed, returning the reasons."""
        self.known = self.prepared = False
        out = []
        table = []
        for index, qp in enumerate(self.plan.questions):
            d = qp.decision
            if not d.reasons:
                continue
            self.temp = 0
            self.qp = qp
            inputs = explain_inputs(d)
            names = ["asof"] + [self.local(name) for name in inputs.locals]
            names += [_var(self.fact_index[name]) for name in inputs.facts]
            body = [
                "w: list[str] = []  # nothing new: explain evaluates what the question did",
                *[f"{self.local(name)}: Any" for name in assigned(d.explain)],
                *self.block(d.explain),
                *self.reasons(d.reasons),
                "return reasons",
            ]
            name = f"_explain{index}"
            out.append(
                f"def {name}({', '.join(f'{n}: Any' for n in names)}) -> Any:\n"
                + "\n".join("    " + line for line in body)
            )
            table.append(f"{py_str(qp.question)}: {name}")
        out.append(f"_EXPLAIN: dict[str, Callable[..., Any]] = {{{', '.join(table)}}}")
        return "\n\n\n".join(out)

    def prevailing(self, by: Sequence[tuple[str, str, P.Test]]) -> list[str]:
        """Tuple expressions, one per (norm prevailing, clause stating it, test): the pair when
        the test holds, else ()."""
        parts = []
        for higher, stated, test in by:
            t = self.test(test)
            if t != "False":
                entry = f"(({py_str(higher)}, {py_str(stated)}),)"
                parts.append(entry if t == "True" else f"({entry} if {t} else ())")
        return parts

    def reasons(self, reasons: Sequence[P.Reason]) -> list[str]:
        """``reasons``: a tuple of (norm, status, the norms prevailing, the day a right
        lapsed or ended) whose tests hold."""
        lines = [
            "reasons: tuple[tuple[str | None, str, tuple[tuple[str, str], ...], Any], ...] = ()"
        ]
        for r in reasons:
            when = self.test(r.when)
            if when == "False":
                continue
            parts = self.prevailing(r.by)
            by = " + ".join(parts) if parts else "()"
            date = self.expr(r.date) if r.date is not None else "None"
            entry = f"reasons += (({_opt(r.norm)}, {self.expr(r.status)}, {by}, {date}),)"
            lines += [entry] if when == "True" else [f"if {when}:", f"    {entry}"]
        return lines

    # ------------------------------------------------------------ tests

    def test(self, t: P.Test) -> str:
        """A Python condition; ``"True"`` or ``"False"`` when it is known when printing (in
        two-valued code no value is unknown)."""
        match t:
            case P.IsUnknown():
                return "False" if self.known else f"{self.expr(t.value)}.__class__ is _Unknown"
            case P.IsTrue():
                value = self.expr(t.value)
                return _folded(value) or (value if self.known else f"{value} is True")
            case P.IsFalse():
                value = self.expr(t.value)
                folded = _folded(value)
                if folded:
                    return "False" if folded == "True" else "True"
                return f"not {value}" if self.known else f"{value} is False"
            case P.IsNever():
                return f"{self.expr(t.value)} == _INF"
            case P.HasAsOf():
                return "asof is not None"
            case P.DueIs():
                op = "<" if t.op == "<" else "=="
                return f"{self.expr(t.left)} {op} {self.expr(t.right)}"
            case P.DueRank():
                return f"{self.expr(t.value)}[0] == {t.rank}"
            case P.Grounded():
                return f"{py_str(t.norm)} in grounds"
            case P.NotTest():
                inner = self.test(t.part)
                return {"True": "False", "False": "True"}.get(inner, f"not ({inner})")
            case P.All():
                parts = [self.test(p) for p in t.parts]
                if "False" in parts:
                    return "False"
                parts = [p for p in parts if p != "True"]
                return " and ".join(f"({p})" for p in parts) if parts else "True"
            case P.Any_():
                parts = [self.test(p) for p in t.parts]
                if "True" in parts:
                    return "True"
                parts = [p for p in parts if p != "False"]
                return " or ".join(f"({p})" for p in parts) if parts else "False"
        raise AssertionError(type(t))

    # ------------------------------------------------------------ expressions

    def tmp(self) -> str:
        self.temp += 1
        return f"_t{self.temp}"

    def hoist(self, code: str) -> str:
        if code not in self.constants:
            self.constants[code] = f"_K{len(self.constants)}"
        return self.constants[code]

    def known_value(self, code: str) -> str:
        """``code`` may be unknown even when every fact is known (a computation without a
        result, a date compared with today): two-valued code leaves to the general one then."""
        return f"_known({code})" if self.known else code

    def const(self, c: P.Const) -> str:
        value = c.value
        if isinstance(value, bool):
            return repr(value)
        if value == P.NEVER:
            return "_INF"
        if isinstance(value, Decimal):
            return self.hoist(f"_Decimal({py_str(str(value))})")
        if isinstance(value, int):
            return repr(value)
        if isinstance(value, str):
            return py_str(value)
        assert isinstance(value, tuple)  # a due key
        return _literal(value)

    def expr(self, e: P.Expr) -> str:
        match e:
            case P.Const():
                return self.const(e)
            case P.Fact():
                i = self.fact_index[e.name]
                return f"fv[{i}]" if self.prepared else _var(i)
            case P.Local():
                return self.local(e.name)
            case P.Today():
                return self.known_value(f"(_TODAY if asof is None else {_AS_OF})")
            case P.NoValue():
                return self.known_value("_NONE")
            case P.UnknownFrom():
                return self.known_value(f"_u({', '.join(self.expr(x) for x in e.sources)})")
            case P.Not() if self.known:
                return f"(not {self.expr(e.operand)})"
            case P.Not():
                return f"_not({self.expr(e.operand)})"
            case P.And() | P.Or() if self.known:
                op = "and" if isinstance(e, P.And) else "or"
                return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
            case P.Or() if len(atoms := or_chain(e)) > 2:
                # A disjunction of computed values: no evaluation order to keep, so one test
                # for "some is true", one for "all are false", else the merged unknown.
                names = [self.expr(a) for a in atoms]
                return (
                    f"(True if {' or '.join(f'{v} is True' for v in names)} else False if "
                    f"{' and '.join(f'{v} is False' for v in names)} else "
                    f"_any(({', '.join(names)},)))"
                )
            case (
                P.And(right=P.NoValue() | P.UnknownFrom())
                | P.Or(right=P.NoValue() | P.UnknownFrom())
            ):
                # The right side is never known: the left side decides, or both are merged.
                t = self.tmp()
                stop, helper = ("False", "_and") if isinstance(e, P.And) else ("True", "_or")
                left, right = self.expr(e.left), self.expr(e.right)
                return f"({stop} if ({t} := {left}) is {stop} else {helper}({t}, {right}))"
            case P.And() | P.Or():
                # Kleene logic inline; the helper only merges two unknowns' dependencies.
                t, u = self.tmp(), self.tmp()
                stop, helper = ("False", "_and") if isinstance(e, P.And) else ("True", "_or")
                return (
                    f"({stop} if ({t} := {self.expr(e.left)}) is {stop} else {u} if "
                    f"({u} := {self.expr(e.right)}) is {stop} or {t} is not {stop} and "
                    f"{t}.__class__ is bool else {helper}({t}, {u}))"
                )
            case P.Compare():
                return self.compare(e)
            case P.Arith() if self.known and e.of_kind == "int":
                return f"({self.expr(e.left)} {e.op} {self.expr(e.right)})"
            case P.Arith():
                code = f"_arith({e.of_kind!r}, {e.op!r}, {self.expr(e.left)}, {self.expr(e.right)})"
                return self.known_value(code) if e.of_kind == "dur" else code
            case P.Negate():
                return f"_neg({self.expr(e.operand)})"
            case P.Divide():
                left, right = self.expr(e.left), self.expr(e.right)
                return self.known_value(f"_arith('dec', '/', {left}, {right})")
            case P.DaysBetween():
                return self.known_value(f"_date_diff({self.expr(e.left)}, {self.expr(e.right)})")
            case P.CountBetween():
                start, end = self.expr(e.start), self.expr(e.end)
                return self.known_value(f"_count_between({e.unit!r}, {start}, {end}, w)")
            case P.Choose() if self.known:
                then, otherwise = self.expr(e.then), self.expr(e.otherwise)
                return f"({then} if {self.expr(e.condition)} else {otherwise})"
            case P.Choose():
                t = self.tmp()
                then, otherwise = self.expr(e.then), self.expr(e.otherwise)
                return (
                    f"({then} if ({t} := {self.expr(e.condition)}) is True else "
                    f"{otherwise} if {t} is False else {t})"
                )
            case P.Shift():
                code = f"_shift({self.expr(e.day)}, {self.expr(e.amount)}, {e.unit!r}, {e.sign}, w)"
                # A known date moved by a finite amount is a known date.
                return code if isinstance(e.amount, P.Const) else self.known_value(code)
            case P.Occurred() if self.known:
                t = self.tmp()
                return (
                    f"(({t} := {self.expr(e.day)}) != _INF and (asof is None or {t} <= {_AS_OF}))"
                )
            case P.Occurred():
                return f"_occurred({self.expr(e.day)}, asof)"
            case P.Extremum() if self.known:
                function = "min" if e.which in ("earliest", "least") else "max"
                return f"{function}({', '.join(self.expr(a) for a in e.args)})"
            case P.Extremum():
                return f"_extremum({e.which!r}, [{', '.join(self.expr(a) for a in e.args)}])"
            case P.NextMonthly():
                return f"_next_monthly({self.expr(e.start)}, {e.days!r}, {e.after})"
            case P.DueKey() if e.day is None:
                return _literal((e.rank, 0, e.label))
            case P.DueKey(day=P.Expr() as at):
                day = self.expr(at)
                return f"(1, {day}, 'date')" if self.known else f"_due_on({day})"
            case P.DueDay():
                return f"{self.expr(e.due)}[1]"
        raise AssertionError(type(e))

    def compare(self, e: P.Compare) -> str:
        op = _COMPARE_OPS[e.op]
        if self.known:
            return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
        if isinstance(e.right, P.Const) and not isinstance(e.left, P.Const):
            t = self.tmp()
            return (
                f"({t} {op} {self.expr(e.right)} if ({t} := {self.expr(e.left)})"
                f".__class__ is not _Unknown else {t})"
            )
        if isinstance(e.left, P.Const) and not isinstance(e.right, P.Const):
            t = self.tmp()
            return (
                f"({self.expr(e.left)} {op} {t} if ({t} := {self.expr(e.right)})"
                f".__class__ is not _Unknown else {t})"
            )
        return f"_cmp(_operator.{_OPERATOR_NAMES[e.op]}, {self.expr(e.left)}, {self.expr(e.right)})"


def _folded(code: str) -> str | None:
    return code if code in ("True", "False") else None


def _indent(lines: Sequence[str]) -> list[str]:
    return ["    " + line for line in lines]


def _json_literal(value: object) -> str:
    """A Python literal for a JSON-like value (None, bools, ints, strs, dicts of them)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(k)}: {_json_literal(v)}" for k, v in value.items()) + "}"
    return _literal(value)


# The as-of date where a question reads it: the default, today (``_LATER``), is read from the
# clock the first time, so that answers that do not depend on the date never read it.
_AS_OF = "(asof if asof is not _LATER else (asof := _today()))"


def _literal(value: object) -> str:
    """A Python literal for a value made of None, bools, ints, strs, tuples, lists and dicts
    with str keys (every str through py_str)."""
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    assert value is None or isinstance(value, bool | int), value
    return repr(value)


def _frozenset(names: list[str]) -> str:
    return f"frozenset({_literal(tuple(sorted(names)))})" if names else "frozenset()"


def _ordinals(days: tuple[dt.date, ...]) -> str:
    return "{" + ", ".join(str(d.toordinal()) for d in days) + "}" if days else "()"


def _opt(text: str | None) -> str:
    return "None" if text is None else py_str(text)


def _var(i: int) -> str:
    return f"v{i}"
