"""The headless command line: scripting, support and tests, over the same Workspace."""
