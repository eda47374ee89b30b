"""Correct an HCP's segment mix: one slider per segment, normalised by the core."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QWidget,
)

from fieldrep.domain.segments import Segment


class SegmentCorrectionDialog(QDialog):
    def __init__(
        self,
        hcp_name: str,
        catalogue: list[Segment],
        weights: dict[str, float],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Correct segment mix: {hcp_name}")
        self.sliders: dict[str, QSlider] = {}
        form = QFormLayout(self)
        intro = QLabel(
            "Move the sliders to how you see this HCP. Your correction wins over the "
            "estimate and syncs to your manager's view."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        for segment in catalogue:
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setValue(round(weights.get(segment.id, 0.0) * 100))
            value = QLabel(f"{slider.value()}%")
            value.setMinimumWidth(40)
            slider.valueChanged.connect(lambda v, label=value: label.setText(f"{v}%"))
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(value)
            form.addRow(segment.name, row)
            slider.setToolTip(segment.description)
            self.sliders[segment.id] = slider
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(460)

    def weights(self) -> dict[str, float]:
        return {sid: s.value() / 100 for sid, s in self.sliders.items()}
