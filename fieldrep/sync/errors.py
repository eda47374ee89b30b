"""What can go wrong in a sync, each with a sentence the rep can act on."""

from __future__ import annotations

from fieldrep.domain.errors import FieldrepError


class SyncError(FieldrepError):
    """A sync did not finish; nothing local was lost and the next sync resumes.

    `server_detail` is the server's own words when it refused (for a form that shows
    them beside its fields); the message adds what to do next.
    """

    def __init__(self, message: str, *, server_detail: str | None = None) -> None:
        super().__init__(message)
        self.server_detail = server_detail


class NotSignedInError(SyncError):
    """This workspace has no server, user or token yet."""


class WorkspaceOwnerError(SyncError):
    """A sign-in as another user, or to another server, than the workspace belongs to."""


class InvalidServerUrlError(SyncError):
    """The server address cannot be a URL of a sync server (no host, bad port ...)."""


class SignInRequiredError(SyncError):
    """The server no longer accepts the stored token (expired, wrong password ...)."""


class DeviceRevokedError(SyncError):
    """The server revoked this device: the local data must be wiped."""


class UpdateRequiredError(SyncError):
    """The server does not accept this client's protocol or schema version."""


class ServerUnreachableError(SyncError):
    """Network errors, timeouts or 5xx answers outlasted every retry."""


class ServerRefusedError(SyncError):
    """A 4xx answer other than the ones above (forbidden, invalid, rate limited)."""


class PayloadTooLargeError(ServerRefusedError):
    """413: the request body is over the server's cap; a push batch can be split."""


class SyncBusyError(SyncError):
    """Another sync of this workspace is running (in this process or another)."""
