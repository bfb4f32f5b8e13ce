"""Obligation graphs: the networkx model, its views, DOT / Mermaid / SVG output, `clausec graph`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import clausec
from clausec.graph import build, dot, mermaid, views
from clausec.graph.output import LARGE, draw, scenario_facts, view_of
from clausec.graph.style import RELATION_WORD, width_of, wrap
from clausec.ir.queries import facts_read, question_expressions, relevant_norms, used_definitions
from clausec.ir.text import norm_sentence

from conftest import SHIPPED, run_cli, run_cli_process

GOLDEN = Path(__file__).resolve().parent / "golden" / "graph"
DEPOSIT = GOLDEN / "deposit_rules.clause"  # the deposit rules, frozen (see its header)
SHIPPED_DEPOSIT = Path(__file__).resolve().parents[1] / "contracts" / "soolife" / "deposit.clause"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAS_DOT, reason="Graphviz `dot` is not installed (CI installs it)"
)
CLEAN_EXIT = "clean exit: release 10 working days after three months, across the Spring Festival"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module")
def deposit() -> clausec.ir.nodes.Contract:
    return clausec.load(DEPOSIT)


def edges(g: object, relation: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, k in g.edges(keys=True) if k == relation}  # type: ignore[attr-defined]


# ------------------------------------------------------------------ the model


def test_model_nodes_of_the_deposit_rules(deposit: clausec.ir.nodes.Contract) -> None:
    g = build(deposit)
    assert g.nodes["party:platform"] == {
        "kind": "party",
        "name": "platform",
        "role": "甲方（服务方）",
        "legal_name": "鸿惠（上海）信息技术服务有限公司",
    }
    n = g.nodes["norm:6.2(1)#1"]
    assert (
        n["kind"],
        n["clause"],
        n["modality"],
        n["party"],
        n["action"],
        n["object"],
        n["beneficiary"],
        n["deadline"],
    ) == ("norm", "6.2(1)", "obligation", "platform", "release", "deposit", "merchant", "within")
    assert n["deadline_text"] == "within 10 working days after service.stopped + 3 months"
    assert n["otherwise_provided"] is True
    assert n["quote"].startswith("乙方未有违反甲方各项规则的行为")
    assert g.nodes["norm:6.4#2"]["remedy_of"] == "6.4#1"
    assert g.nodes["norm:6.2(4)(e)#1"]["amount"] == "up_to"
    assert g.nodes["fact:service.stopped"]["kind"] == "event"
    assert g.nodes["fact:complaint.unresolved_for"] == {
        "kind": "fact",
        "name": "complaint.unresolved_for",
        "type": "duration in working days",
        "description": "经过与乙方协商沟通后未妥善解决的工作日数",
    }
    assert g.nodes["definition:deposit.short"]["type"] == "boolean"
    assert g.nodes["question:top_up_deadline"]["question_kind"] == "deadline"
    assert g.nodes["clause:6.1"]["normative"] is False
    kinds = [d["kind"] for _, d in g.nodes(data=True)]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "party": 2,
        "action": 6,
        "object": 3,
        "fact": 15,
        "event": 7,
        "definition": 2,
        "clause": 13,
        "norm": 15,
        "question": 4,
    }


def test_model_edges_of_the_deposit_rules(deposit: clausec.ir.nodes.Contract) -> None:
    g = build(deposit)
    assert ("party:platform", "norm:6.2(1)#1") in edges(g, "bears")
    assert ("party:merchant", "norm:6.4#1") in edges(g, "bears")
    assert edges(g, "benefits") == {(f"norm:6.2({i})#1", "party:merchant") for i in (1, 2, 3)}
    assert edges(g, "triggers") == {("norm:6.4#1", "norm:6.4#2")}
    assert edges(g, "performed_on") == {("norm:6.4#1", "fact:deposit.topped_up")}
    assert edges(g, "counts_from") == {
        ("norm:6.2(1)#1", "fact:service.stopped"),
        ("norm:6.2(2)#1", "fact:agreement.terminated_by_platform"),
        ("norm:6.2(3)#1", "fact:last_order.placed"),
        ("norm:6.4#1", "fact:deposit.payout"),
    }
    assert g.edges["norm:6.2(1)#1", "definition:merchant.clean", "reads"]["roles"] == ("condition",)
    assert g.edges["norm:6.2(1)#1", "fact:service.stopped", "reads"]["roles"] == (
        "condition",
        "deadline",
    )
    assert g.edges["norm:6.2(4)(e)#1", "fact:platform.loss", "reads"]["roles"] == (
        "amount",
        "condition",
    )
    assert {v for _, v, k in g.out_edges("definition:merchant.clean", keys=True)} == {
        "fact:merchant.violated_rules",
        "fact:merchant.complaint_or_dispute",
    }
    priority = g.edges["norm:5.11#1", "norm:6.2(1)#1", "prevails_over"]
    assert (priority["priority"], priority["stated_in"]) == ("otherwise_provided", "6.2(1)")
    assert len(edges(g, "prevails_over")) == 16
    assert edges(g, "incompatible") == {("action:deduct", "action:release")}
    assert ("clause:6.2(4)(c)", "norm:6.2(4)(c)#2") in edges(g, "contains")
    assert edges(g, "refers_to") == {
        ("clause:annex-2 safety stock", "clause:6.2(4)(a)"),
        ("clause:annex-2 safety stock", "clause:6.3"),
    }
    assert {v for u, v in edges(g, "asks") if u == "question:top_up_deadline"} == {"norm:6.4#1"}


def test_may_read_is_exactly_what_the_interpreter_may_read(
    deposit: clausec.ir.nodes.Contract,
) -> None:
    g = build(deposit)
    for q in deposit.questions:
        expected = {f"norm:{n.id}" for n in relevant_norms(deposit, q)}
        expected |= {f"definition:{d}" for d in used_definitions(deposit, q)}
        expected |= {f"fact:{f}" for f in facts_read(deposit, question_expressions(deposit, q))}
        assert {v for u, v in edges(g, "may_read") if u == f"question:{q.name}"} == expected
    assert {v for u, v in edges(g, "may_read") if u == "question:top_up_deadline"} == {
        "norm:6.4#1",
        "definition:deposit.short",
        "fact:deposit.payout",
        "fact:deposit.balance",
        "fact:deposit.required",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_declaration_of_a_shipped_contract_is_a_node(path: Path) -> None:
    result = clausec.check_paths([path])
    assert result.ok, [str(d) for d in result.diagnostics][:3]
    for contract in result.contracts:
        check_model_and_views(contract)


def check_model_and_views(contract: clausec.ir.nodes.Contract) -> None:
    g = build(contract)
    for norm in contract.norms:
        node = g.nodes[f"norm:{norm.id}"]
        assert (node["modality"], node["clause"]) == (norm.modality, norm.clause)
        assert [u for u, _, k in g.in_edges(f"norm:{norm.id}", keys=True) if k == "bears"] == [
            f"party:{norm.party}"
        ]
    for name in (
        [f"fact:{f.name}" for f in contract.facts]
        + [f"definition:{d.name}" for d in contract.definitions]
        + [f"party:{p.name}" for p in contract.parties]
        + [f"question:{q.name}" for q in contract.questions]
    ):
        assert "kind" in g.nodes[name], name
    # Every node is declared (no edge created a bare node).
    assert all("kind" in d for _, d in g.nodes(data=True))
    for view in ("obligations", "dependencies", "remedies"):
        text = draw(contract, view, "dot")
        assert text.count("{") == text.count("}") and text.startswith("digraph")


# ------------------------------------------------------------------ views


def test_obligations_view(deposit: clausec.ir.nodes.Contract) -> None:
    v = views.obligations(build(deposit))
    assert list(v.graph["clusters"]) == ["party:platform", "party:merchant"]
    assert v.nodes["norm:6.4#1"]["cluster"] == "party:merchant"
    assert v.nodes["norm:6.2(4)(c)#2"]["cluster"] == "party:platform"
    assert v.nodes["norm:6.2(4)(c)#2"]["label"][:2] == (
        "6.2(4)(c) #2",
        "platform can terminate agreement",
    )
    assert "甲方接到买家投诉" in v.nodes["norm:6.2(4)(c)#2"]["tooltip"]
    assert v.nodes["norm:6.2(4)(c)#2"]["modality"] == "power"
    assert {k for _, _, k in v.edges(keys=True)} == {"benefits", "triggers", "prevails_over"}
    assert sum(1 for _, d in v.nodes(data=True) if d["kind"] == "norm") == 15


def test_dependencies_view_and_cone_of_a_question(deposit: clausec.ir.nodes.Contract) -> None:
    model = build(deposit)
    whole = views.dependencies(model)
    assert {n for n, d in whole.nodes(data=True) if d["kind"] == "question"} == {
        f"question:{q.name}" for q in deposit.questions
    }
    cone = views.dependencies(model, "top_up_deadline")
    assert set(cone) == {
        "question:top_up_deadline",
        "norm:6.4#1",
        "definition:deposit.short",
        "fact:deposit.payout",
        "fact:deposit.balance",
        "fact:deposit.required",
    }
    assert edges(cone, "reads") == {
        ("norm:6.4#1", "fact:deposit.payout"),
        ("norm:6.4#1", "definition:deposit.short"),
        ("definition:deposit.short", "fact:deposit.balance"),
        ("definition:deposit.short", "fact:deposit.required"),
    }
    assert edges(cone, "asks") == {("question:top_up_deadline", "norm:6.4#1")}
    with pytest.raises(KeyError):
        views.dependencies(model, "no_such_question")


def test_only_clauses_keeps_the_norms_of_those_clauses(deposit: clausec.ir.nodes.Contract) -> None:
    model = build(deposit)
    v = views.only_clauses(views.obligations(model), model, ["6.2(4)", "6.4"])
    assert {n for n, d in v.nodes(data=True) if d["kind"] == "norm"} == {
        f"norm:{i}"
        for i in (
            "6.2(4)(a)#1",
            "6.2(4)(b)#1",
            "6.2(4)(c)#1",
            "6.2(4)(c)#2",
            "6.2(4)(d)#1",
            "6.2(4)(e)#1",
            "6.4#1",
            "6.4#2",
            "6.4#3",
        )
    }
    assert edges(v, "triggers") == {("norm:6.4#1", "norm:6.4#2")}
    assert not edges(v, "prevails_over")  # 6.2(1) and 6.2(2) are not drawn
    assert v.graph["title"].endswith("(clauses 6.2(4), 6.4)")
    assert views.in_clauses("8.4 a)", ["8.4"]) and not views.in_clauses("8.40", ["8.4"])
    only_merchant = views.only_clauses(views.obligations(model), model, ["6.4"])
    assert list(only_merchant.graph["clusters"]) == ["party:platform", "party:merchant"]
    none = views.only_clauses(views.obligations(model), model, ["5.11"])
    assert list(none.graph["clusters"]) == ["party:platform"]  # merchant: nothing left
    assert set(none) == {"party:platform", "norm:5.11#1"}


def test_remedies_view(deposit: clausec.ir.nodes.Contract) -> None:
    v = views.remedies(build(deposit))
    assert set(v) == {"norm:6.4#1", "norm:6.4#2", "fact:deposit.payout", "fact:deposit.topped_up"}
    assert {(u, v_, k) for u, v_, k in v.edges(keys=True)} == {
        ("fact:deposit.payout", "norm:6.4#1", "counts_from"),
        ("norm:6.4#1", "fact:deposit.topped_up", "performed_on"),
        ("norm:6.4#1", "norm:6.4#2", "triggers"),
    }
    assert v.graph["clusters"] == {
        "party:merchant": "merchant (乙方（使用方）)",
        "party:platform": "platform (甲方（服务方）)",
    }


def test_remedies_view_of_a_contract_without_remedies() -> None:
    result = clausec.compile_text(
        'contract t title "T" source "t.txt" language en calendar CN\n'
        'party a role "A"\naction pay\nobject fee\nfact f : boolean\n'
        'clause "1" quote "A pays." a must pay fee when f\n'
    )
    v = views.remedies(build(result.contracts[0]))
    assert len(v) == 0 and v.graph["notes"][0].startswith("no remedies")
    assert "no remedies" in dot.to_dot(v)


def test_timeline_of_the_clean_exit_scenario(deposit: clausec.ir.nodes.Contract) -> None:
    facts, as_of = scenario_facts(deposit, CLEAN_EXIT)
    v = views.timeline(build(deposit), deposit, facts, as_of)
    ranks = {group[0]: group[1:] for group in v.graph["ranks"]}
    assert list(ranks) == ["date:2024-10-24", "date:2025-02-13", "date:never"]
    assert ranks["date:2024-10-24"] == ["fact:service.stopped"]
    assert ranks["date:2025-02-13"] == ["norm:6.2(1)#1"]
    assert "due 2025-02-13" in v.nodes["norm:6.2(1)#1"]["label"]
    assert v.nodes["norm:6.2(1)#1"]["tentative"] is False
    # 6.2(2) counts from an event that never happens, and its notice date is not given.
    assert v.nodes["norm:6.2(2)#1"]["tentative"] is True
    assert ranks["date:never"] == ["norm:6.2(2)#1", "fact:agreement.terminated_by_platform"]
    assert v.edges["date:2024-10-24", "date:2025-02-13", "next"]["label"] == "+112 days"
    assert ("fact:service.stopped", "norm:6.2(1)#1") in edges(v, "counts_from")
    assert v.nodes["norm:6.4#1"]["cluster"] == "undetermined"  # no payout date given
    assert "6.2(3)#1" not in v and "norm:6.2(3)#1" not in v  # does not apply
    assert not any(n.startswith("warning") for n in v.graph["notes"])


def test_timeline_shows_calendar_warnings(deposit: clausec.ir.nodes.Contract) -> None:
    from clausec.evaluation.facts import read_facts

    facts = read_facts(
        deposit,
        {
            "service.stopped": "2049-10-24",
            "merchant.violated_rules": False,
            "merchant.complaint_or_dispute": False,
        },
    )
    v = views.timeline(build(deposit), deposit, facts, None, "release_deadline")
    warnings = [n for n in v.graph["notes"] if n.startswith("warning:")]
    assert warnings and all("calendar CN" in w for w in warnings)
    assert any("make-up working days are known through" in w for w in warnings)
    assert "warning: calendar CN" in dot.to_dot(v)
    assert {n for n, d in v.nodes(data=True) if d["kind"] == "norm"} <= {
        f"norm:{n}" for n in ("6.2(1)#1", "6.2(2)#1", "6.2(3)#1")
    }


# ------------------------------------------------------------------ labels and legend


def test_norm_labels_are_the_sites_sentence_with_the_id_under_it(
    deposit: clausec.ir.nodes.Contract,
) -> None:
    v = views.obligations(build(deposit))
    for norm in deposit.norms:
        data = v.nodes[f"norm:{norm.id}"]
        assert data["small"] == (f"norm {norm.id}",)
        # The sentence the site shows, wrapped: one wording per meaning.
        assert " ".join(data["label"][1:]).startswith(norm_sentence(norm))
    assert v.nodes["norm:6.2(1)#1"]["label"][1:4] == (
        "platform must release deposit to merchant",
        "within 10 working days after (3 months",
        "after service.stopped)",
    )
    assert v.nodes["party:merchant"]["small"] == ()
    text = dot.to_dot(v)
    assert '<FONT POINT-SIZE="8" COLOR="#555555">norm 6.2(1)#1</FONT>' in text
    assert "<small>norm 6.2(1)#35;1</small>" in mermaid.to_mermaid(v)
    assert '    q0["<b>5.11</b><br/>' in mermaid.to_mermaid(v)  # the legend
    # A fact says what it is, its name under it.
    deps = views.dependencies(build(deposit), "top_up_deadline")
    assert deps.nodes["fact:deposit.payout"]["label"] == ("发生赔付（质保金数额减少）",)
    assert deps.nodes["fact:deposit.payout"]["small"] == ("deposit.payout",)


def test_edges_are_labelled_where_relations_meet(deposit: clausec.ir.nodes.Contract) -> None:
    model = build(deposit)
    for v in (views.obligations(model), views.dependencies(model), views.remedies(model)):
        kinds: dict[str, set[str]] = {}
        for a, b, k in v.edges(keys=True):
            kinds.setdefault(a, set()).add(k)
            kinds.setdefault(b, set()).add(k)
        for a, b, k, data in v.edges(keys=True, data=True):
            if len(kinds[a]) > 1 or len(kinds[b]) > 1:
                assert data["label"], (a, b, k)
                assert data["label"] == RELATION_WORD[k] or k == "triggers", (a, b, k)
    v = views.obligations(model)
    # 6.2(1) benefits the merchant and yields to eight norms: every arrow says which it is.
    assert v.edges["norm:5.11#1", "norm:6.2(1)#1", "prevails_over"]["label"] == "prevails over"
    assert v.edges["norm:6.2(1)#1", "party:merchant", "benefits"]["label"] == "benefits"
    assert "label=<prevails over>" in dot.to_dot(v)
    assert '==>|"prevails over"|' in mermaid.to_mermaid(v)
    # After a filter, only one relation left at both ends: no label needed, none drawn.
    only = views.only_clauses(v, model, ["5.11", "6.2(4)(a)", "6.2(2)"])
    assert only.edges["norm:5.11#1", "norm:6.2(2)#1", "prevails_over"]["label"] == "prevails over"
    contract = clausec.compile_text(
        'contract t title "T" source "t.txt" language en calendar CN\n'
        'party a role "A"\naction pay\nobject fee\nfact f : boolean\n'
        'clause "1" quote "A pays."\n  a must pay fee when f\n'
        'clause "2" quote "A need not."\n  a must not pay fee when f\n  prevails over "1"\n'
    ).contracts[0]
    single = views.obligations(build(contract))
    assert single.edges["norm:2#1", "norm:1#1", "prevails_over"]["label"] is None


def test_glosses_wrap_and_are_never_cut_inside_a_word() -> None:
    gloss = " ".join(f"word{i} 中文中文中文中文中文" for i in range(40))
    contract = clausec.compile_text(
        'contract t title "T" source "t.txt" language en calendar CN\n'
        'party a role "A"\naction pay\nobject fee\nfact f : boolean\n'
        f'clause "1" quote "A pays." gloss "{gloss}"\n  a must pay fee when f\n'
        'clause "2" quote "A pays again." gloss "Short."\n  a may pay fee when f\n'
    ).contracts[0]
    v = views.obligations(build(contract))
    label = v.nodes["norm:1#1"]["label"]
    shown = label[2:]
    assert len(shown) == views.GLOSS_LINES and shown[-1].endswith(" …")
    assert all(width_of(line) <= 42 for line in shown)
    kept = " ".join(shown)[: -len(" …")]
    # The label shows a prefix of the gloss that ends at a word.
    assert gloss.startswith(kept) and gloss[len(kept)] == " "
    assert v.nodes["norm:2#1"]["label"][2:] == ("Short.",)
    # The whole gloss where the label shortened it, in the legend and the tooltip.
    assert v.graph["legend"] == (("1", "A pays.", gloss), ("2", "A pays again.", None))
    assert gloss in v.nodes["norm:1#1"]["tooltip"]
    assert wrap("a b", 42, lines=1) == ["a b"]
    # Chinese runs without spaces break between characters, two columns each.
    assert [len(line) for line in wrap("中文" * 30, 42)] == [21, 21, 18]


def test_the_legend_holds_the_quote_of_each_clause_drawn(
    deposit: clausec.ir.nodes.Contract,
) -> None:
    model = build(deposit)
    v = views.obligations(model)
    clauses = list(dict.fromkeys(n.clause for n in deposit.norms))
    assert [row[0] for row in v.graph["legend"]] == [
        c.number for c in deposit.clauses if c.number in clauses
    ]
    assert [row[1] for row in v.graph["legend"]] == [
        deposit.clause(c).quote for c in [row[0] for row in v.graph["legend"]]
    ]
    only = views.only_clauses(v, model, ["6.4"])
    assert [row[0] for row in only.graph["legend"]] == ["6.4"]
    text = dot.to_dot(only)
    assert "legend [shape=plaintext" in text and "在本协议有效期内，乙方应使质保金总额" in text


@needs_dot
def test_the_quotes_are_in_the_rendered_picture(deposit: clausec.ir.nodes.Contract) -> None:
    """What the PNG shows, read from the SVG of the same layout: every quote, whole."""
    data = draw(deposit, "obligations", "svg", clauses=["6.4", "5.11"])
    assert isinstance(data, bytes)
    texts, _ = svg_texts(data)
    drawn = "".join("".join(t.split()) for t in texts)
    for number in ("6.4", "5.11"):
        assert "".join(deposit.clause(number).quote.split()) in drawn, number
    assert "original wording of the clauses drawn" in texts


# ------------------------------------------------------------------ large contracts


def test_large_contracts_draw_an_overview_by_section() -> None:
    contract = clausec.compile_text(generated(LARGE + 1)).contracts[0]
    v = view_of(contract, "obligations")
    assert {d["kind"] for _, d in v.nodes(data=True)} == {"section"}
    assert len(v) == LARGE + 1  # one clause per section in the generated contract
    assert v.nodes["section:0"]["label"] == ("clause 0", "1 norm: 1 may")
    assert v.nodes["section:0"]["small"] == ("--clause 0",)
    assert "--all" in v.graph["notes"][0] and str(LARGE + 1) in v.graph["notes"][0]
    everything = view_of(contract, "obligations", everything=True)
    assert sum(1 for _, d in everything.nodes(data=True) if d["kind"] == "norm") == LARGE + 1
    one = view_of(contract, "obligations", clauses=["3"])
    assert {n for n, d in one.nodes(data=True) if d["kind"] == "norm"} == {"norm:3#1"}
    small = clausec.compile_text(generated(LARGE)).contracts[0]
    assert "section:0" not in view_of(small, "obligations")


def test_the_overview_counts_priorities_between_sections() -> None:
    contract = clausec.load(SHIPPED_DEPOSIT)
    assert len(contract.norms) > LARGE
    v = view_of(contract, "obligations")
    sections = [n for n, d in v.nodes(data=True) if d["kind"] == "section"]
    numbers = [c.number for c in contract.clauses if c.norm_ids]
    assert sections == [  # in the order of the clause file
        f"section:{s}" for s in dict.fromkeys(views.section_of(n) for n in numbers)
    ]
    counted = sum(
        int(d["label"].split("(")[1].split()[0])
        for _, _, k, d in v.edges(keys=True, data=True)
        if k == "prevails_over"
    )
    inside = sum(
        int(line.split()[0])
        for _, d in v.nodes(data=True)
        for line in d["label"]
        if "between its norms" in line and "priorit" in line
    )
    assert counted + inside == len(contract.priorities)
    assert v.edges["section:6", "section:9", "prevails_over"]["label"].startswith("prevails over (")


def test_cli_large_contract_default_and_all(tmp_path: Path) -> None:
    proc = run_cli(["graph", str(SHIPPED_DEPOSIT), "--format", "dot", "-o", "-"])
    assert proc.returncode == 0, proc.stderr
    assert "overview of the obligations by section" in proc.stdout
    assert "drew an overview by section" in proc.stderr
    assert "--clause NUMBER (5, 6, annex-2, 2, 3, 4, 7, 8, 9, 11, 13)" in proc.stderr
    proc = run_cli(["graph", str(SHIPPED_DEPOSIT), "--all", "--format", "dot", "-o", "-"])
    assert proc.returncode == 0 and "norm 6.2(1)#1" in proc.stdout and not proc.stderr
    proc = run_cli(["graph", str(SHIPPED_DEPOSIT), "--clause", "6", "--format", "dot", "-o", "-"])
    assert proc.returncode == 0 and "norm 6.2(1)#1" in proc.stdout and not proc.stderr


# ------------------------------------------------------------------ golden output


GOLDEN_CASES = {
    "deposit_obligations": {"view": "obligations"},
    "deposit_dependencies_top_up": {"view": "dependencies", "question": "top_up_deadline"},
    "deposit_remedies": {"view": "remedies"},
    "deposit_timeline_clean_exit": {"view": "timeline", "scenario": CLEAN_EXIT},
}


@pytest.mark.parametrize("fmt, suffix", [("dot", ".dot"), ("mermaid", ".mmd")])
@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_golden(deposit: clausec.ir.nodes.Contract, case: str, fmt: str, suffix: str) -> None:
    options = dict(GOLDEN_CASES[case])
    facts, as_of = (
        scenario_facts(deposit, options.pop("scenario")) if "scenario" in options else ({}, None)
    )
    text = draw(deposit, options.pop("view"), fmt, facts=facts, as_of=as_of, **options)
    path = GOLDEN / (case + suffix)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ SVG and PNG


def svg_texts(data: bytes) -> tuple[list[str], list[str]]:
    root = ET.fromstring(data)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    tips = [a.get(f"{XLINK}title") or "" for a in root.iter(f"{SVG}a")]
    return texts, tips


@needs_dot
def test_svg_parses_and_carries_the_labels(deposit: clausec.ir.nodes.Contract) -> None:
    data = draw(deposit, "obligations", "svg")
    assert isinstance(data, bytes)
    texts, tips = svg_texts(data)
    for label in (
        "6.2(1)",
        "6.2(4)(c) #2",
        "annex-2 safety stock",
        "platform must release deposit to merchant",
        "norm 6.2(1)#1",
        "platform (甲方（服务方）)",
    ):
        assert label in texts, label
    assert any("甲方接到买家投诉" in t for t in tips)
    assert any(
        t == "5.11#1 prevails over 6.2(1)#1 (otherwise provided, stated in 6.2(1))" for t in tips
    )
    png = draw(deposit, "remedies", "png")
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")


HOSTILE = r"""contract hostile title "Title \"q\" <b>&amp;</b> \\N"
  source "x.txt" language en calendar CN
