"""Hostile contracts, a security test: generated evaluators are embedded in other people's
applications from clause files written by third parties, so nothing in a clause file may become
code, markup or a directive in any output.

A Hypothesis strategy writes small contracts whose every string position (title, source, roles,
legal names, descriptions, document titles, quotes, glosses, reasons, accept reasons, scenario
titles, text literals of conditions, clause numbers) holds hostile text — quotes of every kind,
backslashes, line breaks and separators, comment, string and script terminators, template and
directive openers, NUL-like, invisible and bidi characters, and payloads that would run code if
they escaped their string — and whose every name (contract, parties, actions, objects, facts,
events, definitions, enumeration members, documents, questions) is a keyword, builtin or API
name of some target. For each contract every target is emitted and used:

1. Python: the module is imported and every question asked, through ``evaluate``, its function
   and a prepared ``Facts``, for several fact sets; each answer or error equals the reference
   interpreter's.
2. JavaScript (needs ``node``): the same under Node.js, in one process per contract.
3. JSON IR: valid against docs/ir.schema.json, every hostile text kept exactly.
4. DOT (needs Graphviz ``dot``): ``dot -Tjson`` and ``-Tsvg`` parse it; the nodes, edges,
   labels and tooltips Graphviz reads are those of the view graph; the SVG is well-formed XML.
5. Mermaid: every line is one of the printer's statement shapes, no label ends its quotes
   early or holds a directive opener, and every label decodes back to its text.
6. No payload ran: no CANARY file in the working folder (code runs with the temporary folder as
   working folder), no ``PWNED`` builtin in Python, ``globalThis.PWNED`` undefined in node.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import html
import importlib.util
import itertools
import json
import keyword
import re
import shutil
import subprocess
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sql_cases import TableCase as SQLCase
from sql_cases import column_value
from sql_cases import compare as sql_compare

import clausec
from clausec.backends.javascript import emit_javascript, question_exports
from clausec.backends.json_ir import emit_json
from clausec.backends.python import emit_python, identifier, runtime_names
from clausec.backends.sql import AsOfColumn, question_sql
from clausec.graph import build, dot, mermaid, views
from clausec.graph.model import Graph
from clausec.graph.style import wrap
from clausec.ir import nodes as ir
from clausec.plan import lower
from clausec.quotes import normal_form
from clausec.syntax.grammar import reserved_words

from conftest import REPO, depth
from factgen import fact_cases
from test_javascript import NODE, error_fields, interpreter_outcome, needs_node

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAS_DOT, reason="Graphviz `dot` is not installed (CI installs it)"
)
SCHEMA = json.loads((REPO / "docs" / "ir.schema.json").read_text(encoding="utf-8"))
FACT_SETS = 8  # seeded fact sets per contract, besides the fixed ones
Case = tuple[str, dict[str, object], str | None]  # question, raw facts, as_of

# ------------------------------------------------------------------ hostile text

QUOTES = "'\"`“”‘’「」『』«»＂＇"
HOSTILE_CHARS = (
    QUOTES
    + "\\\n\r\t\u2028\u2029\x85\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x9b"
    + "\ufeff\u200b\u200d\u202e\u2066\u2069\ufffe\uffff\u00a0"
    + " ${}*/#<>!-%]&|;:()[]=+.,?@^~_"
    + "中文語ä😀½²①"
)
FRAGMENTS = [
    "</script>",
    "</SCRIPT >",
    "<!--",
    "-->",
    "${",
    "${x}",
    "*/",
    "/*",
    "//",
    '"""',
    "'''",
    "%%",
    "%%{init: {'theme': 'forest'}}%%",
    "]]>",
    "]]",
    "{}",
    "}}",
    "\\N",
    "\\G",
    "\\l",
    "\\n",
    "\\",
    "\\\\",
    '\\"',
    "\\u{41}",
    "\\x41",
    "\\u2028",
    "#quot;",
    "#35;",
    "&amp;",
    "&#34;",
    "&lt;b&gt;",
    "<b>",
    "<br/>",
    '<BR ALIGN="LEFT"/>',
    "\r\n",
    "\n\n",
    "`;",
    "|x|",
    "-->|x|",
    "end",
    "subgraph",
    "__proto__",
    "constructor",
    "\x00",
]
CANARIES = [
    "__import__('os').system('touch CANARY')",
    "setattr(__import__('builtins'), 'PWNED', 1)",
    '"); globalThis.PWNED=1; ("',
    "'); globalThis.PWNED=1; ('",
    '"""; import os; os.system(\'touch CANARY\'); """',
    "'''; __import__('os').system('touch CANARY'); '''",
    "\n__import__('os').system('touch CANARY')\n",
    "\\\n__import__('os').system('touch CANARY')",
    "*/ globalThis.PWNED=1; /*",
    "\u2028globalThis.PWNED=1; //",
    "\u2029globalThis.PWNED=1; //",
    "\rglobalThis.PWNED=1; //",
    "${globalThis.PWNED=1}",
    "`; globalThis.PWNED=1; `",
    "</script><script>globalThis.PWNED=1</script>",
    '\\"); globalThis.PWNED=1; //',
    '"]; globalThis.PWNED=1; ["',
    "\"}; setattr(__import__('builtins'), 'PWNED', 1); {\"",
]


