"""One test (or one parametrized family) per construct of the clause language, asserting on
the IR that :func:`clausec.compile_text` produces."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clausec
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import NEVER, DurationValue, EnumValue, MoneyValue

from conftest import (
    HEADER,
    PRELUDE,
    PRELUDE_LINES,
    codes,
    compile_body,
    contract_of,
    describe,
    span_text,
    value_expr,
)


# A normative clause wrapper: clause("1", "a must pay fee") -> the text of clause "1".
def clause(number: str, *norms: str, attrs: str = 'quote "q"') -> str:
    return f'\nclause "{number}"\n  {attrs}\n' + "".join(f"  {n}\n" for n in norms)


def only_norm(body: str) -> ir.Norm:
    c = contract_of(body)
    assert len(c.norms) == 1, c.norms
    return c.norms[0]


# ---------------------------------------------------------------- header and declarations


def test_contract_header() -> None:
    text = (
        'contract soolife_x\n  title "如此生活"\n  source "000.txt"\n  language zh-HK\n'
        "  calendar DE-SN\n"
    )
    result = clausec.compile_text(text, "h.clause")
    assert not result.diagnostics, describe(result)
    (c,) = result.contracts
    assert (c.id, c.title, c.source_document, c.language, c.calendar, c.file) == (
        "soolife_x",
        "如此生活",
        "000.txt",
        "zh-HK",
        "DE-SN",
        "h.clause",
    )
    assert c.span.line == 1
    assert c.clauses == () and c.norms == ()


def test_header_items_in_any_order() -> None:
    result = clausec.compile_text('contract x calendar CN language zh source "s" title "t"\n')
    assert not result.diagnostics, describe(result)
    assert (result.contracts[0].title, result.contracts[0].calendar) == ("t", "CN")


@pytest.mark.parametrize(
    "header, code",
    [
        ('contract x title "t" source "s" language fr calendar CN', "E0401"),
        ('contract x title "t" source "s" language zh calendar XX', "E0402"),
        ('contract x title "t" source "s" language zh', "E0400"),
    ],
)
def test_header_problems(header: str, code: str) -> None:
    result = clausec.compile_text(header + "\n")
    assert codes(result) == [code], describe(result)


def test_header_item_given_twice() -> None:
    result = clausec.compile_text(
        'contract x title "a" title "b" source "s" language zh calendar CN\n'
    )
    assert codes(result) == ["E0204"], describe(result)


def test_party() -> None:
    c = contract_of('party c role "甲方" name "鸿惠（上海）有限公司"\n')
    party = {p.name: p for p in c.parties}["c"]
    assert (party.role, party.legal_name) == ("甲方", "鸿惠（上海）有限公司")
    assert {p.name: p for p in c.parties}["a"].legal_name is None


@pytest.mark.parametrize(
    "spelled, expected",
    [
        ("boolean", T.BOOLEAN),
        ("integer", T.INTEGER),
        ("decimal", T.DECIMAL),
        ("money CNY", T.Money("CNY")),
        ("money EUR", T.Money("EUR")),
        ("date", T.DATE),
        ("duration in days", T.Duration("days")),
        ("duration in day", T.Duration("days")),
        ("duration in weeks", T.Duration("days")),
        ("duration in working days", T.Duration("working_days")),
        ("duration in months", T.Duration("months")),
        ("duration in years", T.Duration("months")),
        ("text", T.TEXT),
        ("one of low, medium, high", T.Enum("probe.level", ("low", "medium", "high"))),
    ],
)
def test_fact_types(spelled: str, expected: T.Type) -> None:
    c = contract_of(f'fact probe.level : {spelled} "described"\n')
    fact = {f.name: f for f in c.facts}["probe.level"]
    assert fact.type == expected
    assert (fact.kind, fact.description) == ("fact", "described")


def test_fact_unknown_currency() -> None:
    result = compile_body("fact z : money XYZ\n")
    assert codes(result) == ["E0106"], describe(result)


def test_enum_member_listed_twice() -> None:
    result = compile_body("fact z : one of a1, b1, a1\n")
    assert codes(result) == ["E0204"], describe(result)


def test_event_is_a_date_fact() -> None:
    c = contract_of('event service.stopped "乙方停止使用服务"\n')
    ev = {f.name: f for f in c.facts}["service.stopped"]
    assert (ev.kind, ev.type, ev.description) == ("event", T.DATE, "乙方停止使用服务")


def test_define_with_and_without_type() -> None:
    c = contract_of('define short : boolean = m < 100 CNY "too little"\ndefine doubled = m * 2\n')
    defs = {d.name: d for d in c.definitions}
    assert defs["short"].type == T.BOOLEAN and defs["short"].description == "too little"
    assert isinstance(defs["short"].expr, ir.Binary) and defs["short"].expr.op == "<"
    assert defs["doubled"].type == T.Money("CNY")


def test_define_declared_type_is_checked() -> None:
    result = compile_body("define wrong : integer = m * 2\n")
    assert codes(result) == ["E0300"], describe(result)


def test_define_circular() -> None:
    result = compile_body("define p1 : boolean = p2\ndefine p2 : boolean = p1\n")
    assert "E0210" in codes(result), describe(result)


def test_definition_used_in_expression() -> None:
    expr = value_expr("doubled > 5 CNY", extra="define doubled = m * 2\n")
    assert isinstance(expr, ir.Binary) and isinstance(expr.left, ir.DefRef)
    assert expr.left.type == T.Money("CNY")


def test_action_object_incompatible() -> None:
    c = contract_of(
        'action deduct "扣除"\naction release\nobject deposit : money CNY\n'
        "object service\nincompatible release, deduct\n"
    )
    actions = {a.name: a for a in c.actions}
    assert actions["deduct"].description == "扣除" and actions["release"].description is None
    objects = {o.name: o for o in c.objects}
    assert objects["deposit"].type == T.Money("CNY") and objects["service"].type is None
    assert ("deduct", "release") in c.incompatible


def test_incompatible_unknown_action() -> None:
    result = compile_body("incompatible pay, pya\n")
    assert codes(result) == ["E0202"], describe(result)


def test_incompatible_acts() -> None:
    c = contract_of("incompatible refund fee, pay goods, refund fee\nincompatible pay, refund\n")
    assert c.incompatible_acts == ((ir.Act("pay", "goods"), ir.Act("refund", "fee")),)
    assert c.incompatible == (("pay", "refund"),)


@pytest.mark.parametrize(
    "declaration", ["incompatible pay fee, refund", "incompatible pay, refund fee"]
)
def test_incompatible_forms_do_not_mix(declaration: str) -> None:
    result = compile_body(declaration + "\n")
    assert codes(result) and codes(result)[0].startswith("E01"), describe(result)


def test_incompatible_act_with_unknown_names() -> None:
    result = compile_body("incompatible pay fe, refund fee, pya goods\n")
    assert codes(result) == ["E0203", "E0202"], describe(result)
    assert contract_of("incompatible pay fee, pay fee\n").incompatible_acts == ()


def test_otherwise_provided_yields_to_an_incompatible_act() -> None:
    """Rule 4 of `unless otherwise provided`: a declared incompatible act of the same party,
    on another object; not another party's, and not an act left out of the declaration."""
    c = contract_of(
        "incompatible pay fee, refund goods\n"
        + clause("1", "a must pay fee when f unless otherwise provided")
        + clause("2", "a may refund goods when g", "b may refund goods", "a may notify goods")
    )
    assert [(p.higher, p.lower, p.kind) for p in c.priorities] == [
        ("2#1", "1#1", "otherwise_provided")
    ]


