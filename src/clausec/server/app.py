"""The HTTP JSON API of ``clausec serve`` (docs/server.md), a Starlette application."""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import anyio.to_thread
import attrs
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clausec import __version__
from clausec.server import registry as R
from clausec.server.openapi import openapi

log = logging.getLogger("clausec.server")


@attrs.frozen
class Limits:
    body_bytes: int = 1 << 20  # the largest request body
    seconds: float = 10.0  # the longest a request may take, reading its body included
    batch: int = 10_000  # the most fact sets in one batch


class Refused(Exception):
    """A request answered with a 4xx or 5xx JSON error: ``{"error": code, "detail": …}``."""

    def __init__(self, status: int, code: str, detail: str, **fields: object) -> None:
        super().__init__(detail)
        self.status = status
        self.body = {"error": code, "detail": detail, **fields}


class _TimeLimit(Exception):
    """A batch ran out of time between two fact sets."""


class State:
    """What the application serves; ``registry`` is replaced as a whole on reload."""

    def __init__(self, registry: R.Registry, paths: Sequence[str], import_roots: Sequence[str]):
        self.registry = registry
        self.paths = tuple(paths)
        self.import_roots = tuple(import_roots)
        self.reload_error: str | None = None
        self.openapi: bytes = render(openapi(registry))

    def replace(self, registry: R.Registry) -> None:
        self.openapi = render(openapi(registry))
        self.registry = registry
        self.reload_error = None


