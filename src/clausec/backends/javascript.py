"""The JavaScript back end: a printer of decision plans (``clausec emit --target javascript``).

One standalone ES module per contract: a header comment; ``const DATA = {...};``, the tables
the runtime and the results read (facts with their types, norms with their clauses, clause
quotes and glosses, questions, the working-day calendar, the wording of errors); the runtime
``runtime/evaluator.js`` (facts, decimals, dates and calendars, results; no norm logic); and
one function per question printed from its plan (``clausec.plan``), three-valued, one method
per plan operation. The module exports the question functions, ``evaluate``,
``evaluateMany``, ``askNext``, ``stringify``, ``QUESTIONS``, ``FACTS``, ``CONTRACT``,
``Result``, ``Facts``, ``FactError`` and ``EvaluationError``.

Safety: every text from the contract reaches the module through :func:`js_str` (inside
JSON made ASCII-only, with ``<``, ``>``, ``&`` and the line separators escaped, so that no
text can end a string, a comment or a ``<script>`` element) and every name through
:func:`question_exports` or the plan's local names. The output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources

from clausec.backends.locals import LocalNames, assigned, ground_runs, or_chain
from clausec.evaluation import calendar as C
from clausec.evaluation import values as RV
from clausec.evaluation.facts import describe
from clausec.evaluation.messages import MESSAGES
from clausec.evaluation.next_facts import candidates
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir import values as V
from clausec.ir.queries import (
    Part,
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
from clausec.plan.program import DirectAmount, direct_amount, explain_inputs

JSONObject = dict[str, object]

# What a contract module exports besides its question functions.
PACKAGE_EXPORTS = (
    "evaluate",
    "evaluateMany",
    "askNext",
    "stringify",
    "QUESTIONS",
    "FACTS",
    "CONTRACT",
    "Result",
    "Facts",
    "FactError",
    "EvaluationError",
)
# Exports of the runtime that a question function must not shadow, names that would change
# how the module behaves as a namespace (a `then` export makes it thenable, so that
# `await import()` never resolves), and JavaScript's reserved words: a question named like one
# of them is exported with a trailing underscore.
FIXED_EXPORTS = frozenset({*PACKAGE_EXPORTS, "default", "then"})
RESERVED_WORDS = frozenset(
    [
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "implements",
        "import",
        "in",
        "instanceof",
        "interface",
        "let",
        "new",
        "null",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "arguments",
        "eval",
        "undefined",
        "NaN",
        "Infinity",
    ]
)
_COMPARE = {"=": "===", "!=": "!==", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def emit_javascript(contract: ir.Contract, *, clausec_version: str) -> str:
    """The ES module answering the questions of ``contract`` (text, ending in a newline)."""
    return _Module(lower(contract), clausec_version).render()


def emit_shared_module(contract: ir.Contract, *, runtime_module: str, clausec_version: str) -> str:
    """The ES module of ``contract`` for a package: as :func:`emit_javascript`'s, with the
    runtime imported from ``runtime_module`` (the text :func:`shared_runtime` returns)."""
    return _Module(lower(contract), clausec_version).render_shared(runtime_module)


_EXPORT = re.compile(r"^export ", re.MULTILINE)
# The runtime's top-level constants, functions and classes (its `let`s are its own state).
_DECLARED = re.compile(r"^(?:export )?(?:const|function\*?|class) ([A-Za-z_$][\w$]*)", re.MULTILINE)


def runtime_text() -> str:
    return (
        resources.files("clausec.backends")
        .joinpath("runtime", "evaluator.js")
        .read_text(encoding="utf-8")
    )


def runtime_names() -> list[str]:
    """The names the runtime declares, which the question functions may use."""
    return _DECLARED.findall(runtime_text())


def shared_runtime(*, clausec_version: str) -> str:
    """One runtime for the contract modules of a package: ``define(DATA, build)`` runs the
    runtime over a contract's tables, gives ``build`` its names (the question functions are
    printed inside ``build``, as they follow the runtime in a standalone module) and returns
    what a contract module exports."""
    names = runtime_names()
    body = [
        "let QUESTION_FUNCTIONS;",
        "let EXPLAIN;",
        _EXPORT.sub("", runtime_text()).rstrip("\n"),
        f"({{ QUESTION_FUNCTIONS, EXPLAIN }} = build({{ {', '.join(names)} }}));",
        f"return {{ {', '.join([*PACKAGE_EXPORTS, 'QUESTION_FUNCTIONS'])} }};",
    ]
    return "\n".join(
        [
            "// Generated by clausec; do not edit.",
            "// The runtime of the contract modules of this package (clausec emit --package).",
            f"// clausec version: {comment_text(clausec_version)}",
            "",
            "export function define(DATA, build) {",
            *body,
            "}",
            "",
        ]
    )


def question_exports(contract: ir.Contract) -> list[tuple[str, str]]:
    """(question name, exported function name) for each question, in order.

    The function name is the question name with every character other than ASCII letters,
    digits and ``_`` mapped to ``_`` (and ``_`` put before a leading digit); a name that is a
    JavaScript reserved word, one of the module's fixed exports or the name of an earlier
    question gets ``_`` appended until it is none of these."""
    taken = set(FIXED_EXPORTS)
    return [(q.name, export_name(q.name, taken)) for q in contract.questions]


def export_name(text: str, taken: set[str]) -> str:
    """``text`` as an exported name (the mangling :func:`question_exports` describes), not
    in ``taken`` nor a reserved word; added to ``taken``."""
    export = re.sub(r"[^A-Za-z0-9_]", "_", text) or "_"
    if export[0].isdigit():
        export = "_" + export
    while export in taken or export in RESERVED_WORDS:
        export += "_"
    taken.add(export)
    return export


# A JSON string, and the colon after it when it is a key (the JSON is compact: none between).
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"(:?)')


def _own_key(m: re.Match[str]) -> str:
    return '["__proto__"]:' if m.group() == '"__proto__":' else m.group()


def js_str(value: object) -> str:
    """JSON that is safe to embed in a script: ASCII only, and no ``<``, ``>``, ``&``,
    U+2028 or U+2029 (all written as ``\\u`` escapes). Used for every text and table.

    In a script, unlike for ``JSON.parse``, a key ``"__proto__"`` of an object literal sets
    the object's prototype instead of adding a property (a clause numbered ``__proto__``
    would vanish from the clause table): such a key is written as a computed key."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    if '"__proto__":' in text:
        text = _JSON_STRING.sub(_own_key, text)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


