"""Render every main screen at 1366x768 offscreen from the demo workspace.

    QT_QPA_PLATFORM=offscreen python -m fieldrep.ui.screenshots [--out docs/screenshots]

Builds a throwaway demo workspace, plans a few visits and leaves a draft, then grabs
each screen with `widget.grab()`. The README shows the results.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import time as clock
from datetime import timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from fieldrep.demo import import_demo  # noqa: E402
from fieldrep.domain.calls import CallDraft  # noqa: E402
from fieldrep.domain.enums import Channel  # noqa: E402
from fieldrep.planning.week import week_start  # noqa: E402
from fieldrep.workspace import Workspace  # noqa: E402

SIZE = (1366, 768)
# The rep's own screens (issue 15): Today, HCP detail, the call log and the planner with
# its day map at a small laptop, the common one and a desktop monitor.
SIZES = ((1024, 640), (1366, 768), (1920, 1080))
PASSPHRASE = "screenshots only"


def settle(app: Any, window: Any, seconds: float = 0.4) -> None:
    """Let queued worker results arrive and layouts settle."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        app.processEvents()
        if window.taskman.pending == 0:
            break
        time.sleep(0.01)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def seed(ws: Workspace) -> None:
    """A believable week: visits today and on other days, one draft left open."""
    today = ws.clock.today()
    if ws.plans.for_week(today):
        return
    hcps = ws.hcps.all()
    by_city: dict[str, list[Any]] = {}
    for h in hcps:
        by_city.setdefault(h.city, []).append(h)
    city_hcps = max(by_city.values(), key=len)
    for i, hcp in enumerate(city_hcps[:5]):
        ws.plans.add(hcp.id, today, clock(9 + i, 0) if i < 3 else None)
    # Today's screen shows the route order ("#") only once a route is ordered.
    ws.planner.order_day(today)
    monday = week_start(today)
    for offset in range(5):
        day = monday + timedelta(days=offset)
        if day == today:
            continue
        for j, hcp in enumerate(hcps[offset * 7 : offset * 7 + 3 + offset % 2]):
            ws.plans.add(hcp.id, day, clock(10 + j, 30), channel=Channel.VISIT)
    ws.calls.log(
        CallDraft(
            hcp_id=city_hcps[0].id,
            channel=Channel.VISIT,
            started_at=ws.clock.local_now().replace(second=0, microsecond=0),
            insights="Interested in the renal subgroup data; asked for a lunch-and-learn.",
        )
    )


def save(widget: QWidget, out: Path, name: str) -> Path:
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")  # noqa: T201 - a command-line tool's output
    return path


def render_sizes(
    out: Path, data_dir: Path, sizes: tuple[tuple[int, int], ...] = SIZES
) -> list[Path]:
    """today/suggestions/hcps/hcp_detail/log_call/planner at each size, named like
    `planner_1024x640.png`.
    The call log is grabbed at the size it opens with on a screen of that size."""
    from fieldrep.ui.main_window import HCPS, PLANNER, SUGGESTIONS, TODAY, MainWindow
    from fieldrep.ui.theme import apply_theme

    app: Any = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)
    ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
    if ws.hcps.count() == 0:
        import_demo(ws)
    seed(ws)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    for width, height in sizes:
        window = MainWindow(ws)
        window.settings.route_start = _start_near(ws)
        window.resize(width, height)
        window.show()
        window.start()
        window.sync.stop()
        settle(app, window, 0.6)
        tag = f"{width}x{height}"
        window.go(TODAY)
        settle(app, window)
        shots.append(save(window, out, f"today_{tag}"))
        window.go(PLANNER)
        settle(app, window)
        shots.append(save(window, out, f"planner_{tag}"))
        for name, page in (("suggestions", SUGGESTIONS), ("hcps", HCPS)):
            window.go(page)
            settle(app, window)
            shots.append(save(window, out, f"{name}_{tag}"))
        window.open_hcp(window.today.visits.row_at(0).plan.hcp_id)
        settle(app, window)
        shots.append(save(window, out, f"hcp_detail_{tag}"))
        window.log_call(str(window.detail.hcp_id))
        settle(app, window)
        dialog = window.call_dialog
        assert dialog is not None
        # Sized as on a screen of this size (offscreen, the virtual screen is bigger).
        room = int((height - 40) * 0.9)
        dialog.resize(dialog.width(), min(dialog.height(), room))
        settle(app, window)
        shots.append(save(dialog, out, f"log_call_{tag}"))
        dialog._dirty = False
        dialog.reject()
        window.close()
    ws.close()
    return shots


