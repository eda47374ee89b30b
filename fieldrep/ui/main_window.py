"""The main window: for now the HCP list with search as you type."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget

from fieldrep.services.hcps import HcpSummary
from fieldrep.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex


class HcpTableModel(QAbstractTableModel):
    """Rows are frozen HcpSummary dataclasses from the core; columns by constant."""

    COLUMNS = (
        ("Name", "name"),
        ("Specialty", "specialty"),
        ("Organisation", "organisation"),
        ("City", "city"),
        ("Tier", "tier"),
        ("Last contact", "last_contact"),
    )

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[HcpSummary] = []

    def set_rows(self, rows: list[HcpSummary]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> HcpSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        value = getattr(self._rows[index.row()], self.COLUMNS[index.column()][1])
        if index.column() == 5 and value:
            return str(value)[:10]
        return value if value is not None else ""

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section][0]
        return None


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.setWindowTitle("Fieldrep")
        self.resize(1200, 760)
        self.search = QLineEdit(placeholderText="Search HCPs, practices, cities, notes…")
        self.search.setClearButtonEnabled(True)
        self.model = HcpTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.search.textChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        text = self.search.text().strip()
        rows = self.workspace.hcps.search(text) if text else self.workspace.hcps.summaries()
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.statusBar().showMessage(f"{len(rows)} HCPs")
