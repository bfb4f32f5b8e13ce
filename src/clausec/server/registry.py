"""The contracts a server answers: compiled once with the Python backend and loaded in memory,
and compiled again when their files change."""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from clausec import __version__
from clausec.backends.python import emit_python
from clausec.backends.schema import contract_schema, definition
from clausec.diagnostics import Severity
from clausec.diagnostics.text import Palette, render_all_text, summary_line
from clausec.driver import InputError, check_paths, discover
from clausec.ir import nodes as ir
from clausec.ir.interface import ContractInterface, interface


class LoadError(Exception):
    """The contracts cannot be served: the text says why; ``diagnostics`` are the errors
    in the files, as `clausec check` prints them ("" when there are none)."""

    def __init__(self, message: str, diagnostics: str = "") -> None:
        super().__init__(message)
        self.diagnostics = diagnostics

    def full(self) -> str:
        return f"{self.diagnostics}\n{self}" if self.diagnostics else str(self)


@attrs.frozen
class Served:
    """One contract: its generated module (``evaluate``, ``FactError``, ``EvaluationError``),
    its interface and its JSON Schema document."""

    contract: ir.Contract
    module: types.ModuleType
    face: ContractInterface
    schema: dict[str, Any]

    @property
    def id(self) -> str:
        return self.contract.id

    def summary(self) -> dict[str, object]:
        c = self.contract
        return {
            "id": c.id,
            "title": c.title,
            "source": c.file,
            "sha256": c.source_sha256,
            "questions": [q.name for q in self.face.questions],
        }

    def questions(self) -> list[dict[str, object]]:
        return [
            {
                "name": q.name,
                "kind": q.kind,
                "description": q.description,
                "answers": list(q.answers),
                "facts": list(q.facts),
            }
            for q in self.face.questions
        ]

    def question(self, name: str) -> dict[str, object] | None:
        found = next((q for q in self.questions() if q["name"] == name), None)
        if found is None:
            return None
        return {
            **found,
            "facts_schema": definition(self.schema, f"facts.{name}"),
            "result_schema": definition(self.schema, f"result.{name}"),
        }


@attrs.frozen
class Registry:
    """The contracts of one load, by id, and the files they were read from (with their
    modification stamps, to see changes)."""

    contracts: dict[str, Served]
    stamps: dict[str, tuple[int, int]]


def load(paths: Sequence[str], import_roots: Sequence[str] = ()) -> Registry:
    """Compile every contract in ``paths``; raises LoadError with the diagnostics."""
    try:
        before = stamps(paths, ())
        result = check_paths(paths, import_roots=import_roots)
    except InputError as exc:
        raise LoadError(str(exc)) from None
    if not result.ok:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        text = render_all_text(errors, result.sources, Palette(False))
        raise LoadError(f"cannot serve: {summary_line(errors, len(result.files))}", text)
    if not result.contracts:
        raise LoadError(f"no contract in {', '.join(paths)}")
    contracts = {c.id: _serve(c) for c in result.contracts}
    # Stamps taken before reading: a change made while compiling is seen at the next look.
    imported = [name for name in result.sources if os.path.isfile(name)]
    return Registry(contracts, {**stamps((), imported), **before})


def stamps(paths: Sequence[str], extra: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Modification time and size of each clause file in ``paths`` (folders searched) and
    of each file in ``extra``; a file that is gone has none."""
    out: dict[str, tuple[int, int]] = {}
    try:
        found = [str(p) for p in discover(paths)]
    except InputError:
        found = []
    for name in [*found, *extra]:
        try:
            info = os.stat(name)
        except OSError:
            continue
        out[name] = (info.st_mtime_ns, info.st_size)
    return out


def changed(registry: Registry, paths: Sequence[str]) -> bool:
    """Whether a file of ``registry`` changed, went or came (in a folder of ``paths``)."""
    return stamps(paths, list(registry.stamps)) != registry.stamps


def _serve(contract: ir.Contract) -> Served:
    text = emit_python(contract, clausec_version=__version__)
    module = types.ModuleType(f"clausec_served_{contract.id}")
    module.__file__ = f"<clausec serve: {contract.file}>"
    exec(compile(text, module.__file__, "exec"), module.__dict__)  # our own generated code
    return Served(
        contract=contract,
        module=module,
        face=interface(contract),
        schema=contract_schema(contract, clausec_version=__version__),
    )


def evaluator(served: Served, question: str) -> Callable[[object, object, bool], dict[str, object]]:
    """The module's public ``evaluate`` bound to one question."""
    evaluate = served.module.evaluate

    def answer(facts: object, as_of: object, presume: bool) -> dict[str, object]:
        result: dict[str, object] = evaluate(
            question, facts, as_of=as_of, presume=presume
        ).to_dict()
        return result

    return answer
