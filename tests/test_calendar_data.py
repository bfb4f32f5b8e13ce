"""The shipped working-day tables (src/clausec/evaluation/calendars.json) and calendar codes
(calendar_codes.json) equal what the pinned `holidays` computes, and `clausec ask` and
`clausec check` use them without importing `holidays`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clausec.evaluation import calendar, calendar_data

from conftest import REPO


def shipped() -> dict[str, object]:
    data: dict[str, object] = json.loads(calendar.DATA_FILE.read_text(encoding="utf-8"))
    return data


def test_made_with_the_installed_holidays() -> None:
    # constraints.txt pins holidays; regenerate the file when the pin moves (its docstring).
    pinned = [
        line.split("==")[1]
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if line.startswith("holidays==")
    ]
    assert shipped()["holidays_version"] == calendar.installed_holidays_version() == pinned[0]
    assert calendar.data_version().endswith("(shipped)")


@pytest.mark.parametrize("code", calendar.SHIPPED)
def test_equal_to_what_holidays_computes(code: str) -> None:
    calendars = shipped()["calendars"]
    assert isinstance(calendars, dict)
    assert calendars[code] == calendar_data.compute(code)


def test_the_file_is_what_the_generator_writes() -> None:
    assert calendar.DATA_FILE.read_text(encoding="utf-8") == calendar_data.render()


def test_the_code_index_is_what_the_generator_writes() -> None:
    text = calendar.CODES_FILE.read_text(encoding="utf-8")
    assert json.loads(text)["holidays_version"] == calendar.installed_holidays_version()
    assert text == calendar_data.render_index()


def test_tables_read_from_the_file_equal_computed_ones() -> None:
    for code in calendar.SHIPPED:
        t = calendar.table(code)
        computed = calendar_data.compute(code)
        assert calendar.iso_dates(t.holidays) == computed["holidays"]
        assert calendar.iso_dates(t.workdays) == computed["workdays"]
        assert list(t.weekend) == computed["weekend"]
        assert t.announced_through == computed["announced_through"]


def test_ask_does_not_import_holidays() -> None:
    probe = (
        "import sys\n"
        "from clausec.cli import main\n"
        "try:\n"
        "    main(['ask', 'contracts/soolife/deposit.clause', 'may_deduct_deposit',\n"
        "          '--fact', 'complaint.consulted=2025-03-03',\n"
        "          '--fact', 'complaint.resolved=never',\n"
        "          '--fact', 'complaint.bad_influence=true'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('holidays' in sys.modules)\n"
    )
    out = _probe(probe)
    assert out[-1] == "False"
    assert any(line.startswith("may_deduct_deposit: yes") for line in out)


def test_check_does_not_import_holidays() -> None:
    probe = (
        "import sys\n"
        "import clausec\n"
        'r = clausec.compile_text(\'contract x title "t" source "s" language en '
        "calendar US-CAL\\n')\n"
        "print([d.hint for d in r.diagnostics])\n"
        "print('holidays' in sys.modules)\n"
    )
    assert _probe(probe) == ["['did you mean `US-CA`?']", "False"]


def _probe(code: str) -> list[str]:
    """The lines ``code`` prints, run in a fresh interpreter in the repository."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
