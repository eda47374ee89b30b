"""Data functions: keyword arguments in, values or `sync_server.errors` out; no HTTP."""