def clause_string(text: str, raw_newlines: bool = False) -> str:
    """A clause-language string literal for any text (docs/language.md, "Strings"): ``\\"``,
    ``\\\\``, ``\\t``, ``\\r``, ``\\n`` (or a real line break) and ``\\u{HEX}`` for every other
    character that is not printable, U+2028, U+2029 and U+0085 included."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\n" if raw_newlines else "\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable() or ch in "\u2028\u2029\x85":
            out.append(f"\\u{{{ord(ch):X}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_piece = st.one_of(
    st.sampled_from(FRAGMENTS + CANARIES),
    st.text(alphabet=HOSTILE_CHARS, min_size=1, max_size=4),
    st.text(min_size=1, max_size=3),  # any code point Hypothesis likes (no lone surrogates)
)
#: Free text: any mix of the pieces above (possibly empty).
free_text = st.lists(_piece, max_size=5).map("".join)
#: Free text with something in it besides white space (accept reasons must have one).
reason_text = st.tuples(free_text, st.sampled_from([*CANARIES, "r", "原因"])).map("".join)

# Clause numbers: E0411 refuses control, format, separator, private-use and unassigned
# characters, blank numbers, white space around them and more than 100 characters.
_UNSHOWABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _showable(text: str) -> bool:
    return all(unicodedata.category(ch) not in _UNSHOWABLE for ch in text)


_NUMBER_CHARS = "".join(ch for ch in HOSTILE_CHARS if _showable(ch)) + "0123456789§()a"
_NUMBER_FRAGMENTS = [f for f in FRAGMENTS + CANARIES if _showable(f)] + [
    "½ ² ①",
    "6.2(4)(c)",
    "§ 9 (1) a",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "__defineGetter__",
    "valueOf",
    "then",
    "length",
    "0",
    "-1",
    "1e3",
    "NaN",
    "1#1",
    "a\u00a0b",
]


def _clause_number(text: str) -> str:
    text = text[:90].strip()  # room for the `_` that keeps numbers apart
    return text or "1"


#: Whole numbers that are names with a meaning to some target, or that split oddly.
SPECIAL_NUMBERS = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "then",
    "length",
    "0",
    "1#1",
    "#",
    "a#b#",
    '"""',
    "]]",
    "]",
    "%%",
    "½ ² ①",
]
clause_number = st.sampled_from(SPECIAL_NUMBERS) | (
    st.lists(
        st.one_of(
            st.sampled_from(_NUMBER_FRAGMENTS),
            st.text(alphabet=_NUMBER_CHARS, min_size=1, max_size=4),
            st.text(
                alphabet=st.characters(
                    exclude_categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"]
                ),
                min_size=1,
                max_size=2,
            ),
        ),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .map(_clause_number)
)

# ------------------------------------------------------------------ hostile names

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
RESERVED = frozenset(reserved_words())
_JS_NAMES = """
    then constructor __proto__ prototype eval arguments default await yield let var const
    function class new delete typeof instanceof void this super null undefined nan infinity
    static enum export import package private protected public interface implements switch
    case catch finally throw try while with do else for return break continue debugger
    extends async get set require module exports process window globalthis self length
    caller callee size has keys entries values map push apply call bind __definegetter__
    __lookupgetter__ __definesetter__ tostring valueof tojson hasownproperty symbol reflect
    proxy json math
""".split()  # noqa: SIM905
_API_NAMES = """
    evaluate evaluate_ evaluate__ evaluate_many evaluatemany ask_next asknext facts result
    facterror evaluationerror questions stringify clausec_version fv w grounds deps dues overridden
    plain asof as_of options bail unknown missing infinity k0 k1 d0 a0 e0 u0 t1 v0 answer
    verdict prohibited best waiting still_open question0 question1 data names fact_list
    norm_table to_dict todict get_ self cls mapping any callable iterable iterator
    annotations
""".split()  # noqa: SIM905
_PYTHON_NAMES = [
    *keyword.kwlist,
    *keyword.softkwlist,
    *dir(builtins),
    "__import__",
    "__class__",
    "__builtins__",
    "__name__",
    "__doc__",
    "__file__",
    "__dict__",
    "__init__",
    "__all__",
    "__annotations__",
    "__spec__",
    "__loader__",
    "__path__",
    "__getattr__",
    "__reduce__",
    "os",
    "sys",
    "subprocess",
]
BASE_NAMES = sorted(
    {
        n
        for n in [*_PYTHON_NAMES, *_JS_NAMES, *_API_NAMES, *runtime_names(), "x", "a", "_"]
        if _NAME.fullmatch(n) and n not in RESERVED
    }
)
#: A name, with the variants ``x_`` and ``x__`` that mangling must keep apart from ``x``.
simple_name = st.tuples(st.sampled_from(BASE_NAMES), st.sampled_from(["", "", "_", "__"])).map(
    "".join
)
# Only the first part of a dotted name is a reserved word or not.
_second = st.sampled_from(sorted({*BASE_NAMES, *RESERVED}))
dotted_name = st.one_of(
    simple_name,
    st.tuples(simple_name, _second).map(".".join),
    st.tuples(simple_name, _second, _second).map(".".join),
)


def distinct(
    draw: st.DrawFn, strategy: st.SearchStrategy[str], n: int, taken: set[str]
) -> list[str]:
    """``n`` names of ``strategy``, different from each other and from ``taken``."""
    out: list[str] = []
    while len(out) < n:
        name = draw(strategy)
        while name in out or name in taken:
            name += "_"
        out.append(name)
    return out


# ------------------------------------------------------------------ the contracts


@dataclass(frozen=True)
class Spec:
    """A generated contract: its names and texts, from which ``text`` writes the clause file."""

    cid: str
    title: str
    source: str
    header_reason: str
    parties: list[tuple[str, str, str | None]]  # name, role, legal name
    actions: list[tuple[str, str]]
    objects: list[tuple[str, str]]
    document: tuple[str, str]
    facts: dict[str, str]  # role (fb, fi, fm, fe, ft, fd) -> name
    event: str
    define: str
    members: list[str]
    descriptions: dict[str, str]  # fact, event or definition name -> description
    literal: str  # a text compared with the text fact
    numbers: list[str]  # four clause numbers
    quotes: list[str]
    glosses: list[str]
    clause_reason: str
    nonnormative_reason: str
    questions: list[tuple[str, str | None]]  # name, description
    scenario: str
    raw_newlines: bool

    def s(self, text: str) -> str:
        return clause_string(text, self.raw_newlines)

    @property
    def text(self) -> str:
        s = self.s
        (p1, role1, legal1), (p2, role2, _) = self.parties
        (a1, ad1), (a2, ad2) = self.actions
        (o1, od1), (o2, od2) = self.objects
        f = self.facts
        m1, m2 = self.members
        n1, n2, n3, n4 = self.numbers
        lines = [
            f"contract {self.cid}",
            f"  title {s(self.title)}",
            f"  source {s(self.source)}",
            "  language en",
            "  calendar CN",
            f"  accept W0503 because {s(self.header_reason)}",
            "",
            f"party {p1} role {s(role1)} name {s(legal1 or '')}",
            f"party {p2} role {s(role2)}",
            f"action {a1} {s(ad1)}",
            f"action {a2} {s(ad2)}",
            f"object {o1} {s(od1)}",
            f"object {o2} : money CNY {s(od2)}",
            f"document {self.document[0]} {s(self.document[1])}",
            f"fact {f['fb']} : boolean {s(self.descriptions[f['fb']])}",
            f"fact {f['fi']} : integer {s(self.descriptions[f['fi']])}",
            f"fact {f['fm']} : money CNY {s(self.descriptions[f['fm']])}",
            f"fact {f['fe']} : one of {m1}, {m2} {s(self.descriptions[f['fe']])}",
            f"fact {f['ft']} : text {s(self.descriptions[f['ft']])}",
            f"fact {f['fd']} : duration in working days {s(self.descriptions[f['fd']])}",
            f"event {self.event} {s(self.descriptions[self.event])}",
            f"define {self.define} : boolean = {f['fi']} > 3 and {f['fe']} != {m2}",
            f"  {s(self.descriptions[self.define])}",
            "",
            f"clause {s(n1)}",
            f"  quote {s(self.quotes[0])}",
            f"  gloss {s(self.glosses[0])}",
            f"  accept I0541 because {s(self.clause_reason)}",
            f"  refers to {s(n2)}, {s(n3)} of {self.document[0]}",
            f"  {p1} must {a1} {o1} to {p2}",
            f"    when {f['fb']} and {f['fi']} >= 3",
            f"    within 10 days after {self.event}",
            f"    otherwise {p2} may {a2} {o1}",
            f"clause {s(n2)}",
            f"  quote {s(self.quotes[1])}",
            f"  {p1} may {a1} {o1}",
            f"    when {f['fm']} > 100 CNY or {f['fe']} = {m1}",
            f"    notwithstanding {s(n1)}",
            f"  {p1} must not {a2} {o2}",
            f"    unless {self.define}",
            f"clause {s(n3)}",
            f"  quote {s(self.quotes[2])}",
            f"  gloss {s(self.glosses[2])}",
            f"  {p1} can {a2} {o1}",
            f"    when {f['ft']} = {s(self.literal)} or not {f['fb']}",
            f"  {p1} must {a1} {o1}",
            f"    when {self.event} has occurred and {f['ft']} != {s(self.literal)}",
            f"    within {f['fd']} after {self.event}",
            f"non-normative {s(n4)}",
            f"  quote {s(self.quotes[3])}",
            f"  reason {s(self.nonnormative_reason)}",
            "",
        ]
        queries = [
            f"must {p1} {a1} {o1}",
            f"may {p1} {a1} {o1}",
            f"deadline of {p1} {a1} {o1}",
            f"may {p2} {a2} {o1}",
            f"must {p1} {a2} {o2}",
            f"may {p1} {a2} {o1}",
            f"value of {f['ft']}",
            f"value of {self.define}",
            f"value of {f['fm']} * {f['fi']}",
        ]
        for (name, description), query in zip(self.questions, queries, strict=True):
            desc = "" if description is None else " " + s(description)
            lines.append(f"question {name}{desc} : {query}")
        lines += [
            "",
            f"scenario {s(self.scenario)}",
            "  as of 2025-01-10",
            f"  given {f['fb']} = true",
            f"  given {f['ft']} = {s(self.literal)}",
            f"  given {f['fe']} = {m1}",
            f"  expect {self.questions[1][0]} is yes because {s(n2)}",
            "",
        ]
        return "\n".join(lines)

    def texts(self) -> dict[str, str]:
        """Every hostile text by where it is, as the JSON IR must keep it."""
        out = {
            "title": self.title,
            "source": self.source,
            "header accept reason": self.header_reason,
            "document title": self.document[1],
            "clause accept reason": self.clause_reason,
            "non-normative reason": self.nonnormative_reason,
            "scenario title": self.scenario,
            "text literal": self.literal,
        }
        for name, role, legal in self.parties:
            out[f"party {name} role"] = role
            if legal is not None:
                out[f"party {name} name"] = legal
        for kind, pairs in (("action", self.actions), ("object", self.objects)):
            for name, desc in pairs:
                out[f"{kind} {name}"] = desc
        for name, desc in self.descriptions.items():
            out[f"description of {name}"] = desc
        for i, number in enumerate(self.numbers):
            out[f"clause number {i + 1}"] = number
            # Quotes reach the IR in the normal form of quotes (white space is layout).
            out[f"quote {i + 1}"] = normal_form(self.quotes[i])
        out["gloss 1"], out["gloss 3"] = self.glosses[0], self.glosses[2]
        for question, described in self.questions:
            if described is not None:
                out[f"question {question}"] = described
        return out


@st.composite
def contracts(draw: st.DrawFn) -> Spec:
    parties = distinct(draw, simple_name, 2, set())
    actions = distinct(draw, simple_name, 2, set())
    objects = distinct(draw, simple_name, 2, set())
    # Facts, events and definitions share one namespace.
    roles = ["fb", "fi", "fm", "fe", "ft", "fd", "event", "define"]
    names = dict(zip(roles, distinct(draw, dotted_name, len(roles), set()), strict=True))
    # An enumeration member named like a fact, event or definition would mean that instead.
    members = distinct(draw, simple_name, 2, set(names.values()))
    # Questions: names and their x_, x__ variants side by side, which mangling must keep apart.
    questions: list[str] = []
    for _ in range(9):
        again: bool = draw(st.booleans())
        name = questions[-1] + "_" if questions and again else draw(simple_name)
        while name in questions:
            name += "_"
        questions.append(name)
    event, define = names.pop("event"), names.pop("define")
    # One of the clause numbers, in any place, is a special one.
    special = draw(st.sampled_from(SPECIAL_NUMBERS))
    numbers = draw(st.permutations([special, *distinct(draw, clause_number, 3, {special})]))
    return Spec(
        cid=draw(simple_name),
        title=draw(free_text),
        source=draw(free_text),
        header_reason=draw(reason_text),
        parties=[
            (parties[0], draw(free_text), draw(free_text)),
            (parties[1], draw(free_text), None),
        ],
        actions=[(a, draw(free_text)) for a in actions],
        objects=[(o, draw(free_text)) for o in objects],
        document=(draw(simple_name), draw(free_text)),
        facts=names,
        event=event,
        define=define,
        members=members,
        descriptions={n: draw(free_text) for n in [*names.values(), event, define]},
        literal=draw(free_text),
        numbers=numbers,
        quotes=[draw(free_text) for _ in range(4)],
        glosses=[draw(free_text) for _ in range(3)],
        clause_reason=draw(reason_text),
        nonnormative_reason=draw(free_text),
        questions=[(q, draw(st.none() | free_text)) for q in questions],
        scenario=draw(free_text),
        raw_newlines=draw(st.booleans()),
    )


def compile_spec(spec: Spec) -> ir.Contract:
    text = spec.text
    result = clausec.compile_text(text, "hostile.clause")
    problems = [f"{d.code} {d.span}: {d.message}" for d in result.diagnostics]
    assert result.ok, f"the generated contract does not compile: {problems}\n{text}"
    return result.contract(spec.cid)


def fact_cases_for(spec: Spec, contract: ir.Contract, seed: int, extra: list[str]) -> list[Case]:
    """Seeded fact sets (factgen: values near the contract's constants, unknowns, a few wrong
    values and misspelled names), with hostile texts for the text fact, an empty set, a set
    with every fact known, and one with a hostile name that is no fact."""
    f = spec.facts
    sets = fact_cases(contract, FACT_SETS, seed)
    for i, (facts, _) in enumerate(sets):
        if f["ft"] in facts or i % 2 == 0:
            facts[f["ft"]] = spec.literal if i % 3 == 0 else extra[i % len(extra)]
    sets.append(({}, None))
    known: dict[str, object] = {
        f["fb"]: True,
        f["fi"]: 4,
        f["fm"]: "250.50 CNY",
        f["fe"]: spec.members[0],
        f["ft"]: spec.literal,
        f["fd"]: "3 working days",
        spec.event: "2025-01-24",
    }
    sets.append((known, "2025-02-03"))
    sets.append(({**known, f["fb"]: False, f["ft"]: extra[0]}, None))
    sets.append(({extra[-1]: 1, f["fb"]: True}, None))
    sets.append(({f["fb"]: True, f["ft"]: 7}, "2025-01-10"))
    return [(q.name, facts, as_of) for q in contract.questions for facts, as_of in sets]


# ------------------------------------------------------------------ canaries


@contextlib.contextmanager
def canaries_watched(folder: Path, context: str) -> Iterator[None]:
    """Run the body with ``folder`` as the working folder; no payload may run in it."""
    assert not (folder / "CANARY").exists() and not hasattr(builtins, "PWNED")
    with contextlib.chdir(folder):
        yield
    assert not (folder / "CANARY").exists(), f"a payload ran (CANARY written)\n{context}"
    assert not hasattr(builtins, "PWNED"), f"a payload ran (builtins.PWNED set)\n{context}"


# ------------------------------------------------------------------ Python

_counter = itertools.count()


def load_python(contract: ir.Contract, folder: Path) -> ModuleType:
    path = folder / f"hostile_{next(_counter)}.py"
    path.write_text(emit_python(contract, clausec_version="test"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def python_outcome(call: Callable[[], Any]) -> object:
    """A generated module's result or error, in the shape of ``interpreter_outcome``."""
    try:
        return {"result": call().to_dict()}
    except Exception as exc:
        if type(exc).__name__ in ("FactError", "EvaluationError"):
            return {"error": error_fields(exc)}
        return {"crash": f"{type(exc).__name__}: {exc}"}


def check_python(
    spec: Spec, contract: ir.Contract, cases: list[Case], expected: list[object], folder: Path
) -> None:
    context = spec.text
    module = load_python(contract, folder)
    # The module's own names are intact, whatever the questions are called.
    assert module.CONTRACT["title"] == spec.title, context
    assert module.CONTRACT["source"] == spec.source, context
    assert module.evaluate.__doc__ == "Answer the question named ``question``.", context
    assert module.ask_next.__doc__.startswith("For an undetermined answer, the facts"), context
    assert isinstance(module.QUESTIONS, dict) and list(module.QUESTIONS) == [
        q for q, _ in spec.questions
    ], context
    functions = {q: getattr(module, identifier(q)) for q, _ in spec.questions}
    assert all(functions[q] is module.QUESTIONS[q] for q in functions), context
    assert len({id(f) for f in functions.values()}) == len(functions), context
    mismatches = []
    for (question, facts, as_of), want in zip(cases, expected, strict=True):
        try:
            prepared: object = module.Facts(facts)
        except Exception as exc:
            prepared = {"error": error_fields(exc)} if type(exc).__name__ == "FactError" else exc
            assert prepared == want, f"Facts({facts!r}) raised {exc!r}\n{context}"
        function = functions[question]
        calls: dict[str, Callable[[], Any]] = {
            "evaluate": partial(module.evaluate, question, facts, as_of=as_of),
            "function": partial(function, dict(facts), as_of=as_of),
        }
        if not isinstance(prepared, dict):
            calls["Facts"] = partial(function, prepared, as_of=as_of)
        for how, call in calls.items():
            got = python_outcome(call)
            if got != want:
                mismatches.append((how, question, facts, as_of, want, got))
    assert not mismatches, _mismatch_report("Python", mismatches, context)


def _mismatch_report(target: str, mismatches: list[tuple[Any, ...]], context: str) -> str:
    shown = "\n".join(
        f"{how} {question!r} facts={facts!r} as_of={as_of!r}\n  interpreter {want!r}"
        f"\n  {target} {got!r}"
        for how, question, facts, as_of, want, got in mismatches[:3]
    )
    return f"{len(mismatches)} answers disagree with the interpreter:\n{shown}\n{context}"


# ------------------------------------------------------------------ JavaScript

JS_DRIVER = """\
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
const before = typeof globalThis.PWNED;
// A module namespace with a `then` export would be thenable: this await would never end.
const m = await import(pathToFileURL(process.argv[2]).href);
const { cases, exports } = JSON.parse(readFileSync(0, "utf8"));
const error = (e) => {
  const out = { type: e.name, problem: e.problem, message: e.message };
  if (e instanceof m.FactError) {
    Object.assign(out, { fact: e.fact, expected: e.expected, given: e.given });
  }
  return out;
};
const outcome = (f) => {
  try { return { result: f().toDict() }; } catch (e) { return { error: error(e) }; }
};
const exportOf = new Map(exports);
const results = [];
for (const [q, facts, asOf] of cases) {
  const options = { asOf };
  const byName = outcome(() => m.evaluate(q, facts, options));
  const byFunction = outcome(() => m[exportOf.get(q)](facts, options));
  let prepared;
  try { prepared = new m.Facts(facts); } catch (e) { prepared = { error: error(e) }; }
  const byFacts = prepared instanceof m.Facts
    ? outcome(() => m[exportOf.get(q)](prepared, options)) : prepared;
  results.push({ byName, byFunction, byFacts });
}
process.stdout.write(m.stringify({
  before, after: typeof globalThis.PWNED, keys: Object.keys(m).sort(),
  thenable: typeof m.then, contract: m.CONTRACT, questions: m.QUESTIONS, facts: m.FACTS,
  results,
}) + "\\n");
"""


def check_javascript(
    spec: Spec, contract: ir.Contract, cases: list[Case], expected: list[object], folder: Path
) -> None:
    context = spec.text
    assert NODE is not None
    module = folder / "hostile.mjs"
    source = emit_javascript(contract, clausec_version="test")
    assert source.isascii(), context
    assert "</script" not in source.lower() and "<!--" not in source, context
    module.write_text(source, encoding="utf-8")
    driver = folder / "driver.mjs"
    driver.write_text(JS_DRIVER, encoding="utf-8")
    exports = question_exports(contract)
    payload = json.dumps({"cases": cases, "exports": exports})
    proc = subprocess.run(
        [NODE, str(driver), str(module)],
        input=payload,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=folder,
    )
    assert proc.returncode == 0, f"node failed: {proc.stderr[-3000:]}\n{context}"
    out = json.loads(proc.stdout)
    assert out["before"] == out["after"] == "undefined", f"a payload ran in node\n{context}"
    assert out["thenable"] == "undefined", context
    names = [e for _, e in exports]
    assert len(set(names)) == len(names), context
    fixed = {"CONTRACT", "EvaluationError", "FACTS", "FactError", "Facts", "QUESTIONS"}
    fixed |= {"Result", "askNext", "evaluate", "evaluateMany", "stringify"}
    assert out["keys"] == sorted(fixed | set(names)), context
    assert out["contract"]["title"] == spec.title, context
    assert out["contract"]["sourceDocument"] == spec.source, context
    assert [(q["name"], q["description"]) for q in out["questions"]] == spec.questions, context
    descriptions = {f["name"]: f["description"] for f in out["facts"]}
    assert descriptions == {n: d for n, d in spec.descriptions.items() if n != spec.define}, context
    mismatches = []
    for (question, facts, as_of), want, got in zip(cases, expected, out["results"], strict=True):
        for how, outcome in got.items():
            if outcome != want:
                mismatches.append((how, question, facts, as_of, want, outcome))
    assert not mismatches, _mismatch_report("JavaScript", mismatches, context)


# ------------------------------------------------------------------ JSON IR


def check_json(spec: Spec, contract: ir.Contract) -> None:
    context = spec.text
    doc = json.loads(emit_json(contract, clausec_version="test"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in Draft202012Validator(SCHEMA).iter_errors(doc)
    ]
    assert not errors, f"{errors}\n{context}"
    c = doc["contract"]
    clauses = c["clauses"]
    parties = {p["name"]: p for p in c["parties"]}
    described = {x["name"]: x["description"] for x in c["facts"] + c["definitions"]}
    p1, p2 = (p for p, *_ in spec.parties)
    (n1, n2, n3, n4) = spec.numbers
    got = {
        "title": c["title"],
        "source": c["source_document"],
        "header accept reason": c["accepts"][0]["reason"],
        "document title": c["documents"][0]["title"],
        "clause accept reason": c["accepts"][1]["reason"],
        "non-normative reason": clauses[3]["reason"],
        "scenario title": c["scenarios"][0]["title"],
        "text literal": doc_literal(c),
        f"party {p1} role": parties[p1]["role"],
        f"party {p1} name": parties[p1]["legal_name"],
        f"party {p2} role": parties[p2]["role"],
        **{f"action {a['name']}": a["description"] for a in c["actions"]},
        **{f"object {o['name']}": o["description"] for o in c["objects"]},
        **{f"description of {n}": d for n, d in described.items()},
        **{f"clause number {i + 1}": cl["number"] for i, cl in enumerate(clauses)},
        **{f"quote {i + 1}": cl["quote"] for i, cl in enumerate(clauses)},
        "gloss 1": clauses[0]["gloss"],
        "gloss 3": clauses[2]["gloss"],
        **{
            f"question {q['name']}": q["description"]
            for q in c["questions"]
            if q["description"] is not None
        },
    }
    want = spec.texts()
    changed = {
        k: (want.get(k), got.get(k)) for k in want.keys() | got.keys() if want.get(k) != got.get(k)
    }
    assert not changed, f"texts changed on the way to the JSON IR: {changed}\n{context}"
    # References and ids keep the clause numbers exactly.
    assert clauses[0]["refers_to"][0]["number"] == n2, context
    assert [n["id"] for n in c["norms"]][:2] == [f"{n1}#1", f"{n1}#2"], context
    assert c["priorities"][0]["stated_in"] == n2, f"{c['priorities']}\n{context}"
    assert c["clauses"][3]["number"] == n4 and clauses[2]["number"] == n3, context


def doc_literal(c: dict[str, Any]) -> object:
    """The text literal of the power's condition (clause 3, norm 1): ``ft = "…" or …``."""
    norm = next(n for n in c["norms"] if n["modality"] == "power")
    return norm["condition"]["left"]["right"]["value"]


# ------------------------------------------------------------------ graphs

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SAFE_ID = re.compile(r'[^"\\\n\r]*')
_BR = re.compile(r'<BR ALIGN="(?:CENTER|LEFT)"/>')


def shown(text: str) -> str:
    """What a picture can show of a text: the characters that XML (so SVG, and Graphviz's
    HTML-like labels) cannot hold become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def label_lines(lines: object) -> list[str]:
    """A view label's lines as drawn: white space collapsed, unshowable characters replaced."""
    assert isinstance(lines, tuple | list)
    return [shown(" ".join(str(x).split())) for x in lines]


def decode_html_label(label: str, where: str) -> list[str]:
    """The lines of an HTML-like label as Graphviz read it (``-Tjson``), decoded."""
    parts = _BR.split(label)
    if label.endswith('<BR ALIGN="LEFT"/>'):
        parts.pop()  # left-aligned labels end with a line break
    out = []
    for i, part in enumerate(parts):
        if i == 0 and part.startswith("<B>") and part.endswith("</B>"):
            part = part[3:-4]
        # The identifier under a label, in a smaller font.
        if part.startswith(dot.SMALL) and part.endswith("</FONT>"):
            part = part[len(dot.SMALL) : -len("</FONT>")]
        assert "<" not in part and ">" not in part, f"markup in a label: {part!r} ({where})"
        assert re.fullmatch(r"(?:[^\\]|\\\\)*", part), f"a lone backslash: {part!r} ({where})"
        out.append(html.unescape(part.replace("\\\\", "\\")))
    return out


_ROW = re.compile(
    r'<TR><TD ALIGN="LEFT" VALIGN="TOP"><B>(.*?)</B></TD>'
    r'<TD ALIGN="LEFT" BALIGN="LEFT">(.*?)</TD></TR>'
)


def decode_legend(label: str, where: str) -> list[tuple[list[str], list[str], list[str] | None]]:
    """The rows of the legend table as Graphviz read it: clause, the lines of the quote and
    of the gloss (if any), each decoded as a label line."""
    rows = []
    body = label[label.index("</TR>") + len("</TR>") : label.rindex("</TABLE>")]
    assert _ROW.sub("", body) == "", f"not a legend row: {body!r} ({where})"
    for clause, cell in _ROW.findall(body):
        quote, _, gloss = cell.partition("<I>")
        rows.append(
            (
                decode_html_label(clause, where),
                decode_html_label(quote, where),
                decode_html_label(gloss.removesuffix("</I>"), where) if gloss else None,
            )
        )
    return rows


def legend_lines(text: str) -> list[str]:
    """A legend text as the table wraps it; the wrap keeps every character but white space."""
    lines = label_lines(wrap(text, 70))
    assert "".join("".join(lines).split()) == "".join(shown(text).split())
    return lines


def decode_tooltip(raw: str, where: str) -> str:
    """A tooltip as Graphviz read it (``-Tjson``: ``\\"`` already undone), decoded as Graphviz
    does when it draws it (escapes undone twice; an entity decoded)."""
    assert re.fullmatch(r"(?:[^\\]|\\\\\\\\|\\n)*", raw), f"a stray escape: {raw!r} ({where})"
    text = re.sub(r"\\\\\\\\|\\n", lambda m: "\n" if m.group() == "\\n" else "\\", raw)
    return html.unescape(text)


def dot_names(view: Graph) -> dict[str, str]:
    """The node names Graphviz reads: the model's id (an ``&`` written as an entity) when it
    needs no escape, else a generated ``x<i>``."""
    return {
        n: n.replace("&", "&amp;") if _SAFE_ID.fullmatch(n) else f"x{i}" for i, n in enumerate(view)
    }


def check_dot(view: Graph, folder: Path, context: str) -> None:
    text = dot.to_dot(view)
    where = f"view {view.graph['view']}\n{context}"
    proc = subprocess.run(
        ["dot", "-Tjson", "-o", "g.json", "-Tsvg", "-o", "g.svg"],
        input=text.encode("utf-8"),
        capture_output=True,
        cwd=folder,
        timeout=120,
    )
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Error" not in stderr, f"dot: {stderr[:2000]}\n{where}"
    graph = json.loads((folder / "g.json").read_text(encoding="utf-8"))
    objects = graph.get("objects", [])
    subgraphs = graph.get("_subgraph_cnt", 0)
    clusters = [o for o in objects[:subgraphs] if o["name"].startswith("cluster_")]
    nodes = {o["_gvid"]: o for o in objects[subgraphs:]}
    names = dot_names(view)
    # The legend: one row per clause drawn, its number and its quote as given.
    legend = [o for o in nodes.values() if o["name"] == "legend"]
    want_legend = [
        (label_lines([c]), legend_lines(q), legend_lines(g) if g else None)
        for c, q, g in view.graph["legend"]
    ]
    assert [decode_legend(o["label"], where) for o in legend] == (
        [want_legend] if want_legend else []
    ), where
    nodes = {k: o for k, o in nodes.items() if o["name"] != "legend"}
    # Nodes: the same names, labels and tooltips as the view's, no more and no fewer.
    got_nodes = Counter(
        (
            o["name"],
            tuple(decode_html_label(o["label"], where)),
            decode_tooltip(o["tooltip"], where) if "tooltip" in o else None,
        )
        for o in nodes.values()
    )
    want_nodes = Counter(
        (
            names[n],
            tuple(label_lines(data["label"]) + label_lines(data.get("small", ()))),
            _tooltip(data.get("tooltip")),
        )
        for n, data in view.nodes(data=True)
    )
    assert got_nodes == want_nodes, f"{got_nodes} != {want_nodes}\n{where}"
    # Edges (the invisible ones lay out large clusters): endpoints, label and tooltip.
    got_edges = Counter(
        (
            nodes[e["tail"]]["name"],
            nodes[e["head"]]["name"],
            tuple(decode_html_label(e["label"], where)) if e.get("label") else (),
            decode_tooltip(e["tooltip"], where) if "tooltip" in e else None,
        )
        for e in graph.get("edges", [])
        if e.get("style") != "invis" and e["tail"] in nodes and e["head"] in nodes
    )
    want_edges = Counter(
        (
            names[u],
            names[v],
            tuple(label_lines([data["label"]])) if data.get("label") else (),
            _tooltip(data.get("tooltip")),
        )
        for u, v, data in view.edges(data=True)
    )
    assert got_edges == want_edges, f"{got_edges} != {want_edges}\n{where}"
    titles = list(view.graph["clusters"].values())
    got_clusters = [decode_html_label(o["label"], where) for o in clusters]
    assert got_clusters == [label_lines([t]) for t in titles], where
    title = [view.graph["title"], *view.graph["notes"]]
    assert decode_html_label(graph["label"], where) == label_lines(title), where
    # The SVG is well-formed and shows the tooltips as they are.
    svg = ET.fromstring((folder / "g.svg").read_bytes())
    tips = {
        a.get("{http://www.w3.org/1999/xlink}title")
        for a in svg.iter("{http://www.w3.org/2000/svg}a")
    }
    want_tips = {t for n, d in view.nodes(data=True) if (t := _tooltip(d.get("tooltip")))}
    want_tips |= {t for *_, d in view.edges(data=True) if (t := _tooltip(d.get("tooltip")))}

    # Graphviz draws runs of spaces with no-break spaces; XML turns tabs in attributes into
    # spaces.
    def spaced(t: str | None) -> str | None:
        return None if t is None else t.replace("\t", " ").replace("\xa0", " ")

    missing = {spaced(t) for t in want_tips} - {spaced(t) for t in tips}
    assert not missing, f"tooltips missing from the SVG: {missing}\n{where}"


def _tooltip(text: object) -> str | None:
    if not text:
        return None
    return shown(str(text).replace("\r\n", "\n").replace("\r", "\n"))


_M_BODY = r'[^"]*'
_M_NODE = re.compile(
    rf'(?: {{2}}| {{4}})n(\d+)(?:\["({_M_BODY})"\]|\(\["({_M_BODY})"\]\)|\[/"({_M_BODY})"/\])'
)
_M_LEGEND = re.compile(rf'    q(\d+)\["({_M_BODY})"\]')
_M_SUBGRAPH = re.compile(rf'  subgraph s\d+ \["({_M_BODY})"\]')
_M_EDGE = re.compile(rf'  n(\d+) (?:-\.->|==>|-->)(?:\|"({_M_BODY})"\|)? n(\d+)')
_M_NOTE = re.compile(r"  %% (.*)")
_M_FIXED = [
    re.compile(r"---"),
    re.compile(r"flowchart (?:LR|TB)"),
    re.compile(r"    direction LR"),
    re.compile(r"  end"),
    re.compile(
        r"  classDef [a-z_]+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}(?:,stroke-dasharray:4 3)?"
    ),
    re.compile(r"  class n\d+(?:,n\d+)* [a-z_]+"),
]
# Raw, a label may hold none of these: each ends a label, starts markup, an entity or a
# directive (Mermaid finds `%%{…}%%` anywhere in the text), or formats text.
_M_ENTITY_ONLY = set('"#<>&`|%')


def decode_mermaid(body: str, where: str) -> list[str]:
    parts = body.split("<br/>")
    if parts[0].startswith("<b>") and parts[0].endswith("</b>"):
        parts[0] = parts[0][3:-4]
    out = []
    for part in parts:
        if part.startswith("<small>") and part.endswith("</small>"):  # an identifier
            part = part[len("<small>") : -len("</small>")]
        raw = re.sub(r"#\w+;", "", part)
        assert not _M_ENTITY_ONLY & set(raw), f"unescaped in a Mermaid label: {part!r}\n{where}"
        out.append(
            re.sub(
                r"#(\w+);",
                lambda m: html.unescape(f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};"),
                part,
            )
        )
    return out


def check_mermaid(view: Graph, context: str) -> None:
    text = mermaid.to_mermaid(view)
    where = f"view {view.graph['view']}\n{context}"
    lines = text.split("\n")
    assert lines[-1] == "" and lines[1].startswith("title: "), where
    assert json.loads(lines[1][len("title: ") :]) == view.graph["title"], where
    order = list(view)
    nodes: dict[int, list[str]] = {}
    edges: Counter[tuple[int, int, tuple[str, ...]]] = Counter()
    subgraphs, notes = [], []
    legend: list[tuple[list[str], list[str], list[str] | None]] = []
    for line in lines[:1] + lines[2:-1]:
        # Mermaid reads `%%{…}%%` anywhere as a directive: only note lines may hold `%%`.
        assert "%%" not in line or _M_NOTE.fullmatch(line), f"`%%` in {line!r}\n{where}"
        if m := _M_NODE.fullmatch(line):
            body = next(g for g in m.groups()[1:] if g is not None)
            nodes[int(m[1])] = decode_mermaid(body, where)
        elif m := _M_EDGE.fullmatch(line):
            label = tuple(decode_mermaid(m[2], where)) if m[2] is not None else ()
            edges[(int(m[1]), int(m[3]), label)] += 1
        elif m := _M_LEGEND.fullmatch(line):
            parts = m[2].split("<br/>")
            gloss = [p[3:-4] for p in parts if p.startswith("<i>") and p.endswith("</i>")]
            quote = "<br/>".join(p for p in parts if not p.startswith("<i>"))
            decoded = decode_mermaid(quote, where)
            assert int(m[1]) == len(legend), where
            legend.append(
                (
                    decoded[:1],
                    decoded[1:],
                    decode_mermaid("<br/>".join(gloss), where) if gloss else None,
                )
            )
        elif m := _M_SUBGRAPH.fullmatch(line):
            subgraphs.append(decode_mermaid(m[1], where))
        elif m := _M_NOTE.fullmatch(line):
            notes.append(decode_mermaid(m[1], where)[0])
        else:
            assert any(p.fullmatch(line) for p in _M_FIXED), f"not a statement: {line!r}\n{where}"
    want_nodes = {
        i: [
            " ".join(str(x).split())
            for x in (*view.nodes[n]["label"], *view.nodes[n].get("small", ()))
        ]
        for i, n in enumerate(order)
    }
    assert nodes == want_nodes, where
    index = {n: i for i, n in enumerate(order)}
    want_edges = Counter(
        (
            index[u],
            index[v],
            (" ".join(str(d["label"]).split()),) if d.get("label") else (),
        )
        for u, v, d in view.edges(data=True)
    )
    assert edges == want_edges, where
    want_subgraphs = [[" ".join(t.split())] for t in view.graph["clusters"].values()]
    assert subgraphs[: len(want_subgraphs)] == want_subgraphs, where
    assert notes == [" ".join(n.split()) for n in view.graph["notes"]], where
    # The legend: each clause drawn with its quote (and the whole gloss where shortened).
    want_legend = [
        (
            [" ".join(c.split())],
            [" ".join(x.split()) for x in wrap(q, 70)],
            [" ".join(x.split()) for x in wrap(g, 70)] if g else None,
        )
        for c, q, g in view.graph["legend"]
    ]
    assert legend == want_legend, where
    if want_legend:
        assert subgraphs[-1] == ["original wording of the clauses drawn"], where


# ------------------------------------------------------------------ SQL


def check_sql(spec: Spec, contract: ir.Contract, cases: list[Case], expected: list[object]) -> None:
    """Every question as a query over a table of the cases that fit its typed columns, in
    DuckDB: the answers are the interpreter's; the Spark and PostgreSQL printings parse."""
    context = spec.text
    plans = {q.question: q for q in lower(contract).questions}
    for question in plans:
        plan, as_of = plans[question], AsOfColumn("day")
        query = question_sql(contract, plan, keep=["case_id"], as_of=as_of)
        # PostgreSQL's query has DuckDB's shape; Spark's is built for it (docs/batch.md).
        spark = question_sql(contract, plan, keep=["case_id"], as_of=as_of, dialect="spark")
        for printed in (spark, attrs.evolve(query, dialect="postgres")):
            sqlglot.parse_one(printed.sql(), read=printed.dialect)
        facts = {f.name: f for f in contract.facts}
        rows, wanted = [], []
        for index, ((asked, raw, as_of), want) in enumerate(zip(cases, expected, strict=True)):
            if asked != question or "crash" in want or not set(raw) <= set(facts):  # type: ignore[operator]
                continue  # a table has no column for a name that is no fact
            try:
                values = [column_value(facts[n], raw.get(n), kind) for n, kind in query.inputs]
            except ValueError:
                continue
            day = dt.date.fromisoformat(as_of) if as_of else None
            read = {n: raw[n] for n, _ in query.inputs if n in raw}
            if read != raw:  # the table holds the facts the question reads, no others
                want = interpreter_outcome(contract, (question, read, as_of))
            outcome = want if "result" in want else {"error": want["error"]["problem"]}  # type: ignore[index,operator]
            rows.append((index, day, *values))
            wanted.append(SQLCase(rows[-1], read, day, outcome))  # type: ignore[arg-type]
        con = duckdb.connect()
        columns = "".join(
            f', "{name.replace(chr(34), chr(34) * 2)}" {kind}' for name, kind in query.inputs
        )
        con.execute(f"CREATE TABLE facts (case_id BIGINT, day DATE{columns})")
        if rows:
            con.executemany(f"INSERT INTO facts VALUES ({', '.join('?' for _ in rows[0])})", rows)
        got = con.execute(query.sql()).fetchall()
        names = [d[0] for d in con.description]
        results = {r[0]: dict(zip(names, r, strict=True)) for r in got}
        bad = [(c, p) for c in wanted if (p := sql_compare(c, results[c.row[0]]))]
        assert not bad, f"{len(bad)} SQL rows of {question!r} disagree: {bad[0]}\n{context}"


# ------------------------------------------------------------------ the property


def check_everything(spec: Spec, seed: int, extra: list[str]) -> None:
    contract = compile_spec(spec)
    context = spec.text
    cases = fact_cases_for(spec, contract, seed, extra)
    expected = [interpreter_outcome(contract, case) for case in cases]
    # The interpreter must answer: its crashes would hide the generators' own.
    assert all("crash" not in e for e in expected), context  # type: ignore[operator]
    check_json(spec, contract)
    check_sql(spec, contract, cases, expected)
    model = build(contract)
    graphs = [views.obligations(model), views.dependencies(model), views.remedies(model)]
    for view in graphs:
        check_mermaid(view, context)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with canaries_watched(folder, context):
            check_python(spec, contract, cases, expected, folder)
            if NODE is not None:
                check_javascript(spec, contract, cases, expected, folder)
            if HAS_DOT:
                for view in graphs:
                    check_dot(view, folder, context)


# Each example emits a contract in every target and builds and runs its SQL in two shapes:
# about 5 s on 2 cores, so 20 examples are the longest test of the default tier. The full-depth
# tier takes 100 (300 ran out the 600 s hang guard), under a guard of its own.
@pytest.mark.timeout(1800)
@settings(
    max_examples=depth(20, 100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    spec=contracts(),
    seed=st.integers(0, 2**32 - 1),
    extra=st.lists(free_text, min_size=2, max_size=3),
)
def test_hostile_contracts_emit_safely_and_answer_like_the_interpreter(
    spec: Spec, seed: int, extra: list[str]
) -> None:
    check_everything(spec, seed, extra)


def test_the_strategies_reach_every_kind_of_hostile_content() -> None:
    """The generated contracts are what the module says they are (a test that would pass on
    tame input is no test): drawn from the same strategies, they hold canaries, quotes, line
    separators and NUL in texts, and keywords and API names as names — and they compile."""
    seen: Counter[str] = Counter()

    @settings(max_examples=30, deadline=None, database=None, derandomize=True)
    @given(spec=contracts())
    def probe(spec: Spec) -> None:
        compile_spec(spec)
        text = "".join(spec.texts().values())
        names = {q for q, _ in spec.questions} | {p for p, *_ in spec.parties}
        for label, hit in [
            ("canary", any(c in text for c in CANARIES)),
            ("quote", '"' in text and "'" in text),
            ("separator", "\u2028" in text or "\n" in text),
            ("nul", "\x00" in text),
            ("trailing underscore", any(n.endswith("_") for n in names)),
            ("builtin", bool(names & set(dir(builtins)))),
            ("dotted", any("." in n for n in spec.facts.values())),
            ("odd clause number", any(not n.isascii() or '"' in n for n in spec.numbers)),
        ]:
            seen[label] += hit

    probe()
    assert all(seen[k] > 0 for k in seen) and len(seen) == 8, seen


# ------------------------------------------------------------------ regressions

SMALL = """\
contract small
  title "T" source "s.txt" language en calendar CN
party a role "A"
party b role "B"
action pay "pay"
object fee "fee"
fact f : boolean
event e
"""


def _compiled(text: str) -> ir.Contract:
    result = clausec.compile_text(text, "r.clause")
    assert result.ok, [f"{d.code}: {d.message}" for d in result.diagnostics]
    return result.contracts[0]


def test_clause_number_with_triple_quotes_and_a_line_break_is_refused() -> None:
    for number in ['1 """\nimport os', '"""\n', "1\u2028", "a\u202eb"]:
        result = clausec.compile_text(
            SMALL + f'clause {clause_string(number)}\n  quote "q"\n  a must pay fee when f\n',
            "r.clause",
        )
        assert "E0411" in [d.code for d in result.diagnostics], number


def test_python_questions_named_like_builtins_and_the_api_answer_their_own_question(
    tmp_path: Path,
) -> None:
    names = ["len", "str", "evaluate", "evaluate_", "match", "match_", "type", "__import__"]
    names += ["ask_next"]
    text = (
        SMALL
        + 'clause "1"\n  quote "q"\n  a must pay fee when f\n'
        + "".join(f"question {n} : must a pay fee\n" for n in names)
    )
    contract = _compiled(text)
    module = load_python(contract, tmp_path)
    idents = [identifier(n) for n in names]
    assert len(set(idents)) == len(idents)
    for name in names:
        assert module.QUESTIONS[name]({"f": True}).question == name
        assert getattr(module, identifier(name))({"f": True}).question == name
        assert module.evaluate(name, {"f": True}).question == name
    assert module.len_ is module.QUESTIONS["len"]
    assert module.evaluate_ is module.QUESTIONS["evaluate"]
    assert module.evaluate__ is module.QUESTIONS["evaluate_"]
    assert module.evaluate.__doc__ == "Answer the question named ``question``."
    assert next(module.evaluate_many("len", [{"f": False}])).answer == "not_obliged"
    assert module.ask_next_ is module.QUESTIONS["ask_next"]
    assert module.ask_next("len", {}) == [
        {
            "fact": "f",
            "decides": [
                {"value": True, "answer": "obliged"},
                {"value": False, "answer": "not_obliged"},
            ],
        }
    ]


def test_clause_number_with_unicode_digits_imports(tmp_path: Path) -> None:
    contract = _compiled(
        SMALL
        + 'clause "½ ² ①"\n  quote "q"\n  a must pay fee when f\nquestion q : must a pay fee\n'
    )
    module = load_python(contract, tmp_path)
    assert module.q({"f": True}).to_dict()["grounds"][0]["clause"] == "½ ² ①"


@needs_node
def test_javascript_question_named_then_keeps_the_module_importable(tmp_path: Path) -> None:
    """`then` is a reserved word of the language since `if … then … else`; the mangling still
    keeps an IR question named `then` (built by other means) from making the module a
    thenable, which `import()` would try to resolve."""
    compiled = _compiled(
        SMALL
        + 'clause "1"\n  quote "q"\n  a must pay fee when f\n'
        + "question first : must a pay fee\nquestion then_ : may a pay fee\n"
    )
    renamed = tuple(
        attrs.evolve(q, name="then") if q.name == "first" else q for q in compiled.questions
    )
    contract = attrs.evolve(compiled, questions=renamed)
    assert question_exports(contract) == [("then", "then_"), ("then_", "then__")]
    (tmp_path / "m.mjs").write_text(emit_javascript(contract, clausec_version="t"), "utf-8")
    (tmp_path / "d.mjs").write_text(
        "const m = await import('./m.mjs');\n"
        "console.log(JSON.stringify([typeof m.then, m.then_({f: true}).question,\n"
        "  m.then__({f: true}).question]));\n",
        "utf-8",
    )
    assert NODE is not None
    proc = subprocess.run([NODE, "d.mjs"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["undefined", "then", "then_"]


# Bugs the property found, each at its smallest.


@needs_node
def test_javascript_clause_numbered_proto_keeps_its_quote(tmp_path: Path) -> None:
    """A key `"__proto__"` in the module's object literal set the clause table's prototype
    instead of adding the clause: its grounds lost their quote (a TypeError in toDict)."""
    contract = _compiled(
        SMALL.replace("fact f : boolean", "fact __proto__ : boolean")
        + 'clause "__proto__"\n  quote "Q"\n  a must pay fee when __proto__\n'
        + "question q : must a pay fee\n"
    )
    (tmp_path / "m.mjs").write_text(emit_javascript(contract, clausec_version="t"), "utf-8")
    (tmp_path / "d.mjs").write_text(
        "const m = await import('./m.mjs');\n"
        "const facts = JSON.parse('{\"__proto__\": true}');\n"
        "console.log(m.stringify(m.q(facts, { asOf: null }).toDict()));\n",
        "utf-8",
    )
    assert NODE is not None
    proc = subprocess.run([NODE, "d.mjs"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    want = interpreter_outcome(contract, ("q", {"__proto__": True}, None))
    assert {"result": json.loads(proc.stdout)} == want
    assert "'quote': 'Q'" in repr(want)


def test_stated_in_is_the_clause_even_when_its_number_holds_a_hash() -> None:
    """The clause stating `notwithstanding` was the norm id up to its first `#`, not its last:
    clause `x#35;` stated its priorities in a clause `x` that does not exist."""
    contract = _compiled(
        SMALL
        + 'clause "1"\n  quote "q"\n  a must pay fee when f\n'
        + 'clause "x#35;"\n  quote "q"\n  a may pay fee when f\n    notwithstanding "1"\n'
        + "question q : may a pay fee\n"
    )
    assert [(p.higher, p.stated_in) for p in contract.priorities] == [("x#35;#1", "x#35;")]
    doc = json.loads(emit_json(contract, clausec_version="t"))
    assert doc["contract"]["priorities"][0]["stated_in"] == "x#35;"


HOSTILE_GRAPH_TEXT = (
    "nul \x00 bell \x07 esc \x1b ff \x0c nonchar \ufffe\uffff ]] ] %%{init: {'theme': 'dark'}}%%"
)


def _graph_contract(text: str) -> ir.Contract:
    lit = clause_string(text)
    return _compiled(
        SMALL.replace('role "A"', f"role {lit}").replace("event e", f"event e {lit}")
        + f"clause {clause_string(']]')}\n  quote {lit}\n  gloss {lit}\n"
        + "  a must pay fee to b when f within 3 days after e\n    otherwise b may pay fee\n"
        + f'clause "]"\n  quote {lit}\n  a may pay fee when f\n'
        + f"question q {lit} : must a pay fee\n"
    )


@needs_dot
def test_dot_of_text_xml_cannot_hold_and_of_square_brackets_parses(tmp_path: Path) -> None:
    """NUL ended a DOT string; other C0 controls, U+FFFE and U+FFFF made Graphviz's HTML-like
    labels (parsed as XML) and its SVG ill-formed; a label line `]` or `]]` was a syntax error
    of Graphviz's HTML lexer. Such characters are drawn as U+FFFD, `]` as an entity."""
    contract = _graph_contract(HOSTILE_GRAPH_TEXT)
    model = build(contract)
    for view in (views.obligations(model), views.dependencies(model), views.remedies(model)):
        check_dot(view, tmp_path, HOSTILE_GRAPH_TEXT)
    label = dot.html_label([HOSTILE_GRAPH_TEXT])
    assert "\x00" not in label and "\ufffe" not in label and "]" not in label
    assert "\x00" not in dot.tooltip(HOSTILE_GRAPH_TEXT)


def test_mermaid_labels_hold_no_directive() -> None:
    """Mermaid reads `%%{init: …}%%` anywhere in the text, inside a label too: a gloss could
    reconfigure the diagram. `%` is written as an entity."""
    contract = _graph_contract(HOSTILE_GRAPH_TEXT)
    model = build(contract)
    for view in (views.obligations(model), views.dependencies(model), views.remedies(model)):
        check_mermaid(view, HOSTILE_GRAPH_TEXT)
        text = mermaid.to_mermaid(view)
        assert "%%{" not in text
        if view.graph["view"] != "dependencies":  # that view shows no gloss
            assert "#37;#37;{init: {'theme': 'dark'}}#37;#37;" in text


@needs_dot
def test_overview_and_legend_of_hostile_clause_numbers(tmp_path: Path) -> None:
    """A contract above the overview's limit, with clause numbers, quotes and glosses of
    hostile text: section boxes, counted arrows and the legend table parse and show the text
    as given, in DOT and Mermaid."""
    from clausec.graph.output import LARGE

    texts = [HOSTILE_GRAPH_TEXT, '"q" <b>&amp;</b> \\N', "]]", "a\nb\r\nc", "中文 ] <"]
    # Clause numbers are one printed line: no control characters or line breaks.
    numbers = ['"q" <b>&amp;</b> \\N', "]]", "中文 ] <", " %%{init}%% &#35;"]
    body = ""
    for i in range(LARGE + 1):
        text = clause_string(texts[i % len(texts)])
        number = clause_string(f"{i}{numbers[i % len(numbers)]}")
        body += f"clause {number}\n  quote {text}\n  gloss {text}\n  a may pay fee when f\n"
        if i:
            before = clause_string(f"{i - 1}{numbers[(i - 1) % len(numbers)]}")
            body += f"  prevails over {before}\n"
    contract = _compiled(SMALL + body)
    model = build(contract)
    overview = views.overview(model, LARGE)
    assert sum(1 for _, d in overview.nodes(data=True) if d["kind"] == "section") > 1
    check_dot(overview, tmp_path, "overview")
    check_mermaid(overview, "overview")
    everything = views.obligations(model)
    assert len(everything.graph["legend"]) == LARGE + 1
    check_dot(everything, tmp_path, "legend")
    table = dot.legend_table(((HOSTILE_GRAPH_TEXT, HOSTILE_GRAPH_TEXT, HOSTILE_GRAPH_TEXT),))
    assert "\x00" not in table and "\ufffe" not in table and "]" not in table


def test_html_text_escapes_every_markup_character_and_line_break() -> None:
    """The one escaping of label text (node labels, cluster titles, edge labels, the legend):
    no character of it can open or close markup, an entity or a line."""
    text = dot.html_text("a < b > c & d \" e ' f ] g\nh\r\ni \\N")
    assert text == "a &lt; b &gt; c &amp; d &quot; e &#x27; f &#93; g h i \\\\N"
    assert dot.html_label(["x\ny"], small=["<id>"]) == (
        '<<B>x y</B><BR ALIGN="CENTER"/><FONT POINT-SIZE="8" COLOR="#555555">&lt;id&gt;</FONT>>'
    )
