"""Small widgets and helpers of the call log's form (`dialogs.call_log`)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QFormLayout, QListWidget, QListWidgetItem, QWidget

from fieldrep.domain.hcp import Hcp


class FitFormLayout(QFormLayout):
    """Without height-for-width, the scroll area fits the form to the dialog down to its
    minimum (scrolling only below it), instead of scrolling whenever the form's
    preferred height (every list at full size) is more than the dialog has."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return False


class WholeDateTimeEdit(QDateTimeEdit):
    """Tab leaves the field instead of walking its five sections (arrow keys and typing
    still move between day, month, year, hour and minute): the form's Tab order."""

    def focusNextPrevChild(self, next_child: bool) -> bool:  # noqa: N802
        return QWidget.focusNextPrevChild(self, next_child)


def hcp_name_html(hcp: Hcp) -> str:
    parts = (hcp.display_name, hcp.specialty, hcp.city)  # an HCP known by id only has no more
    return html.escape(" · ".join(p for p in parts if p))


def checkable(text: str, data: str, checked: bool) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setData(Qt.ItemDataRole.UserRole, data)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def checked_values(widget: QListWidget) -> list[str]:
    return [
        widget.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    ]
