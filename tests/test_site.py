"""The contract explorer (`clausec site`, src/clausec/site/): the pages of the shipped
contracts read back with an HTML parser (landmarks, the document in its order, quotes in their
language beside the formal reading, findings at their clauses, the priority table, links that
resolve), hostile clause files that must stay text, byte-identical output, and the command's
errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from test_hostile import Spec, compile_spec, contracts

import clausec
from clausec.diagnostics import Diagnostic
from clausec.ir import nodes as ir
from clausec.site import site_files
from clausec.site.findings import place
from clausec.site.markup import anchor_ids, escape
from clausec.site.sentences import norm_sentence

from conftest import CONTRACTS, REPO, run_cli

VOID = frozenset({"meta", "link", "br"})
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
    ]
)


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
            assert value is not None, f"attribute {name} without a value"
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
    return html


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
        articles = html.find("main").find_all("article")
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
            for a in html.find("main").find_all("article")
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
"""


def test_a_hostile_contract_stays_text() -> None:
    result = clausec.compile_text(HOSTILE, "evil.clause")
    assert result.ok, [f"{d.code} {d.span}: {d.message}" for d in result.diagnostics]
    contract = result.contract("evil")
    for name, page in site_files([contract], result.diagnostics).items():
        if name.endswith(".html"):
            html = check_page(page)
            assert not html.find_all("script")
    html = parse(site_files([contract], result.diagnostics)["evil.html"])
    assert html.find("title").text() == contract.title
    first, second = html.find("main").find_all("article")
    assert first.find("blockquote").text() == contract.clauses[0].quote
    assert first.find("blockquote").attributes["lang"] == "ru"
    assert first.find("p", "gloss").text() == contract.clauses[0].gloss
    assert second.find("p", "reason").text() == contract.clauses[1].reason
    assert second.find("p", "refers").find("a").attributes["href"] == "#" + first.attributes["id"]


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
    articles = html.find("main").find_all("article")
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
