"""Services the Workspace hands out: each owns one kind of record and its outbox rows."""
