"""The package is typed (py.typed) and must stay clean under mypy --strict."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "src" / "clausec" / "py.typed").is_file()
