"""Fieldrep: the offline-first desktop app for pharmaceutical field reps."""

__version__ = "0.1.0"
