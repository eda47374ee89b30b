"""The bundle's self-test of the manager's team view: the same workspace opened as a
manager's shows the Team dashboard (the report through pandas, four QtCharts charts) and
prints a coaching summary to PDF through QtPrintSupport, so a bundle that lost pandas,
QtCharts or the PDF printer fails here rather than on a manager's laptop."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from fieldrep.workspace import Workspace

LOAD_TIMEOUT_S = 60.0


def _wait(done: object, what: str) -> None:
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while not done() and time.monotonic() < deadline:  # type: ignore[operator]
        QCoreApplication.processEvents()
        time.sleep(0.01)
    if not done():  # type: ignore[operator]
        raise RuntimeError(f"the team view did not {what} within {LOAD_TIMEOUT_S:.0f} s")


def check_team_view(workspace: Workspace) -> str:
    """Open `workspace` as a manager's; raise on failure. The role is put back after."""
    from fieldrep.ui.main_window import MainWindow
    from fieldrep.ui.taskman import TaskManager

    role = workspace.role
    workspace.set_role("manager")
    window = MainWindow(workspace, taskman=TaskManager(workspace))
    try:
        window.show()
        window.start()
        desk = window.team_desk
        if desk is None:
            raise RuntimeError("a manager's window did not open the team view")
        dashboard = desk.dashboard
        _wait(lambda: dashboard.view is not None and dashboard.data is not None, "load")
        assert dashboard.view is not None
        calls = dashboard.view.report.totals.calls
        charts = sum(bool(v.chart() and v.chart().series()) for v in dashboard.chart_views)
        if "log_call" in window.actions_by_name:
            raise RuntimeError("a manager's window offers Log call")
        reps = list(dashboard.view.report.reps)
        pages = 0
        if reps:
            dashboard.set_filters(rep=reps[0])
            written: list[str] = []
            dashboard.exported.connect(written.append)
            with tempfile.TemporaryDirectory() as folder:
                dashboard.coaching_summary(Path(folder) / "summary.pdf")
                _wait(lambda: bool(written), "print the coaching summary")
                pdf = Path(written[0]).read_bytes()
                pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
            if pages != 1:
                raise RuntimeError(f"the coaching summary printed {pages} pages, not one")
        window.taskman.shutdown(wait=True)
        return f"team view for a manager: {calls} calls, {charts} charts, summary PDF {pages} page"
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.processEvents()
        workspace.set_role(role)
