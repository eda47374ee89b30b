"""One error boundary: every failure leaves the server as an ErrorBody."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldrep.sync.protocol import ErrorBody, ErrorCode
from sync_server.errors import RateLimited, ServerError

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.DEVICE_REVOKED: 401,
    ErrorCode.UPDATE_REQUIRED: 426,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.INVALID: 422,
    ErrorCode.RATE_LIMITED: 429,
}


HTTP_MESSAGES = {
    400: "Bad request: the body is not valid JSON or not what this call takes.",
    404: "No such address on this server: check the server URL in the app's settings.",
    405: "This address does not take that method.",
}


UNAVAILABLE = "unavailable"  # not an ErrorCode: clients retry any 5xx before reading it
UNAVAILABLE_MESSAGE = (
    "The server cannot reach its database just now; your changes are kept on this "
    "computer and the app will try again."
)


def _error(
    status: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(code=code, message=message).model_dump(mode="json")
    return JSONResponse(body, status_code=status, headers=headers)


def _describe(errors: Any) -> str:
    parts = []
    for item in list(errors)[:3]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


def install(app: FastAPI) -> None:
    @app.exception_handler(ServerError)
    async def _server_error(_request: Request, error: ServerError) -> JSONResponse:
        headers = None
        if isinstance(error, RateLimited):
            headers = {"Retry-After": str(int(error.retry_after) + 1)}
        return _error(STATUS_BY_CODE[error.code], error.code, error.message, headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        # 400, 404, 405 ... from the framework: the documented body, not `{"detail"}`.
        code = ErrorCode.UNAUTHORIZED if error.status_code == 401 else ErrorCode.INVALID
        message = HTTP_MESSAGES.get(error.status_code, f"Request refused ({error.status_code}).")
        return _error(error.status_code, code, message, dict(error.headers or {}) or None)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _database_away(_request: Request, error: Exception) -> JSONResponse:
        # The database did not answer within the server's timeout (or refused us): a
        # retry later can succeed, so 503 with Retry-After, never a hang or a bare 500.
        # The driver's text is not logged (it may quote a statement).
        driver = getattr(error, "orig", None)
        cause = type(driver).__name__ if driver is not None else type(error).__name__
        log.warning("database unavailable (%s): answered 503", cause)
        body = {"code": UNAVAILABLE, "message": UNAVAILABLE_MESSAGE}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        return _error(422, ErrorCode.INVALID, _describe(error.errors()))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give (all ErrorBody)."""
    words = {
        401: "No, malformed, unknown or revoked token (code `unauthorized` or `device_revoked`)",
        403: "The token belongs to another device or user",
        422: "The request does not match the protocol",
        426: "Client too old or too new: `update_required`",
        429: "Too many failed logins: wait `Retry-After` seconds",
    }
    return {s: {"model": ErrorBody, "description": words[s]} for s in statuses}
