"""Normalization rules of the lowering pass (norm ids, amounts, priorities, expectations)."""

from __future__ import annotations

from conftest import codes, compile_body, contract_of


def test_norm_ids_keep_their_position_when_a_sibling_is_invalid() -> None:
    result = compile_body('clause "1" quote "q"\n  a must zz goods\n  a must pay goods\n')
    assert codes(result) == ["E0202"]
    contract = result.contracts[0]
    assert [n.id for n in contract.norms] == ["1#2"]
    assert contract.clause("1").norm_ids == ("1#2",)
    for norm_id in contract.clause("1").norm_ids:
        contract.norm(norm_id)  # every listed id resolves


def test_amount_must_have_the_objects_type() -> None:
    assert codes(compile_body('clause "1" quote "q" a may pay fee (up to 5 days)\n')) == ["E0300"]
    contract = contract_of('clause "1" quote "q" a may pay fee (up to m)\n')
    assert contract.norms[0].amount is not None
    assert str(contract.norms[0].amount.expr.type) == "money CNY"


def test_amount_with_wrong_currency_is_an_error() -> None:
    assert compile_body('clause "1" quote "q" a may pay fee (exactly 10 EUR)\n').ok is False


def test_otherwise_provided_yields_only_to_the_same_party() -> None:
    contract = contract_of(
        'clause "9.3" quote "q" b must not pay fee unless otherwise provided\n'
        'clause "2.2" quote "q" a can pay fee\n'
        'clause "6" quote "q" b may pay fee\n'
    )
    pairs = {(p.higher, p.lower) for p in contract.priorities}
    assert ("6#1", "9.3#1") in pairs  # the merchant's own permission provides otherwise
    assert ("2.2#1", "9.3#1") not in pairs  # another party's power does not


def test_second_performed_on_is_an_error() -> None:
    body = (
        'clause "1" quote "q" a must pay fee within 3 days after e performed on e performed on e2\n'
    )
    assert codes(compile_body(body)) == ["E0406"]


def test_by_date_only_on_must_questions() -> None:
    body = (
        'clause "1" quote "q" a may pay fee\n'
        "question q : may a pay fee\n"
        'scenario "s" expect q is yes by 2025-01-01\n'
    )
    assert codes(compile_body(body)) == ["E0306"]


def test_never_is_not_a_deadline_answer() -> None:
    body = (
        'clause "1" quote "q" a must pay fee by e\n'
        "question q : deadline of a pay fee\n"
        'scenario "s" expect q is never\n'
    )
    assert codes(compile_body(body)) == ["E0306"]
    ok = body.replace("is never", "is none")
    assert codes(compile_body(ok)) == []


def test_comment_only_file_is_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import clausec

    path = tmp_path / "c.clause"
    path.write_text("# nothing\n# here\n", encoding="utf-8")
    assert [d.code for d in clausec.check_paths([path]).diagnostics] == ["E0004"]