party a role "A \"the\" <first> & co\\"
party b role "第二方 ]] -->|x| end"
action pay "pay"
object fee : money CNY "the fee"
fact f : boolean "f \"desc\" <x>"
event e
clause "1 \"q\" \\ <&>"
  quote "line one\nline two \"quoted\" <tag> & 中文 \\N"
  gloss "Gloss \"quotes\", <angle> & amp, back\\slash \\N #35; `tick` | pipe"
  a must pay fee to b
    when f
    within 10 days after e
    otherwise b may pay fee
question q "Must a pay?" : must a pay fee
"""


def hostile_contract() -> clausec.ir.nodes.Contract:
    result = clausec.compile_text(HOSTILE)
    assert result.ok, result.diagnostics
    return result.contracts[0]


@needs_dot
def test_hostile_text_is_escaped_in_dot_and_svg() -> None:
    contract = hostile_contract()
    for view in ("obligations", "remedies", "dependencies"):
        data = draw(contract, view, "svg")
        assert isinstance(data, bytes)
        texts, tips = svg_texts(data)
        if view != "dependencies":
            # The gloss is wrapped at spaces into lines, one <text> each.
            assert 'Gloss "quotes", <angle> & amp, back\\slash \\N #35; `tick` | pipe' in " ".join(
                texts
            )
            # The quote in its normal form: the line break is layout.
            assert any('line one line two "quoted" <tag> & 中文 \\N' in t for t in tips)
        assert '1 "q" \\ <&>' in texts
        assert "hostile: " + view in texts


def test_hostile_text_in_mermaid_cannot_end_a_label() -> None:
    text = mermaid.to_mermaid(views.obligations(build(hostile_contract())))
    for line in text.splitlines()[4:]:
        if '["' in line:  # a node: exactly the two quotes of its label
            assert line.count('"') == 2, line
    assert (
        "#quot;quotes#quot;, #lt;angle#gt; #amp; amp, back\\slash \\N #35;35; #96;tick#96; "
        "#124; pipe"
    ) in text.replace("<br/>", " ")


# ------------------------------------------------------------------ the command line


@needs_dot
def test_cli_writes_svg_and_is_deterministic(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"deposit-{seed}.svg"
        proc = run_cli_process(
            ["graph", str(DEPOSIT), "--view", "obligations", "-o", str(out)],
            env={"PYTHONHASHSEED": seed},
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == f"wrote {out}\n"
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    ET.fromstring(outputs[0])


@pytest.mark.parametrize(
    "args",
    [
        ["--view", "dependencies", "--format", "dot"],
        ["--view", "timeline", "--scenario", CLEAN_EXIT, "--format", "mermaid"],
        ["--view", "timeline", "--fact", "service.stopped=2024-10-24", "--as-of", "2024-12-01"],
    ],
)
def test_cli_text_output_is_deterministic(args: list[str]) -> None:
    runs = [
        run_cli_process(["graph", str(DEPOSIT), *args, "-o", "-"], env={"PYTHONHASHSEED": seed})
        for seed in ("1", "987654")
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout


def test_cli_without_dot(tmp_path: Path) -> None:
    out = tmp_path / "g.svg"
    out.write_text("previous", encoding="utf-8")
    env = {"PATH": str(tmp_path / "empty")}
    proc = run_cli_process(["graph", str(DEPOSIT), "-o", str(out)], env=env)
    assert proc.returncode == 1
    assert "needs Graphviz's `dot` program" in proc.stderr and "Traceback" not in proc.stderr
    assert out.read_text(encoding="utf-8") == "previous"  # left as it was
    for fmt in ("dot", "mermaid"):
        proc = run_cli_process(
            ["graph", str(DEPOSIT), "--format", fmt, "-o", str(tmp_path / f"g.{fmt}")], env=env
        )
        assert proc.returncode == 0, proc.stderr


def test_cli_format_from_suffix(tmp_path: Path) -> None:
    proc = run_cli(["graph", str(DEPOSIT), "-o", str(tmp_path / "g.mmd")])
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "g.mmd").read_text(encoding="utf-8").startswith("---\ntitle:")
    proc = run_cli(["graph", str(DEPOSIT), "-o", str(tmp_path / "g.txt")])
    assert (tmp_path / "g.txt").read_text(encoding="utf-8").startswith('digraph "obligations"')


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["/nonexistent/x.clause"], 2, "error:"),
        (
            ["{c}", "--view", "dependencies", "--question", "top_up_deadlin"],
            2,
            "did you mean `top_up_deadline`",
        ),
        (["{c}", "--view", "timeline", "--scenario", "nope"], 2, 'no scenario "nope"'),
        (["{c}", "--question", "top_up_deadline"], 2, "--question applies to"),
        (["{c}", "--fact", "f=1"], 2, "apply to the timeline view"),
        (
            ["{c}", "--view", "timeline", "--scenario", CLEAN_EXIT, "--fact", "x=1"],
            2,
            "do not combine",
        ),
        (
            ["{c}", "--view", "timeline", "--fact", "service.stopped=2025-02-30"],
            1,
            "not a valid date",
        ),
        (["{c}", "--view", "timeline", "--fact", "nonsense"], 2, "name=value"),
        (["{c}", "--view", "timeline", "--as-of", "soon"], 2, "--as-of"),
        (["{c}", "--view", "nope"], 2, "Invalid value for '--view'"),
        (["{c}", "--clause", "6.9"], 2, 'no clause "6.9" in soolife_deposit; did you mean "6.4"?'),
        (["{c}", "--view", "timeline", "--clause", "6"], 2, "--clause applies to"),
        (["{c}", "--view", "remedies", "--all"], 2, "--all applies to the obligations view"),
        (["{c}", "--clause", "6", "--all"], 2, "--all applies to the obligations view"),
        (["{c}", "-o", "/nonexistent/dir/g.dot"], 2, "cannot write"),
    ],
)
def test_cli_errors(args: list[str], code: int, message: str) -> None:
    args = [a.replace("{c}", str(DEPOSIT)) for a in args]
    if "-o" not in args:
        args += ["-o", "-"]
    proc = run_cli(["graph", *args])
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    assert message in proc.stderr and "Traceback" not in proc.stderr


def test_cli_timeline_from_a_facts_file_and_an_impossible_date(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        '{"deposit.payout": "2025-03-03", "deposit.balance": "5000 CNY", '
        '"deposit.required": "10000 CNY"}',
        encoding="utf-8",
    )
    proc = run_cli(
        [
            "graph",
            str(DEPOSIT),
            "--view",
            "timeline",
            "--facts",
            str(facts),
            "--as-of",
            "2025-03-05",
            "--format",
            "dot",
            "-o",
            "-",
        ]
    )
    assert proc.returncode == 0, proc.stderr
    # 6.4: top up within 10 days of the payout; the as-of date sits between.
    assert "due 2025-03-13" in proc.stdout and "+2 days" in proc.stdout and "+8 days" in proc.stdout
    proc = run_cli(
        [
            "graph",
            str(DEPOSIT),
            "--view",
            "timeline",
            "--fact",
            "service.stopped=9999-12-01",
            "--fact",
            "merchant.violated_rules=false",
            "--fact",
            "merchant.complaint_or_dispute=false",
            "-o",
            "-",
        ]
    )
    assert proc.returncode == 1 and "cannot compute the timeline" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_timeline_without_dated_norms_says_so() -> None:
    contract = clausec.compile_text(
        'contract t title "T" source "t.txt" language en calendar CN\n'
        'party a role "A"\naction pay\nobject fee\nfact f : boolean\nevent e\n'
        'clause "1" quote "A pays." a must pay fee when f immediately\n'
        'clause "2" quote "A pays later." a must pay fee when not f within 3 days after e\n'
    ).contracts[0]
    from clausec.evaluation.facts import read_facts

    v = views.timeline(build(contract), contract, read_facts(contract, {"f": True}), None)
    assert "no norm with a dated deadline may apply to these facts" in v.graph["notes"]
    assert "1 dated norm(s) do not apply to these facts and are not shown" in v.graph["notes"]
    v = views.timeline(build(contract), contract, read_facts(contract, {"e": "2025-01-01"}), None)
    assert v.nodes["norm:2#1"]["tentative"] and "no norm with a dated deadline" not in str(
        v.graph["notes"]
    )


def test_cli_on_a_contract_with_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.clause"
    bad.write_text(HOSTILE.replace("when f", "when nope"), encoding="utf-8")
    proc = run_cli(["graph", str(bad), "-o", str(tmp_path / "g.dot")])
    assert proc.returncode == 1 and "bad.clause:" in proc.stderr
    assert not (tmp_path / "g.dot").exists()


# ------------------------------------------------------------------ scale and properties


def generated(norms: int) -> str:
    text = (
        'contract gen title "t" source "s" language zh calendar CN\n'
        'party platform role "甲方"\nparty merchant role "乙方"\n'
        "object deposit : money CNY\naction deduct\naction release\n"
        "fact f : boolean\nfact g : money CNY\nevent e\n"
    )
    for i in range(norms):
        who = "platform" if i % 3 else "merchant"
        text += (
            f'clause "{i}" quote "规则" gloss "rule {i}"\n  {who} may deduct deposit (part) '
            f"when f and g > {i} CNY\n"
        )
    return text


def test_a_thousand_norms_are_laid_out_in_a_grid() -> None:
    contract = clausec.compile_text(generated(1000)).contracts[0]
    v = views.obligations(build(contract))
    assert sum(1 for _, d in v.nodes(data=True) if d["kind"] == "norm") == 1000
    text = dot.to_dot(v)
    # 667 loose norms and the party node in the platform cluster: columns of 26; one more
    # edge puts the legend of quotes beside them.
    assert text.count("[style=invis]") == (668 - 26) + (334 - 19) + 1
    assert text.count(" -> legend [style=invis]") == 1


NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)  # used with a suffix: never a keyword
TEXT = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"])
    | st.sampled_from(['"', "\\", "<", ">", "&", "\n", "#", "|", "`", "]"]),
    max_size=30,
)


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@st.composite
def contracts(draw: st.DrawFn) -> str:
    facts = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    out = (
        'contract p title "P" source "p.txt" language en calendar CN\n'
        'party a role "A"\nparty b role "B"\naction act\nobject thing\n'
    )
    out += "".join(f"fact {f}_x : boolean\n" for f in facts)
    for i in range(draw(st.integers(1, 6))):
        who, modality = (
            draw(st.sampled_from(["a", "b"])),
            draw(st.sampled_from(["must", "may", "must not", "can"])),
        )
        used = draw(st.lists(st.sampled_from(facts), min_size=1, max_size=3))
        out += (
            f'clause "{i}" quote "{_escape(draw(TEXT))}" gloss "{_escape(draw(TEXT))}"\n'
            f"  {who} {modality} act thing when {' and '.join(u + '_x' for u in used)}\n"
        )
    return out


@given(text=contracts())
def test_every_norm_and_fact_of_a_generated_contract_is_drawn(text: str) -> None:
    result = clausec.compile_text(text)
    assert result.ok, [str(d) for d in result.diagnostics]
    contract = result.contracts[0]
    g = build(contract)
    assert {f"norm:{n.id}" for n in contract.norms} | {
        f"fact:{f.name}" for f in contract.facts
    } <= set(g)
    for norm in contract.norms:
        read = {v for _, v, k in g.out_edges(f"norm:{norm.id}", keys=True) if k == "reads"}
        assert read == {f"fact:{f}" for f in facts_read(contract, [norm.condition])}
    text_dot = dot.to_dot(views.obligations(g))
    if HAS_DOT:
        proc = subprocess.run(
            ["dot", "-Tsvg"], input=text_dot.encode(), capture_output=True, check=False
        )
        assert proc.returncode == 0 and not proc.stderr, proc.stderr
        texts, _ = svg_texts(proc.stdout)
        for norm in contract.norms:
            assert norm.clause in texts
    view = views.obligations(g)
    # A subgraph per cluster, and one for the legend of quotes.
    assert mermaid.to_mermaid(view).count("subgraph") == len(view.graph["clusters"]) + 1


def test_view_of_rejects_unknown_questions(deposit: clausec.ir.nodes.Contract) -> None:
    with pytest.raises(KeyError):
        view_of(deposit, "dependencies", question="nope")


def test_python_hash_seed_does_not_change_the_model() -> None:
    code = (
        "import clausec, json; from clausec.graph import build; "
        f"g = build(clausec.load({str(DEPOSIT)!r})); "
        "print(json.dumps([list(g.nodes(data=True)), list(g.edges(keys=True, data=True))], "
        "ensure_ascii=False, default=str))"
    )
    outs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout
        for seed in ("0", "31337")
    ]
    assert outs[0] == outs[1] and "norm:6.4#1" in outs[0]