def create_app(
    registry: R.Registry,
    *,
    paths: Sequence[str] = (),
    import_roots: Sequence[str] = (),
    limits: Limits = Limits(),
    reload_every: float | None = None,
) -> Starlette:
    """The application; with ``reload_every`` (seconds) the files of ``paths`` are watched
    and the contracts compiled again when they change."""
    state = State(registry, paths, import_roots)
    api = _Api(state, limits)
    routes = [
        Route("/health", api.health, methods=["GET"]),
        Route("/version", api.version, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Route("/contracts", api.contracts, methods=["GET"]),
        Route("/contracts/{contract}", api.contract, methods=["GET"]),
        Route("/contracts/{contract}/schema", api.schema, methods=["GET"]),
        Route("/contracts/{contract}/questions/{question}", api.question, methods=["GET"]),
        Route("/contracts/{contract}/questions/{question}", api.answer, methods=["POST"]),
        Route("/contracts/{contract}/questions/{question}/batch", api.batch, methods=["POST"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(_watch(state, reload_every)) if reload_every else None
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.state.clausec = state
    return app


async def _watch(state: State, every: float) -> None:
    """Compile the contracts again when a file changes; on errors keep serving the last
    good ones and say why in /health."""
    while True:
        await asyncio.sleep(every)
        registry = state.registry
        if not await anyio.to_thread.run_sync(R.changed, registry, state.paths):
            continue
        try:
            fresh = await anyio.to_thread.run_sync(R.load, state.paths, state.import_roots)
        except R.LoadError as exc:
            if state.reload_error != exc.full():
                log.error(
                    "reload failed; still serving the contracts loaded before:\n%s", exc.full()
                )
            state.reload_error = exc.full()
            # Not again until the files change again.
            state.registry = attrs.evolve(
                registry, stamps=R.stamps(state.paths, list(registry.stamps))
            )
            continue
        except Exception:
            log.exception("reload failed")
            continue
        state.replace(fresh)
        log.info("reloaded: %s", ", ".join(fresh.contracts))


def _guarded(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Response]]:
    """Turns what a handler returns into JSON, Refused into its error, and anything else into
    a 500 that says only that the request failed, with the id under which it was logged."""

    async def run(self: _Api, request: Request) -> Response:
        try:
            async with asyncio.timeout(self.limits.seconds):
                body = await handler(self, request)
        except Refused as exc:
            return _json(exc.body, exc.status)
        except TimeoutError:
            detail = f"the request took longer than the limit of {self.limits.seconds:g} s"
            return _json({"error": "time_limit", "detail": detail}, 503)
        except Exception:
            reference = uuid.uuid4().hex[:12]
            log.exception("request %s %s failed (%s)", request.method, request.url.path, reference)
            detail = f"the server failed to answer; it logged the failure as {reference}"
            return _json({"error": "internal", "detail": detail, "id": reference}, 500)
        return body if isinstance(body, Response) else _json(body, 200)

    return run


class _Api:
    def __init__(self, state: State, limits: Limits) -> None:
        self.state = state
        self.limits = limits

    @_guarded
    async def health(self, request: Request) -> object:
        return {
            "status": "ok",
            "contracts": len(self.state.registry.contracts),
            "reload_error": self.state.reload_error,
        }

    @_guarded
    async def version(self, request: Request) -> object:
        return {"clausec": __version__}

    @_guarded
    async def openapi(self, request: Request) -> object:
        return Response(self.state.openapi, media_type="application/json")

    @_guarded
    async def contracts(self, request: Request) -> object:
        return {"contracts": [s.summary() for s in self.state.registry.contracts.values()]}

    @_guarded
    async def contract(self, request: Request) -> object:
        served = self._contract(request)
        return {**served.summary(), "questions": served.questions()}

    @_guarded
    async def schema(self, request: Request) -> object:
        return self._contract(request).schema

    @_guarded
    async def question(self, request: Request) -> object:
        served, name = self._question(request)
        return served.question(name)

    @_guarded
    async def answer(self, request: Request) -> object:
        served, name = self._question(request)
        envelope = await self._body(request, {"facts", "as_of", "presume"})
        facts, as_of, presume = _call(envelope, "facts")
        # One decision takes tens of microseconds: answered on the event loop, as a hop to a
        # thread would cost more CPU than the decision (bench/serve_load.py); batches, which
        # can take long, run in a thread.
        try:
            return R.evaluator(served, name)(facts, as_of, presume)
        except (served.module.FactError, served.module.EvaluationError) as exc:
            code, detail, fields = _problem(exc)
            raise Refused(422, code, detail, **fields) from None

    @_guarded
    async def batch(self, request: Request) -> object:
        served, name = self._question(request)
        envelope = await self._body(request, {"fact_sets", "as_of", "presume"})
        fact_sets, as_of, presume = _call(envelope, "fact_sets")
        if not isinstance(fact_sets, list):
            raise Refused(400, "bad_request", "`fact_sets` must be an array of objects")
        if len(fact_sets) > self.limits.batch:
            detail = f"{len(fact_sets)} fact sets; a batch holds at most {self.limits.batch}"
            raise Refused(413, "too_large", detail)
        answer = R.evaluator(served, name)
        errors = (served.module.FactError, served.module.EvaluationError)
        deadline = time.monotonic() + self.limits.seconds

        def work() -> dict[str, object]:
            results: list[object] = []
            for index, facts in enumerate(fact_sets):
                if time.monotonic() > deadline:  # stop working for an answer nobody gets
                    raise _TimeLimit
                try:
                    results.append(answer(facts, as_of, presume))
                except errors as exc:
                    code, detail, fields = _problem(exc)
                    results.append({"error": code, "detail": detail, "index": index, **fields})
            return {"results": results}

        try:
            return await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except _TimeLimit:
            raise TimeoutError from None

    # ------------------------------------------------------------ reading requests

    def _contract(self, request: Request) -> R.Served:
        wanted = request.path_params["contract"]
        contracts = self.state.registry.contracts
        served = contracts.get(wanted)
        if served is None:
            raise Refused(
                404, "not_found", f"no contract `{wanted}`{_hint(wanted, list(contracts))}"
            )
        return served

    def _question(self, request: Request) -> tuple[R.Served, str]:
        served = self._contract(request)
        wanted = request.path_params["question"]
        names = [q.name for q in served.face.questions]
        if wanted not in names:
            detail = f"no question `{wanted}` in contract `{served.id}`{_hint(wanted, names)}"
            raise Refused(404, "not_found", detail)
        return served, wanted

    async def _body(self, request: Request, keys: set[str]) -> dict[str, object]:
        """The request's JSON object, within the size limit, with no keys but ``keys``."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            detail = f"the body must be JSON (Content-Type: application/json), not {kind or 'none'}"
            raise Refused(415, "unsupported_media_type", detail)
        limit = self.limits.body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refused(413, "too_large", f"the body is larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, "too_large", f"the body is larger than {limit} bytes")
            chunks.append(chunk)
        try:
            document = json.loads(b"".join(chunks), parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise Refused(400, "bad_json", f"the body is not JSON: {_json_problem(exc)}") from None
        if not isinstance(document, dict):
            raise Refused(400, "bad_request", "the body must be a JSON object")
        unknown = sorted(set(document) - keys)
        if unknown:
            allowed = ", ".join(f"`{k}`" for k in sorted(keys))
            detail = f"unknown key `{unknown[0]}` in the body; the keys are {allowed}"
            raise Refused(400, "bad_request", detail)
        return document


def _call(envelope: dict[str, object], key: str) -> tuple[object, object, bool]:
    if key not in envelope:
        raise Refused(400, "bad_request", f"the body needs `{key}`")
    as_of = envelope.get("as_of", "today")
    if as_of is not None and not isinstance(as_of, str):
        raise Refused(400, "bad_request", '`as_of` must be "YYYY-MM-DD", "today" or null')
    presume = envelope.get("presume", True)
    if not isinstance(presume, bool):
        raise Refused(400, "bad_request", "`presume` must be true or false")
    return envelope[key], as_of, presume


def _problem(exc: Exception) -> tuple[str, str, dict[str, object]]:
    """A FactError or EvaluationError of a generated module, as an error's fields."""
    if hasattr(exc, "fact"):
        names = ("fact", "problem", "expected", "given")
        return "bad_fact", str(exc), {name: getattr(exc, name) for name in names}
    return "cannot_evaluate", str(exc), {"problem": getattr(exc, "problem", None)}


def _hint(wanted: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(wanted, list(names), n=1)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; there are: {', '.join(names)}" if names else ""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own errors (no such path, method not allowed) as JSON errors."""
    codes = {404: "not_found", 405: "method_not_allowed"}
    detail = (
        f"no such path: {request.url.path} (see /openapi.json)"
        if exc.status_code == 404
        else f"{request.method} is not allowed on {request.url.path}"
        if exc.status_code == 405
        else str(exc.detail)
    )
    return _json(
        {"error": codes.get(exc.status_code, "bad_request"), "detail": detail},
        exc.status_code,
        dict(exc.headers or {}),
    )


def render(document: object) -> bytes:
    """UTF-8 JSON; a text holding a lone surrogate (JSON can carry one) is escaped."""
    try:
        return json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, ensure_ascii=True, allow_nan=False).encode("ascii")


def _json(document: object, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(render(document), status, headers, media_type="application/json")
