"""Navigation for the language server (clausec.lsp.navigation), as pure functions: hover,
definition, references, completion and rename on small files, on the shipped deposit
contract and its annex, on files with syntax errors, with positions in UTF-16."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol.types import CompletionList, Location, Position, Range

from clausec.lsp import navigation as nav
from clausec.lsp.diagnostics import check
from clausec.lsp.hovers import code_block, markdown_text
from clausec.lsp.navigation import RenameError
from clausec.lsp.positions import LineIndex, utf16_length
from clausec.lsp.workspace import Workspace, normal_path
from clausec.source import Span

from conftest import CONTRACTS, HEADER, REPO

DEPOSIT = CONTRACTS / "soolife" / "deposit.clause"
ANNEX = CONTRACTS / "soolife" / "annex1.clause"

SMALL = (
    HEADER
    + """\
party a role "first party"
party b role "second party"
action pay "pay <now> *at once*"
object fee : money CNY "the fee"
object goods "the goods"
fact f : boolean "the first fact"
  presumed false because "nobody showed it"
    per "1"
fact k : one of red, green "the colour"
fact m : money CNY at least 0 CNY "an amount"
event e "it happened"
define ok = f and k = red "all is well"

clause "1"
  quote "甲方应付款。"
  gloss "A must pay."
  a must pay fee to b
    when ok and k != green
    within 3 days after e

clause "12.1"
  quote "first of twelve"
  b may pay goods
    subject to "1"

clause "12.2"
  quote "second of twelve"
  refers to "12"
  a must not pay goods
    notwithstanding "12.1"

question must_pay "Must a pay?"
  : must a pay fee

scenario "paid"
  given k = green
  given e = 2025-01-01
  expect must_pay is obliged because "1"