safe_json = js_str  # the name earlier versions and tests used


def comment_text(text: str) -> str:
    """A text for a ``//`` comment: as safe JSON (no line breaks), with ``*/`` broken up."""
    return js_str(text).replace("*/", "*\\u002f")


def _data(contract: ir.Contract, clausec_version: str) -> JSONObject:
    return {
        "contract": {
            "id": contract.id,
            "title": contract.title,
            "source": contract.file,
            "sourceDocument": contract.source_document,
            "sha256": contract.source_sha256,
            "clausecVersion": clausec_version,
            "calendar": contract.calendar or None,
        },
        "facts": [
            {
                "name": f.name,
                "type": T.to_json(f.type),
                "kind": f.kind,
                "description": f.description,
                "expected": describe(f),
                "bounds": [_bound(f.minimum), _bound(f.maximum)],
                "presumed": _presumed(f),
                "candidates": candidates(f),
            }
            for f in contract.facts
        ],
        "norms": {
            n.id: [
                n.clause,
                n.modality,
                n.deadline.kind if n.deadline else None,
                sorted(norm_facts(contract, n)),
                *_parts(norm_parts(contract, n)),
                n.remedy_of,
                n.amount.kind if n.amount is not None else None,
                T.to_json(n.amount.expr.type) if n.amount and n.amount.expr else None,
                list(n.forms),
                _direct(direct_amount(n)),
                list(lapse_facts(contract, n)) if n.lapses else [],
            ]
            for n in contract.norms
        },
        # norm -> per extension of its due date: clause, "by" or "to", unit class, facts read
        "extensions": {
            norm: [[*row[:3], list(row[3])] for row in rows]
            for norm, rows in extension_table(contract)
        },
        "clauses": {c.number: [c.quote, c.gloss] for c in contract.clauses if c.normative},
        "questions": [
            {
                "name": q.name,
                "kind": q.kind,
                "description": q.description,
                "parts": _parts((parts_in_words(contract, conjuncts(q.expr)),))[0]
                if q.expr is not None
                else [],
            }
            for q in contract.questions
        ],
        "calendar": _calendar(contract.calendar)
        if contract.calendar and C.is_known(contract.calendar)
        else None,
        "messages": MESSAGES,
    }


