"""The HTTP layer: routes per resource, dependencies, error mapping."""