"""
)


def position(text: str, needle: str, offset: int = 0, nth: int = 0) -> Position:
    """The LSP position of character ``offset`` of the ``nth`` ``needle`` in ``text``,
    counted in UTF-16 code units independently of the code under test."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    at = start + offset
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    return Position(line, len(text[line_start:at].encode("utf-16-le")) // 2)


def workspace(tmp_path: Path, files: dict[str, str]) -> Workspace:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Workspace([tmp_path])


def lines_of(locations: list[Location]) -> list[tuple[str, int]]:
    return [(Path(loc.uri).name, loc.range.start.line) for loc in locations]


@pytest.fixture
def small(tmp_path: Path) -> tuple[Workspace, Path]:
    return workspace(tmp_path, {"small.clause": SMALL}), tmp_path / "small.clause"


@pytest.fixture(scope="module")
def shipped() -> Workspace:
    return Workspace([CONTRACTS])


def hover_text(ws: Workspace, path: Path, at: Position) -> str:
    found = nav.hover(ws, path, at)
    assert found is not None
    assert isinstance(found.contents, object)
    return found.contents.value  # type: ignore[union-attr]


# ---------------------------------------------------------------- positions


def test_line_index_counts_utf16_code_units() -> None:
    text = 'a "中𝄞x" b\nsecond'
    lines = LineIndex(text)
    # `b` is the 9th code point of line 1 and its 10th UTF-16 unit (𝄞 takes two).
    assert lines.position(1, 9) == Position(0, 9)
    assert lines.column(Position(0, 9)) == (1, 9)
    assert lines.range(Span("t", 1, 4, 1, 6)) == Range(Position(0, 3), Position(0, 6))
    # Inside the surrogate pair of 𝄞: the character it is part of.
    assert lines.column(Position(0, 5)) == (1, 5)
    # Past the end of a line, past the last line: clamped.
    assert lines.column(Position(1, 99)) == (2, 7)
    assert lines.column(Position(7, 0)) == (2, 7)
    assert utf16_length("中𝄞") == 3
    assert lines.line_column(lines.offset(2, 3)) == (2, 3)


def test_windows_line_ends_keep_columns() -> None:
    lines = LineIndex("ab\r\ncd")
    assert lines.lines == ["ab", "cd"]
    assert lines.offset(2, 2) == 4


def test_definition_and_ranges_after_astral_and_cjk_characters(tmp_path: Path) -> None:
    text = SMALL.replace(
        'clause "1"\n  quote "甲方应付款。"\n  gloss "A must pay."\n',
        'clause "1" quote "甲方𝄞😀应付款。" gloss "x" a must pay goods when f\n',
    )
    ws = workspace(tmp_path, {"u.clause": text})
    path = tmp_path / "u.clause"
    use = position(text, "when f", 5)
    [found] = nav.definition(ws, path, use)
    assert found.range.start == position(text, "fact f :", 5)
    [_, reference] = nav.references(ws, path, use, include_declaration=False)[:2]
    assert reference.range.start == use
    assert reference.range.end.character == use.character + 1


# ---------------------------------------------------------------- hover


def test_hover_on_a_fact_gives_type_description_and_presumption(
    small: tuple[Workspace, Path],
) -> None:
    ws, path = small
    text = hover_text(ws, path, position(SMALL, "when ok and", 5))
    assert text.startswith("**definition** `ok` : `boolean`")
    assert "f and k = red" in text
    text = hover_text(ws, path, position(SMALL, "fact f", 5))
    assert "**fact** `f` : `boolean`" in text
    assert "the first fact" in text
    assert 'presumed `false` because nobody showed it (per `"1"`)' in text
    text = hover_text(ws, path, position(SMALL, "fact m", 5))
    assert "bounds: `at least 0 CNY`" in text
    assert "**event** `e`" in hover_text(ws, path, position(SMALL, "after e", 6))


def test_hover_on_names_of_the_vocabulary(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    assert "role: first party" in hover_text(ws, path, position(SMALL, "a must pay fee", 0))
    # Markdown in a description is shown, not interpreted.
    assert r"pay \<now\> \*at once\*" in hover_text(ws, path, position(SMALL, "must pay fee", 5))
    assert "`money CNY`" in hover_text(ws, path, position(SMALL, "pay fee to", 4))
    member = hover_text(ws, path, position(SMALL, "k != green", 5))
    assert member == "**member** `green` of the type of `k`"
    question = hover_text(ws, path, position(SMALL, "expect must_pay", 8))
    assert "Must a pay?" in question and "must a pay fee" in question


def test_hover_on_a_norm_gives_modality_and_the_clause_quote(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    found = nav.hover(ws, path, position(SMALL, "a must pay fee", 2))
    assert found is not None and found.range is not None
    text = found.contents.value  # type: ignore[union-attr]
    assert text.startswith("**obligation** `1#1`: `a` must `pay` `fee` to `b`")
    assert "is bound to do it" in text
    assert "when ok and k != green\nwithin 3 days after e" in text
    assert "> 甲方应付款。" in text and "*gloss:* A must pay\\." in text
    assert found.range.start == position(SMALL, "a must pay fee")
    prohibition = hover_text(ws, path, position(SMALL, "must not pay", 2))
    assert prohibition.startswith("**prohibition** `12.2#1`")


def test_hover_on_a_clause_reference_gives_its_quote(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    text = hover_text(ws, path, position(SMALL, 'subject to "1"', 12))
    assert "**clause** `1` of `t`" in text and "> 甲方应付款。" in text
    # A section: every clause within it.
    section = hover_text(ws, path, position(SMALL, 'refers to "12"', 12))
    assert "first of twelve" in section and "second of twelve" in section


def test_hover_on_the_deposit_contract(shipped: Workspace) -> None:
    text = DEPOSIT.read_text(encoding="utf-8")
    ground = hover_text(shipped, DEPOSIT, position(text, 'because "6.2(1)"', 10))
    assert ground.startswith("**clause** `6.2(1)` of `soolife_deposit`")
    assert "> " in ground
    fact = hover_text(shipped, DEPOSIT, position(text, "merchant.closed_shop", 3, nth=1))
    assert fact.startswith("**fact** `merchant.closed_shop` : `boolean`")
    assert "presumed `false` because" in fact


def test_nothing_to_hover_between_declarations(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    assert nav.hover(ws, path, Position(1, 0)) is None
    assert nav.hover(ws, path, Position(500, 0)) is None


# ---------------------------------------------------------------- definition and references


def test_definition_of_each_kind_of_name(small: tuple[Workspace, Path]) -> None:
    ws, path = small

    def where(needle: str, offset: int, nth: int = 0) -> list[int]:
        return [
            loc.range.start.line
            for loc in nav.definition(ws, path, position(SMALL, needle, offset, nth))
        ]

    line = SMALL[: SMALL.index("fact k")].count("\n")
    assert where("k = red", 0) == [line]
    assert where("k = red", 4) == [line]  # the member, declared in the type of k
    assert where("given k = green", 10) == [line]
    assert where("a must pay", 0) == [SMALL[: SMALL.index("party a")].count("\n")]
    assert where('subject to "1"', 12) == [SMALL[: SMALL.index('clause "1"')].count("\n")]
    assert len(where('refers to "12"', 11)) == 2
    assert where("expect must_pay", 8) == [SMALL[: SMALL.index("question")].count("\n")]
    assert where("gloss", 1) == []


def test_references_of_a_fact_include_scenarios_and_presumption_targets(
    small: tuple[Workspace, Path],
) -> None:
    ws, path = small
    at = position(SMALL, "fact k", 5)
    found = nav.references(ws, path, at, include_declaration=True)
    assert len(found) == 4  # declared; in `ok`; in the condition; given
    without = nav.references(ws, path, at, include_declaration=False)
    assert len(without) == len(found) - 1
    clause = nav.references(ws, path, position(SMALL, 'clause "1"', 8), include_declaration=False)
    assert len(clause) == 3  # per "1", subject to "1", because "1"


def test_references_of_a_member_are_its_uses(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    found = nav.references(ws, path, position(SMALL, "red, green", 0), include_declaration=False)
    assert len(found) == 1 and found[0].range.start == position(SMALL, "k = red", 4)


def test_references_across_the_deposit_contract_and_its_annex(shipped: Workspace) -> None:
    text = DEPOSIT.read_text(encoding="utf-8")
    found = nav.references(shipped, DEPOSIT, position(text, "party platform", 6), False)
    files = {Path(loc.uri).name for loc in found}
    assert files == {"deposit.clause", "annex1.clause"}
    clean = nav.references(shipped, DEPOSIT, position(text, "merchant.clean", 3), True)
    assert {Path(loc.uri).name for loc in clean} == {"deposit.clause"}
    assert len(clean) >= 3
    # A clause of the deposit contract named from the annex (`"2.1" of soolife_deposit`).
    annex = ANNEX.read_text(encoding="utf-8")
    at = position(annex, '"2.1" of soolife_deposit', 2)
    [declared] = nav.definition(shipped, ANNEX, at)
    assert Path(declared.uri).name == "deposit.clause"
    assert declared.range.start == position(text, 'clause "2.1"', 7)  # the number's string
    assert "of `soolife_deposit`" in hover_text(shipped, ANNEX, at)
    uses = nav.references(shipped, DEPOSIT, position(text, 'clause "2.1"', 8), False)
    assert ("annex1.clause", 88) in lines_of(uses)
    contract = hover_text(shipped, ANNEX, position(annex, "over soolife_deposit", 6))
    assert (
        contract.startswith("**contract** `soolife_deposit`")
        and "file `deposit.clause`" in contract
    )


def test_documents_and_sections_in_the_deposit_contract(shipped: Workspace) -> None:
    text = DEPOSIT.read_text(encoding="utf-8")
    at = position(text, "of service_agreement", 4)
    assert hover_text(shipped, DEPOSIT, at).startswith("**document** `service_agreement`")
    [declared] = nav.definition(shipped, DEPOSIT, at)
    assert declared.range.start == position(text, "document service_agreement", 9)
    assert len(nav.references(shipped, DEPOSIT, at, include_declaration=True)) >= 5
    # A reference to a clause of another document leads nowhere (nothing checks it).
    assert nav.definition(shipped, DEPOSIT, position(text, '"保证金" of', 1)) == []


def test_a_section_reference_is_a_reference_to_each_of_its_clauses(
    small: tuple[Workspace, Path],
) -> None:
    ws, path = small
    uses = nav.references(ws, path, position(SMALL, 'clause "12.1"', 8), False)
    assert [u.range.start for u in uses] == [
        position(SMALL, 'refers to "12"', 10),
        position(SMALL, 'notwithstanding "12.1"', 16),
    ]


def test_definition_follows_an_import_into_the_other_file(tmp_path: Path) -> None:
    terms = HEADER.replace("contract t", "contract terms") + (
        'party a role "a"\naction pay "p"\nobject fee "f"\n'
        'clause "6.3"\n  quote "q"\n  a must pay fee\n'
    )
    annex = HEADER.replace("contract t", "contract annex") + (
        'import terms from "sub/terms.clause"\n'
        'party a role "a"\naction pay "p"\nobject fee "f"\n'
        'clause "1"\n  quote "r"\n  a may pay fee\n    subject to "6.3" of terms\n'
    )
    ws = workspace(tmp_path, {"annex.clause": annex, "sub/terms.clause": terms})
    path = tmp_path / "annex.clause"
    [contract] = nav.definition(ws, path, position(annex, "import terms", 8))
    assert contract.uri.endswith("sub/terms.clause") and contract.range.start.line == 0
    [clause] = nav.definition(ws, path, position(annex, '"6.3" of', 2))
    assert clause.uri.endswith("sub/terms.clause")
    assert clause.range.start.line == terms[: terms.index('"6.3"')].count("\n")
    assert "> q" in hover_text(ws, path, position(annex, '"6.3" of', 2))
    # Parties are shared by the joined files; the clause is named from the importer.
    party = nav.references(
        ws, tmp_path / "sub" / "terms.clause", position(terms, "party a", 6), True
    )
    assert len(party) == 4
    uses = nav.references(ws, tmp_path / "sub" / "terms.clause", position(terms, '"6.3"', 1), False)
    assert [Path(u.uri).name for u in uses] == ["annex.clause"]


# ---------------------------------------------------------------- completion


def labels(found: CompletionList) -> list[str]:
    return [item.label for item in found.items]


def completion_at(tmp_path: Path, text: str, needle: str = "|") -> CompletionList:
    """Completion where ``needle`` (removed from the text) was."""
    at = position(text, needle)
    ws = workspace(tmp_path, {"c.clause": text.replace(needle, "", 1)})
    return nav.completion(ws, tmp_path / "c.clause", at)


def test_completion_offers_the_keywords_valid_there(tmp_path: Path) -> None:
    found = labels(completion_at(tmp_path, SMALL.replace("    within 3 days after e\n", "    |\n")))
    assert {"when", "unless", "within", "subject", "otherwise", "clause", "question"} <= set(found)
    assert "title" not in found and "given" not in found
    header = labels(completion_at(tmp_path, HEADER.rstrip("\n") + " |"))
    assert "party" in header and "title" in header and "when" not in header


def test_completion_of_dotted_names_after_the_dot(shipped: Workspace) -> None:
    text = DEPOSIT.read_text(encoding="utf-8")
    ws = Workspace([CONTRACTS])
    edited = text.replace("when merchant.clean", "when merchant.|", 1)
    at = position(edited, "|")
    edited = edited.replace("|", "", 1)
    ws.set_text(DEPOSIT, edited)
    found = nav.completion(ws, DEPOSIT, at)
    assert found.items and all(item.label.startswith("merchant.") for item in found.items)
    assert "merchant.clean" in labels(found) and "merchant.closed_shop" in labels(found)
    item = next(i for i in found.items if i.label == "merchant.closed_shop")
    assert item.detail is not None and item.detail.startswith("boolean — 乙方擅自关店")
    assert item.text_edit is not None and item.text_edit.new_text == "merchant.closed_shop"
    assert item.text_edit.range == Range(  # type: ignore[union-attr]
        Position(at.line, at.character - len("merchant.")), at
    )


def test_completion_of_members_where_the_enumeration_is_expected(tmp_path: Path) -> None:
    assert labels(completion_at(tmp_path, SMALL.replace("given k = green", "given k = |"))) == [
        "red",
        "green",
    ]
    assert labels(completion_at(tmp_path, SMALL.replace("k != green", "k != |")))[:2] == [
        "red",
        "green",
    ]


def test_completion_of_clause_numbers_inside_a_reference(tmp_path: Path) -> None:
    found = completion_at(tmp_path, SMALL.replace('subject to "1"', 'subject to "|"'))
    assert labels(found) == ["1", "12.1", "12.2"]
    assert found.items[0].detail == "A must pay."
    # In a string that is no reference (a quote), nothing.
    assert labels(completion_at(tmp_path, SMALL.replace("first of twelve", "first |of"))) == []
    # In a comment, nothing.
    assert labels(completion_at(tmp_path, SMALL + "# a |comment\n")) == []


def test_completion_of_references_to_other_contracts_and_documents(tmp_path: Path) -> None:
    text = SMALL.replace("party a role", 'document terms "the terms"\nparty a role', 1)
    of = labels(completion_at(tmp_path, text.replace('subject to "1"', 'subject to "1" of |')))
    assert of == ["terms"]
    whole = labels(completion_at(tmp_path, text.replace('subject to "1"', "subject to |")))
    assert {"terms", "t"} <= set(whole)
    precedence = SMALL.replace(
        "  a must not pay goods", '  "|" prevails over "12.1"\n  a must not pay goods'
    )
    assert "12.2" in labels(completion_at(tmp_path, precedence))
    quote = SMALL.replace('  quote "second of twelve"', '  quote\n    "|second of twelve"')
    assert labels(completion_at(tmp_path, quote)) == []


def test_completion_of_an_imported_contract(tmp_path: Path) -> None:
    other = HEADER.replace("contract t", "contract other_terms")
    ws = workspace(tmp_path, {"o.clause": other, "c.clause": SMALL + "import |\n"})
    text = SMALL + "import |\n"
    at = position(text, "|")
    ws.set_text(tmp_path / "c.clause", text.replace("|", ""))
    assert labels(nav.completion(ws, tmp_path / "c.clause", at)) == ["other_terms"]


def test_completion_of_questions_parties_actions_and_objects(tmp_path: Path) -> None:
    assert labels(completion_at(tmp_path, SMALL.replace("expect must_pay", "expect |"))) == [
        "must_pay"
    ]
    actions = labels(completion_at(tmp_path, SMALL.replace("a must pay fee to", "a must | fee to")))
    assert actions[0] == "pay" and "notwithstanding" not in actions
    objects = labels(completion_at(tmp_path, SMALL.replace("b may pay goods", "b may pay |")))
    assert {"fee", "goods", "a", "b"} <= set(objects)
    query = labels(completion_at(tmp_path, SMALL.replace(": must a pay fee", ": must a |")))
    assert query[0] == "pay"


def test_completion_in_a_file_with_a_syntax_error(tmp_path: Path) -> None:
    broken = SMALL.replace('clause "12.1"', 'clause "12.1" )( broken')
    found = labels(completion_at(tmp_path, broken.replace("when ok and", "when |ok and")))
    assert "f" in found and "ok" in found and "k" in found


def test_the_front_ends_parse_is_indexed_without_parsing_again() -> None:
    # The server hands navigation the tree its front end parsed (bench/lsp.py: a hover
    # after an edit); answers are those of an index that parsed the text itself.
    text = DEPOSIT.read_text(encoding="utf-8").replace("when merchant.clean", "when merchant.x", 1)
    outcome = check(DEPOSIT, text, CONTRACTS)
    assert outcome.parsed is not None
    adopted, parsed_again = Workspace([CONTRACTS]), Workspace([CONTRACTS])
    for ws in (adopted, parsed_again):
        ws.set_text(DEPOSIT, text)
    adopted.adopt(DEPOSIT, outcome.parsed)
    index = adopted.file(DEPOSIT)
    assert index is not None and index.module is outcome.parsed.module
    for at in (position(text, "merchant.closed_shop", 3, nth=2), position(text, '"6.2(1)"', 1)):
        shown = nav.hover(adopted, DEPOSIT, at)
        assert shown is not None and shown == nav.hover(parsed_again, DEPOSIT, at)
        assert nav.references(adopted, DEPOSIT, at, True) == nav.references(
            parsed_again, DEPOSIT, at, True
        )
    completion_at = position(text, "when merchant.x", 14)
    assert nav.completion(adopted, DEPOSIT, completion_at) == nav.completion(
        parsed_again, DEPOSIT, completion_at
    )
    # The parse of an older text is not taken for the current one.
    adopted.set_text(DEPOSIT, text + "\n# edited\n")
    adopted.adopt(DEPOSIT, outcome.parsed)
    index = adopted.file(DEPOSIT)
    assert index is not None and index.module is not outcome.parsed.module


# ---------------------------------------------------------------- rename


def edits_by_file(edit: object) -> dict[str, list[tuple[int, int, str]]]:
    changes = edit.changes or {}  # type: ignore[attr-defined]
    return {
        Path(uri).name: [(e.range.start.line, e.range.start.character, e.new_text) for e in edits]
        for uri, edits in changes.items()
    }


def test_rename_a_fact_everywhere_it_is_named(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    at = position(SMALL, "k = red", 0)
    assert nav.prepare_rename(ws, path, at) is not None
    edits = edits_by_file(nav.rename(ws, path, at, "colour.chosen"))["small.clause"]
    assert len(edits) == 4 and all(new == "colour.chosen" for _, _, new in edits)
    renamed = SMALL
    for line, character, new in sorted(edits, reverse=True):
        lines = renamed.split("\n")
        lines[line] = lines[line][:character] + new + lines[line][character + 1 :]
        renamed = "\n".join(lines)
    ws.set_text(path, renamed)
    assert nav.definition(ws, path, position(renamed, "given colour.chosen", 6))


def test_rename_refuses_bad_names_and_clashes(small: tuple[Workspace, Path]) -> None:
    ws, path = small
    at = position(SMALL, "fact f", 5)
    with pytest.raises(RenameError, match="not a valid name"):
        nav.rename(ws, path, at, "Bad")
    with pytest.raises(RenameError, match="reserved word"):
        nav.rename(ws, path, at, "when.x")
    with pytest.raises(RenameError, match="already a fact"):
        nav.rename(ws, path, at, "m")
    with pytest.raises(RenameError, match="member of the type of `k`"):
        nav.rename(ws, path, at, "green")
    with pytest.raises(RenameError, match="only a fact"):
        nav.rename(ws, path, position(SMALL, "party a", 6), "x")
    assert nav.prepare_rename(ws, path, position(SMALL, "party a", 6)) is None
    assert nav.prepare_rename(ws, path, position(SMALL, "k = red", 4)) is None
    assert nav.rename(ws, path, at, "f").changes == {}


def test_rename_an_event_across_files_that_share_it(tmp_path: Path) -> None:
    terms = HEADER.replace("contract t", "contract terms") + 'event signed "s"\nfact n : integer\n'
    annex = HEADER.replace("contract t", "contract annex") + (
        'import terms from "terms.clause"\nevent signed "s"\nfact n : decimal\n'
        "define later = signed\ndefine more = n\n"
    )
    ws = workspace(tmp_path, {"terms.clause": terms, "annex.clause": annex})
    edits = edits_by_file(
        nav.rename(ws, tmp_path / "terms.clause", position(terms, "signed", 1), "agreed")
    )
    assert sorted(edits) == ["annex.clause", "terms.clause"]
    assert len(edits["annex.clause"]) == 2
    # A fact of another type is another fact: renamed in its file only.
    edits = edits_by_file(
        nav.rename(ws, tmp_path / "terms.clause", position(terms, "fact n", 5), "count")
    )
    assert sorted(edits) == ["terms.clause"]


def test_rename_refused_when_a_skipped_declaration_names_it(tmp_path: Path) -> None:
    broken = SMALL.replace("define ok = f and k = red", "define ok = f and and k = red")
    ws = workspace(tmp_path, {"b.clause": broken})
    path = tmp_path / "b.clause"
    with pytest.raises(RenameError, match="syntax errors"):
        nav.rename(ws, path, position(broken, "fact k", 5), "kind")
    # A name the broken declaration does not mention is renamed.
    edits = edits_by_file(nav.rename(ws, path, position(broken, "fact m", 5), "total"))
    assert len(edits["b.clause"]) == 1
    # Hover and definition work on what the parser kept.
    assert "**fact** `k`" in hover_text(ws, path, position(broken, "given k", 6))


# ---------------------------------------------------------------- workspace


def test_workspace_texts(tmp_path: Path) -> None:
    ws = workspace(tmp_path, {"w.clause": SMALL})
    path = tmp_path / "w.clause"
    first = ws.file(path)
    assert first is not None and ws.file(path) is first  # indexed once per text
    ws.set_text(path, SMALL + "\n")
    assert ws.file(path) is not first
    ws.close(path)
    assert ws.text(path) == SMALL
    assert ws.file(tmp_path / "missing.clause") is None
    memory = Workspace(read_file=lambda p: SMALL if p.name == "m.clause" else None)
    assert memory.text(Path("m.clause")) == SMALL and memory.file(Path("n.clause")) is None
    assert normal_path(tmp_path / "x" / ".." / "w.clause") == path


def test_markdown_escaping() -> None:
    assert markdown_text("<b>*x*</b>\n# y") == r"\<b\>\*x\*\</b\>  " + "\n" + r"\# y"
    assert code_block("a ``` b").startswith("````clause\n")


# ---------------------------------------------------------------- a property


_DEPOSIT_INDEX = Workspace([CONTRACTS])
_DEPOSIT_OCCURRENCES = (_DEPOSIT_INDEX.file(DEPOSIT) or pytest.fail("no index")).occurrences


@given(st.sampled_from(_DEPOSIT_OCCURRENCES))
def test_every_reference_leads_back_to_its_declaration(occurrence: object) -> None:
    """For a name of the deposit contract: its definition is among its references, and each
    reference leads back to that declaration."""
    ws = _DEPOSIT_INDEX
    index = ws.file(DEPOSIT)
    assert index is not None
    span = occurrence.span  # type: ignore[attr-defined]
    at = index.lines.position(span.line, span.column)
    declared = nav.definition(ws, DEPOSIT, at)
    if not declared or len(declared) != 1:
        return
    found = nav.references(ws, DEPOSIT, at, include_declaration=True)
    assert declared[0] in found
    here = index.lines.range(span)
    assert any(loc.range == here for loc in found)
    for loc in found:
        if Path(loc.uri) != normal_path(DEPOSIT):
            continue
        # A section's number leads to each of its clauses, this one among them.
        assert declared[0] in nav.definition(ws, DEPOSIT, loc.range.start)


@given(st.text(alphabet=st.sampled_from("ab 中\t𝄞😀\u00e9\r"), max_size=30))
def test_positions_round_trip(line: str) -> None:
    """Every code-point column of a line comes back from its LSP position."""
    lines = LineIndex(line + "\nnext")
    for column in range(1, len(lines.lines[0]) + 2):
        at = lines.position(1, column)
        assert at.character == utf16_length(lines.lines[0][: column - 1])
        assert lines.column(at) == (1, column)


_CUT_SOURCES = [ANNEX, REPO / "docs" / "examples" / "priorities.clause"]


@given(
    st.sampled_from(_CUT_SOURCES),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0, max_value=1),
    st.text(alphabet=st.sampled_from('"#()\n x.,=𝄞'), max_size=3),
)
def test_a_file_cut_anywhere_never_raises(
    source: Path, cut: float, where: float, inserted: str
) -> None:
    """A text being typed — any prefix of a real file with a few characters appended — gets
    answers or nothing from every function, never an exception."""
    text = source.read_text(encoding="utf-8")
    text = text[: int(len(text) * cut)] + inserted
    ws = Workspace(read_file=lambda _: text)
    path = Path("/virtual") / source.name
    lines = text.split("\n")
    line = min(int(len(lines) * where), len(lines) - 1)
    at = Position(line, utf16_length(lines[line]) // 2)
    nav.hover(ws, path, at)
    nav.definition(ws, path, at)
    nav.references(ws, path, at, include_declaration=True)
    nav.completion(ws, path, at)
    if nav.prepare_rename(ws, path, at) is not None:
        with contextlib.suppress(RenameError):
            nav.rename(ws, path, at, "renamed.name")
