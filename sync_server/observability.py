"""Request ids and the server's log format (text for a terminal, JSON for a log shipper).

Every request gets an id: the caller's `X-Request-ID` when it is a plain token (letters,
digits, `-`, `_`, `.`, `:`; at most 64 characters; a reverse proxy usually sets one), else
a new random one. It is echoed in the answer's `X-Request-ID` and stamped on every log
line written while the request runs (a context variable, so it follows the request into
the thread pool that runs the sync routes). In JSON mode the server writes its own
access line per request (method, path without the query, status, milliseconds, the id)
instead of uvicorn's, so a line never carries a query string or a header: no token,
no password, no field value ever reaches a log (the services log ids through
`safe_text.printable`).
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync_server.clock import utcnow

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("sync_server.access")


def incoming_request_id(value: bytes | None) -> str:
    """The caller's id when it is safe to log as is, else a fresh one."""
    if value:
        text = value.decode("latin-1")
        if _VALID_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


class RequestId:
    """ASGI middleware: sets the request id, echoes it, and (JSON mode) logs the request."""

    def __init__(self, app: ASGIApp, *, access: bool = False) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = incoming_request_id(dict(scope["headers"]).get(b"x-request-id"))
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.access:
                access_log.info(
                    "%s %s %s",
                    scope.get("method", "-"),
                    scope.get("path", "-"),
                    status,
                    extra={"duration_ms": round((time.perf_counter() - started) * 1000, 1)},
                )
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the
    duration of an access line. Exceptions go in `exc` (type and traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": utcnow().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        duration = getattr(record, "duration_ms", None)
        if duration is not None:
            entry["duration_ms"] = duration
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(levelname)s %(name)s [%(request_id)s]: %(message)s"


def log_config(*, json_lines: bool, level: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn (applied in every worker process).

    The server's own INFO lines (logins, refusals) are always written, whatever `level`
    says for uvicorn. JSON mode replaces uvicorn's access log with the server's own."""
    formatter: dict[str, Any] = {"()": JsonFormatter} if json_lines else {"format": TEXT_FORMAT}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "main",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    uvicorn_level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "loggers": {
            "sync_server": {"handlers": ["main"], "level": "INFO", "propagate": False},
            "uvicorn": {"handlers": ["main"], "level": uvicorn_level, "propagate": False},
            "uvicorn.error": {"level": uvicorn_level},
            "uvicorn.access": {
                "handlers": [] if json_lines else ["main"],
                "level": "CRITICAL" if json_lines else uvicorn_level,
                "propagate": False,
            },
        },
        "root": {"handlers": ["main"], "level": "WARNING"},
    }


def log_own_lines(*, json_lines: bool) -> None:
    """Configure the server's own loggers where no host did (gunicorn with uvicorn workers
    calls the app factory without `serve`'s log config: its access, login and refusal
    lines would otherwise go nowhere). Leaves the host's loggers alone."""
    if logging.getLogger("sync_server").handlers:
        return
    config = log_config(json_lines=json_lines, level="info")
    config["loggers"] = {"sync_server": config["loggers"]["sync_server"]}
    del config["root"]
    logging.config.dictConfig(config)
