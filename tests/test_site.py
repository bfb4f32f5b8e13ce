"""The contract explorer (`clausec site`, src/clausec/site/): the pages of the shipped
contracts read back with an HTML parser (landmarks, the document in its order, quotes in their
language beside the formal reading, findings at their clauses, the priority table, links that
resolve), hostile clause files that must stay text, byte-identical output, and the command's
errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from test_hostile import Spec, compile_spec, contracts

import clausec
from clausec.backends.javascript import js_str
from clausec.diagnostics import Diagnostic
from clausec.evaluation import calendar
from clausec.evaluation import scenarios as scenario_runs
from clausec.evaluation.facts import FactError
from clausec.evaluation.interpreter import ask
from clausec.evaluation.result import ANSWER_WORDS
from clausec.ir import nodes as ir
from clausec.ir import types as t
from clausec.ir.interface import interface
from clausec.ir.text import norm_sentence
from clausec.ir.values import UNIT_SIZE, DurationValue, EnumValue, MoneyValue, Never
from clausec.site import site_files, write_site
from clausec.site.findings import place
from clausec.site.forms import UnsafeScript, inline_script, shown_value
from clausec.site.markup import anchor_ids, escape

from conftest import CONTRACTS, REPO, run_cli

VOID = frozenset({"meta", "link", "br", "input"})
# Every element and attribute the pages may hold: whatever a clause file says, nothing else.
TAGS = frozenset(
    [
        "html",
        "head",
        "meta",
        "title",
        "link",
        "body",
        "a",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "dl",
        "dt",
        "dd",
        "nav",
        "ol",
        "ul",
        "li",
        "main",
        "section",
        "article",
        "div",
        "blockquote",
        "span",
        "strong",
        "code",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "form",
        "fieldset",
        "legend",
        "label",
        "select",
        "option",
        "input",
        "button",
        "script",
        "figure",
        "figcaption",
    ]
)
ATTRIBUTES = frozenset(
    [
        "lang",
        "charset",
        "name",
        "content",
        "rel",
        "href",
        "class",
        "id",
        "aria-labelledby",
        "scope",
        "role",
        "tabindex",
        "for",
        "type",
        "inputmode",
        "autocomplete",
        "value",
        "aria-live",
        "novalidate",
        "checked",
        "aria-hidden",
    ]
)
BOOLEAN_ATTRIBUTES = frozenset(["novalidate", "checked"])


# ------------------------------------------------------------------ a small DOM


@attrs.define
class Element:
    tag: str
    attributes: dict[str, str]
    children: list[Element | str] = attrs.field(factory=list)
    parent: Element | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self) -> Iterator[Element]:
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.walk()

    def find_all(self, tag: str, cls: str | None = None) -> list[Element]:
        return [
            e
            for e in self.walk()
            if e.tag == tag and (cls is None or cls in e.attributes.get("class", "").split())
        ]

    def find(self, tag: str, cls: str | None = None) -> Element:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}> in <{self.tag}>"
        return found[0]


class StrictParser(HTMLParser):
    """Builds the tree, and fails on what the pages never hold: an unknown element or
    attribute, an end tag that does not close the open element, a declaration other than the
    doctype, a comment, a processing instruction."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root
        self.doctype: str | None = None

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        assert tag in TAGS, f"unexpected element <{tag}>"
        for name, value in attrs_:
            assert name in ATTRIBUTES, f"unexpected attribute {name} on <{tag}>"
            assert (value is None) == (name in BOOLEAN_ATTRIBUTES), f"attribute {name}"
        element = Element(tag, {k: v or "" for k, v in attrs_}, parent=self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        assert tag == self.open.tag, f"</{tag}> closes <{self.open.tag}>"
        assert self.open.parent is not None
        self.open = self.open.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)

    def handle_decl(self, decl: str) -> None:
        assert decl == "DOCTYPE html" and self.doctype is None, decl
        self.doctype = decl

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment: {data!r}")

    def handle_pi(self, data: str) -> None:
        raise AssertionError(f"a processing instruction: {data!r}")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError(f"a declaration: {data!r}")


def parse(page: str) -> Element:
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    assert parser.open is parser.root, f"<{parser.open.tag}> left open"
    assert parser.doctype == "DOCTYPE html"
    (html,) = [c for c in parser.root.children if isinstance(c, Element)]
    return html