def test_duplicate_declarations() -> None:
    result = compile_body('party a role "again"\nfact f : integer\nevent n\n')
    assert codes(result) == ["E0204", "E0204", "E0204"], describe(result)


OTHER = """contract other title "O" source "o.txt" language en calendar CN
party a role "A"
action pay "pay"
object fee "fee"
clause "3" quote "q" a may pay fee
clause "7.1" quote "q" a must pay fee
"""


@pytest.fixture
def other_contract(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """compile_text resolves `import x from "file"` against the working folder."""
    (tmp_path / "other.clause").write_text(OTHER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_import_and_document(other_contract) -> None:  # type: ignore[no-untyped-def]
    c = contract_of(
        'import other from "other.clause"\n'
        'document alipay_terms "支付宝服务协议"\n'
        + clause("1", "a must pay fee", attrs='quote "q" refers to alipay_terms')
    )
    assert [(i.contract, i.path) for i in c.imports] == [("other", "other.clause")]
    assert [(d.name, d.title) for d in c.documents] == [("alipay_terms", "支付宝服务协议")]
    assert [str(r) for r in c.clause("1").refers_to] == ["document alipay_terms"]


def test_import_without_path_is_kept_but_unresolved() -> None:
    result = compile_body("import third\n")
    assert codes(result) == ["E0209"], describe(result)
    assert [(i.contract, i.path) for i in result.contracts[0].imports] == [("third", None)]


def test_import_of_missing_file() -> None:
    result = compile_body('import third from "no/such/file.clause"\n')
    assert "E0001" in codes(result), describe(result)


# ---------------------------------------------------------------- clauses


def test_clause_quote_gloss_refers_to() -> None:
    c = contract_of(
        clause("2", "a may pay fee")
        + clause("1", "a must pay fee", attrs='quote "原文" gloss "the text" refers to "2"')
    )
    cl = c.clause("1")
    assert (cl.number, cl.normative, cl.quote, cl.gloss, cl.reason) == (
        "1",
        True,
        "原文",
        "the text",
        None,
    )
    assert [(r.number, r.contract) for r in cl.refers_to] == [("2", None)]
    assert cl.norm_ids == ("1#1",)
    assert [cl.number for cl in c.clauses] == ["2", "1"]  # source order


def test_refers_to_other_contract(other_contract) -> None:  # type: ignore[no-untyped-def]
    c = contract_of(
        'import other from "other.clause"\n'
        + clause("1", "a must pay fee", attrs='quote "q" refers to "7.1" of other')
    )
    assert [(r.number, r.contract) for r in c.clause("1").refers_to] == [("7.1", "other")]


def test_refers_to_unknown_contract() -> None:
    result = compile_body(clause("1", "a must pay fee", attrs='quote "q" refers to "7" of nobody'))
    assert codes(result) == ["E0207"], describe(result)


def test_clause_attribute_twice() -> None:
    result = compile_body(clause("1", "a must pay fee", attrs='quote "q" quote "r"'))
    assert codes(result) == ["E0204"], describe(result)


def test_non_normative_with_reason() -> None:
    c = contract_of(
        '\nnon-normative "6.1"\n  quote "乙方同意缴存质保金。"\n  reason "definition"\n'
    )
    cl = c.clause("6.1")
    assert (cl.normative, cl.quote, cl.reason, cl.norm_ids) == (
        False,
        "乙方同意缴存质保金。",
        "definition",
        (),
    )
    assert c.norms == ()


def test_reason_in_normative_clause() -> None:
    result = compile_body(clause("1", "a must pay fee", attrs='quote "q" reason "r"'))
    assert codes(result) == ["E0407"], describe(result)


def test_normative_clause_without_norms() -> None:
    result = compile_body(clause("1"))
    assert codes(result) == ["E0405"], describe(result)


def test_clause_numbers_are_strings() -> None:
    c = contract_of(
        clause("6.2(4)(c)", "a must pay fee", "b may refund fee")
        + clause("annex-2 safety stock", "a can notify b")
    )
    assert [n.id for n in c.norms] == ["6.2(4)(c)#1", "6.2(4)(c)#2", "annex-2 safety stock#1"]
    assert c.clause("6.2(4)(c)").norm_ids == ("6.2(4)(c)#1", "6.2(4)(c)#2")


# ---------------------------------------------------------------- norm heads


@pytest.mark.parametrize(
    "modality, expected",
    [
        ("must", "obligation"),
        ("must not", "prohibition"),
        ("may", "permission"),
        ("can", "power"),
    ],
)
def test_modality(modality: str, expected: str) -> None:
    norm = only_norm(clause("1", f"a {modality} pay fee"))
    assert (norm.id, norm.clause, norm.modality) == ("1#1", "1", expected)
    assert (norm.party, norm.action, norm.object) == ("a", "pay", "fee")
    assert norm.beneficiary is None and norm.amount is None and norm.deadline is None
    assert norm.condition == ir.Const(True, T.BOOLEAN, norm.condition.span)
    assert norm.exceptions == () and norm.remedy_of is None and not norm.otherwise_provided


def test_object_may_be_a_party() -> None:
    norm = only_norm(clause("1", "a must notify b"))
    assert norm.object == "b"


@pytest.mark.parametrize(
    "spelled, kind",
    [
        ("(all)", "all"),
        ("(part)", "part"),
        ("(part or all)", "part_or_all"),
    ],
)
def test_amount_without_expression(spelled: str, kind: str) -> None:
    norm = only_norm(clause("1", f"a may pay fee {spelled}"))
    assert norm.amount is not None
    assert (norm.amount.kind, norm.amount.expr) == (kind, None)


@pytest.mark.parametrize("spelled, kind", [("up to", "up_to"), ("exactly", "exactly")])
def test_amount_with_expression(spelled: str, kind: str) -> None:
    norm = only_norm(clause("1", f"a must pay fee ({spelled} m * 2) to b"))
    assert norm.amount is not None and norm.amount.kind == kind
    assert isinstance(norm.amount.expr, ir.Binary)
    assert norm.amount.expr.type == T.Money("CNY")
    assert norm.beneficiary == "b"


def test_amount_expression_is_type_checked() -> None:
    result = compile_body(clause("1", "a must pay fee (up to m + 5)"))
    assert codes(result) == ["E0300"], describe(result)


def test_beneficiary() -> None:
    norm = only_norm(clause("1", "a must pay fee to b"))
    assert norm.beneficiary == "b"


def test_unknown_beneficiary() -> None:
    result = compile_body(clause("1", "a must pay fee to c"))
    assert codes(result) == ["E0201"], describe(result)


@pytest.mark.parametrize(
    "norm, code",
    [
        ("aa must pay fee", "E0201"),
        ("a must pya fee", "E0202"),
        ("a must pay fees", "E0203"),
    ],
)
def test_unknown_party_action_object(norm: str, code: str) -> None:
    result = compile_body(clause("1", norm))
    assert codes(result) == [code], describe(result)
    assert "did you mean" in (result.diagnostics[0].hint or "")


# ---------------------------------------------------------------- norm items


def test_when() -> None:
    norm = only_norm(clause("1", "a must pay fee when f"))
    assert norm.condition == ir.FactRef("f", T.BOOLEAN, norm.condition.span)


def test_several_whens_are_a_conjunction() -> None:
    norm = only_norm(clause("1", "a must pay fee when f when n > 3"))
    cond = norm.condition
    assert isinstance(cond, ir.Binary) and cond.op == "and" and cond.type == T.BOOLEAN
    assert isinstance(cond.left, ir.FactRef) and cond.left.name == "f"
    assert isinstance(cond.right, ir.Binary) and cond.right.op == ">"


def test_when_needs_a_boolean() -> None:
    result = compile_body(clause("1", "a must pay fee when n"))
    assert codes(result) == ["E0301"], describe(result)


def test_unless() -> None:
    norm = only_norm(clause("1", "a must pay fee unless f unless g"))
    assert [e.name for e in norm.exceptions] == ["f", "g"]  # type: ignore[union-attr]
    assert norm.condition == ir.Const(True, T.BOOLEAN, norm.condition.span)


def test_unless_otherwise_provided() -> None:
    c = contract_of(
        clause("1", "a must pay fee unless otherwise provided")
        + clause("2", "a must not pay fee when f")
        + clause("3", "a must refund fee")
    )
    assert c.norm("1#1").otherwise_provided
    assert not c.norm("2#1").otherwise_provided
    # 2#1 is about the same action and object: it prevails; 3#1 (another action) does not.
    assert [(p.higher, p.lower, p.kind, p.stated_in) for p in c.priorities] == [
        ("2#1", "1#1", "otherwise_provided", "1")
    ]


def test_unless_otherwise_provided_follows_incompatible_actions() -> None:
    c = contract_of(
        "incompatible pay, refund\n"
        + clause("1", "a must pay fee unless otherwise provided")
        + clause("2", "a may refund fee")
    )
    assert [(p.higher, p.lower, p.kind) for p in c.priorities] == [
        ("2#1", "1#1", "otherwise_provided")
    ]


def test_two_defaults_do_not_yield_to_each_other() -> None:
    c = contract_of(
        clause("1", "a must pay fee unless otherwise provided")
        + clause("2", "a must pay fee when f unless otherwise provided")
    )
    assert c.priorities == ()


@pytest.mark.parametrize(
    "item, kind, higher, lower",
    [
        ('subject to "2"', "subject_to", "2#1", "1#1"),
        ('notwithstanding "2"', "notwithstanding", "1#1", "2#1"),
        ('prevails over "2"', "prevails_over", "1#1", "2#1"),
    ],
)
def test_priority_items(item: str, kind: str, higher: str, lower: str) -> None:
    c = contract_of(clause("1", f"a must pay fee {item}") + clause("2", "a may refund fee"))
    assert [(p.higher, p.lower, p.kind, p.stated_in) for p in c.priorities] == [
        (higher, lower, kind, "1")
    ]


def test_priority_item_with_missing_clause() -> None:
    result = compile_body(clause("1", 'a must pay fee subject to "9"'))
    assert codes(result) == ["E0206"], describe(result)


def test_priority_into_other_contract_is_external(other_contract) -> None:  # type: ignore[no-untyped-def]
    c = contract_of(
        'import other from "other.clause"\n' + clause("1", 'a must pay fee subject to "3" of other')
    )
    assert c.priorities == ()
    (ext,) = c.external_priorities
    assert ext.kind == "subject_to" and ext.stated_in == "1"
    assert [(r.number, r.contract) for r in ext.higher] == [("3", "other")]
    assert [(r.number, r.contract) for r in ext.lower] == [("1", None)]


def test_precedence_inside_a_clause() -> None:
    c = contract_of(
        clause("8.5", "a must pay fee", "a must notify b")
        + clause("9.3", "a may refund fee")
        + clause("10", '"8.5" prevails over "9.3"')
    )
    assert [(p.higher, p.lower, p.kind, p.stated_in) for p in c.priorities] == [
        ("8.5#1", "9.3#1", "precedence", "10"),
        ("8.5#2", "9.3#1", "precedence", "10"),
    ]
    assert c.clause("10").norm_ids == ()


def test_precedence_with_missing_clause() -> None:
    result = compile_body(
        clause("8.5", "a must pay fee") + clause("10", '"8.5" prevails over "9.3"')
    )
    assert codes(result) == ["E0206"], describe(result)


def test_deadlines_extended() -> None:
    c = contract_of(clause("17", "deadlines extended by 30 days if f", "a must pay fee"))
    (ext,) = c.deadline_extensions
    assert ext.stated_in == "17"
    assert ext.amount == ir.Const(DurationValue(30, "days"), T.Duration("days"), ext.amount.span)
    assert isinstance(ext.condition, ir.FactRef) and ext.condition.name == "f"
    c = contract_of(clause("17", "deadlines extended by 2 months"))
    assert c.deadline_extensions[0].condition is None


def test_deadlines_extended_needs_duration() -> None:
    result = compile_body(clause("17", "deadlines extended by d"))
    assert codes(result) == ["E0305"], describe(result)


# ---------------------------------------------------------------- deadlines


def _deadline(text: str) -> ir.Deadline:
    norm = only_norm(clause("1", f"a must pay fee {text}"))
    assert norm.deadline is not None
    return norm.deadline


def test_within_after() -> None:
    d = _deadline("within 10 working days after e + 3 months")
    assert d.kind == "within" and not d.qualitative
    assert d.duration == ir.Const(
        DurationValue(10, "working_days"), T.Duration("working_days"), d.duration.span
    )
    assert isinstance(d.anchor, ir.Binary) and d.anchor.type == T.DATE
    assert (d.days, d.unit) == ((), None)


def test_at_least_before() -> None:
    d = _deadline("at least 1 month before e")
    assert d.kind == "at_least_before"
    assert d.duration is not None and d.duration.type == T.Duration("months")
    assert d.anchor == ir.FactRef("e", T.DATE, d.anchor.span)


@pytest.mark.parametrize("word", ["before", "by", "until"])
def test_date_bounds(word: str) -> None:
    d = _deadline(f"{word} 2025-01-31")
    assert d.kind == word and d.duration is None
    assert d.anchor == ir.Const(dt.date(2025, 1, 31), T.DATE, d.anchor.span)


@pytest.mark.parametrize(
    "text, kind", [("without undue delay", "without_undue_delay"), ("immediately", "immediately")]
)
def test_qualitative_deadlines(text: str, kind: str) -> None:
    d = _deadline(text)
    assert d.kind == kind and d.qualitative
    assert (d.duration, d.anchor) == (None, None)


def test_monthly() -> None:
    d = _deadline("on days 20 and 5 of every month")
    assert (d.kind, d.days, d.anchor) == ("monthly", (5, 20), None)
    d = _deadline("on day 5, 20 and 25 of every month after e")
    assert d.days == (5, 20, 25)
    assert d.anchor == ir.FactRef("e", T.DATE, d.anchor.span)


def test_monthly_invalid_day() -> None:
    result = compile_body(clause("1", "a must pay fee on days 5 and 32 of every month"))
    assert codes(result) == ["E0408"], describe(result)


@pytest.mark.parametrize(
    "unit, stored",
    [("month", "months"), ("week", "weeks"), ("year", "years"), ("working day", "working_days")],
)
def test_at_least_once_every(unit: str, stored: str) -> None:
    d = _deadline(f"at least once every {unit}")
    assert (d.kind, d.unit) == ("at_least_once_every", stored)


@pytest.mark.parametrize(
    "text, code",
    [
        ("within e after e", "E0305"),
        ("within 3 days after 3 days", "E0304"),
        ("before n", "E0304"),
        ("at least f before e", "E0305"),
    ],
)
def test_deadline_types(text: str, code: str) -> None:
    result = compile_body(clause("1", f"a must pay fee {text}"))
    assert codes(result) == [code], describe(result)


def test_one_deadline_per_norm() -> None:
    result = compile_body(clause("1", "a must pay fee immediately by 2025-01-01"))
    assert codes(result) == ["E0406"], describe(result)
    assert result.diagnostics[0].notes[0].message == "first deadline"


@pytest.mark.parametrize(
    "text, mode", [("extendable by 10 days if f", "by"), ("extendable to 2 months", "to")]
)
def test_extendable(text: str, mode: str) -> None:
    norm = only_norm(clause("1", f"a must pay fee within 1 month after e {text}"))
    (ext,) = norm.extensions
    assert ext.mode == mode and isinstance(ext.amount.type, T.Duration)
    assert (ext.condition is not None) == ("if" in text)


def test_form() -> None:
    norm = only_norm(clause("1", "a must notify b in writing or email or fax"))
    assert norm.forms == ("writing", "email", "fax")


def test_performed_on() -> None:
    norm = only_norm(clause("1", "a must pay fee within 10 days after e performed on e2"))
    assert norm.performed_on == "e2"


def test_performed_on_needs_an_event() -> None:
    result = compile_body(clause("1", "a must pay fee performed on f"))
    assert codes(result) == ["E0304"], describe(result)


def test_breach_when() -> None:
    norm = only_norm(clause("1", "a must pay fee breach when n > 2"))
    assert isinstance(norm.breach, ir.Binary) and norm.breach.type == T.BOOLEAN


def test_otherwise_remedy() -> None:
    c = contract_of(
        clause(
            "6.4",
            "a must pay fee within 10 days after e\n"
            "    otherwise b can refund fee immediately\n"
            "    otherwise b may notify a",
            "b may pay goods",
        )
    )
    assert [(n.id, n.modality, n.remedy_of) for n in c.norms] == [
        ("6.4#1", "obligation", None),
        ("6.4#2", "power", "6.4#1"),
        ("6.4#3", "permission", "6.4#1"),
        ("6.4#4", "permission", None),
    ]
    assert c.norm("6.4#2").deadline.kind == "immediately"  # type: ignore[union-attr]


def test_remedy_on_a_permission_warns() -> None:
    result = compile_body(clause("1", "a may pay fee otherwise b must refund fee"))
    assert codes(result) == ["W0100"], describe(result)
    assert result.ok  # a warning is not an error
    assert [n.remedy_of for n in result.contracts[0].norms] == [None, "1#1"]


# ---------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("f and g", T.BOOLEAN),
        ("f or not g", T.BOOLEAN),
        ("not f", T.BOOLEAN),
        ("true", T.BOOLEAN),
        ("false", T.BOOLEAN),
        ("n = 3", T.BOOLEAN),
        ("n != 3", T.BOOLEAN),
        ("n < 3", T.BOOLEAN),
        ("n <= x", T.BOOLEAN),
        ("m > 100 CNY", T.BOOLEAN),
        ("d >= 2024-01-01", T.BOOLEAN),
        ('t = "abc"', T.BOOLEAN),
        ("k = red", T.BOOLEAN),
        ("green != k", T.BOOLEAN),
        ("n + 1", T.INTEGER),
        ("n - 1", T.INTEGER),
        ("n * 2", T.INTEGER),
        ("-n", T.INTEGER),
        ("n / 2", T.DECIMAL),
        ("n + x", T.DECIMAL),
        ("x * 2.5", T.DECIMAL),
        ("5%", T.DECIMAL),
        ("12.5%", T.DECIMAL),
        ("m + 5 CNY", T.Money("CNY")),
        ("m - 0.50 CNY", T.Money("CNY")),
        ("m * 2", T.Money("CNY")),
        ("2 * m", T.Money("CNY")),
        ("m * 5%", T.Money("CNY")),
        ("m / 4", T.Money("CNY")),
        ("-m", T.Money("CNY")),
        ("m / 2 CNY", T.DECIMAL),
        ("eur + 1 EUR", T.Money("EUR")),
        ("3 days + dd", T.Duration("days")),
        ("2 weeks + 3 days", T.Duration("days")),
        ("wd + 1 working day", T.Duration("working_days")),
        ("mm + 1 year", T.Duration("months")),
        ("dd * 2", T.Duration("days")),
        ("2 * dd", T.Duration("days")),
        ("d + 3 days", T.DATE),
        ("3 months + d", T.DATE),
        ("d - 1 month", T.DATE),
        ("e + 10 working days", T.DATE),
        ("d - e", T.Duration("days")),
        ("2024-02-29", T.DATE),
        ("today", T.DATE),
        ("never", T.DATE),
        ("earliest of (d, e, 2025-01-01)", T.DATE),
        ("latest of (e + 1 month, today)", T.DATE),
        ("least of (n, 3)", T.INTEGER),
        ("greatest of (n, x, 0.5)", T.DECIMAL),
        ("least of (m, 100 CNY)", T.Money("CNY")),
        ("greatest of (wd, 5 working days)", T.Duration("working_days")),
        ("e has occurred", T.BOOLEAN),
        ("(d + 1 day) has occurred", T.BOOLEAN),
        ("dd >= 3 days", T.BOOLEAN),
        ("wd > 10 working days", T.BOOLEAN),
        ('"文本"', T.TEXT),
        ("t", T.TEXT),
        ("k", T.Enum("k", ("red", "green"))),
    ],
)
def test_expression_types(expr: str, expected: T.Type) -> None:
    assert value_expr(expr).type == expected