# The as-of date where a question reads it: the default, today (LATER), is read from the clock
# the first time, so that answers that do not depend on the date never read it.
_AS_OF = "(asOf !== LATER ? asOf : (asOf = today()))"


def _int32(mask: int) -> int:
    """A 32-bit mask as the signed number JavaScript's bit operations give."""
    return mask - (1 << 32) if mask >= 1 << 31 else mask


def _direct(direct: DirectAmount | None) -> list[object] | None:
    """An amount a result reads itself: [fact name, null] or [null, its value]."""
    return None if direct is None else [direct.fact, direct.constant]


def _presumed(f: ir.Fact) -> list[object] | None:
    """A presumption as [the value as a fact value, in the output form, reason, clauses]."""
    if f.presumption is None:
        return None
    value = RV.from_ir(f.presumption.value)
    return [
        RV.to_input(value, f.type),
        RV.to_json(value, f.type),
        f.presumption.reason,
        list(cited(f.presumption.rests_on)),
    ]


def _parts(groups: tuple[tuple[Part, ...], ...]) -> list[object]:
    """Parts in words with the facts they read, as JSON arrays."""
    return [[[text, list(reads)] for text, reads in group] for group in groups]


def _calendar(code: str) -> JSONObject:
    table = C.table(code)
    return {
        "code": table.code,
        "weekend": list(table.weekend),
        "holidays": C.iso_dates(table.holidays),
        "workdays": C.iso_dates(table.workdays),
        "first_year": table.first_year,
        "last_year": table.last_year,
        "announced_through": table.announced_through,
    }


