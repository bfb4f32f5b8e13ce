"""References between clauses: a number names a clause or the section above clauses
(clausec.ir.numbering), suggestions only when likely, and `refers to … about` (W0545)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clausec.ir.numbering import likely_meant, sub_clauses, within

from conftest import codes, compile_body, contract_of

NUMBERS = [
    "12",
    "12.1",
    "12.2",
    "12.10",
    "1.2",
    "13.2",
    "§ 8 (1)",
    "6.2(1)",
    "6.2 a)",
    "III attēlu dati",
]


def test_a_section_holds_the_clauses_below_it() -> None:
    assert sub_clauses("12", NUMBERS) == ["12.1", "12.2", "12.10"]
    assert sub_clauses("6.2", NUMBERS) == ["6.2(1)", "6.2 a)"]
    assert sub_clauses("§ 8", NUMBERS) == ["§ 8 (1)"]
    assert not within("12", "1") and not within("1.2", "12") and not within("12.10", "12.1")


@given(st.from_regex(r"[0-9§ ]{0,3}[0-9]{1,3}", fullmatch=True), st.sampled_from([".", "(", " "]))
def test_every_number_is_within_itself_and_holds_its_sub_clauses(section: str, sep: str) -> None:
    assert within(section, section)
    assert within(section + sep + "1", section)
    assert not within(section + "0", section)


def test_suggestions_only_for_the_same_number_laid_out_differently() -> None:
    assert likely_meant("13", NUMBERS) is None  # not 1.3 or 12: a guess would read as a fix
    assert likely_meant("1.3", NUMBERS) is None  # not 1.2, nor 13.2
    assert likely_meant("6.2 (1)", NUMBERS) == "6.2(1)"
    assert likely_meant("§8(1)", NUMBERS) == "§ 8 (1)"
    assert likely_meant("III attelu dati", NUMBERS) == "III attēlu dati"


CLAUSES = """
clause "12.1"
  quote "a"
  a must pay fee to b
clause "12.2"
  quote "b"
  a must pay fee to b
clause "14.1"
  quote "c"
  b must notify goods to a
"""


def test_refers_to_a_section_is_not_a_missing_clause() -> None:
    c = contract_of(
        CLAUSES + 'non-normative "13"\n  quote "see 12"\n  reason "x"\n  refers to "12"\n'
    )
    assert [str(r) for r in c.clauses[-1].refers_to] == ['"12"']


def test_a_missing_number_is_not_guessed() -> None:
    result = compile_body(
        CLAUSES + 'non-normative "13"\n  quote "x"\n  reason "x"\n  refers to "1.2"\n'
    )
    (d,) = result.diagnostics
    assert d.code == "W0540" and d.hint is not None and "did you mean" not in d.hint


def test_a_priority_over_a_section_names_its_clauses() -> None:
    result = compile_body(
        CLAUSES + 'clause "13"\n  quote "x"\n  b must notify goods to a\n    subject to "12"\n'
    )
    (d,) = result.diagnostics
    assert d.code == "E0206" and d.hint is not None and '"12.1", "12.2"' in d.hint


def test_about_what_the_section_does_not_treat() -> None:
    body = CLAUSES + 'non-normative "13"\n  quote "x"\n  reason "x"\n  refers to "12" about goods\n'
    result = compile_body(body)
    (d,) = result.diagnostics
    assert d.code == "W0545" and d.hint is not None and '"14.1"' in d.hint
    assert codes(compile_body(body.replace("about goods", "about fee"))) == []
    assert codes(compile_body(body.replace("about goods", "about good"))) == ["E0203"]
    c = contract_of(body.replace("about goods", "about fee, goods"))
    assert c.clauses[-1].refers_to[0].about == ("fee", "goods")