def _start_near(ws: Workspace) -> tuple[float, float] | None:
    """A start point for the demo's day map: the town of today's first visit."""
    plans = ws.plans.for_day(ws.clock.today())
    if not plans:
        return None
    hcp = ws.hcps.get(plans[0].hcp_id)
    if hcp.latitude is None or hcp.longitude is None:
        return None
    return hcp.latitude + 0.03, hcp.longitude - 0.04


def render(out: Path, data_dir: Path) -> list[Path]:
    from fieldrep.ui.dialogs.shortcuts_dialog import ShortcutsDialog
    from fieldrep.ui.dialogs.sign_in import WelcomeDialog
    from fieldrep.ui.main_window import DETAIL, HCPS, INBOX, PLANNER, SUGGESTIONS, TODAY, MainWindow
    from fieldrep.ui.theme import apply_theme

    app: Any = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)
    ws = Workspace.open(data_dir, passphrase=PASSPHRASE)
    if ws.hcps.count() == 0:
        import_demo(ws)
    seed(ws)
    window = MainWindow(ws)
    window.settings.last_page = TODAY
    window.resize(*SIZE)
    window.show()
    window.start()
    window.sync.stop()
    settle(app, window, 0.8)
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    steps: list[tuple[str, Callable[[], object]]] = [
        ("today", lambda: window.go(TODAY)),
        ("hcps", lambda: window.go(HCPS)),
        ("hcps_search", lambda: window.hcps.search.setText("lowell")),
        ("hcp_detail", lambda: window.open_hcp(window.hcps.model.row_at(0).id)),
        ("planner", lambda: window.go(PLANNER)),
        ("suggestions", lambda: window.go(SUGGESTIONS)),
        ("sync_inbox", lambda: window.go(INBOX)),
    ]
    for name, action in steps:
        action()
        settle(app, window)
        shots.append(save(window, out, name))
    window.open_hcp(window.hcps.model.row_at(0).id)
    settle(app, window)
    assert window.pages.currentIndex() == DETAIL
    window.log_call(str(window.detail.hcp_id))
    settle(app, window)
    dialog = window.call_dialog
    assert dialog is not None
    dialog.insights.setPlainText("Asked about dosing in CKD stage 3; wants the renal data pack.")
    dialog.products.item(0).setCheckState(dialog.products.item(0).checkState().Checked)
    settle(app, window)
    shots.append(save(dialog, out, "log_call"))
    dialog._dirty = False
    dialog.reject()
    from fieldrep.ui.dialogs.settings_dialog import SettingsDialog

    settings = SettingsDialog(window.settings, window.taskman, window)
    settings.address.setText("Lowell")
    settings.find_address()
    settings.show()
    settings_ready = time.monotonic() + 5
    while not settings.found.text().startswith("Found") and time.monotonic() < settings_ready:
        app.processEvents()
        time.sleep(0.01)
    settle(app, window)
    shots.append(save(settings, out, "settings"))
    settings.close()
    shortcuts = ShortcutsDialog(window)
    shortcuts.show()
    settle(app, window)
    shots.append(save(shortcuts, out, "shortcuts"))
    shortcuts.close()
    welcome = WelcomeDialog()
    welcome.show()
    settle(app, window)
    shots.append(save(welcome, out, "welcome"))
    welcome.close()
    window.lock()
    settle(app, window)
    shots.append(save(window, out, "locked"))
    window.close()
    ws.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.data_dir is not None:
        render(args.out, args.data_dir)
        render_sizes(args.out, args.data_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        render(args.out, Path(tmp) / "demo")
        render_sizes(args.out, Path(tmp) / "demo")


if __name__ == "__main__":
    main()