@pytest.mark.parametrize(
    "expr, code",
    [
        ("m + 5", "E0300"),
        ("m > 10000", "E0300"),
        ("m + 5 EUR", "E0303"),
        ("m < eur", "E0303"),
        ("wd >= 3 months", "E0302"),
        ("mm = 30 days", "E0302"),
        ("dd + wd", "E0302"),
        ("d + d", "E0300"),
        ("d + 3", "E0300"),
        ("d < 3 days", "E0300"),
        ("n has occurred", "E0304"),
        ("earliest of (d, 3 days)", "E0304"),
        ("least of (m, 5)", "E0300"),
        ("greatest of (m, eur)", "E0300"),
        ("least of (dd, wd)", "E0300"),
        ("least of (d, e)", "E0300"),
        ("greatest of (f, g)", "E0300"),
        ("f and n", "E0301"),
        ("not t", "E0301"),
        ("-d", "E0300"),
        ("-f", "E0300"),
        ("t + t", "E0300"),
        ("k = blue", "E0200"),
        ("nope + 1", "E0200"),
        ("5 XYZ", "E0106"),
        ("dd * 1.5", "E0300"),
    ],
)
def test_expression_type_errors(expr: str, code: str) -> None:
    result = compile_body(f"question probe : value of {expr}\n")
    assert codes(result) == [code], describe(result)


