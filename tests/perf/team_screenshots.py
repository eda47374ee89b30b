"""Screenshots of the manager's team view (docs/screenshots/team_*.png) over a generated
team (tests/perf/team_history.py): the dashboard, a drill-down to a call note with a
coaching comment, the Coaching page, and the one-page coaching summary (its PDF rendered
to PNG with Ghostscript, or pdftoppm when installed).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.perf.team_screenshots [OUT] [WxH]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from fieldrep.sync.apply import apply_page
from fieldrep.sync.protocol import Change, Entity, Op
from fieldrep.ui.main_window import MainWindow
from fieldrep.ui.taskman import TaskManager
from fieldrep.ui.theme import apply_theme
from fieldrep.workspace import Workspace
from tests.perf.team_history import fill_manager_workspace, rep_name


def wait(app: QApplication, done: object, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.01)
    if not done():  # type: ignore[operator]
        raise TimeoutError("the team view did not load in time")
    for _ in range(20):
        app.processEvents()


def acknowledge(ws: Workspace, comment_id: str, at: str) -> None:
    """What the manager's laptop receives once the rep acknowledged (the feed's update)."""
    c = ws.coaching.get(comment_id)
    data = {"rep_username": c.rep_username, "call_note_id": c.call_note_id,
            "author": c.author, "text": c.text, "created_at": c.created_at, "kind": c.kind,
            "day": c.day.isoformat() if c.day else None, "skills": dict(c.skills),
            "acknowledged_at": at}  # fmt: skip
    with ws.store.write() as conn:
        conn.exec_driver_sql("DELETE FROM outbox WHERE entity_id = ?", (comment_id,))
        apply_page(conn, [Change(seq=1, entity=Entity.COACHING_COMMENT, entity_id=comment_id,
                                 op=Op.UPDATE, version=2, data=data)])  # fmt: skip


def pdf_to_png(pdf: Path, png: Path) -> None:
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-singlefile", str(pdf),
                        str(png.with_suffix(""))], check=True)  # fmt: skip
    else:
        subprocess.run(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m",
                        "-r90", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
                        f"-sOutputFile={png}", str(pdf)], check=True)  # fmt: skip


def render(out: Path, size: tuple[int, int]) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)  # type: ignore[arg-type]
    data_dir = Path(tempfile.mkdtemp()) / "manager"
    ws = Workspace.open(data_dir, passphrase="screenshots passphrase 1")
    fill_manager_workspace(ws, n_reps=6, days=120, calls_per_day=11)
    rep = rep_name(1)
    week = ws.coaching.leave(rep, "Strong week: every A-tier HCP seen.", week=ws.clock.today())
    visit = ws.coaching.record_field_visit(
        rep, ws.clock.today(), {"Opening": 4, "Needs discovery": 3, "Handling objections": 2},
        "Practise the formulary objection before Thursday.",
    )  # fmt: skip
    acknowledge(ws, week.value.id, "2026-11-25T16:05:00+00:00")
    del visit
    window = MainWindow(ws, taskman=TaskManager(ws))
    window.resize(*size)
    window.show()
    window.start()
    desk = window.team_desk
    assert desk is not None
    dashboard = desk.dashboard
    wait(app, lambda: dashboard.view is not None)
    suffix = "" if size == (1366, 768) else f"_{size[0]}x{size[1]}"
    shots = []

    def save(name: str) -> None:
        for _ in range(10):
            app.processEvents()
        path = out / f"team_{name.replace('-', '_')}{suffix}.png"
        window.grab().save(str(path))
        shots.append(path)

    save("dashboard")
    dashboard.tabs.setCurrentIndex(1)
    save("reps")
    dashboard.tabs.setCurrentIndex(0)
    dashboard.drill_to_rep(rep)
    wait(app, lambda: dashboard.drill.rep == rep and bool(dashboard.drill.model.rows()))
    dashboard.drill.table.selectRow(0)
    wait(app, lambda: dashboard.drill.note is not None)
    note = dashboard.drill.note.note
    ws.coaching.leave(rep, "Good probing on dosing; bring the renal subgroup data next time.",
                      note.id)  # fmt: skip
    dashboard._load_note(note.id)
    wait(app, lambda: "Coaching on this call" in dashboard.drill.note_text.toPlainText())
    save("drill-down")
    window.go(1)
    desk.coaching.reload()
    wait(app, lambda: bool(desk.coaching.model.rows()))
    save("coaching")
    window.go(0)
    pdf = out / f"team_coaching_summary{suffix}.pdf"
    done: list[str] = []
    dashboard.exported.connect(done.append)
    dashboard.coaching_summary(pdf)
    wait(app, lambda: bool(done))
    png = pdf.with_suffix(".png")
    pdf_to_png(pdf, png)
    pdf.unlink()
    shots.append(png)
    window.close()
    ws.close()
    return shots


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    size = (1366, 768)
    if len(sys.argv) > 2:
        w, h = sys.argv[2].lower().split("x")
        size = (int(w), int(h))
    for path in render(out, size):
        print(path)  # noqa: T201 - a script's output


if __name__ == "__main__":
    main()
