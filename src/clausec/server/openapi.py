"""The OpenAPI 3.1 document of a server: one path per question of each contract, with the
JSON Schema of its fact sets and results (backends/schema.py) as components."""

from __future__ import annotations

from typing import Any

from clausec import __version__
from clausec.server import registry as R

JSONObject = dict[str, Any]

_ERROR: JSONObject = {
    "type": "object",
    "description": "An error. A `bad_fact` error also has `fact`, `problem`, `expected` and "
    "`given`; a batch's entry also `index`; a 500 `id`, under which the server logged it.",
    "properties": {
        "error": {
            "enum": [
                "bad_json",
                "bad_request",
                "unsupported_media_type",
                "too_large",
                "not_found",
                "method_not_allowed",
                "bad_fact",
                "cannot_evaluate",
                "time_limit",
                "internal",
            ]
        },
        "detail": {"type": "string"},
        "fact": {"type": "string"},
        "problem": {"type": ["string", "null"]},
        "expected": {"type": ["string", "null"]},
        "given": {},
        "index": {"type": "integer"},
        "id": {"type": "string"},
    },
    "required": ["error", "detail"],
}
_AS_OF: JSONObject = {
    "description": 'The evaluation date: "YYYY-MM-DD", "today" (the server\'s date; the '
    "default) or null (no date: every date given counts as past).",
    "anyOf": [{"type": "string"}, {"type": "null"}],
}
_PRESUME: JSONObject = {
    "description": "Whether presumptions fill facts the answer waits for (default true).",
    "type": "boolean",
}
_STATUS = {
    "400": "The body is not JSON, or not an object of the keys named.",
    "404": "No such contract or question.",
    "413": "The body, or the batch, is larger than the server's limit.",
    "415": "The body is not sent as application/json.",
    "503": "The request took longer than the server's time limit.",
}


def openapi(registry: R.Registry) -> JSONObject:
    schemas: JSONObject = {"Error": _ERROR}
    paths: JSONObject = {
        "/health": _get("Health", "Whether the server runs, and a failed reload's errors."),
        "/version": _get("Version", "The clausec that serves."),
        "/contracts": _get("Contracts", "The contracts served, with their questions."),
    }
    for served in registry.contracts.values():
        prefix = f"{served.id}."
        defs = served.schema["$defs"]
        for name, schema in defs.items():
            schemas[prefix + name] = _moved(schema, prefix)
        base = f"/contracts/{served.id}"
        paths[base] = _get(f"{served.id}", "The contract's questions and their facts.")
        paths[f"{base}/schema"] = _get(
            f"{served.id} schema", "The JSON Schema document of the contract."
        )
        for q in served.face.questions:
            facts = {"$ref": f"#/components/schemas/{prefix}facts.{q.name}"}
            result = {"$ref": f"#/components/schemas/{prefix}result.{q.name}"}
            where = f"{base}/questions/{q.name}"
            summary = f"{served.id}: {q.name}"
            paths[where] = {
                "get": _operation(summary, "The question, with its schemas.", None, None),
                "post": _operation(
                    summary,
                    q.description or q.name,
                    _envelope("facts", facts),
                    result,
                    bad_fact=True,
                ),
            }
            paths[f"{where}/batch"] = {
                "post": _operation(
                    f"{summary} (batch)",
                    "Answers for many fact sets; a fact set that cannot be evaluated gives "
                    "its error, with its index, in place of a result.",
                    _envelope("fact_sets", {"type": "array", "items": facts}),
                    {
                        "type": "object",
                        "properties": {
                            "results": {
                                "type": "array",
                                "items": {
                                    "anyOf": [result, {"$ref": "#/components/schemas/Error"}]
                                },
                            }
                        },
                        "required": ["results"],
                    },
                )
            }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "clausec serve",
            "version": __version__,
            "description": "Answers to the questions of contracts (docs/server.md of clausec).",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _moved(node: Any, prefix: str) -> Any:
    """A definition of a contract's schema document with its references made to point at the
    components it becomes."""
    if isinstance(node, dict):
        out = {k: _moved(v, prefix) for k, v in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = "#/components/schemas/" + prefix + ref.removeprefix("#/$defs/")
        return out
    if isinstance(node, list):
        return [_moved(v, prefix) for v in node]
    return node


def _envelope(key: str, schema: JSONObject) -> JSONObject:
    return {
        "type": "object",
        "properties": {key: schema, "as_of": _AS_OF, "presume": _PRESUME},
        "required": [key],
        "additionalProperties": False,
    }


def _get(summary: str, description: str) -> JSONObject:
    return {"get": _operation(summary, description, None, None)}


def _operation(
    summary: str,
    description: str,
    body: JSONObject | None,
    result: JSONObject | None,
    *,
    bad_fact: bool = False,
) -> JSONObject:
    ok: JSONObject = {"description": "The answer." if body else "OK"}
    ok["content"] = {"application/json": {"schema": result if result is not None else {}}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: JSONObject = {"200": ok}
    codes = ["404"] if body is None else ["400", "404", "413", "415", "503"]
    if summary in ("Health", "Version", "Contracts"):
        codes = []
    for code in codes:
        responses[code] = {"description": _STATUS[code], **error}
    if bad_fact:
        responses["422"] = {
            "description": "A fact cannot be used (it names the fact), or the answer cannot "
            "be computed.",
            **error,
        }
    out: JSONObject = {"summary": summary, "description": description, "responses": responses}
    if body is not None:
        out["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    return out
