"""Caps on request bodies per route, checked before anything parses them and before
any authentication work.

Without them one request could make the server hold any number of bytes in memory
(pydantic checks the batch size only after the whole body is read): a 60 MiB body to
login took the server from 0.27 to 1.9 GB. Push may carry `Settings.max_body_bytes`
(a full batch of real notes is far below it; the client halves a batch refused with
413); every other route takes `SMALL_BODY_BYTES` (login: a few hundred bytes). A
declared Content-Length over the cap is refused at once without reading a byte;
bodies without one (chunked) are counted as they stream in. Calls that need a token
and carry none get 401 before their body is read.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldrep.sync.protocol import ErrorBody, ErrorCode

SMALL_BODY_BYTES = 16 * 1024
LARGE_BODY_PATHS = ("/api/v1/sync/push",)
TOKEN_PATHS = ("/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/auth/logout")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.push_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = dict(scope["headers"])
        if path in TOKEN_PATHS and not headers.get(b"authorization"):
            # Nothing to authenticate with: answer before reading (or buffering) the body.
            await _answer(send, 401, ErrorCode.UNAUTHORIZED, "No token: log in first.")
            return
        limit = self.push_bytes if path in LARGE_BODY_PATHS else SMALL_BODY_BYTES
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        # Read the body here, bounded (the app would read it all into memory anyway),
        # then hand it on: a refusal is then a clean 413, whatever the framework does.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        message = f"The request is larger than the server accepts here ({limit} bytes)."
        await _answer(send, 413, ErrorCode.INVALID, message)


async def _answer(send: Send, status: int, code: ErrorCode, message: str) -> None:
    body = ErrorBody(code=code, message=message).model_dump_json().encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