def test_unknown_name_did_you_mean() -> None:
    result = compile_body("question probe : value of e2 has occurred or f and gg\n")
    assert codes(result) == ["E0200"], describe(result)
    assert result.diagnostics[0].hint == "did you mean `g`?"


def test_operator_precedence_and_associativity() -> None:
    e = value_expr("f or g and not f")
    assert isinstance(e, ir.Binary) and e.op == "or"
    assert isinstance(e.right, ir.Binary) and e.right.op == "and"
    assert isinstance(e.right.right, ir.Unary) and e.right.right.op == "not"
    e = value_expr("1 + 2 * 3 - 4")
    assert isinstance(e, ir.Binary) and e.op == "-"
    assert isinstance(e.left, ir.Binary) and e.left.op == "+"
    assert isinstance(e.left.right, ir.Binary) and e.left.right.op == "*"
    e = value_expr("(1 + 2) * 3")
    assert isinstance(e, ir.Binary) and e.op == "*" and e.left.op == "+"  # type: ignore[union-attr]


def test_literal_values() -> None:
    assert value_expr("5%").value == Decimal("0.05")  # type: ignore[union-attr]
    assert value_expr("10000 CNY").value == MoneyValue(Decimal(10000), "CNY")  # type: ignore[union-attr]
    assert value_expr("3 working days").value == DurationValue(3, "working_days")  # type: ignore[union-attr]
    assert value_expr("2025-02-13").value == dt.date(2025, 2, 13)  # type: ignore[union-attr]
    assert value_expr("never").value == NEVER  # type: ignore[union-attr]
    assert value_expr("1.50").value == Decimal("1.50")  # type: ignore[union-attr]
    assert isinstance(value_expr("today"), ir.Today)
    e = value_expr("e has occurred")
    assert isinstance(e, ir.Occurred) and e.operand == ir.FactRef("e", T.DATE, e.operand.span)
    e = value_expr("earliest of (d, e)")
    assert isinstance(e, ir.Extremum) and e.kind == "earliest" and len(e.args) == 2
    e = value_expr("k = red")
    assert e.right == ir.Const(EnumValue("red"), T.Enum("k", ("red", "green")), e.right.span)  # type: ignore[union-attr]


