"""Errors the data functions raise; `api/errors.py` maps them onto HTTP answers.

Messages are written for the person who will read them: a rep, a manager or an admin.
"""

from __future__ import annotations

from fieldrep.sync.protocol import ErrorCode


class ServerError(Exception):
    """A failure with a code from the protocol and a message a person can act on."""

    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(ServerError):
    code = ErrorCode.UNAUTHORIZED


class DeviceRevoked(ServerError):
    code = ErrorCode.DEVICE_REVOKED


class UpdateRequired(ServerError):
    code = ErrorCode.UPDATE_REQUIRED


class Forbidden(ServerError):
    code = ErrorCode.FORBIDDEN


class Invalid(ServerError):
    code = ErrorCode.INVALID


class RateLimited(ServerError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Rejected(Exception):
    """One pushed mutation cannot be applied; the reason is shown to the rep."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