def check_page(page: str) -> Element:
    """The checks every page passes: the tree, one of each landmark, one h1, unique ids, every
    fragment link resolving, nothing loaded from elsewhere."""
    html = parse(page)
    assert html.tag == "html" and html.attributes["lang"] == "en"
    body = html.find("body")
    assert len(body.find_all("main")) == 1
    assert len(body.find_all("header")) == 1
    assert len(body.find_all("h1")) == 1
    ids = [e.attributes["id"] for e in html.walk() if "id" in e.attributes]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in html.walk():
        for name in ("aria-labelledby",):
            if name in e.attributes:
                assert e.attributes[name] in ids
        href = e.attributes.get("href")
        if href is None:
            continue
        assert not re.match(r"[a-z]+:|//", href), f"an external link {href}"
        if href.startswith("#"):
            assert href[1:] in ids, f"a link to a missing #{href[1:]}"
    (link,) = html.find("head").find_all("link")
    assert link.attributes == {"rel": "stylesheet", "href": "site.css"}
    # At most one script: the forms' inline module (nothing loaded from a file).
    scripts = html.find_all("script")
    assert len(scripts) <= 1
    for script in scripts:
        assert script.attributes == {"type": "module"}
    # Every control has a label: one naming it, or one around it.
    named = {e.attributes.get("for") for e in html.find_all("label")}
    for e in html.walk():
        if e.tag in ("input", "select"):
            assert e.attributes["id"] in named or _inside_label(e), e.attributes["id"]
    return html


def _inside_label(e: Element) -> bool:
    while e.parent is not None:
        e = e.parent
        if e.tag == "label":
            return True
    return False


def module_script(html: Element) -> str:
    (script,) = html.find_all("script")
    return script.text()


# ------------------------------------------------------------------ the shipped contracts


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, clausec.CheckResult]:
    out = tmp_path_factory.mktemp("site")
    run = run_cli(["site", str(CONTRACTS), "-o", str(out)])
    assert run.returncode == 0, run.stderr
    result = clausec.check_paths([CONTRACTS], analysis=True)
    return out, result


def test_the_site_lists_every_contract(shipped: tuple[Path, clausec.CheckResult]) -> None:
    out, result = shipped
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", "site.css", *(f"{c.id}.html" for c in result.contracts)]
    )
    index = check_page((out / "index.html").read_text(encoding="utf-8"))
    rows = index.find("tbody").find_all("tr")
    assert len(rows) == len(result.contracts)
    for row, contract in zip(rows, result.contracts, strict=True):
        link = row.find("a")
        assert link.attributes["href"] == f"{contract.id}.html"
        assert link.text() == contract.title
        assert link.find("span").attributes["lang"] == contract.language