def test_invalid_date() -> None:
    result = compile_body("question probe : value of d = 2023-02-29\n")
    assert codes(result) == ["E0106"], describe(result)


def test_string_escapes() -> None:
    c = contract_of(r'party c role "say \"hi\"\n\ttab \\ \u{4E2D}"' + "\n")
    assert {p.name: p.role for p in c.parties}["c"] == 'say "hi"\n\ttab \\ 中'


def test_invalid_escape() -> None:
    result = compile_body(r'party c role "bad \q escape"' + "\n")
    assert codes(result) == ["E0105"], describe(result)


def test_reserved_word_as_name() -> None:
    result = compile_body('action when "x"\n')
    assert "E0104" in codes(result), describe(result)


def test_comments_are_ignored() -> None:
    c = contract_of("# a comment\n" + clause("1", "a must pay fee # trailing comment"))
    assert [n.id for n in c.norms] == ["1#1"]


def test_crlf_line_endings() -> None:
    text = (PRELUDE + clause("1", "a must pay fee when f")).replace("\n", "\r\n")
    result = clausec.compile_text(text)
    assert not result.diagnostics, describe(result)


# ---------------------------------------------------------------- questions


def test_questions() -> None:
    c = contract_of(
        clause("1", "a may pay fee", "a must refund fee within 3 days after e")
        + clause("2", "a must not pay fee when f")
        + 'question q_may "May a pay?" : may a pay fee\n'
        + "question q_must : must a refund fee\n"
        + "question q_deadline : deadline of a refund fee\n"
        + "question q_value : value of m * 2\n"
    )
    qs = {q.name: q for q in c.questions}
    assert (qs["q_may"].kind, qs["q_may"].description, qs["q_may"].norm_ids) == (
        "may",
        "May a pay?",
        ("1#1", "2#1"),
    )
    assert (qs["q_must"].kind, qs["q_must"].norm_ids) == ("must", ("1#2",))
    assert (qs["q_deadline"].kind, qs["q_deadline"].norm_ids) == ("deadline", ("1#2",))
    assert (qs["q_deadline"].party, qs["q_deadline"].action, qs["q_deadline"].object) == (
        "a",
        "refund",
        "fee",
    )
    assert qs["q_value"].kind == "value" and qs["q_value"].norm_ids == ()
    assert qs["q_value"].expr is not None and qs["q_value"].expr.type == T.Money("CNY")


