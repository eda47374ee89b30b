"""The HTTP side of sync: one `SyncClient` per sync run, over `requests`.

Retries (exponential backoff with full jitter) happen only for what a retry can fix:
connection errors, timeouts, a body cut short, and 5xx answers. A 4xx is an answer,
never retried. Push is safe to retry because the server applies each mutation once.
Thread-safety: one client per thread (a `requests.Session` is not shared).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ValidationError

from fieldrep.sync import protocol as p
from fieldrep.sync.errors import (
    DeviceRevokedError,
    InvalidServerUrlError,
    PayloadTooLargeError,
    ServerRefusedError,
    ServerUnreachableError,
    SignInRequiredError,
    UpdateRequiredError,
)
from fieldrep.tasks import CancelToken

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6  # tries in all, the first included
    base_delay: float = 0.2  # seconds; doubles each retry
    max_delay: float = 5.0
    connect_timeout: float = 5.0
    read_timeout: float = 60.0

    def delay(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**retry)], so devices spread out."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2**retry))


class _Retryable(Exception):
    """A failure a retry may fix; carries the one-line cause for the final message."""


CA_BUNDLE_ENV = "FIELDREP_CA_BUNDLE"


def ca_bundle() -> str | None:
    """The PEM file of extra CAs to trust (`FIELDREP_CA_BUNDLE`), or None for the system's.

    A named file that does not exist is an error, never a silent fallback to no checks.
    """
    path = os.environ.get(CA_BUNDLE_ENV, "").strip()
    if not path:
        return None
    if not os.path.isfile(path):
        raise InvalidServerUrlError(
            f"{CA_BUNDLE_ENV} names {path}, which is not a file. Point it at your "
            "organisation's CA certificates (PEM), or unset it."
        )
    return path


def check_server_url(url: str) -> str:
    """The URL without a trailing slash, or InvalidServerUrlError saying what is wrong."""
    example = "e.g. http://127.0.0.1:8765 or https://sync.example.com"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError as exc:
        raise InvalidServerUrlError(
            f"'{url}' is not a valid server address ({exc}); {example}."
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidServerUrlError(
            f"'{url}' is not a valid server address: it needs http:// or https:// and a "
            f"host name; {example}."
        )
    if (
        parts.scheme.lower() == "http"
        and not _loopback(parts.hostname)
        and os.environ.get(ALLOW_HTTP_ENV) != "1"
    ):
        # Tokens and call notes must not cross a network in clear text.
        raise InvalidServerUrlError(
            f"'{url}' is not encrypted (http://): use https:// for a server on another "
            f"machine. Plain http is only for this computer (127.0.0.1), or set "
            f"{ALLOW_HTTP_ENV}=1 on a network you trust."
        )
    return url.strip().rstrip("/")


ALLOW_HTTP_ENV = "FIELDREP_ALLOW_HTTP"


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SyncClient:
    def __init__(
        self,
        server_url: str,
        *,
        token: str | None = None,
        policy: RetryPolicy | None = None,
        cancel: CancelToken | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.server_url = check_server_url(server_url)
        self.token = token
        self.policy = policy or RetryPolicy()
        self.cancel = cancel
        self._session = session or requests.Session()
        # A company CA (a hospital's own PKI) when named; else the system's. Passed on
        # every request: requests would let REQUESTS_CA_BUNDLE override a session value.
        # Certificates are always verified.
        self._verify: str | bool = ca_bundle() or True
        self.requests_sent = 0
        self.last_headers: dict[str, str] = {}  # of the last answer (the device policy)
        self.protocol_version = p.PROTOCOL_VERSION  # sent on every call, checked first

    def close(self) -> None:
        self._session.close()

    # -- endpoints ---------------------------------------------------------------

    def login(self, request: p.LoginRequest) -> p.LoginResponse:
        return self._call("POST", "/auth/login", p.LoginResponse, body=request, auth=False)

    def handshake(self, request: p.Handshake) -> p.HandshakeResult:
        return self._call("POST", "/sync/handshake", p.HandshakeResult, body=request)

    def push(self, request: p.PushRequest) -> p.PushResponse:
        return self._call("POST", "/sync/push", p.PushResponse, body=request)

    def pull(self, since: int, limit: int) -> p.PullResponse:
        params = {"since": since, "limit": limit}
        return self._call("GET", "/sync/pull", p.PullResponse, params=params)

    def logout(self) -> bool:
        """Ask the server to forget this device's token (one attempt, no retries).

        True when the server confirmed (or the token was already unknown to it); False
        when it could not be reached, so the caller can say the token dies by expiry.
        """
        headers = {p.PROTOCOL_HEADER: str(self.protocol_version)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._session.post(
                f"{self.server_url}{API_PREFIX}/auth/logout",
                headers=headers,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                verify=self._verify,
            )
        except requests.RequestException as exc:
            log.warning("logout: the server could not be reached (%s)", type(exc).__name__)
            return False
        return response.status_code in (204, 401)

    # -- machinery ---------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        model: type[Model],
        *,
        body: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
    ) -> Model:
        headers = {"Accept": "application/json", p.PROTOCOL_HEADER: str(self.protocol_version)}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = body.model_dump_json().encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = f"{self.server_url}{API_PREFIX}{path}"

        def attempt() -> Model:
            return self._attempt(method, url, model, data=data, params=params, headers=headers)

        return self._with_retries(path, attempt)

    def _with_retries(self, path: str, attempt: Callable[[], Model]) -> Model:
        last = ""
        for number in range(self.policy.attempts):
            if number:
                delay = self.policy.delay(number - 1)
                log.info("retrying %s in %.2fs after: %s", path, delay, last)
                self._sleep(delay)
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            try:
                return attempt()
            except _Retryable as exc:
                last = str(exc)
        raise ServerUnreachableError(
            f"The sync server at {self.server_url} could not be reached ({last}). "
            "Your changes are safe on this device; sync again when the connection is back."
        )

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            time.sleep(min(left, 0.05))

    def _attempt(
        self,
        method: str,
        url: str,
        model: type[Model],
        *,
        data: bytes | None,
        params: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> Model:
        self.requests_sent += 1
        try:
            response = self._session.request(
                method,
                url,
                data=data,
                params=params,
                headers=headers,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
                verify=self._verify,
            )
            content = response.content  # a connection cut mid-body raises here
        except requests.exceptions.SSLError:
            raise ServerRefusedError(
                f"The certificate of {self.server_url} could not be verified, so nothing was "
                f"sent. If your organisation uses its own certificate authority, point "
                f"{CA_BUNDLE_ENV} at its certificates (PEM); otherwise tell your administrator."
            ) from None
        except requests.Timeout:
            raise _Retryable("timed out") from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise _Retryable(f"connection failed: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise _Retryable(f"server error {response.status_code}")
        if response.status_code >= 400:
            raise _refusal(response.status_code, content)
        if "json" not in response.headers.get("Content-Type", "").lower():
            # Something else answers at this address (a web page, a login portal):
            # retrying will not change that.
            raise ServerRefusedError(
                f"{self.server_url} answered, but it is not a Fieldrep sync server "
                f"(it sent {response.headers.get('Content-Type') or 'no content type'}). "
                "Check the server address."
            )
        self.last_headers = dict(response.headers)
        try:
            return model.model_validate_json(content)
        except ValidationError as exc:
            # A 2xx body that does not parse was almost always cut short in transit.
            raise _Retryable(f"unreadable answer ({exc.error_count()} errors)") from None


def _error_body(content: bytes) -> p.ErrorBody | None:
    try:
        raw = json.loads(content)
    except ValueError:
        return None
    # FastAPI wraps HTTPException details in {"detail": ...}; accept both shapes.
    if isinstance(raw, dict) and isinstance(raw.get("detail"), dict):
        raw = raw["detail"]
    try:
        return p.ErrorBody.model_validate(raw)
    except ValidationError:
        return None


def _refusal(status: int, content: bytes) -> Exception:
    body = _error_body(content)
    code = body.code if body else None
    detail = body.message if body else f"HTTP {status}"
    server_detail = body.message if body else None
    if code == p.ErrorCode.DEVICE_REVOKED:
        return DeviceRevokedError(
            "The server has revoked this device. For security, Fieldrep will now remove "
            "all local data from it; sign in again to start afresh."
        )
    if code == p.ErrorCode.UPDATE_REQUIRED or status == 426:
        return UpdateRequiredError(
            f"The sync server needs a newer Fieldrep ({detail}). Update the app, then sync "
            "again; your unsynced changes are kept on this device until then.",
            server_detail=server_detail,
        )
    if status == 413:
        return PayloadTooLargeError(
            f"The sync server refused the request as too large: {detail} (HTTP 413).",
            server_detail=server_detail,
        )
    if status == 401:
        return SignInRequiredError(
            f"The server did not accept your sign-in ({detail}). "
            "Run 'fieldrep login' (or sign in again in the app).",
            server_detail=server_detail,
        )
    return ServerRefusedError(
        f"The sync server refused the request: {detail} (HTTP {status}).",
        server_detail=server_detail,
    )
