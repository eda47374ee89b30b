"""What each main control of the window does, and its shortcut, on hover (and to
screen readers); the pages' own widgets carry theirs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldrep.ui.main_window import MainWindow


def describe_controls(window: MainWindow, pages: tuple[str, ...]) -> None:
    """Tooltips for the page list (`pages`, in its order) and the window's buttons."""
    go = ("go_today", "go_hcps", "go_planner", "go_suggestions", "go_inbox")
    for row, action in enumerate(go):
        shortcut = window.actions_by_name[action].shortcut().toString()
        window.nav.item(row).setToolTip(f"{pages[row]} ({shortcut})")
    d = window.detail
    for button, tip in (
        (d.back_button, "Back to where you came from (Alt+Left)"),
        (d.log_button, "Log a call with this HCP (Ctrl+N); it autosaves as a draft"),
        (d.plan_button, "Plan a visit with this HCP (Ctrl+P)"),
        (d.segment_button, "Correct the segment mix if you know this HCP better"),
        (window.hcps.save_button, "Save the current filters under a name"),
        (window.hcps.clear_button, "Clear the search and every filter"),
        (window.inbox.open_button, "Open the call note this change belongs to"),
        (window.inbox.discard_button, "Let go of this change after reading why it was refused"),
        (window.sync_status.button, "Send your changes and fetch the latest now (F5)"),
    ):
        button.setToolTip(tip)