def test_question_without_norm() -> None:
    result = compile_body(clause("1", "a may pay fee") + "question q : must b pay fee\n")
    assert codes(result) == ["E0211"], describe(result)


# ---------------------------------------------------------------- scenarios

SCENARIO_BASE = (
    clause("1", "a may pay fee when f")
    + clause("2", "a must refund fee within 10 days after e unless g")
    + clause("3", "b must pay fee without undue delay")
    + "question may_pay : may a pay fee\n"
    + "question must_refund : must a refund fee\n"
    + "question refund_by : deadline of a refund fee\n"
    + "question b_pays : deadline of b pay fee\n"
    + "question total : value of m * 2\n"
    + "question ratio : value of x\n"
    + "question colour : value of k\n"
)


def scenario(*lines: str) -> ir.Scenario:
    c = contract_of(SCENARIO_BASE + '\nscenario "s"\n' + "".join(f"  {s}\n" for s in lines))
    (s,) = c.scenarios
    return s


def test_scenario_givens_and_as_of() -> None:
    s = scenario(
        "given f = true",
        "given n = -3",
        "given x = 2",
        "given m = -12.5 CNY",
        "given d = 2024-10-24",
        "given e = never",
        "given dd = 3 days",
        'given t = "文本"',
        "given k = green",
        "given mm = 2 months",
        "as of 2025-01-01",
    )
    assert s.title == "s"
    assert dict(s.givens) == {
        "f": True,
        "n": -3,
        "x": Decimal(2),
        "m": MoneyValue(Decimal("-12.5"), "CNY"),
        "d": dt.date(2024, 10, 24),
        "e": NEVER,
        "dd": DurationValue(3, "days"),
        "t": "文本",
        "k": EnumValue("green"),
        "mm": DurationValue(2, "months"),
    }
    assert isinstance(dict(s.givens)["x"], Decimal)
    assert s.as_of == dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    "question, answer, stored, value",
    [
        ("may_pay", "yes", "yes", None),
        ("may_pay", "no", "no", None),
        ("may_pay", "undetermined", "undetermined", None),
        ("must_refund", "obliged", "obliged", None),
        ("must_refund", "not obliged", "not_obliged", None),
        ("must_refund", "undetermined", "undetermined", None),
        ("refund_by", "2024-11-03", "value", dt.date(2024, 11, 3)),
        ("refund_by", "none", "none", None),
        ("b_pays", "without undue delay", "without_undue_delay", None),
        ("b_pays", "immediately", "immediately", None),
        ("total", "20 CNY", "value", MoneyValue(Decimal(20), "CNY")),
        ("ratio", "3", "value", Decimal(3)),
        ("colour", "red", "value", EnumValue("red")),
    ],
)
def test_expect_answers(question: str, answer: str, stored: str, value: object) -> None:
    s = scenario(f"expect {question} is {answer}")
    (e,) = s.expectations
    assert (e.question, e.answer, e.value) == (question, stored, value)


