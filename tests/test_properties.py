"""Property-based tests (Hypothesis): the checker never crashes, whatever it is fed."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import clausec
from clausec.diagnostics import Diagnostic
from clausec.ir import types as T

from conftest import PRELUDE, SHIPPED, describe

TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SHIPPED}

# Characters worth inserting: structure, quotes, escapes, operators, digits, wide and odd text.
ALPHABET = list('"\\()%,.:=<>!+-*/#\n\t 0123456789aZ_质，')
# Tokens worth inserting: keywords in and out of place, literals, names.
TOKENS = [
    "clause",
    "non-normative",
    "must",
    "must not",
    "may",
    "can",
    "when",
    "unless",
    "otherwise",
    "within",
    "after",
    "before",
    "by",
    "until",
    "and",
    "or",
    "not",
    "(",
    ")",
    '"',
    '"6.2(1)"',
    "10 working days",
    "3 months",
    "100 CNY",
    "5 EUR",
    "5%",
    "2025-02-30",
    "2025-01-24",
    "today",
    "never",
    "has occurred",
    "earliest of (",
    "question",
    "scenario",
    "expect",
    "given",
    "is",
    "yes",
    "obliged",
    "fact",
    "event",
    "define",
    "x :",
    "prevails over",
    "subject to",
    "deadlines extended by",
    "on days 5 and 40 of every month",
    "at least once every month",
    "\\u{110000}",
    "\\q",
    "#",
]


def tokenize(text: str) -> list[str]:
    return re.findall(r"\s+|\S+", text)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "delete",
                    "duplicate",
                    "swap",
                    "insert",
                    "token_delete",
                    "token_duplicate",
                    "token_swap",
                    "token_insert",
                    "truncate",
                ]
            )
        )
        n = len(text)
        if kind == "truncate":
            text = text[: draw(st.integers(0, n))]
        elif kind in ("delete", "duplicate", "swap", "insert"):
            i = draw(st.integers(0, n))
            j = draw(st.integers(i, min(n, i + 40)))
            if kind == "delete":
                text = text[:i] + text[j:]
            elif kind == "duplicate":
                text = text[:j] + text[i:j] + text[j:]
            elif kind == "swap" and n >= 2:
                a, b = sorted((draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))))
                chars = list(text)
                chars[a], chars[b] = chars[b], chars[a]
                text = "".join(chars)
            else:
                text = (
                    text[:i]
                    + draw(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=5))
                    + text[i:]
                )
        else:
            tokens = tokenize(text)
            if not tokens:
                continue
            i = draw(st.integers(0, len(tokens) - 1))
            if kind == "token_delete":
                del tokens[i]
            elif kind == "token_duplicate":
                tokens.insert(i, tokens[i])
            elif kind == "token_swap":
                j = draw(st.integers(0, len(tokens) - 1))
                tokens[i], tokens[j] = tokens[j], tokens[i]
            else:
                tokens.insert(i, " " + draw(st.sampled_from(TOKENS)) + " ")
            text = "".join(tokens)
    return text


def assert_spans_inside(text: str, diagnostics: tuple[Diagnostic, ...], name: str) -> None:
    lines = text.split("\n")
    for d in diagnostics:
        spans = [d.span] + [n.span for n in d.notes]
        for span in spans:
            if span is None or span.file != name:
                continue
            where = f"{d.code} {d.message} at {span}"
            assert 1 <= span.line <= len(lines), where
            assert span.line <= span.end_line <= len(lines), where
            assert 1 <= span.column <= len(lines[span.line - 1]) + 1, where
            if span.end_line == span.line:
                assert span.column <= span.end_column, where
            assert span.end_column <= len(lines[span.end_line - 1]) + 2, where


@pytest.mark.parametrize("contract", sorted(TEXTS))
@given(data=st.data())
def test_mutations_never_crash(contract: str, data: st.DataObject) -> None:
    text = data.draw(mutated(TEXTS[contract]))
    result = clausec.compile_text(text, "mutant.clause")  # any exception fails the test
    assert isinstance(result.diagnostics, tuple)
    if text != TEXTS[contract]:
        # Every diagnostic can be rendered without error.
        from clausec.diagnostics import Run
        from clausec.diagnostics.formats import FORMATS

        run = Run(result.files, result.sources, clausec.__version__, show_info=True)
        for render in FORMATS.values():
            render(result.diagnostics, run)


@pytest.mark.parametrize("contract", sorted(TEXTS))
@given(data=st.data())
def test_mutation_diagnostics_point_inside_the_file(contract: str, data: st.DataObject) -> None:
    text = data.draw(mutated(TEXTS[contract]))
    result = clausec.compile_text(text, "mutant.clause")
    assert_spans_inside(text.replace("\r\n", "\n"), result.diagnostics, "mutant.clause")


# ---------------------------------------------------------------- random expressions

BOOL_FACTS = ["f", "g"]
ATOMS = [
    "f",
    "g",
    "n",
    "x",
    "m",
    "eur",
    "d",
    "dd",
    "wd",
    "mm",
    "t",
    "k",
    "e",
    "e2",
    "today",
    "never",
    "true",
    "false",
    "0",
    "3",
    "42",
    "2.5",
    "5%",
    "12.5%",
    "100 CNY",
    "0.5 CNY",
    "7 EUR",
    "3 days",
    "2 weeks",
    "10 working days",
    "1 working day",
    "3 months",
    "1 year",
    "2024-02-29",
    "2025-01-24",
    '"文本"',
    '""',
]
BINARY = ["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"]


def _compound(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda c: f"(not {c})"),
        children.map(lambda c: f"(-{c})"),
        children.map(lambda c: f"({c} has occurred)"),
        st.tuples(
            st.sampled_from(["earliest", "latest"]), st.lists(children, min_size=1, max_size=3)
        ).map(lambda t: f"{t[0]} of ({', '.join(t[1])})"),
        st.sampled_from(["red", "green", "blue"]).map(lambda c: f"(k = {c})"),
    )


EXPRESSIONS = st.recursive(st.sampled_from(ATOMS), _compound, max_leaves=25)


def _only_type_errors(result: clausec.CheckResult) -> None:
    bad = [
        d
        for d in result.diagnostics
        if not d.code.startswith("E03") and not (d.code == "E0200" and "blue" in d.message)
    ]
    assert not bad, describe(result)


@given(expr=EXPRESSIONS)
def test_random_expressions_type_check_or_report_type_errors(expr: str) -> None:
    result = clausec.compile_text(PRELUDE + f"question probe : value of {expr}\n")
    _only_type_errors(result)
    (c,) = result.contracts
    probe = [q for q in c.questions if q.name == "probe"]
    if not result.diagnostics:
        (q,) = probe
        assert q.expr is not None
        assert isinstance(
            q.expr.type,
            (T.Boolean, T.Integer, T.DecimalType, T.Money, T.Date, T.Duration, T.Text, T.Enum),
        )
    else:
        assert not probe  # a question whose expression fails is dropped


@given(expr=EXPRESSIONS)
def test_random_conditions(expr: str) -> None:
    body = f'\nclause "1"\n  quote "q"\n  a must pay fee\n    when {expr}\n'
    result = clausec.compile_text(PRELUDE + body)
    _only_type_errors(result)
    (c,) = result.contracts
    if result.diagnostics:
        assert c.norms == ()
    else:
        (norm,) = c.norms
        assert norm.condition.type == T.BOOLEAN


INT_ATOMS = ["n", "0", "1", "7", "42"]
INT_EXPRESSIONS = st.recursive(
    st.sampled_from(INT_ATOMS),
    lambda ch: st.one_of(
        st.tuples(ch, st.sampled_from(["+", "-", "*"]), ch).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        ch.map(lambda c: f"(-{c})"),
    ),
    max_leaves=20,
)


@given(expr=INT_EXPRESSIONS, cmp=st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
def test_integer_arithmetic_is_integer(expr: str, cmp: str) -> None:
    result = clausec.compile_text(
        PRELUDE + f"question probe : value of {expr}\nquestion cmp : value of {expr} {cmp} x\n"
    )
    assert not result.diagnostics, describe(result)
    types = {q.name: q.expr.type for q in result.contracts[0].questions if q.expr}
    assert types == {"probe": T.INTEGER, "cmp": T.BOOLEAN}


@given(
    left=st.sampled_from(["m", "100 CNY", "(m * 2)", "(m / 3)", "(-m)"]),
    right=st.sampled_from(["eur", "1 EUR", "(eur + 2 EUR)"]),
    op=st.sampled_from(["+", "-", "<", "=", ">=", "/"]),
)
def test_currencies_never_mix(left: str, right: str, op: str) -> None:
    result = clausec.compile_text(PRELUDE + f"question probe : value of {left} {op} {right}\n")
    assert [d.code for d in result.diagnostics] == ["E0303"], describe(result)


@given(
    left=st.sampled_from(["dd", "3 days", "2 weeks"]),
    right=st.sampled_from(["wd", "1 working day", "mm", "3 months", "1 year"]),
    op=st.sampled_from(["+", "-", "<", "=", ">="]),
    flip=st.booleans(),
)
def test_duration_classes_never_mix(left: str, right: str, op: str, flip: bool) -> None:
    a, b = (right, left) if flip else (left, right)
    assume(not ({a, b} <= {"wd", "1 working day"}) and not ({a, b} <= {"mm", "3 months", "1 year"}))
    result = clausec.compile_text(PRELUDE + f"question probe : value of {a} {op} {b}\n")
    assert [d.code for d in result.diagnostics] == ["E0302"], describe(result)