class _Module:
    def __init__(self, plan: ContractPlan, version: str) -> None:
        self.plan = plan
        self.c = plan.contract
        self.version = version
        self.constants: dict[str, str] = {}
        self.fact_index = {f.name: i for i, f in enumerate(self.c.facts)}
        self.facts = {f.name: f for f in self.c.facts}
        self.local = LocalNames(self.c)
        self.temp = 0
        self.index = 0
        # Two-valued code: every fact the question reads is known, and an operation that has
        # no value even so throws BAIL, handing over to the three-valued code.
        self.known = False

    def render(self) -> str:
        """The standalone module: tables, the runtime, the question functions."""
        questions, names = self.questions()
        header = [*self.header(), "", f"const DATA = {js_str(_data(self.c, self.version))};", ""]
        exports = [f"export {{ {local} as {export} }};" for local, export in names]
        return (
            "\n".join(header)
            + runtime_text().rstrip("\n")
            + "\n"
            + "\n".join([*questions, "", *exports])
            + "\n"
        )

    def render_shared(self, runtime_module: str) -> str:
        """The module for a package: tables and question functions, the runtime imported
        from ``runtime_module`` (:func:`shared_runtime`), where the question functions are
        defined inside the closure the runtime gives the contract's tables."""
        questions, names = self.questions()
        fixed = ", ".join([*PACKAGE_EXPORTS, "QUESTION_FUNCTIONS"])
        body = [
            f"const {{ {', '.join(runtime_names())} }} = runtime;",
            *questions,
            "return { QUESTION_FUNCTIONS, EXPLAIN };",
        ]
        lines = [
            *self.header(),
            "",
            f"import {{ define }} from {js_str(runtime_module)};",
            "",
            f"const DATA = {js_str(_data(self.c, self.version))};",
            "",
            f"const {{ {fixed} }} = define(DATA, (runtime) => {{",
            *_indent(body),
            "});",
            "",
            *(
                f"const question{i} = QUESTION_FUNCTIONS.get({js_str(question)});"
                for i, (question, _) in enumerate(question_exports(self.c))
            ),
            "",
            f"export {{ {', '.join(PACKAGE_EXPORTS)} }};",
            *(f"export {{ {local} as {export} }};" for local, export in names),
        ]
        return "\n".join(lines) + "\n"

    def header(self) -> list[str]:
        c = self.c
        return [
            "// Generated by clausec; do not edit.",
            "// JavaScript evaluator (ES module) for a contract written in the clause language.",
            f"// contract: {comment_text(c.id)}",
            f"// source file: {comment_text(c.file)}",
            f"// source SHA-256: {comment_text(c.source_sha256)}",
            f"// clausec version: {comment_text(self.version)}",
        ]

    def questions(self) -> tuple[list[str], list[tuple[str, str]]]:
        """The printed question functions, their table, and (local name, export) pairs."""
        exports = question_exports(self.c)
        functions = [self.question(i, qp) for i, qp in enumerate(self.plan.questions)]
        functions += self.explain_functions()
        lines = [
            "",
            "// " + "-" * 78 + " questions",
            "",
            *(f"const {name} = {value};" for value, name in self.constants.items()),
            "",
            *functions,
            "const QUESTION_FUNCTIONS = new Map([",
            *(f"  [{js_str(name)}, question{i}]," for i, (name, _) in enumerate(exports)),
            "]);",
        ]
        return lines, [(f"question{i}", export) for i, (_, export) in enumerate(exports)]

    def hoist(self, code: str) -> str:
        if code not in self.constants:
            self.constants[code] = f"K{len(self.constants)}"
        return self.constants[code]

    # ------------------------------------------------------------ one question

    def question(self, index: int, qp: QuestionPlan) -> str:
        self.temp = 0
        self.index = index
        self.known = True
        fast = self.block(qp.body) + self.finish(qp)
        self.known = False
        general = self.block(qp.body) + self.finish(qp)
        locals_ = [self.local(name) for name in assigned(qp.body)]
        temporaries = [f"$t{i}" for i in range(1, self.temp + 1)]
        declared = list(dict.fromkeys([*locals_, "grounds", *temporaries]))
        checks = " && ".join(
            f"!(fv[{self.fact_index[name]}] instanceof Unknown)" for name in qp.reads
        )
        # A Facts knows which of its values are known: a bit per fact, 32 to a word.
        words: dict[int, int] = {}
        for name in qp.reads:
            i = self.fact_index[name]
            words[i // 32] = words.get(i // 32, 0) | 1 << (i % 32)
        masks = " && ".join(
            f"(prepared.known[{w}] & {_int32(m)}) === {_int32(m)}" for w, m in sorted(words.items())
        )
        known = f"(prepared !== undefined ? {masks} : {checks})" if checks else ""
        head = [
            "let asOf = readAsOf(options); // LATER: today, read from the clock when first needed",
            "const prepared = preparedOf(facts);",
            "const fv = prepared === undefined ? readFacts(facts) : prepared.values;",
            "let w = [];",
            f"let {', '.join(declared)};",
            # The same operations on known values as plain JavaScript; the three-valued code
            # below decides whatever that code cannot (a fact or a result unknown).
            f"if ({known or 'true'}) {{",
            "  try {",
            *("    " + line for line in fast),
            "  } catch (e) {",
            "    if (e !== BAIL) throw e;",
            "    w = [];",
            "  }",
            "}",
        ]
        body = general
        return (
            f"/** {comment_text(qp.question)} */\n"
            f"function question{index}(facts, options) {{\n"
            + "\n".join("  " + line for line in [*head, *body])
            + "\n}\n"
        )

    def block(self, stmts: Sequence[P.Stmt]) -> list[str]:
        out: list[str] = []
        for s in stmts:
            out += self.statement(s)
        return out

    def statement(self, s: P.Stmt) -> list[str]:
        if isinstance(s, P.Let):
            return [f"{self.local(s.name)} = {self.expr(s.value)};"]
        if isinstance(s, P.If):
            test = self.test(s.test)
            then, otherwise = self.block(s.then), self.block(s.otherwise)
            if test == "true":
                return then
            if test == "false":
                return otherwise
            if not then and not otherwise:
                return []
            if not then:
                return [f"if (!({test})) {{", *_indent(otherwise), "}"]
            out = [f"if ({test}) {{", *_indent(then)]
            return out + (["} else {", *_indent(otherwise), "}"] if otherwise else ["}"])
        if isinstance(s, P.ChooseGrounds):
            return ["grounds = [];", *self.grounds(s.grounds)]
        raise AssertionError(type(s))

    def grounds(self, grounds: Sequence[P.Ground]) -> list[str]:
        """Statements that push the grounds whose tests hold; a condition shared by
        consecutive grounds is tested once."""
        out = []
        for first, members in ground_runs(grounds):
            if first is None or len(members) == 1:
                out += [self.ground(g.norm, g.when) for g in members]
                continue
            inner = [
                self.ground(g.norm, P.All(g.when.parts[1:]))  # type: ignore[attr-defined]
                for g in members
            ]
            out += [f"if ({self.test(first)}) {{", *_indent(inner), "}"]
        return out

    def ground(self, norm: str, when: P.Test) -> str:
        test = self.test(when)
        if test == "false":
            return ""
        push = f"grounds.push({js_str(norm)});"
        return push if test == "true" else f"if ({test}) {push}"

    def finish(self, qp: QuestionPlan) -> list[str]:
        d = qp.decision
        # Shared, frozen empty tables where a question has no deadlines or no yields.
        lines = ["const dues = {};" if d.dues else "const dues = NO_DUES;"]
        for norm, due in d.dues:
            lines.append(
                f"if (grounds.includes({js_str(norm)})) dues[{js_str(norm)}] = "
                f"{self.local(due.name)};"
            )
        lines.append("const extended = {};" if d.extended else "const extended = NO_DUES;")
        for x in d.extended:
            values = ", ".join(
                f"{self.test(P.IsTrue(holds))} ? {self.expr(amount)} : null"
                for holds, amount in x.extensions
            )
            lines.append(f"if ({self.test(x.when)}) extended[{js_str(x.norm)}] = [{values}];")
        lines.append("const moved = {};" if d.moved else "const moved = NO_DUES;")
        for norm, when, unmoved in d.moved:
            lines.append(f"if ({self.test(when)}) moved[{js_str(norm)}] = {self.expr(unmoved)};")
        lines.append("const amounts = {};" if d.amounts else "const amounts = NO_DUES;")
        for norm, amount in d.amounts:
            lines.append(
                f"if (grounds.includes({js_str(norm)})) amounts[{js_str(norm)}] = "
                f"{self.local(amount.name)};"
            )
        # Allocated only when a norm yields: most answers have none.
        lines.append("let overridden = NO_OVERRIDES;")
        for y in d.yields:
            pushes = [
                f"if ({self.test(test)}) by.push([{js_str(higher)}, {js_str(stated)}]);"
                for higher, stated, test in y.by
            ]
            lines += [
                f"if ({self.test(y.when)}) {{",
                "  const by = [];",
                *_indent(pushes),
                "  if (by.length) {",
                "    if (overridden === NO_OVERRIDES) overridden = [];",
                f"    overridden.push([{js_str(y.norm)}, by]);",
                "  }",
                "}",
            ]
        lines += self.explain_arguments(qp)
        answer = self.local(d.answer.name)
        deps = (
            f'{answer} === "undetermined" '
            f"? dependencies({self.local(d.depends_on.name)}) : NO_NAMES"
            if d.depends_on is not None and not self.known
            else "NO_NAMES"
        )
        value = "null"
        if d.value is not None and qp.value_type is not None:
            kind = self.hoist(js_str(T.to_json(qp.value_type)))
            value = f'{answer} === "value" ? toJson({self.local(d.value.name)}, {kind}) : null'
        lines.append(f"const deps = {deps};")
        if not self.known and any(self.facts[f].presumption is not None for f in qp.reads):
            lines.append(
                "if (deps.length && !(options && options.presume === false) && "
                "deps.some((name) => PRESUMED.has(name))) "
                f"return presume(question{self.index}, facts, options, deps);"
            )
        return [
            *lines,
            f"return new Result({js_str(qp.question)}, {answer}, grounds, overridden, deps, "
            f"dues, {value}, fv, w, explain, amounts, asOf, extended, moved);",
        ]

    # ------------------------------------------------------------ reasons, when asked for

    def explain_arguments(self, qp: QuestionPlan) -> list[str]:
        """``explain``: on a negative answer, what the question's explain function reads
        besides the facts (it runs when the reasons are asked for); null otherwise."""
        d = qp.decision
        negative = self.test(P.Any_(tuple(dict.fromkeys(r.when for r in d.reasons))))
        if not d.reasons or negative == "false":
            return ["const explain = null;"]
        inputs = explain_inputs(d)
        packed = "[" + ", ".join(["asOf", *(self.local(n) for n in inputs.locals)]) + "]"
        if negative == "true":
            return [f"const explain = {packed};"]
        return [f"const explain = {negative} ? {packed} : null;"]

    def explain_functions(self) -> list[str]:
        """One function per question with reasons: the plan's explain statements, printed as
        three-valued code over the facts and the values the question computed."""
        self.known = False
        out = []
        table = []
        for index, qp in enumerate(self.plan.questions):
            d = qp.decision
            if not d.reasons:
                continue
            self.temp = 0
            inputs = explain_inputs(d)
            params = ["fv", "asOf", *(self.local(n) for n in inputs.locals)]
            body = [*self.block(d.explain), *self.reasons(d.reasons), "return reasons;"]
            declared = [self.local(n) for n in assigned(d.explain)]
            declared += [f"$t{i}" for i in range(1, self.temp + 1)]
            head = [
                "const w = []; // nothing new: explain evaluates what the question did",
                *([f"let {', '.join(declared)};"] if declared else []),
            ]
            out += [
                f"function explain{index}({', '.join(params)}) {{",
                *_indent(head + body),
                "}",
                "",
            ]
            table.append(f"[{js_str(qp.question)}, explain{index}]")
        return [*out, f"const EXPLAIN = new Map([{', '.join(table)}]);", ""]

    def reasons(self, reasons: Sequence[P.Reason]) -> list[str]:
        """``reasons``: [norm, status, the norms prevailing, the day a right lapsed or ended]
        for each reason whose test holds (allocated only then: most answers have none)."""
        lines = ["let reasons = NO_REASONS;"]
        for r in reasons:
            when = self.test(r.when)
            if when == "false":
                continue
            pushes = [
                f"if ({self.test(test)}) by.push([{js_str(higher)}, {js_str(stated)}]);"
                for higher, stated, test in r.by
            ]
            norm = "null" if r.norm is None else js_str(r.norm)
            date = "null" if r.date is None else self.expr(r.date)
            lines += [
                f"if ({when}) {{",
                "  const by = [];",
                *_indent(pushes),
                "  if (reasons === NO_REASONS) reasons = [];",
                f"  reasons.push([{norm}, {self.expr(r.status)}, by, {date}]);",
                "}",
            ]
        return lines

    # ------------------------------------------------------------ tests

    def test(self, t: P.Test) -> str:
        """A JavaScript condition; ``"true"`` or ``"false"`` when it is known when printing
        (in two-valued code no value is unknown)."""
        match t:
            case P.IsUnknown():
                return "false" if self.known else f"{self.expr(t.value)} instanceof Unknown"
            case P.IsTrue():
                value = self.expr(t.value)
                return _folded(value) or (value if self.known else f"{value} === true")
            case P.IsFalse():
                value = self.expr(t.value)
                folded = _folded(value)
                if folded:
                    return "false" if folded == "true" else "true"
                return f"!{value}" if self.known else f"{value} === false"
            case P.IsNever():
                return f"{self.expr(t.value)} === Infinity"
            case P.HasAsOf():
                return "asOf !== null"
            case P.DueIs():
                helper = "dueLess" if t.op == "<" else "dueEqual"
                return f"{helper}({self.expr(t.left)}, {self.expr(t.right)})"
            case P.DueRank():
                return f"{self.expr(t.value)}[0] === {t.rank}"
            case P.Grounded():
                return f"grounds.includes({js_str(t.norm)})"
            case P.NotTest():
                inner = self.test(t.part)
                return {"true": "false", "false": "true"}.get(inner, f"!({inner})")
            case P.All():
                parts = [self.test(p) for p in t.parts]
                if "false" in parts:
                    return "false"
                parts = [p for p in parts if p != "true"]
                return " && ".join(f"({p})" for p in parts) if parts else "true"
            case P.Any_():
                parts = [self.test(p) for p in t.parts]
                if "true" in parts:
                    return "true"
                parts = [p for p in parts if p != "false"]
                return " || ".join(f"({p})" for p in parts) if parts else "false"
        raise AssertionError(type(t))

    # ------------------------------------------------------------ expressions

    def tmp(self) -> str:
        self.temp += 1
        return f"$t{self.temp}"

    def const(self, c: P.Const) -> str:
        value = c.value
        if isinstance(value, bool):
            return "true" if value else "false"
        if value == P.NEVER:
            return "Infinity"
        if isinstance(value, Decimal):
            sign, digits, exponent = value.as_tuple()
            coefficient = ("-" if sign else "") + "".join(map(str, digits))
            return self.hoist(f"new Dec({coefficient}n, {exponent})")
        if isinstance(value, int):
            # Days are numbers; integers and durations BigInts.
            return str(value) if c.of_kind == "day" else f"{value}n"
        if isinstance(value, str):
            return js_str(value)
        assert isinstance(value, tuple)  # a due key
        rank, day, label = value
        return self.hoist(f"Object.freeze([{rank}, {day}, {js_str(label)}])")

    def strict(self, operands: Sequence[P.Expr], combine: str) -> str:
        """Operands evaluated left to right; unknown (merged) if any is, else ``combine``
        over them (constants, which are never unknown, are used as they are)."""
        names, assign, unknowns = [], [], []
        for e in operands:
            if isinstance(e, P.Const):
                names.append(self.expr(e))
                continue
            t = self.tmp()
            names.append(t)
            assign.append(f"{t} = {self.expr(e)}")
            unknowns.append(t)
        test = " || ".join(f"{t} instanceof Unknown" for t in unknowns)
        merged = f"u({', '.join(unknowns)})" if len(unknowns) > 1 else unknowns[0]
        return f"({', '.join(assign)}, {test} ? {merged} : {combine.format(*names)})"

    def known_value(self, code: str) -> str:
        """``code`` may be unknown even with every fact known: two-valued code bails then."""
        return f"known({code})" if self.known else code

    def expr(self, e: P.Expr) -> str:
        if self.known:
            two_valued = self.two_valued(e)
            if two_valued is not None:
                return two_valued
        match e:
            case P.Const():
                return self.const(e)
            case P.Fact():
                return f"fv[{self.fact_index[e.name]}]"
            case P.Local():
                return self.local(e.name)
            case P.Today():
                return self.known_value(f"(asOf === null ? TODAY : {_AS_OF})")
            case P.NoValue():
                return self.known_value("NONE")
            case P.UnknownFrom():
                return self.known_value(f"u({', '.join(self.expr(x) for x in e.sources)})")
            case P.Not():
                return f"kNot({self.expr(e.operand)})"
            case P.Or() if len(atoms := or_chain(e)) > 2:
                # Values already computed: one test for "some is true", one for "all are
                # false", else the merged unknown.
                names = [self.expr(a) for a in atoms]
                return (
                    f"({' || '.join(f'{v} === true' for v in names)} ? true : "
                    f"{' && '.join(f'{v} === false' for v in names)} ? false : "
                    f"u({', '.join(names)}))"
                )
            case P.And() | P.Or():
                # Kleene logic inline; the helper merges unknowns.
                t, v = self.tmp(), self.tmp()
                stop, other, helper = (
                    ("false", "true", "kAnd") if isinstance(e, P.And) else ("true", "false", "kOr")
                )
                return (
                    f"(({t} = {self.expr(e.left)}) === {stop} ? {stop} : "
                    f"({v} = {self.expr(e.right)}) === {stop} || {t} === {other} ? {v} : "
                    f"{helper}({t}, {v}))"
                )
            case P.Compare():
                return self.compare(e)
            case P.Arith() if e.of_kind == "int":
                return self.strict([e.left, e.right], f"{{0}} {e.op} {{1}}")
            case P.Arith():
                helper = "decArith" if e.of_kind == "dec" else "durArith"
                code = f"{helper}({js_str(e.op)}, {self.expr(e.left)}, {self.expr(e.right)})"
                return self.known_value(code) if e.of_kind == "dur" else code
            case P.Negate():
                return f"negate({self.expr(e.operand)})"
            case P.Divide():
                return self.known_value(f"divide({self.expr(e.left)}, {self.expr(e.right)})")
            case P.DaysBetween():
                return self.known_value(f"daysBetween({self.expr(e.left)}, {self.expr(e.right)})")
            case P.CountBetween():
                start, end = self.expr(e.start), self.expr(e.end)
                return self.known_value(f"countBetween({js_str(e.unit)}, {start}, {end}, w)")
            case P.Choose():
                t = self.tmp()
                then, otherwise = self.expr(e.then), self.expr(e.otherwise)
                return (
                    f"(({t} = {self.expr(e.condition)}) === true ? {then} : "
                    f"{t} === false ? {otherwise} : {t})"
                )
            case P.Shift():
                code = (
                    f"shift({self.expr(e.day)}, {self.expr(e.amount)}, {js_str(e.unit)}, "
                    f"{e.sign}, w)"
                )
                # A known date moved by a finite amount is a known date.
                return code if isinstance(e.amount, P.Const) else self.known_value(code)
            case P.Occurred():
                return f"occurred({self.expr(e.day)}, asOf)"
            case P.Extremum():
                args = ", ".join(self.expr(a) for a in e.args)
                return f"extremum({js_str(e.which)}, [{args}])"
            case P.NextMonthly():
                days = ", ".join(map(str, e.days))
                return f"nextMonthly({self.expr(e.start)}, [{days}], {str(e.after).lower()})"
            case P.DueKey() if e.day is None:
                return self.hoist(f"Object.freeze([{e.rank}, 0, {js_str(e.label)}])")
            case P.DueKey(day=P.Expr() as at):
                day = self.expr(at)
                return f'[1, {day}, "date"]' if self.known else f"dueOn({day})"
            case P.DueDay():
                return f"{self.expr(e.due)}[1]"
        raise AssertionError(type(e))

    def two_valued(self, e: P.Expr) -> str | None:
        """The plain JavaScript of an operation on known values, where it differs."""
        match e:
            case P.Not():
                return f"!{self.expr(e.operand)}"
            case P.And() | P.Or():
                op = "&&" if isinstance(e, P.And) else "||"
                return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
            case P.Compare() if {e.left.kind, e.right.kind} & {"dec"}:
                return f"(decCompare({self.expr(e.left)}, {self.expr(e.right)}) {_COMPARE[e.op]} 0)"
            case P.Compare():
                op = _COMPARE[e.op]
                if {e.left.kind, e.right.kind} == {"dur"} and op in ("===", "!=="):
                    op = op[:2]
                return f"({self.expr(e.left)} {op} {self.expr(e.right)})"
            case P.Arith(of_kind="int"):
                return f"({self.expr(e.left)} {e.op} {self.expr(e.right)})"
            case P.Choose():
                then, otherwise = self.expr(e.then), self.expr(e.otherwise)
                return f"({self.expr(e.condition)} ? {then} : {otherwise})"
            case P.Occurred():
                t = self.tmp()
                day = self.expr(e.day)
                return f"(({t} = {day}) !== Infinity && (asOf === null || {t} <= {_AS_OF}))"
        return None

    def compare(self, e: P.Compare) -> str:
        kinds = {e.left.kind, e.right.kind}
        if "dec" in kinds:
            return f"decCmp({js_str(e.op)}, {self.expr(e.left)}, {self.expr(e.right)})"
        op = _COMPARE[e.op]
        if kinds == {"dur"} and op in ("===", "!=="):
            op = op[:2]  # BigInt against ±Infinity: loose equality compares the values
        return self.strict([e.left, e.right], f"{{0}} {op} {{1}}")


def _bound(value: V.Value | None) -> str | None:
    """A fact's bound as the runtime parses it: a date, or a number in its base unit."""
    if value is None:
        return None
    key = order_key(value)
    return key.isoformat() if isinstance(key, dt.date) else str(key)


def _folded(code: str) -> str | None:
    return code if code in ("true", "false") else None


def _indent(lines: Sequence[str]) -> list[str]:
    return ["  " + line for line in lines]
