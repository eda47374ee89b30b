"""UI settings: a typed registry over QSettings, kept beside the workspace (ui.ini).

Like Picard's settings registry: each setting has a key, a type and a default, and
`SETTINGS_VERSION` with upgrade steps keeps old files readable. Nothing secret is ever
stored here (the workspace key lives in the keychain or comes from the passphrase).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from fieldrep.ui.hcp_filter import HcpFilter

SETTINGS_VERSION = 1
FILENAME = "ui.ini"


class UiSettings:
    def __init__(self, data_dir: Path) -> None:
        self._q = QSettings(str(Path(data_dir) / FILENAME), QSettings.Format.IniFormat)
        self._upgrade()

    def _upgrade(self) -> None:
        version = int(str(self._q.value("settings_version", 0) or 0))
        # Version 0 -> 1: nothing to convert yet; later upgrades append steps here.
        if version < SETTINGS_VERSION:
            self._q.setValue("settings_version", SETTINGS_VERSION)

    def _get(self, key: str, default: Any, kind: type) -> Any:
        value = self._q.value(key, default)
        if value is None:
            return default
        try:
            if kind is bool and isinstance(value, str):
                return value.lower() in ("1", "true", "yes")
            return kind(value)
        except (TypeError, ValueError):
            return default

    def sync(self) -> None:
        self._q.sync()

    # -- window ------------------------------------------------------------------
    # Geometry is kept per screen (its name and available size), so a laptop that is
    # docked to a 1920x1080 monitor and later used alone at 1366x768 opens fitted to each.
    def window_geometry(self, screen: str = "") -> QByteArray | None:
        value = self._q.value(f"window/geometry/{screen}" if screen else "window/geometry")
        return value if isinstance(value, QByteArray) else None

    def window_state(self) -> QByteArray | None:
        value = self._q.value("window/state")
        return value if isinstance(value, QByteArray) else None

    def save_window(self, geometry: QByteArray, state: QByteArray, screen: str = "") -> None:
        self._q.setValue(f"window/geometry/{screen}" if screen else "window/geometry", geometry)
        self._q.setValue("window/state", state)

    @property
    def font_scale(self) -> float:
        """Text size relative to the system's (Settings > Text size), 0.8 to 1.6."""
        return min(1.6, max(0.8, float(self._get("view/font_scale", 1.0, float))))

    @font_scale.setter
    def font_scale(self, value: float) -> None:
        self._q.setValue("view/font_scale", value)

    @property
    def last_page(self) -> int:
        return int(self._get("window/page", 0, int))

    @last_page.setter
    def last_page(self, value: int) -> None:
        self._q.setValue("window/page", value)

    # -- behaviour ---------------------------------------------------------------
    @property
    def idle_lock_minutes(self) -> float:
        """Lock the window after this many idle minutes (0 = never; fractions allowed)."""
        return float(self._get("security/idle_lock_minutes", 15, float))

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, value: float) -> None:
        self._q.setValue("security/idle_lock_minutes", value)

    @property
    def auto_sync_minutes(self) -> int:
        return int(self._get("sync/auto_minutes", 5, int))

    @property
    def route_start(self) -> tuple[float, float] | None:
        """Where the rep's day starts (home or office), for route ordering and the map."""
        raw = self._q.value("planner/route_start")
        if not raw:
            return None
        try:
            lat, lon = (float(x) for x in str(raw).split(","))
        except ValueError:
            return None
        return lat, lon

    @route_start.setter
    def route_start(self, value: tuple[float, float] | None) -> None:
        self._q.setValue("planner/route_start", "" if value is None else f"{value[0]},{value[1]}")

    @property
    def route_start_label(self) -> str:
        """The start address as the rep typed it (the coordinates are `route_start`)."""
        return str(self._q.value("planner/route_start_label", "") or "")

    @route_start_label.setter
    def route_start_label(self, value: str) -> None:
        self._q.setValue("planner/route_start_label", value)

    @property
    def working_days(self) -> frozenset[int]:
        """The rep's working weekdays (0 = Monday); the planner shows these columns."""
        raw = str(self._q.value("planner/working_days", "0,1,2,3,4") or "")
        try:
            days = frozenset(int(x) for x in raw.split(",") if x.strip())
        except ValueError:
            return frozenset(range(5))
        return frozenset(d for d in days if 0 <= d <= 6) or frozenset(range(5))

    @working_days.setter
    def working_days(self, value: frozenset[int]) -> None:
        self._q.setValue("planner/working_days", ",".join(str(d) for d in sorted(value)))

    @property
    def day_start(self) -> time:
        """When the working day starts: an ordered route's first visit without a booking."""
        raw = str(self._q.value("planner/day_start", "09:00") or "09:00")
        try:
            return time.fromisoformat(raw)
        except ValueError:
            return time(9, 0)

    @day_start.setter
    def day_start(self, value: time) -> None:
        self._q.setValue("planner/day_start", value.strftime("%H:%M"))

    # -- saved filters -----------------------------------------------------------
    def saved_filters(self) -> dict[str, HcpFilter]:
        raw = self._q.value("hcps/saved_filters", "{}")
        try:
            data = json.loads(str(raw))
            return {name: HcpFilter(**fields) for name, fields in data.items()}
        except (ValueError, TypeError):
            return {}

    def save_filter(self, name: str, hcp_filter: HcpFilter) -> None:
        filters = self.saved_filters()
        filters[name] = hcp_filter
        self._store_filters(filters)

    def delete_filter(self, name: str) -> None:
        filters = self.saved_filters()
        filters.pop(name, None)
        self._store_filters(filters)

    def _store_filters(self, filters: dict[str, HcpFilter]) -> None:
        payload = {name: asdict(f) for name, f in filters.items()}
        self._q.setValue("hcps/saved_filters", json.dumps(payload))
