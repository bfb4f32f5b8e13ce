"""The JSON format: version 1, the files checked, every diagnostic and a count by severity
(docs/cli.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from clausec.diagnostics import Diagnostic, Run, Severity


def render(diagnostics: Sequence[Diagnostic], run: Run) -> str:
    doc = {
        "version": 1,
        "files": list(run.files),
        "diagnostics": [d.to_dict() for d in diagnostics],
        "summary": {
            **{
                sev.value: sum(1 for d in diagnostics if d.severity is sev and d.counts)
                for sev in Severity
            },
            **(
                {"accepted": sum(1 for d in diagnostics if not d.counts)}
                if any(not d.counts for d in diagnostics)
                else {}
            ),
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
