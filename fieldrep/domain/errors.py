"""Errors the core raises with a message a user can act on."""


class FieldrepError(Exception):
    """Base for every error the UI or CLI shows as one clear sentence."""


class ValidationError(FieldrepError):
    """Input that breaks a domain rule; nothing was written."""


class NotFoundError(FieldrepError):
    """A record the caller named does not exist (or is not visible to them)."""


class LockedError(FieldrepError):
    """A change to a record that may no longer change (a submitted call note)."""
