"""The rep's cycle-plan attainment and pace on Today, one sentence per target group:
"A-tier: 62 % of the cycle done, 55 % of the time gone" — from the core's
`ws.reports.rep_attainment()` (the same code the manager's report runs), on the worker.
Hidden while the rep has no running goals."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from fieldrep.domain.changes import Changes
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager

RELOAD_ON = Changes(calls=True, catalogue=True, sync=True, day=True)
BEHIND, AHEAD = "#b3261e", "#1b6e3a"


def attainment_html(lines: Sequence[Any]) -> str:
    """Each line's sentence, marked on pace (green) or behind (red)."""
    parts = []
    for line in lines:
        colour = AHEAD if line.on_pace else BEHIND
        mark = "on pace" if line.on_pace else "behind pace"
        parts.append(
            f"<span style='color:{colour}'>●</span> {html.escape(line.sentence())} "
            f"<span style='color:gray'>({mark}; {line.counted} of {line.goal} contacts)</span>"
        )
    return "<br>".join(parts)


class AttainmentLine(QLabel):
    loaded = Signal()

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attainment")
        self.taskman = taskman
        self.lines: tuple[Any, ...] = ()
        self.started = False
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setVisible(False)
        taskman.changed.connect(self._on_changed)

    def start(self) -> None:
        """The first load (the page's own reload calls this); later ones follow changes."""
        if not self.started:
            self.started = True
            self.reload()

    def reload(self) -> None:
        day = self.taskman.clock.today()
        Op(lambda ws: ws.reports.rep_attainment(day), parent=self).success(self._show).run(
            self.taskman
        )

    def _on_changed(self, changes: Changes) -> None:
        if self.started and isinstance(changes, Changes) and changes.touches(RELOAD_ON):
            self.reload()

    def _show(self, lines: tuple[Any, ...]) -> None:
        self.lines = tuple(lines)
        self.setText(attainment_html(self.lines))
        self.setToolTip(
            "Your cycle plan: contacts counted towards each goal (capped per HCP as the "
            "plan says) against the share of the cycle's days gone."
        )
        self.setVisible(bool(self.lines))
        emit(self.loaded)
