"""The public Python API: clausec.load, check_paths, compile_text; determinism; imports."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import clausec
from clausec.ir import nodes as ir
from clausec.ir import types as T
from clausec.ir.values import DurationValue
from clausec.source import Span

from conftest import CONTRACTS, PRELUDE, REPO, run_cli, run_cli_process

DEPOSIT = CONTRACTS / "soolife" / "deposit.clause"


@pytest.fixture(scope="module")
def deposit() -> ir.Contract:
    return clausec.load(DEPOSIT)


def test_load_shipped_contract(deposit: ir.Contract) -> None:
    assert deposit.id == "soolife_deposit"
    assert deposit.calendar == "CN" and deposit.language == "zh"
    assert deposit.source_document == "000_5c6eaa340b40b9ea.txt"
    assert {p.name for p in deposit.parties} == {"platform", "merchant", "buyer"}
    assert len(deposit.source_sha256) == 64


def test_source_document_exists(deposit: ir.Contract) -> None:
    seeds = Path("/work/shared/seeds")
    if not seeds.is_dir():
        pytest.skip("seed documents not available")
    assert (seeds / deposit.source_document).is_file()


def test_release_deadline_in_working_days(deposit: ir.Contract) -> None:
    norm = deposit.norm("6.2(1)#1")
    assert (norm.modality, norm.party, norm.action, norm.object, norm.beneficiary) == (
        "obligation",
        "platform",
        "release",
        "deposit",
        "merchant",
    )
    assert norm.otherwise_provided
    assert norm.deadline is not None and norm.deadline.kind == "within"
    assert isinstance(norm.deadline.duration, ir.Const)
    assert norm.deadline.duration.value == DurationValue(10, "working_days")
    assert norm.deadline.duration.type == T.Duration("working_days")
    anchor = norm.deadline.anchor
    assert isinstance(anchor, ir.Binary) and anchor.op == "+" and anchor.type == T.DATE
    assert anchor.left == ir.FactRef("service.stopped", T.DATE, anchor.left.span)


def test_priorities_into_6_2_1(deposit: ir.Contract) -> None:
    into = [p for p in deposit.priorities if p.lower == "6.2(1)#1"]
    assert into and all(p.kind == "otherwise_provided" for p in into)
    assert {p.higher for p in into} >= {"6.2(4)(a)#1", "6.2(4)(c)#1", "6.2(3)#1"}
    assert all(p.stated_in == "6.2(1)" for p in into)
    between = [p for p in deposit.priorities if {p.higher, p.lower} == {"6.2(1)#1", "6.2(2)#1"}]
    assert between == []


def test_question_must_release_covers_6_2_1_to_3(deposit: ir.Contract) -> None:
    q = {q.name: q for q in deposit.questions}["must_release_deposit"]
    assert q.kind == "must"
    assert q.norm_ids == ("6.2(1)#1", "6.2(2)#1", "6.2(3)#1")


def test_remedy_in_6_4(deposit: ir.Contract) -> None:
    assert deposit.norm("6.4#2").remedy_of == "6.4#1"
    assert deposit.norm("6.4#2").modality == "power"
    assert deposit.norm("6.4#1").performed_on == "deposit.topped_up"


def test_scenarios_of_shipped_contract(deposit: ir.Contract) -> None:
    titles = [s.title for s in deposit.scenarios]
    assert len(titles) == len(set(titles)) >= 3
    clean = next(s for s in deposit.scenarios if s.title.startswith("clean exit"))
    answers = {e.question: e for e in clean.expectations}
    import datetime as dt

    assert answers["release_deadline"].value == dt.date(2025, 2, 13)
    assert answers["must_release_deposit"].answer == "obliged"


def _spans(node: object) -> list[tuple[str, Span]]:
    found: list[tuple[str, Span]] = []

    def walk(x: object, owner: str) -> None:
        if isinstance(x, Span):
            found.append((owner, x))
        elif attrs.has(type(x)):
            for f in attrs.fields(type(x)):
                walk(getattr(x, f.name), type(x).__name__)
        elif isinstance(x, (tuple, list)):
            for y in x:
                walk(y, owner)

    walk(node, type(node).__name__)
    return found


def test_ir_spans_are_well_formed(deposit: ir.Contract) -> None:
    """Every span of the shipped contract's IR starts before it ends, inside the file."""
    lines = DEPOSIT.read_text(encoding="utf-8").split("\n")
    bad = []
    for owner, span in _spans(deposit):
        ok = (
            span.file == deposit.file
            and 1 <= span.line <= span.end_line <= len(lines)
            and (span.end_line > span.line or span.end_column >= span.column)
        )
        if not ok:
            bad.append(f"{owner} {span.line}:{span.column}-{span.end_line}:{span.end_column}")
    assert not bad, f"{len(bad)} bad spans, e.g. {bad[:5]}"


