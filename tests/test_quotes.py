"""The one rule for quotes (clausec.quotes, docs/language.md "Quotes"): the normal form the
IR keeps, and `clausec check --sources`, which finds every quote in its source document."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import clausec
from clausec.quotes import check, normal_form

from conftest import REPO, SHIPPED, run_cli

# The seed documents sit beside the checkout, as CI places them (../shared/seeds).
SEEDS = Path(os.environ.get("CLAUSEC_SEEDS", REPO.parent / "shared" / "seeds"))


def test_white_space_and_page_breaks() -> None:
    assert normal_form("  a\n b\t\tc\n\n\nd  ") == "a b c d"
    assert normal_form("乙方应自行承担所\n\n有相应的法律责任") == "乙方应自行承担所有相应的法律责任"
    assert normal_form("路 207 号 C 座") == "路 207 号 C 座"  # a space beside a digit stays
    assert normal_form("“如此生活” 电子商务") == "“如此生活” 电子商务"
    assert normal_form("시간 이") == "시간 이"  # Hangul is written with spaces


def test_running_headers_hyphens_and_list_markers() -> None:
    header = "“如此生活”电子商务平台服务合作协议"
    text = f"乙方应自行承担所\n\n{header}\n\n有相应的法律责任"
    assert normal_form(text, [header]) == "乙方应自行承担所有相应的法律责任"
    assert normal_form(text) != normal_form(text, [header])
    assert normal_form("Auftrags-\nverarbeitung") == "Auftragsverarbeitung"
    assert normal_form("Ein-\nund Ausgang") == "Einund Ausgang"
    assert normal_form("DS-\nGVO") == "DS- GVO"  # before a capital, the hyphen is the text's
    assert normal_form("Schutz\u00adverletzung") == "Schutzverletzung"
    assert normal_form("von \n\n\n- der Einhaltung") == "von der Einhaltung"
    assert normal_form("a\n- b") == "a - b"  # a list marker without a page break stays
    assert normal_form("e\u0301") == "\u00e9"


@given(st.text(alphabet=st.sampled_from(list("ab 乙方\n\t-\u00adé\u0301*"))))
def test_the_normal_form_is_a_normal_form(text: str) -> None:
    once = normal_form(text)
    assert normal_form(once) == once
    assert "  " not in once and once == once.strip() and "\n" not in once


def _contract(tmp_path: Path, quote: str, source: str = "doc.txt", extra: str = "") -> Path:
    path = tmp_path / "c.clause"
    path.write_text(
        f'contract c title "T" source "{source}" language zh calendar CN\n{extra}'
        'party a role "甲方"\naction pay "付"\nobject fee "费"\n'
        f'clause "1"\n  quote "{quote}"\n  a must pay fee\n',
        encoding="utf-8",
    )
    return path


def test_a_quote_that_leaves_its_source(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text(
        "一、甲方应\n\n页眉\n\n按时付费。二、其他。\n", encoding="utf-8"
    )
    good = clausec.load(_contract(tmp_path, "甲方应按时付费。", extra='  running header "页眉"\n'))
    assert check(good, [tmp_path]) == []
    bad = clausec.load(_contract(tmp_path, "甲方应准时付费。", extra='  running header "页眉"\n'))
    (d,) = check(bad, [tmp_path])
    assert d.code == "W0546" and d.span is not None and d.span.line == 7
    assert d.hint is not None and "«…甲方应»" in d.hint and "«按时付费" in d.hint
    elided = clausec.load(_contract(tmp_path, "一、……付费。二", extra='  running header "页眉"\n'))
    assert check(elided, [tmp_path]) == []
    backwards = clausec.load(_contract(tmp_path, "二、……一、", extra='  running header "页眉"\n'))
    assert [d.code for d in check(backwards, [tmp_path])] == ["W0546"]


def test_a_source_not_found(tmp_path: Path) -> None:
    c = clausec.load(_contract(tmp_path, "甲方应按时付费。", source="missing.txt"))
    (d,) = check(c, [tmp_path])
    assert d.code == "W0547" and "missing.txt" in d.message
    outside = clausec.load(_contract(tmp_path, "x", source="../doc.txt"))
    assert [d.code for d in check(outside, [tmp_path])] == ["W0547"]


def test_check_sources_on_the_command_line_and_in_the_cache(tmp_path: Path) -> None:
    """The cache keys results by the source documents too: editing one is seen."""
    (tmp_path / "doc.txt").write_text("甲方应按时付费。", encoding="utf-8")
    _contract(tmp_path, "甲方应按时付费。")
    args = ["check", "--sources", str(tmp_path), "c.clause"]
    assert run_cli(args, cwd=tmp_path).returncode == 0
    (tmp_path / "doc.txt").write_text("甲方应准时付费。", encoding="utf-8")
    result = run_cli(args, cwd=tmp_path)
    assert result.returncode == 1 and "warning[W0546]" in result.stdout
    assert run_cli(["check", "c.clause"], cwd=tmp_path).returncode == 0  # not asked


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the checkout")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_quote_is_a_passage_of_its_source(path: Path) -> None:
    contract = clausec.load(path)
    assert all(c.quote for c in contract.clauses if c.normative)
    assert check(contract, [SEEDS]) == []
