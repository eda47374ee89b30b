"""Settings: where the day starts (an address, found offline), the working day's start,
text size and the idle lock. Stored in ui.ini beside the workspace (UiSettings)."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from fieldrep.domain.errors import FieldrepError
from fieldrep.planning.geocode import Place, locate
from fieldrep.ui.settings import UiSettings
from fieldrep.ui.signals import emit
from fieldrep.ui.taskman import Op, TaskManager


class SettingsDialog(QDialog):
    applied = Signal()

    def __init__(self, settings: UiSettings, taskman: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.settings = settings
        self.taskman = taskman
        self._place: Place | None = None
        start = settings.route_start
        self.address = QLineEdit(settings.route_start_label)
        self.address.setPlaceholderText("Street, postcode or town; or 42.36, -71.06")
        self.address.setToolTip(
            "Where your day starts (home or office). Found among your territory's addresses, "
            "offline; the route and the day map start here."
        )
        self.find_button = QPushButton("&Find")
        self.find_button.setToolTip("Look the address up among your territory's addresses")
        self.found = QLabel(f"Saved: {start[0]:.4f}, {start[1]:.4f}" if start else "Not set")
        self.found.setObjectName("muted")
        self.found.setWordWrap(True)
        self.day_start = QTimeEdit(QTime(settings.day_start.hour, settings.day_start.minute))
        self.day_start.setDisplayFormat("HH:mm")
        self.day_start.setToolTip("An ordered route's first visit starts here unless one is booked")
        self.weekdays = QHBoxLayout()
        self.day_boxes = []
        for number, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
            box = QCheckBox(name)
            box.setChecked(number in settings.working_days)
            box.setToolTip("The planner shows your working days; other days only when planned")
            self.day_boxes.append(box)
            self.weekdays.addWidget(box)
        self.weekdays.addStretch(1)
        self.text_size = QSpinBox()
        self.text_size.setRange(80, 160)
        self.text_size.setSingleStep(10)
        self.text_size.setSuffix(" %")
        self.text_size.setValue(round(settings.font_scale * 100))
        self.text_size.setToolTip("Scales all text in Fieldrep")
        self.idle = QDoubleSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setDecimals(0)
        self.idle.setSuffix(" min")
        self.idle.setSpecialValueText("Never")
        self.idle.setValue(settings.idle_lock_minutes)
        self.idle.setToolTip("Lock Fieldrep after this long without input (0 = never)")

        where = QHBoxLayout()
        where.addWidget(self.address, 1)
        where.addWidget(self.find_button)
        form = QFormLayout()
        # A manager plans no routes: the day's start and working days are a rep's settings.
        self.rep_settings = not taskman.workspace.is_manager
        rep_only = (self.found, self.weekdays, self.day_start)
        for text, field, buddy in (
            ("Day &starts at (address)", where, self.address),
            ("", self.found, None),
            ("Working &days", self.weekdays, self.day_boxes[0]),
            ("&Working day starts", self.day_start, self.day_start),
            ("&Text size", self.text_size, self.text_size),
            ("&Lock after", self.idle, self.idle),
        ):
            if not self.rep_settings and any(field is f for f in (where, *rep_only)):
                continue
            label = QLabel(text)
            if buddy is not None:
                label.setBuddy(buddy)
            form.addRow(label, field)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.find_button.clicked.connect(self.find_address)
        self.address.returnPressed.connect(self.find_address)
        self.address.textEdited.connect(lambda _t: self._forget_place())
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.setMinimumWidth(480)

    def _forget_place(self) -> None:
        self._place = None

    def find_address(self) -> None:
        text = self.address.text()
        self.error.setText("")

        def found(place: Place) -> None:
            self._place = place
            self.found.setText(f"Found {place.how}: {place.latitude:.4f}, {place.longitude:.4f}")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, FieldrepError):
                self.error.setText(str(exc))
            else:
                raise exc

        Op(lambda ws: locate(text, ws.hcps.all()), parent=self).success(found).failure(failed).run(
            self.taskman
        )

    def save(self) -> None:
        s = self.settings
        text = self.address.text().strip()
        if not text:
            s.route_start, s.route_start_label = None, ""
        elif self._place is not None:
            s.route_start = (self._place.latitude, self._place.longitude)
            s.route_start_label = text
        elif text != s.route_start_label:
            self.error.setText("Press Find to look the address up first.")
            return
        days = frozenset(i for i, box in enumerate(self.day_boxes) if box.isChecked())
        if not days:
            self.error.setText("Tick at least one working day.")
            return
        s.working_days = days
        t = self.day_start.time()
        s.day_start = time(t.hour(), t.minute())
        s.font_scale = self.text_size.value() / 100
        s.idle_lock_minutes = self.idle.value()
        s.sync()
        emit(self.applied)
        self.accept()