def test_expect_details() -> None:
    s = scenario(
        'expect must_refund is obliged because "2" overriding "1", "3" '
        "depending on g, e by 2024-11-03"
    )
    (e,) = s.expectations
    assert [r.number for r in e.because] == ["2"]
    assert [r.number for r in e.overriding] == ["1", "3"]
    assert e.depending_on == ("g", "e")
    assert e.due_by == dt.date(2024, 11, 3)


@pytest.mark.parametrize(
    "line, code",
    [
        ("expect must_refund is yes", "E0306"),
        ("expect may_pay is obliged", "E0306"),
        ("expect total is yes", "E0306"),
        ("expect refund_by is 3 days", "E0306"),
        ("expect total is 20 EUR", "E0306"),
        ("expect nobody is yes", "E0208"),
        ("given f = 3", "E0306"),
        ("given k = blue", "E0306"),
        ("given f = g", "E0307"),
        ("given n = 1 + 2", "E0307"),
        ("given unknown.fact = true", "E0200"),
        ("as of 3 days", "E0306"),
        ('expect may_pay is yes because "9"', "E0206"),
        ("expect may_pay is yes depending on nothing", "E0200"),
    ],
)
def test_scenario_errors(line: str, code: str) -> None:
    result = compile_body(SCENARIO_BASE + f'\nscenario "s"\n  {line}\n')
    assert codes(result) == [code], describe(result)


def test_given_twice() -> None:
    result = compile_body(SCENARIO_BASE + '\nscenario "s" given f = true given f = false\n')
    assert codes(result) == ["E0204"], describe(result)


def test_given_a_definition() -> None:
    result = compile_body(
        "define short : boolean = m < 5 CNY\n" + '\nscenario "s" given short = true\n'
    )
    assert codes(result) == ["E0200"], describe(result)
    assert "definition" in result.diagnostics[0].message


# ---------------------------------------------------------------- spans


def test_spans_point_at_the_source() -> None:
    body = clause("1", "a must pay fee to b when n > 3 within 10 working days after e")
    text = PRELUDE + body
    c = contract_of(body)
    norm = c.norm("1#1")
    line = PRELUDE_LINES + 4
    assert norm.span.line == line
    assert span_text(text, norm.condition.span) == "n > 3"
    assert norm.deadline is not None
    assert span_text(text, norm.deadline.span) == "within 10 working days after e"
    assert span_text(text, norm.deadline.duration.span) == "10 working days"  # type: ignore[union-attr]
    assert c.clause("1").span.line == line - 2
    assert span_text(text, norm.span).startswith("a must pay fee to b")


def test_norm_ids_count_remedies_in_order() -> None:
    c = contract_of(clause("1", "a must pay fee otherwise a must refund fee", "b may pay fee"))
    assert [n.id for n in c.norms] == ["1#1", "1#2", "1#3"]


def test_header_only_minimal_file() -> None:
    result = clausec.compile_text(HEADER)
    assert not result.diagnostics, describe(result)


# ---------------------------------------------------------------- layout independence


@pytest.mark.parametrize(
    "before",
    [
        "event e3",  # a declaration that ends with a name
        "define z : boolean = f",  # an expression that ends with a name
        'event e3 "described"',  # one that ends with a string
        'clause "0" quote "q" a must pay fee when f',
    ],
)
@pytest.mark.parametrize("sep", [" ", "\n"])
def test_non_normative_after_any_declaration(before: str, sep: str) -> None:
    """Declarations need no separator: `non-normative` must be recognised after any of them,
    on the same line or the next."""
    c = contract_of(f'{before}{sep}non-normative "1" quote "q" reason "r"\n')
    assert c.clause("1").normative is False


def _all_spans(node: object) -> list[tuple[str, tuple[int, int, int, int]]]:
    import attrs

    from clausec.source import Span

    out: list[tuple[str, tuple[int, int, int, int]]] = []

    def walk(x: object, owner: str) -> None:
        if isinstance(x, Span):
            out.append((owner, (x.line, x.column, x.end_line, x.end_column)))
        elif attrs.has(type(x)):
            for f in attrs.fields(type(x)):
                walk(getattr(x, f.name), f"{type(x).__name__}.{f.name}")
        elif isinstance(x, (tuple, list)):
            for y in x:
                walk(y, owner)

    walk(node, "")
    return out


RICH_BODY = (
    clause(
        "1",
        "a must pay fee (up to m * 2) to b\n"
        "    when f and not (n > 3) and e has occurred\n"
        "    within 10 working days after e + 3 months\n"
        "    unless g\n"
        "    otherwise b can refund fee immediately",
        attrs='quote "甲方应当支付" gloss "pays"',
    )
    + clause(
        "2",
        "a may notify b on days 5 and 20 of every month after e2",
        "a must not refund goods by earliest of (d, e2 + 1 month) in writing or email",
    )
    + "question q : value of (m + 5 CNY) * 2\n"
)


