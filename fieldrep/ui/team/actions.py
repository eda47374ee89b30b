"""The team dashboard's actions: coaching (a comment on a call note or a week, a
field-coaching visit) and output (export of the view on screen, the coaching summary PDF).

A mixin of `TeamDashboard` (`fieldrep.ui.team.dashboard`), whose state it uses (declared
below). Dialogs are read on the UI thread; sending and writing run on the worker.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog

from fieldrep.reports.export import about, file_stem, frame_to_bytes, to_bytes
from fieldrep.reports.team import team_report
from fieldrep.ui import errors
from fieldrep.ui.dialogs.coaching import CommentDialog, FieldVisitDialog
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op
from fieldrep.ui.team.coaching_page import subjects
from fieldrep.ui.team.drill import activity_frame
from fieldrep.ui.team.summary import summary_html, write_pdf
from fieldrep.workspace import Workspace

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QComboBox, QStackedWidget, QTableView, QTabWidget

    from fieldrep.reports.data import TeamData
    from fieldrep.reports.team import TeamFilter
    from fieldrep.ui.taskman import TaskManager
    from fieldrep.ui.team.drill import RepDrill
    from fieldrep.ui.team.figures import RepFiguresModel

OVERVIEW, REPS, SILENT = range(3)  # the dashboard's tabs
DASHBOARD, DRILL = range(2)  # its stack: the figures, or a rep's drill-down


class DashboardActions:
    """What the actions read of the dashboard (set by `TeamDashboard.__init__`)."""

    taskman: TaskManager
    view: Any  # DashboardView | None
    data: TeamData | None
    _wanted: TeamFilter | None
    _drill_rows: list[Any]
    stack: QStackedWidget
    drill: RepDrill
    tabs: QTabWidget
    rep_box: QComboBox
    rep_table: QTableView
    rep_model: RepFiguresModel
    exported: SignalInstance
    coaching_dialog: Any

    def current_filter(self) -> TeamFilter:
        raise NotImplementedError

    def _load_note(self, note_id: str) -> None:
        raise NotImplementedError

    def _when(self, instant: str | None) -> str:
        raise NotImplementedError

    def _parent(self) -> Any:
        return self  # the dashboard itself: a QWidget

    # -- coaching -----------------------------------------------------------------------
    def chosen_rep(self) -> str | None:
        """The rep in the drill-down, else the rep filter's, else the Reps tab's row."""
        if self.stack.currentIndex() == DRILL and self.drill.rep:
            return self.drill.rep
        if self.rep_box.currentData():
            return str(self.rep_box.currentData())
        index = self.rep_table.currentIndex()
        if self.tabs.currentIndex() == REPS and index.isValid():
            return self.rep_model.row_at(index.row()).rep
        return None

    def _need_rep(self) -> str | None:
        rep = self.chosen_rep()
        if rep is None:
            errors.show_message(
                self._parent(), "Choose a rep first: the Rep filter, or a row of the Reps tab."
            )
        return rep

    def comment_on_note(self, text: str | None = None) -> None:
        view = self.drill.note if self.stack.currentIndex() == DRILL else None
        if view is None:
            errors.show_message(
                self._parent(), "Open a call note first: Team > a rep > an HCP > a call."
            )
            return
        note = view.note
        subject = f"the call with {view.hcp_name} on {note.started_at:%a %d %b}"
        self._send(
            CommentDialog(note.author, subject, self._parent()),
            lambda ws, v: ws.coaching.leave(note.author, v.text, note.id),
            text,
            after=lambda: self._load_note(note.id),
        )

    def comment_on_week(self, text: str | None = None) -> None:
        rep = self._need_rep()
        if rep is None:
            return
        flt = self._wanted or self.current_filter()
        week = flt.end - timedelta(days=flt.end.weekday())
        self._send(
            CommentDialog(rep, f"the week of {week:%d %b %Y}", self._parent()),
            lambda ws, v: ws.coaching.leave(rep, v.text, week=flt.end),
            text,
        )

    def record_field_visit(self) -> None:
        rep = self._need_rep()
        if rep is None:
            return
        dialog = FieldVisitDialog(rep, self.taskman.clock.today(), self._parent())
        self._send(
            dialog,
            lambda ws, v: ws.coaching.record_field_visit(rep, v.day, v.skills, v.text),
            None,
        )

    def _send(self, dialog: Any, send: Any, text: str | None, after: Any = None) -> None:
        """Open the dialog; on OK read it here (UI thread) and send on the worker.
        `send(ws, values)` gets the dialog's `values()`; `text` is prefilled (tests)."""
        self.coaching_dialog = dialog

        def accepted() -> None:
            values = dialog.values()
            op = Op(lambda ws: send(ws, values), parent=self._parent())
            op.success(lambda r: self._sent(r.value, after)).run(self.taskman)

        dialog.accepted.connect(accepted)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if text is not None:
            dialog.text.setPlainText(text)
        dialog.open()

    def _sent(self, comment: Any, after: Any) -> None:
        window = self._parent().window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(
                f"Sent to {comment.rep_username}; it reaches them at the next sync.", 8000
            )
        if after is not None:
            after()

    # -- export and print ---------------------------------------------------------------
    def documents_folder(self) -> Path:
        """Where save dialogs open: the user's Documents folder (home without one)."""
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(folder) if folder else Path.home()

    def current_table(self) -> tuple[str, Any] | None:
        """(name, frame) of the table on screen; None for the whole report (Overview)."""
        view = self.view
        if self.stack.currentIndex() == DRILL:
            return f"{self.drill.rep}-hcps", activity_frame(self._drill_rows)
        if view is None:
            return None
        if self.tabs.currentIndex() == REPS:
            return "reps", view.report.summary
        if self.tabs.currentIndex() == SILENT:
            return "priority-hcps-not-seen", view.report.silent
        return None

    def export_view(self, path: Path | None = None) -> None:
        """CSV or XLSX (by the file's extension) of what is on screen: the table shown, or
        every table of the report on the Overview."""
        view = self.view
        if view is None:
            return
        table = self.current_table()
        name = table[0] if table else "report"
        report = view.report
        if path is None:
            default = self.documents_folder() / f"{file_stem(report.filter, name)}.xlsx"
            chosen, _ = QFileDialog.getSaveFileName(
                self._parent(), "Export the team view", str(default),
                "Excel workbook (*.xlsx);;CSV (*.csv)",
            )  # fmt: skip
            if not chosen:
                return
            path = Path(chosen)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_suffix(".xlsx")
        fmt = path.suffix.lower().lstrip(".")
        target = path
        exported = f"{self.taskman.clock.local_now():%a %d %b %Y %H:%M}"
        context = about(
            report.filter, manager=self.taskman.workspace.username, table=name,
            extra=[("data", "as of the last sync"), ("exported", exported)],
        )  # fmt: skip

        def write(_ws: Workspace) -> Path:
            if table is None:
                payload = to_bytes(report, fmt, context)  # type: ignore[arg-type]
            else:
                payload = frame_to_bytes(table[1], fmt, table[0], context)  # type: ignore[arg-type]
            target.write_bytes(payload)
            return target

        Op(write, parent=self._parent()).success(self._written).run(self.taskman)

    def coaching_summary(self, path: Path | None = None) -> None:
        """A one-page PDF of the chosen rep over the current filters."""
        rep = self._need_rep()
        data = self.data
        if rep is None or data is None:
            return
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self._parent(), "Save the coaching summary",
                str(self.documents_folder()
                    / f"coaching-{rep}-{self.taskman.clock.today():%Y-%m-%d}.pdf"),
                "PDF (*.pdf)",
            )  # fmt: skip
            if not chosen:
                return
            path = Path(chosen)
        target = path.with_suffix(".pdf")
        flt = replace(self._wanted or self.current_filter(), reps=(rep,))
        printed = f"{self.taskman.clock.local_now():%d %b %Y %H:%M}"
        when = self._when

        def build(ws: Workspace) -> str:
            report = team_report(data, flt)
            comments = ws.coaching.for_rep(rep)
            return summary_html(
                report, rep, comments, when, printed, subjects=subjects(ws, comments)
            )

        def write(page: str) -> None:
            write_pdf(page, target)
            self._written(target)

        Op(build, parent=self._parent()).success(write).run(self.taskman)

    def _written(self, path: Path) -> None:
        window = self._parent().window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"Saved {path}", 8000)
        emit(self.exported, str(path))
