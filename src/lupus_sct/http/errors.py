"""Errors as JSON: ``{field, value, accepted, message}`` for every refusal, and no tracebacks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.http.echo import echoed_value, is_echoable
from lupus_sct.services.accounts import sign_in as auth
from lupus_sct.services.errors import DuplicateError, NotFoundError, StaleWriteError

logger = logging.getLogger("lupus_sct.api")


class ErrorBody(BaseModel):
    """Why a request was refused; ``field``, ``value``, ``accepted`` name the input at fault."""

    field: str | None = None
    value: Any = None
    accepted: str | None = None
    message: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "Malformed request"),
        (401, "Not signed in"),
        (403, "Role or token scope does not allow this"),
        (404, "No such record, or outside the user's centres"),
        (409, "Changed since read (stale If-Match) or a duplicate"),
        (422, "A value is not accepted"),
        (428, "If-Match is required to change a record"),
        (429, "Too many failed sign-ins"),
    )
}


def _body(status: int, message: str, **fields: Any) -> JSONResponse:
    return JSONResponse(ErrorBody(message=message, **fields).model_dump(mode="json"), status)


def _shown(value: Any, field: str | None = None) -> Any:
    return echoed_value(value, field)


def _invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidValueError)  # noqa: S101 (registered for this type only)
    message = str(exc) if is_echoable(exc.field) else f"{exc.field} is not accepted"
    shown = _shown(exc.value, exc.field)
    return _body(422, message, field=exc.field, value=shown, accepted=exc.accepted)


def _not_found(request: Request, exc: Exception) -> JSONResponse:
    """Names the id only if the caller sent it: an id found by a lookup may be another centre's."""
    assert isinstance(exc, NotFoundError)  # noqa: S101 (registered for this type only)
    path: str = request.scope["path"]  # percent-decoded by the server
    sent = set(path.split("/")) | {value for _, value in request.query_params.multi_items()}
    if exc.entity_id in sent:
        return _body(404, f"no {exc.entity} with id {exc.entity_id!r}")
    return _body(404, f"no such {exc.entity} among the records you may see")


def _status(code: int) -> Callable[[Request, Exception], JSONResponse]:
    def handler(_: Request, exc: Exception) -> JSONResponse:
        return _body(code, str(exc))

    return handler


def _malformed(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 (registered for this type only)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    return _body(
        422,
        str(first.get("msg", "the request is not valid")),
        field=".".join(location) or None,
        value=_shown(first.get("input"), ".".join(location)) if "input" in first else None,
        accepted=str(first.get("type", "")) or None,
    )


def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 (registered for this type only)
    return JSONResponse(
        ErrorBody(message=str(exc.detail)).model_dump(mode="json"),
        exc.status_code,
        headers=exc.headers,
    )


def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    # The type only: a message could quote a record, and logs carry no patient data.
    logger.error("unexpected %s while handling a request", type(exc).__name__)
    return _body(500, "internal error; the administrator can find it in the server log")


_HANDLERS: tuple[tuple[type[Exception], Callable[[Request, Exception], JSONResponse]], ...] = (
    (InvalidValueError, _invalid),
    (DomainError, _status(422)),
    (NotFoundError, _not_found),
    (StaleWriteError, _status(409)),
    (DuplicateError, _status(409)),
    (auth.LockedOutError, _status(429)),
    (auth.AuthenticationError, _status(401)),
    (auth.PermissionDeniedError, _status(403)),
    (RequestValidationError, _malformed),
    (StarletteHTTPException, _http_error),
    (Exception, _unexpected),
)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain and service errors to HTTP answers with the house error shape."""
    for exc_type, handler in _HANDLERS:
        app.add_exception_handler(exc_type, handler)