def test_norm_span_covers_its_text(deposit: ir.Contract) -> None:
    lines = DEPOSIT.read_text(encoding="utf-8").split("\n")
    norm = deposit.norm("6.2(1)#1")
    assert lines[norm.span.line - 1].strip() == "platform must release deposit to merchant"
    assert lines[norm.span.end_line - 1].strip() == "unless otherwise provided"


# ---------------------------------------------------------------- errors through the API


def test_load_bad_file_raises_compile_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.clause"
    bad.write_text(
        PRELUDE + '\nclause "1"\n  quote "q"\n  a must pay fee when m > 5\n'
        '\nclause "1"\n  quote "q"\n  a may pay fee\n',
        encoding="utf-8",
    )
    with pytest.raises(clausec.CompileError) as info:
        clausec.load(bad)
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["E0300", "E0205"]
    assert all(d.severity is clausec.Severity.ERROR for d in info.value.diagnostics)
    assert "bad.clause:" in str(info.value)


def test_load_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(clausec.InputError):
        clausec.load(tmp_path / "nope.clause")


def test_load_returns_ir_despite_warnings(tmp_path: Path) -> None:
    path = tmp_path / "w.clause"
    path.write_text(
        PRELUDE + '\nclause "1"\n  quote "q"\n  a may pay fee\n    otherwise b must pay fee\n',
        encoding="utf-8",
    )
    contract = clausec.load(path)
    assert [n.id for n in contract.norms] == ["1#1", "1#2"]


def test_check_paths_result(tmp_path: Path) -> None:
    result = clausec.check_paths([CONTRACTS])
    # The only findings of the front end on the shipped contracts are accepted ones.
    assert result.ok and all(d.suppressed for d in result.diagnostics)
    assert result.contract("soolife_deposit").id == "soolife_deposit"
    with pytest.raises(KeyError):
        result.contract("nope")


def test_compile_text_names_the_source() -> None:
    result = clausec.compile_text(PRELUDE + "fact f : boolean\n", "memory.clause")
    assert [d.span.file for d in result.diagnostics if d.span] == ["memory.clause"]
    assert not result.ok


def test_compile_text_is_repeatable() -> None:
    """The parser is shared between calls: one call must not leak state into the next."""
    text = DEPOSIT.read_text(encoding="utf-8")
    first = clausec.compile_text(text, "a.clause")
    clausec.compile_text(PRELUDE + "fact broken : : x\n", "b.clause")
    again = clausec.compile_text(text, "a.clause")
    assert first.contracts == again.contracts and first.diagnostics == again.diagnostics


# ---------------------------------------------------------------- determinism


@pytest.mark.parametrize("paths", [["contracts/"], ["tests/golden/diagnostics/"]])
def test_json_output_is_deterministic(paths: list[str]) -> None:
    outputs = []
    for seed in ("0", "1", "random"):
        result = run_cli_process(
            ["check", "--format", "json", *paths], cwd=REPO, env={"PYTHONHASHSEED": seed}
        )
        assert result.returncode in (0, 1), result.stderr
        outputs.append(result.stdout.encode("utf-8"))
    assert outputs[0] == outputs[1] == outputs[2]


