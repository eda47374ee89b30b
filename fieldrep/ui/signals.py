"""Emitting Qt signals from Python, safely.

PySide6 6.12's `SignalInstance.emit()` returns `True`/`False` without a new reference,
so each Python-side emit drops one reference to a bool singleton; after some 20,000
emits the interpreter aborts ("bool_dealloc"). Every emit in the UI goes through
`emit()`, which gives the reference back. Should PySide fix this, the extra reference
only keeps an immortal-in-practice singleton alive: harmless either way.
"""

from __future__ import annotations

import ctypes
from typing import Any

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


def emit(signal: Any, *args: Any) -> None:
    result = signal.emit(*args)
    if isinstance(result, bool):
        _incref(result)
