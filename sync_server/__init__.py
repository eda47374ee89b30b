"""The Fieldrep sync server."""