def test_text_output_is_deterministic() -> None:
    outs = {
        run_cli_process(
            ["check", "tests/golden/diagnostics/"], cwd=REPO, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("0", "1", "random")
    }
    assert len(outs) == 1


# ---------------------------------------------------------------- imports across files

OTHER = """contract other title "Other" source "o.txt" language en calendar CN
party a role "A"
action pay "pay"
object fee "fee"
clause "1"
  quote "q"
  a may pay fee
"""


def _main(refs: str) -> str:
    return (
        'contract main_c title "Main" source "m.txt" language en calendar CN\n'
        'import other from "other.clause"\n'
        'party a role "A"\naction pay "pay"\nobject fee "fee"\n'
        f'clause "1"\n  quote "q"\n  {refs}\n  a must pay fee\n'
    )


def test_import_resolves_clauses_of_other_file(tmp_path: Path) -> None:
    (tmp_path / "other.clause").write_text(OTHER, encoding="utf-8")
    (tmp_path / "main.clause").write_text(_main('refers to "1" of other'), encoding="utf-8")
    result = clausec.check_paths([tmp_path / "main.clause"])
    assert result.diagnostics == (), result.diagnostics
    assert {c.id for c in result.contracts} == {"main_c", "other"}
    main = result.contract("main_c")
    assert [(r.number, r.contract) for r in main.clause("1").refers_to] == [("1", "other")]


def test_import_missing_clause_in_other_contract(tmp_path: Path) -> None:
    (tmp_path / "other.clause").write_text(OTHER, encoding="utf-8")
    (tmp_path / "main.clause").write_text(
        _main('refers to "1" of other, "9" of other'), encoding="utf-8"
    )
    result = run_cli(["check", "main.clause"], cwd=tmp_path)
    assert result.returncode == 1
    assert "error[E0206]: contract `other` has no clause '9'" in result.stdout
    assert "--> main.clause:8:27" in result.stdout
    assert result.stdout.count("error[") == 1


def test_import_missing_clause_in_priority(tmp_path: Path) -> None:
    (tmp_path / "other.clause").write_text(OTHER, encoding="utf-8")
    main = _main('refers to "1" of other').replace(
        "  a must pay fee\n", '  a must pay fee subject to "2" of other\n'
    )
    (tmp_path / "main.clause").write_text(main, encoding="utf-8")
    result = clausec.check_paths([tmp_path / "main.clause"])
    assert [d.code for d in result.diagnostics] == ["E0206"]


def test_unknown_import(tmp_path: Path) -> None:
    (tmp_path / "main.clause").write_text(
        _main("").replace('import other from "other.clause"', "import ghost"), encoding="utf-8"
    )
    result = run_cli(["check", "main.clause"], cwd=tmp_path)
    assert result.returncode == 1
    assert "error[E0209]: cannot find contract `ghost` to import" in result.stdout


def test_import_given_together(tmp_path: Path) -> None:
    """`import other` without a path resolves when both files are checked together."""
    (tmp_path / "other.clause").write_text(OTHER, encoding="utf-8")
    (tmp_path / "main.clause").write_text(
        _main('refers to "1" of other').replace('import other from "other.clause"', "import other"),
        encoding="utf-8",
    )
    result = run_cli(["check", "."], cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "checked 2 files: 0 errors, 0 warnings\n"


def test_import_of_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "main.clause").write_text(
        _main("").replace("other.clause", "missing.clause"), encoding="utf-8"
    )
    result = clausec.check_paths([tmp_path / "main.clause"])
    assert "E0001" in [d.code for d in result.diagnostics]


def test_import_cycle_terminates(tmp_path: Path) -> None:
    (tmp_path / "other.clause").write_text(
        OTHER.replace("party a", 'import main_c from "main.clause"\nparty a'), encoding="utf-8"
    )
    (tmp_path / "main.clause").write_text(_main('refers to "1" of other'), encoding="utf-8")
    result = clausec.check_paths([tmp_path / "main.clause"])
    assert result.diagnostics == ()
    assert {c.id for c in result.contracts} == {"main_c", "other"}


def test_same_contract_twice(tmp_path: Path) -> None:
    (tmp_path / "a.clause").write_text(OTHER, encoding="utf-8")
    (tmp_path / "b.clause").write_text(OTHER, encoding="utf-8")
    result = clausec.check_paths([tmp_path])
    assert [d.code for d in result.diagnostics] == ["E0204"]


def test_version_attribute() -> None:
    import importlib.metadata
    import re

    assert re.fullmatch(r"\d+\.\d+\.\d+", clausec.__version__)
    # The package metadata takes its version from clausec.__version__ (pyproject.toml).
    assert importlib.metadata.version("clausec") == clausec.__version__


def test_files_are_named_as_the_user_reached_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder linked into the working folder keeps its name in diagnostics (and so in SARIF
    and GitHub annotations), and a file both checked and imported is loaded once."""
    (tmp_path / "linked").symlink_to(REPO / "contracts" / "soolife", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    result = clausec.check_paths(["linked"], analysis=True)
    assert result.files == ("linked/annex1.clause", "linked/deposit.clause")
    assert sorted(c.file for c in result.contracts) == list(result.files)
    assert result.ok and all(d.code != "E0204" for d in result.diagnostics)
    assert {d.span.file for d in result.diagnostics if d.span} <= set(result.files)
    # An absolute path through the link is named relative to the working folder too.
    absolute = clausec.check_paths([tmp_path / "linked" / "deposit.clause"])
    assert absolute.files == ("linked/deposit.clause",)