def test_each_page_is_the_document_in_its_order(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    for contract in result.contracts:
        html = check_page((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        assert html.find("title").text() == contract.title
        assert html.find("h1").attributes["lang"] == contract.language
        articles = html.find("main").find_all("article", "clause")
        assert [a.find("h3").text().removesuffix(" non-normative") for a in articles] == [
            c.number for c in contract.clauses
        ]
        nav_links = [a.attributes["href"] for a in html.find("nav").find_all("a")]
        assert nav_links == ["#" + a.attributes["id"] for a in articles]
        for article, clause in zip(articles, contract.clauses, strict=True):
            _check_clause(contract, clause, article)


def _check_clause(contract: ir.Contract, clause: ir.Clause, article: Element) -> None:
    where = f"{contract.id} {clause.number}"
    if clause.quote is not None:
        quote = article.find("blockquote", "quote")
        assert quote.attributes["lang"] == contract.language, where
        assert quote.text() == clause.quote, where
        # The quote and its reading side by side: the two children of one .pair.
        pair = article.find("div", "pair")
        assert [c.tag for c in pair.children if isinstance(c, Element)] == ["blockquote", "div"]
    sentences = [p.text() for p in article.find_all("p", "sentence")]
    assert sentences == [norm_sentence(contract.norm(n)) for n in clause.norm_ids], where
    if clause.gloss is not None:
        assert article.find("p", "gloss").text() == clause.gloss, where
    if not clause.normative:
        assert "non-normative" in article.attributes["class"].split()
        assert clause.reason is not None
        assert article.find("p", "reason").text() == clause.reason, where


def test_findings_are_shown_at_their_clauses(shipped: tuple[Path, clausec.CheckResult]) -> None:
    out, result = shipped
    accepted_seen = 0
    for contract in result.contracts:
        html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        placed = place(contract, result.diagnostics)
        articles = {
            a.find("h3").text().removesuffix(" non-normative"): a
            for a in html.find("main").find_all("article", "clause")
        }
        for number, article in articles.items():
            expected = placed.at_clause.get(number, ())
            shown = article.find_all("li", "finding")
            assert len(shown) == len(expected), f"{contract.id} {number}"
            for item, d in zip(shown, expected, strict=True):
                _check_finding(item, d)
                accepted_seen += d.suppressed is not None
        own = [d for d in result.diagnostics if d.span is not None and d.span.file == contract.file]
        in_clauses = sum(len(v) for v in placed.at_clause.values())
        assert in_clauses + len(placed.elsewhere) == len(own)
    # The shipped contracts accept findings with reasons: the site shows them.
    assert accepted_seen > 0


def _check_finding(item: Element, d: Diagnostic) -> None:
    assert item.find("code").text() == d.code
    assert d.message in item.text()
    state = "accepted" if d.suppressed is not None else d.severity.value
    assert state in item.attributes["class"].split()
    if d.suppressed is not None:
        assert item.find("p", "accepted-reason").text() == f"Accepted: {d.suppressed}"


def test_the_priority_table_has_every_priority(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    deposit = result.contract("soolife_deposit")
    assert deposit.priorities
    html = parse((out / "soolife_deposit.html").read_text(encoding="utf-8"))
    table = html.find("table", "priorities")
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(deposit.priorities)
    anchors = anchor_ids([c.number for c in deposit.clauses], "clause")
    for row, p in zip(rows, deposit.priorities, strict=True):
        higher, lower = deposit.norm(p.higher), deposit.norm(p.lower)
        cells = row.find_all("td")
        assert cells[0].text() == f"{higher.clause}: {norm_sentence(higher)}"
        assert cells[0].find("a").attributes["href"] == "#" + anchors[higher.clause]
        assert cells[1].text() == f"{lower.clause}: {norm_sentence(lower)}"
        assert cells[3].text() == p.stated_in


def test_each_clause_has_the_graph_of_its_priorities(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    drawn = 0
    for contract in result.contracts:
        html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        for article, clause in zip(
            html.find_all("article", "clause"), contract.clauses, strict=True
        ):
            mine = set(clause.norm_ids)
            involved = [p for p in contract.priorities if {p.higher, p.lower} & mine]
            figures = article.find_all("figure", "norm-graph")
            assert len(figures) == (1 if involved else 0), f"{contract.id} {clause.number}"
            if not involved:
                continue
            boxes = figures[0].find_all("li", "node")
            expected = [
                contract.norm(p.higher)
                for n in clause.norm_ids
                for p in contract.priorities
                if p.lower == n
            ]
            above_and_below = len(expected) + sum(
                1 for n in clause.norm_ids for p in contract.priorities if p.higher == n
            )
            assert len(boxes) == above_and_below
            ladders = figures[0].find_all("div", "ladder")
            # Top down: the norms that prevail come before the clause's own box.
            first = ladders[0]
            own_position = next(
                i for i, e in enumerate(first.walk()) if "own" in e.attributes.get("class", "")
            )
            above = [i for i, e in enumerate(first.walk()) if e.tag == "li" and i < own_position]
            first_norm = next(
                n
                for n in clause.norm_ids
                if any(p.lower == n or p.higher == n for p in contract.priorities)
            )
            assert len(above) == sum(1 for p in contract.priorities if p.lower == first_norm)
            drawn += 1
    assert drawn > 10


def test_the_stylesheet_uses_system_fonts_only(shipped: tuple[Path, clausec.CheckResult]) -> None:
    out, _ = shipped
    css = (out / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "@font-face" not in css and "url(" not in css
    for family in ("Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Noto Sans"):
        assert f'"{family}"' in css


def test_plain_sentences() -> None:
    text = (REPO / "contracts" / "soolife" / "deposit.clause").read_text(encoding="utf-8")
    contract = clausec.compile_text(text, "deposit.clause").contract("soolife_deposit")
    page = site_files([contract], [])["soolife_deposit.html"]
    assert "platform may deduct part or all of deposit" in page
    assert "within 10 working days after (3 months after service.stopped)" in page
    # A chain of one connective reads without brackets.
    assert "merchant.violated_rules or merchant.breached_agreement" in page


# ------------------------------------------------------------------ hostile clause files


def test_escape() -> None:
    assert escape("</script><b>&amp;\"'") == ("&lt;/script&gt;&lt;b&gt;&amp;amp;&quot;&#x27;")
    assert escape("a\x00b\x1bc\x85d\ufffe") == "a\ufffdb\ufffdc\ufffdd\ufffd"
    assert escape("дата 日期 līgums\tx\ny") == "дата 日期 līgums\tx\ny"


def test_anchor_ids_are_distinct_and_safe() -> None:
    names = ["1", "1 ", "1_", '"><script>', "第一条", "第二条", "1_-3"]
    ids = anchor_ids(names, "clause")
    assert len(set(ids.values())) == len(names)
    for value in ids.values():
        assert re.fullmatch(r"[A-Za-z0-9._()\-]+", value), value


HOSTILE = """\
contract evil title "</title><script>alert(1)</script> & \\"t\\"" source "x.txt" \
language ru calendar CN
party a role "<b onmouseover='x'>a</b>" name "A & Co \\"Ltd\\""
party b role "b"
action pay "pay"
object cash "</textarea>"
fact f.x : boolean "<!-- -->"

clause "1\\"><script>alert(2)</script>"
  quote "Договор </blockquote><script>alert(3)</script> & ' \\""
  gloss "</p><img src=x onerror=alert(4)>"
  a must pay cash to b
    when f.x

non-normative "2 <i>"
  quote "]]> <![CDATA[ x ]]>"
  reason "<style>body{display:none}</style>"
  refers to "1\\"><script>alert(2)</script>"

question q "</script><script>alert(5)</script><!--" : must a pay cash
"""


def test_a_hostile_contract_stays_text(tmp_path: Path) -> None:
    result = clausec.compile_text(HOSTILE, "evil.clause")
    assert result.ok, [f"{d.code} {d.span}: {d.message}" for d in result.diagnostics]
    contract = result.contract("evil")
    for name, page in site_files([contract], result.diagnostics).items():
        if name.endswith(".html"):
            check_page(page)
    html = parse(site_files([contract], result.diagnostics)["evil.html"])
    assert html.find("title").text() == contract.title
    first, second = html.find("main").find_all("article", "clause")
    assert first.find("blockquote").text() == contract.clauses[0].quote
    assert first.find("blockquote").attributes["lang"] == "ru"
    assert first.find("p", "gloss").text() == contract.clauses[0].gloss
    assert second.find("p", "reason").text() == contract.clauses[1].reason
    assert second.find("p", "refers").find("a").attributes["href"] == "#" + first.attributes["id"]
    question = html.find("article", "question")
    assert question.find("p", "description").text() == contract.questions[0].description
    # In the script, the description is an escaped string: nothing of it is markup.
    script = module_script(html)
    assert "alert(5)" in script and "<" not in script.split("const DATA = ", 1)[1].split("\n")[0]
    if shutil.which("node") is not None:
        module = tmp_path / "evil.mjs"
        module.write_text(script, encoding="utf-8")
        checked = subprocess.run(["node", "--check", str(module)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


_UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def shown(text: str) -> str:
    """A text as the page shows it: controls and noncharacters as U+FFFD."""
    return _UNSHOWABLE.sub("\ufffd", text)


@given(contracts())
def test_generated_hostile_contracts_stay_text(spec: Spec) -> None:
    contract = compile_spec(spec)
    result = clausec.compile_text(spec.text, "hostile.clause")
    files = site_files([contract], result.diagnostics)
    for name, page in files.items():
        if name.endswith(".html"):
            check_page(page)
    html = parse(files[f"{contract.id}.html"])
    texts = spec.texts()
    assert html.find("title").text() == shown(texts["title"])
    assert html.find("h1").text() == shown(texts["title"])
    articles = html.find("main").find_all("article", "clause")
    numbers = [a.find("h3").text().removesuffix(" non-normative") for a in articles]
    assert numbers == [shown(c.number) for c in contract.clauses]
    quotes = [a.find("blockquote").text() for a in articles]
    assert quotes == [shown(c.quote or "") for c in contract.clauses]
    glosses = [g.text() for a in articles for g in a.find_all("p", "gloss")]
    assert glosses == [shown(c.gloss) for c in contract.clauses if c.gloss is not None]
    reasons = [g.text() for a in articles for g in a.find_all("p", "reason")]
    assert reasons == [shown(c.reason) for c in contract.clauses if c.reason is not None]
    index = parse(files["index.html"])
    assert index.find("tbody").find("a").text() == shown(texts["title"])
    (scenario,) = html.find_all("article", "scenario")
    assert scenario.find("h3").text().rsplit(" ", 1)[0] == shown(texts["scenario title"])


# ------------------------------------------------------------------ the same bytes every run


def _build(out: Path, seed: str) -> dict[str, bytes]:
    env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO / "src"))
    subprocess.run(
        [sys.executable, "-m", "clausec", "site", str(CONTRACTS / "soolife"), "-o", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_output_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    first = _build(tmp_path / "one", "1")
    second = _build(tmp_path / "two", "4242")
    assert first == second
    again = _build(tmp_path / "one", "99")  # over the first run's files
    assert again == first
    assert not [p for p in (tmp_path / "one").iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ the command's errors


def test_a_bad_file_is_reported_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.clause"
    bad.write_text(HOSTILE.replace("a must pay", "a mus pay"), encoding="utf-8")
    out = tmp_path / "site"
    run = run_cli(["site", str(bad), "-o", str(out)])
    assert run.returncode == 1
    assert re.search(r"bad\.clause:\d+:\d+", run.stderr), run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_a_missing_path_and_an_unwritable_output(tmp_path: Path) -> None:
    run = run_cli(["site", str(tmp_path / "nothing.clause"), "-o", str(tmp_path / "s")])
    assert run.returncode == 2
    assert "no such file or folder" in run.stderr
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    contract = CONTRACTS / "hk_payments"
    run = run_cli(["site", str(contract), "-o", str(blocker)])
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {blocker}: cannot write")
    assert "Traceback" not in run.stderr


# ------------------------------------------------------------------ the forms of the questions


def test_a_form_per_question_with_a_field_per_fact(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    for contract in result.contracts:
        html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        forms = html.find_all("form")
        assert len(forms) == len(contract.questions)
        shape = interface(contract)
        for form, q in zip(forms, shape.questions, strict=True):
            facts = [
                label.find("code").text()
                for label in form.find_all("label")
                if label.attributes.get("for", "").startswith(form.attributes["id"] + "-f")
            ]
            assert facts == list(q.facts), f"{contract.id} {q.name}"
            for name, field in zip(q.facts, form.find_all("div", "field"), strict=False):
                fact = shape.fact(name)
                controls = [e for e in field.walk() if e.tag in ("input", "select")]
                if isinstance(fact.type, t.Boolean | t.Enum):
                    options = [o.attributes["value"] for o in controls[0].find_all("option")]
                    assert options[0] == ""  # unknown is a choice
                elif isinstance(fact.type, t.Date):
                    assert controls[0].attributes["type"] == "date"
                    # An event may be "never"; a date may not.
                    assert (len(controls) == 2) == (fact.kind == "event")
        if contract.questions:
            script = module_script(html)
            assert inline_script(script) == script
        else:
            assert not html.find_all("script")


def test_bounds_and_presumptions_are_shown_at_their_fields(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    contract = result.contract("hk_payments")
    html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
    shape = interface(contract)
    seen = 0
    for form, q in zip(html.find_all("form"), shape.questions, strict=True):
        for field, name in zip(form.find_all("div", "field"), q.facts, strict=False):
            fact = shape.fact(name)
            bounds = field.find_all("p", "bounds")
            if fact.minimum is None and fact.maximum is None:
                assert not bounds
                continue
            expected = ", ".join(
                [f"at least {shown_value(fact.minimum)}"] if fact.minimum is not None else []
            )
            assert bounds[0].text().lower().startswith(expected.lower()), name
            assert bounds[0].text()[0].isupper()
            seen += 1
            presumed = field.find_all("p", "presumption")
            assert len(presumed) == (1 if fact.presumed else 0)
    assert seen > 0


def test_inline_script_refuses_what_would_end_it() -> None:
    for bad in ("x</script>", "x</SCRIPT", "<!-- x", "<script>"):
        with pytest.raises(UnsafeScript):
            inline_script(bad)
    assert inline_script("a < b && c > d") == "a < b && c > d"


# A DOM just large enough for explorer.js: elements by id, created elements with text,
# classes, links and children. The page's module script runs on it under Node; each case
# fills a form, submits it and reads the answer region back.
FAKE_DOM = r"""
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

class Element {
  constructor(tag, attributes = {}) {
    this.tagName = tag;
    this.childNodes = [];
    this.className = "";
    this.value = "";
    this.checked = Boolean(attributes.checked);
    this.listeners = {};
    this.dataset = {};
    this.attributes = {};
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  get children() { return this.childNodes.filter((c) => c instanceof Element); }
  get textContent() { return this.childNodes.map((c) => c.textContent).join(""); }
  set textContent(text) { this.childNodes = [new Text(String(text))]; }
  append(...nodes) {
    for (const n of nodes) this.childNodes.push(typeof n === "string" ? new Text(n) : n);
  }
  replaceChildren(...nodes) { this.childNodes = []; this.append(...nodes); }
  addEventListener(type, listener) { this.listeners[type] = listener; }
  focus() { FOCUSED.push(this.id); }
}
class Text { constructor(text) { this.textContent = text; } }

const [page, script, casesFile] = process.argv.slice(2);
const controls = JSON.parse(readFileSync(page, "utf8"));
const byId = new Map();
for (const [id, attributes] of Object.entries(controls)) {
  const e = new Element(attributes.tag, attributes);
  e.id = id;
  byId.set(id, e);
}
const FOCUSED = [];
globalThis.document = {
  getElementById: (id) => byId.get(id) ?? null,
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => new Text(text),
};
await import(pathToFileURL(script).href);

const walk = (e) => [e, ...e.children.flatMap(walk)];
const links = (e) => [
  ...(e.href !== undefined ? [[e.textContent, e.href]] : []),
  ...e.children.flatMap(links),
];
const out = [];
for (const c of JSON.parse(readFileSync(casesFile, "utf8"))) {
  for (const [id, e] of byId) {
    if (e.tagName === "input" && id.endsWith("-never")) e.checked = false;
    else if (e.tagName === "input" || e.tagName === "select") e.value = "";
  }
  for (const [id, value] of Object.entries(c.values)) byId.get(id).value = value;
  for (const id of c.never) byId.get(id).checked = true;
  byId.get(`${c.form}-as-of`).value = c.asOf;
  byId.get(`${c.form}-presume`).checked = true;
  byId.get(c.form).listeners.submit({ preventDefault() {} });
  const region = byId.get(`${c.form}-answer`);
  const [head, ...rest] = region.children;
  const grounds = region.children.find((e) => e.className === "grounds");
  out.push({
    head: head.textContent,
    error: head.className === "error",
    grounds: grounds
      ? grounds.children.filter((li) => li.textContent.startsWith("because clause "))
        .map((li) => links(li)[0])
      : [],
    days: walk(region)
      .filter((e) => e.className.startsWith("day "))
      .map((e) => [e.dataset.date, e.className.split(" ")[1],
        e.children.filter((m) => m.className === "mark").map((m) => m.textContent)]),
  });
}
console.log(JSON.stringify(out));
"""


def answered_in_fake_dom(page: Path, script: Path, cases: list[Any], stem: Path) -> list[Any]:
    """What the page's script shows for each case, run by Node on the small DOM of FAKE_DOM
    (``stem`` + ``.cases.json`` holds the cases)."""
    cases_file = stem.with_name(stem.name + ".cases.json")
    cases_file.write_text(json.dumps(cases), encoding="utf-8")
    run = subprocess.run(
        ["node", "--input-type=module", "-", str(page), str(script), str(cases_file)],
        input=FAKE_DOM,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    shown: list[Any] = json.loads(run.stdout)
    return shown


def _form_value(value: object, fact_type: object) -> str:
    """A scenario's given value as a person types it into the field of its type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, MoneyValue):
        return str(value.amount)
    if isinstance(value, DurationValue):
        return str(value.amount * UNIT_SIZE[value.unit])
    if isinstance(value, EnumValue):
        return value.member
    return str(value)


def _expected_head(result: dict[str, object]) -> str:
    """The answer's first line as explorer.js words it (headline)."""
    answer = str(result["answer"])
    if answer == "date":
        return f"due {result['due']}"
    if answer == "value":
        return shown_value(result["value"])
    if answer == "none" and result["kind"] == "amount":
        return "none (not permitted)"
    words = ANSWER_WORDS.get(answer, answer)
    if result.get("due") and answer in ("yes", "obliged"):
        words += f", due {result['due']}"
    return words


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_forms_answer_as_the_interpreter(
    shipped: tuple[Path, clausec.CheckResult], tmp_path: Path
) -> None:
    """For every expectation of every scenario of the shipped contracts: the scenario's facts
    typed into the question's form, submitted, give the interpreter's answer and grounds, the
    grounds linked to their clauses."""
    out, result = shipped
    compared = days_shown = 0
    kinds_shown: set[str] = set()
    for contract in result.contracts:
        if not contract.scenarios:
            continue
        html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        script = tmp_path / f"{contract.id}.mjs"
        script.write_text(module_script(html), encoding="utf-8")
        controls = {
            e.attributes["id"]: {"tag": e.tag, "checked": "checked" in e.attributes}
            for e in html.walk()
            if "id" in e.attributes and e.tag in ("form", "input", "select", "div")
        }
        page = tmp_path / f"{contract.id}.json"
        page.write_text(json.dumps(controls), encoding="utf-8")
        cases, expected = scenario_cases(contract)
        shown_answers = answered_in_fake_dom(page, script, cases, tmp_path / contract.id)
        for kinds in compare_shown(contract, cases, expected, shown_answers):
            days_shown += len(kinds)
            kinds_shown.update(kinds)
            compared += 1
    assert compared > 20
    assert days_shown > 100
    # The shipped scenarios reach over public holidays and make-up days (China's National Day).
    assert kinds_shown == {"working", "weekend", "holiday", "makeup"}


def scenario_cases(contract: ir.Contract) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """For every expectation of the contract's scenarios: what to type into the question's
    form (field values, events that never happen, the as-of date), and the interpreter's
    answer for the same facts."""
    shape = interface(contract)
    forms = {q.name: (f"q{i}", q) for i, q in enumerate(shape.questions, start=1)}
    cases: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    for scenario in contract.scenarios:
        given = dict(scenario.givens)
        as_of = str(scenario.as_of) if scenario.as_of is not None else "today"
        for expectation in scenario.expectations:
            form, q = forms[expectation.question]
            values, never, raw = {}, [], {}
            for i, name in enumerate(q.facts, start=1):
                if name not in given:
                    continue
                value = given[name]
                if isinstance(value, Never):
                    never.append(f"{form}-f{i}-never")
                    raw[name] = "never"
                    continue
                typed = _form_value(value, shape.fact(name).type)
                values[f"{form}-f{i}"] = typed
                raw[name] = _raw(typed, shape.fact(name).type)
            cases.append(
                {
                    "form": form,
                    "values": values,
                    "never": never,
                    "asOf": "" if as_of == "today" else as_of,
                }
            )
            expected.append(ask(contract, q.name, raw, as_of).to_dict())
    return cases, expected


def compare_shown(
    contract: ir.Contract,
    cases: list[dict[str, Any]],
    expected: list[dict[str, Any]],
    shown_answers: list[dict[str, Any]],
) -> Iterator[list[str]]:
    """Each displayed answer against the interpreter's: the answer in words, the grounds'
    clauses and their links, the days of the timelines. Yields the kinds of the days shown."""
    anchors = anchor_ids([c.number for c in contract.clauses], "clause")
    for case, answer, displayed in zip(cases, expected, shown_answers, strict=True):
        where = f"{contract.id} {answer['question']} {case}"
        assert not displayed["error"], where
        assert displayed["head"] == _expected_head(answer), where
        grounds = [g["clause"] for g in answer["grounds"]]
        assert [g[0] for g in displayed["grounds"]] == grounds, where
        for text, href in displayed["grounds"]:
            if text in anchors:
                assert href == "#" + anchors[text]
        _check_days(contract, answer, displayed["days"], where)
        yield [kind for _, kind, _ in displayed["days"]]


def _check_days(
    contract: ir.Contract, answer: dict[str, Any], days: list[list[Any]], where: str
) -> None:
    """The days of the timelines: consecutive up to each due date, each marked as the
    contract's calendar says (public holiday, make-up working day, weekend)."""
    dues = [
        g["deadline"]["due"]
        for g in answer["grounds"]
        if g["deadline"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(g["deadline"]["due"]))
    ]
    assert sum("due" in marks for _, _, marks in days) == len(dues), where
    table = calendar.table(contract.calendar)
    holidays, workdays = set(table.holidays), set(table.workdays)
    for text, kind, _ in days:
        day = dt.date.fromisoformat(text)
        if day in workdays:
            expected = "makeup"
        elif day in holidays:
            expected = "holiday"
        elif day.isoweekday() in table.weekend:
            expected = "weekend"
        else:
            expected = "working"
        assert kind == expected, f"{where}: {text} is {kind}, not {expected}"


# Appended to a copy of a page: types every case into its form, submits it as a person would
# (requestSubmit: the form's submit event), and writes what the answer region shows into the
# page, for --dump-dom to print.
BROWSER_PROBE = """
<script type="module">
const out = [];
for (const c of CASES) {
  const form = document.getElementById(c.form);
  form.reset();
  for (const [id, value] of Object.entries(c.values)) document.getElementById(id).value = value;
  for (const id of c.never) document.getElementById(id).checked = true;
  document.getElementById(`${c.form}-as-of`).value = c.asOf;
  form.requestSubmit();
  const region = document.getElementById(`${c.form}-answer`);
  const head = region.firstElementChild;
  const grounds = region.querySelector(".grounds");
  out.push({
    head: head.textContent,
    error: head.className === "error",
    grounds: grounds
      ? [...grounds.children]
        .filter((li) => li.textContent.startsWith("because clause "))
        .map((li) => li.querySelector("a"))
        .map((a) => [a.textContent, a.getAttribute("href")])
      : [],
    days: [...region.querySelectorAll("li.day")].map((e) => [e.dataset.date,
      e.className.split(" ")[1], [...e.querySelectorAll(".mark")].map((m) => m.textContent)]),
  });
}
const pre = document.createElement("pre");
pre.id = "probe-results";
pre.textContent = JSON.stringify(out);
document.body.append(pre);
</script>
"""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian: apt-get install chromium)")
def test_the_forms_answer_in_chromium(
    shipped: tuple[Path, clausec.CheckResult], tmp_path: Path
) -> None:
    """The same comparison in a real browser, from file://: headless Chromium loads a copy of
    each page with a probe that fills and submits the forms; the page logs no error."""
    assert CHROMIUM is not None
    out, result = shipped
    compared = 0
    for contract in result.contracts:
        if not contract.scenarios:
            continue
        cases, expected = scenario_cases(contract)
        page = (out / f"{contract.id}.html").read_text(encoding="utf-8")
        probe = BROWSER_PROBE.replace("const out", f"const CASES = {js_str(cases)};\nconst out")
        probed = tmp_path / f"{contract.id}.html"
        probed.write_text(page.replace("</body>", probe + "</body>"), encoding="utf-8")
        run = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--v=0",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                probed.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        console = [line for line in run.stderr.splitlines() if "CONSOLE" in line]
        assert not console, console
        found = re.search(r'<pre id="probe-results">(.*?)</pre>', run.stdout, re.S)
        assert found, run.stderr[-2000:]
        shown_answers = json.loads(unescape(found.group(1)))
        compared += sum(1 for _ in compare_shown(contract, cases, expected, shown_answers))
    assert compared > 20


def _raw(typed: str, fact_type: object) -> object:
    """What explorer.js hands the evaluator for a typed field (readFacts)."""
    if isinstance(fact_type, t.Boolean):
        return typed == "true"
    if isinstance(fact_type, t.Money):
        return f"{typed} {fact_type.currency}"
    if isinstance(fact_type, t.Duration):
        return f"{typed} {fact_type.unit_class.replace('_', ' ')}"
    return typed


# ------------------------------------------------------------------ scenarios


def test_scenarios_with_their_state_and_coverage(
    shipped: tuple[Path, clausec.CheckResult],
) -> None:
    out, result = shipped
    for contract in result.contracts:
        html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
        articles = html.find_all("article", "scenario")
        assert len(articles) == len(contract.scenarios)
        if not contract.scenarios:
            continue
        report = scenario_runs.run(contract)
        total = report.passed + len(report.failures)
        assert html.find("p", "summary").text() == (
            f"{report.passed} of {total} expectations hold."
        )
        coverage = html.find("p", "coverage").text()
        assert coverage == (
            f"The expectations rest on {len(report.exercised)} of the {len(report.clauses)} "
            "normative clauses."
        )
        for article, scenario, ran in zip(
            articles, contract.scenarios, report.scenarios, strict=True
        ):
            state = "fails" if ran.failures else "passes"
            assert article.find("h3").text() == f"{scenario.title} {state}"
            assert len(article.find("ul", "expectations").find_all("li")) == len(
                scenario.expectations
            )


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_wrong_value_shows_the_evaluators_message(
    shipped: tuple[Path, clausec.CheckResult], tmp_path: Path
) -> None:
    """A value the fact's type refuses: the answer region shows the message the interpreter
    gives for it (the evaluators share their wording), and no answer."""
    out, result = shipped
    contract = result.contract("soolife_deposit")
    shape = interface(contract)
    html = parse((out / f"{contract.id}.html").read_text(encoding="utf-8"))
    script = tmp_path / "page.mjs"
    script.write_text(module_script(html), encoding="utf-8")
    controls = {
        e.attributes["id"]: {"tag": e.tag, "checked": "checked" in e.attributes}
        for e in html.walk()
        if "id" in e.attributes and e.tag in ("form", "input", "select", "div")
    }
    page = tmp_path / "page.json"
    page.write_text(json.dumps(controls), encoding="utf-8")
    cases, messages = [], []
    for qi, q in enumerate(shape.questions, start=1):
        for fi, name in enumerate(q.facts, start=1):
            fact_type = shape.fact(name).type
            wrong = {t.Money: "12,5", t.Date: "2025-02-30", t.Duration: "three"}
            typed = next((v for k, v in wrong.items() if isinstance(fact_type, k)), None)
            if typed is None:
                continue
            cases.append(
                {"form": f"q{qi}", "values": {f"q{qi}-f{fi}": typed}, "never": [], "asOf": ""}
            )
            with pytest.raises(FactError) as refused:
                ask(contract, q.name, {name: _raw(typed, fact_type)})
            messages.append(str(refused.value))
            break
    assert len(cases) > 5
    shown = answered_in_fake_dom(page, script, cases, tmp_path / "refused")
    for case, message, displayed in zip(cases, messages, shown, strict=True):
        assert displayed["error"], case
        assert displayed["head"] == message, case


def test_the_index_is_written_last(tmp_path: Path) -> None:
    files = {"index.html": "i", "b.html": "b", "site.css": "c", "a.html": "a"}
    written = write_site(files, tmp_path / "new" / "site")
    assert [p.name for p in written] == ["a.html", "b.html", "site.css", "index.html"]
    assert (tmp_path / "new" / "site" / "b.html").read_text(encoding="utf-8") == "b"


def test_no_analysis_shows_only_the_front_ends_findings(tmp_path: Path) -> None:
    folder = CONTRACTS / "hk_payments"
    run = run_cli(["site", str(folder), "--no-analysis", "-o", str(tmp_path)])
    assert run.returncode == 0, run.stderr
    plain = clausec.check_paths([folder])
    (contract,) = plain.contracts
    html = parse((tmp_path / f"{contract.id}.html").read_text(encoding="utf-8"))
    shown = sorted(
        e.find("code").text()
        for e in html.walk()
        if e.tag == "li" and "finding" in e.attributes.get("class", "").split()
    )
    assert shown == sorted(d.code for d in plain.diagnostics)
    analysed = clausec.check_paths([folder], analysis=True)
    assert len(analysed.diagnostics) > len(plain.diagnostics)
