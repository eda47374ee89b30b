"""Security headers on every answer.

HSTS tells a browser or client that met this server over HTTPS never to try plain HTTP
again (ignored over HTTP, so harmless there). API answers are JSON for the app only:
never cached, never sniffed as something else, never framed, no scripts. The /docs page
(Swagger UI) loads its own scripts, so the strict content policy covers /api only.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = b"max-age=31536000; includeSubDomains"
COMMON = [
    (b"strict-transport-security", HSTS),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
API_ONLY = [
    (b"cache-control", b"no-store"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = COMMON + (API_ONLY if scope.get("path", "").startswith("/api/") else [])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in extra if name not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