def test_spans_after_a_syntax_error_are_unchanged() -> None:
    """After a syntax error the parser recovers declaration by declaration; the spans it
    gives the later declarations must be exactly those of a clean parse."""
    clean = contract_of(RICH_BODY)
    broken = compile_body("fact broken : : boolean\n" + RICH_BODY)
    assert [d.code for d in broken.diagnostics] == ["E0100"]
    recovered = broken.contract("t")

    def shifted(spans: list[tuple[str, tuple[int, int, int, int]]]) -> list[object]:
        return [(o, (a + 1, b, c + 1, d)) for o, (a, b, c, d) in spans]

    for attr in ("norms", "questions", "clauses"):
        assert _all_spans(getattr(recovered, attr)) == shifted(_all_spans(getattr(clean, attr))), (
            attr
        )


def test_spans_are_well_formed_in_a_clean_parse() -> None:
    c = contract_of(RICH_BODY)
    for owner, (line, col, end_line, end_col) in _all_spans(c.norms) + _all_spans(c.questions):
        assert line < end_line or (line == end_line and col <= end_col), owner


def test_deep_condition_span_covers_parentheses() -> None:
    body = clause("1", "a must pay fee when not (f or g)")
    text = PRELUDE + body
    norm = only_norm(body)
    assert span_text(text, norm.condition.span) == "not (f or g)"


def test_duplicate_clause_leaves_nothing_in_the_ir() -> None:
    """A clause whose number is taken is reported and dropped: nothing it says (priorities,
    deadline extensions) may reach the IR, attributed to the first clause of that number."""
    result = compile_body(
        clause("1", "a must pay fee")
        + clause("2", "a may refund fee")
        + clause(
            "1",
            'a must refund fee subject to "2" unless otherwise provided',
            "deadlines extended by 3 days",
        )
    )
    assert [d.code for d in result.diagnostics] == ["E0205"]
    c = result.contract("t")
    assert [n.id for n in c.norms] == ["1#1", "2#1"]
    assert c.priorities == ()
    assert c.deadline_extensions == ()


def test_long_flat_disjunction_is_not_nesting() -> None:
    """`a or b or c …` is a flat list, however long; only real nesting is limited."""
    chain = " or ".join(["f", "g"] * 150)
    norm = only_norm(clause("1", f"a must pay fee when {chain}"))
    assert norm.condition.type == T.BOOLEAN


def test_nesting_limit_still_applies() -> None:
    result = compile_body(clause("1", "a must pay fee when " + "(" * 300 + "f" + ")" * 300))
    assert codes(result) == ["E0103"], describe(result)
    assert "nested" in result.diagnostics[0].message


# ---------------------------------------------------------------- syntax error messages


def test_syntax_error_lists_keywords_that_may_follow() -> None:
    """After `and` an operand is expected, including `not`, `true` and `today`."""
    result = compile_body(clause("1", "a must pay fee when f and )"))
    (d,) = result.diagnostics
    assert d.code == "E0100"
    for word in ("`not`", "`true`", "`today`"):
        assert word in d.label, d.label


def test_syntax_error_suggests_close_keyword() -> None:
    result = compile_body(clause("1", "a must pay fee within 3 days afer e"))
    (d,) = result.diagnostics
    assert (d.code, d.hint) == ("E0100", "did you mean `after`?")


def test_misspelled_when_is_pointed_out() -> None:
    """`whem f` lexes as a new norm's party; the error must still lead to `when`."""
    result = compile_body(clause("1", "a must pay fee\n    whem f"))
    (d,) = result.diagnostics
    assert "`when`" in f"{d.message} {d.label} {d.hint}", d


@settings(max_examples=300)
@given(st.text(alphabet='"\\#\n x', max_size=40), st.text(alphabet='"\\#\n x', max_size=8))
def test_recovery_scan_reads_text_as_the_lexer_does(left: str, right: str) -> None:
    """The linear scan that finds strings, comments and declaration lines for error recovery
    reads text as a plain regular-expression scan does (one that is quadratic on runaway
    strings)."""
    from clausec.syntax.grammar import DECLARATION_KEYWORDS
    from clausec.syntax.parser import _lexemes

    naive = re.compile(
        r'"(?:[^"\\]|\\.)*"|#[^\n]*|(?m:^[ \t]*(?:'
        + "|".join(DECLARATION_KEYWORDS)
        + r")(?![a-z0-9_-]))"
    )
    text = left + "clause" + right + "\nfact " + left
    kinds = {'"': "string", "#": "comment"}
    expected = [
        (kinds.get(m.group(0)[0], "keyword"), m.start(), m.end()) for m in naive.finditer(text)
    ]
    assert list(_lexemes(text)) == expected


@pytest.mark.parametrize(
    "number, ok",
    [
        ("½²①", True),
        ("§\u00a05 (2)", True),
        ("annex-2 account instructions ②", True),
        ("¶16.4", True),
        ("x" * 100, True),
        ("x" * 101, False),
        ("1\\n2", False),
        ("1\\u{2028}", False),
        ("5\\u{202E}1", False),
        ("5\\u{200B}", False),
        ("5\\u{0}", False),
        ("5\\t", False),
        (" 5", False),
        ("", False),
        ("\\u{E000}", False),
        ("\\u{378}", False),
    ],
)
def test_clause_numbers_must_be_showable(number: str, ok: bool) -> None:
    body = f'clause "{number}"\n  quote "q"\n  a must pay fee\n'
    result = compile_body(body)
    assert codes(result) == ([] if ok else ["E0411"]), describe(result)


def test_a_keyword_is_a_whole_word() -> None:
    # Where only a declaration may start, Lark's contextual lexer once read `importx other`
    # as `import xother` (found by tests/test_fmt.py's mutations: fmt then wrote the space).
    result = clausec.compile_text(HEADER + 'importxother from "other.clause"\n')
    assert [d.code for d in result.diagnostics] == ["E0100"], result.diagnostics
    assert "`importxother`" in result.diagnostics[0].message


def test_a_name_may_start_with_a_keyword() -> None:
    text = PRELUDE + "fact importance : boolean\nfact whenever : boolean\nfact notice : date\n"
    result = clausec.compile_text(text)
    assert not [d for d in result.diagnostics if d.severity.value == "error"], result.diagnostics
