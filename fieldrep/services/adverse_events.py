"""Adverse-event reports on the device: drafted from a call note, sent with priority.

A draft stays on the device (Today shows it with the time left); `submit` checks the
four elements of a valid report, marks it sent and queues it in the outbox, where the
sync engine pushes it before any other change. "Unsent" means a draft, or a submitted
report whose outbox row the server has not acknowledged yet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from fieldrep.compliance.adverse_events import deadline, prefill, report_problems
from fieldrep.compliance.call_record import RecordProblem
from fieldrep.domain.calls import CallNote
from fieldrep.domain.changes import NOTHING, Changed, Changes
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.services.compliance import ComplianceService
from fieldrep.services.note_subjects import subjects_in
from fieldrep.store import outbox
from fieldrep.store.schema import adverse_event_reports
from fieldrep.store.transactions import Store
from fieldrep.store.values import dt_to_text, new_id, text_to_dt
from fieldrep.sync.protocol import ADVERSE_EVENT_REPORT_FIELDS, AdverseEventReportData, Entity, Op

DRAFT_CHANGED = Changes(adverse_events=True)
SENT_CHANGED = Changes(adverse_events=True, outbox=True)  # the UI sends it at once

DRAFT, SUBMITTED = "draft", "submitted"


@dataclass(frozen=True, slots=True)
class AdverseEventReport:
    id: str
    hcp_id: str
    call_note_id: str | None
    reporter: str
    patient_initials: str
    patient_age: str
    patient_sex: str
    product: str
    event: str
    aware_at: datetime
    deadline_at: datetime
    status: str = DRAFT
    submitted_at: datetime | None = None
    onset: str = ""

    @property
    def sent(self) -> bool:
        return self.status == SUBMITTED


@dataclass(frozen=True, slots=True)
class OpenReport:
    """A report still to reach Drug Safety: a draft, or sent but not yet synced."""

    report: AdverseEventReport
    hcp_name: str
    queued: bool  # submitted on the device, waiting for the next sync


class IncompleteReportError(ValidationError):
    def __init__(self, problems: list[RecordProblem]) -> None:
        self.problems = problems
        super().__init__("Before sending: " + " ".join(p.message for p in problems))


def _from_row(row: Any) -> AdverseEventReport:
    m = row._mapping
    aware, due = text_to_dt(m["aware_at"]), text_to_dt(m["deadline_at"])
    assert aware is not None and due is not None
    return AdverseEventReport(
        id=m["id"], hcp_id=m["hcp_id"], call_note_id=m["call_note_id"], reporter=m["reporter"],
        patient_initials=m["patient_initials"], patient_age=m["patient_age"],
        patient_sex=m["patient_sex"], product=m["product"], event=m["event"], aware_at=aware,
        deadline_at=due, status=m["status"], submitted_at=text_to_dt(m["submitted_at"]),
        onset=m["onset"],
    )  # fmt: skip


def _row(report: AdverseEventReport) -> dict[str, Any]:
    return {
        "id": report.id, "hcp_id": report.hcp_id, "call_note_id": report.call_note_id,
        "reporter": report.reporter, "patient_initials": report.patient_initials,
        "patient_age": report.patient_age, "patient_sex": report.patient_sex,
        "product": report.product, "event": report.event, "onset": report.onset,
        "aware_at": dt_to_text(report.aware_at), "deadline_at": dt_to_text(report.deadline_at),
        "status": report.status, "submitted_at": dt_to_text(report.submitted_at),
    }  # fmt: skip


class AdverseEventService:
    def __init__(self, store: Store, compliance: ComplianceService) -> None:
        self._store = store
        self._compliance = compliance

    def report_hours(self) -> int:
        return self._compliance.checker().rules.adverse_event_report_hours

    def draft_from_note(
        self, *, hcp_id: str, reporter: str, text: str, aware_at: datetime,
        products: tuple[str, ...] = (), call_note_id: str | None = None,
    ) -> AdverseEventReport:  # fmt: skip
        """A new report prefilled from the note (not stored: `save_draft` or `submit`).
        The clock starts at `aware_at`: when the rep heard of it, i.e. the call."""
        checker = self._compliance.checker()
        findings = checker.check(text)
        names = list(checker.product_names) or list(products)
        draft = prefill(text, findings, names)
        hours = checker.rules.adverse_event_report_hours
        return AdverseEventReport(
            id=new_id(), hcp_id=hcp_id, call_note_id=call_note_id, reporter=reporter,
            patient_initials=draft.patient_initials, patient_age=draft.patient_age,
            patient_sex=draft.patient_sex, product=draft.product or ", ".join(products),
            event=draft.event, aware_at=aware_at, deadline_at=deadline(aware_at, hours),
            onset=draft.onset,
        )  # fmt: skip

    @staticmethod
    def problems(report: AdverseEventReport) -> list[RecordProblem]:
        return report_problems(
            reporter=report.reporter, patient_initials=report.patient_initials,
            patient_age=report.patient_age, patient_sex=report.patient_sex,
            product=report.product, event=report.event,
        )  # fmt: skip

    def _current(self, conn: Connection, report_id: str) -> AdverseEventReport | None:
        row = conn.execute(
            select(adverse_event_reports).where(adverse_event_reports.c.id == report_id)
        ).first()
        return None if row is None else _from_row(row)

    def _upsert(self, conn: Connection, report: AdverseEventReport) -> None:
        values = _row(report)
        statement = sqlite_insert(adverse_event_reports).values(**values)
        conn.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))

    def save_draft(self, report: AdverseEventReport) -> Changed[AdverseEventReport]:
        """Keep an unfinished report on the device (Today counts it down)."""
        with self._store.write() as conn:
            current = self._current(conn, report.id)
            if current is not None and current.sent:
                return Changed(current, NOTHING)  # already sent: the record stays as sent
            self._upsert(conn, replace(report, status=DRAFT, submitted_at=None))
        return Changed(replace(report, status=DRAFT, submitted_at=None), DRAFT_CHANGED)

    def submit(self, report: AdverseEventReport) -> Changed[AdverseEventReport]:
        """Send the report: checked, stored as sent and queued ahead of other changes."""
        problems = self.problems(report)
        if problems:
            raise IncompleteReportError(problems)
        with self._store.write() as conn:
            current = self._current(conn, report.id)
            if current is not None and current.sent:
                return Changed(current, NOTHING)
            sent = replace(report, status=SUBMITTED, submitted_at=self._store.clock.now())
            self._upsert(conn, sent)
            row = _row(sent)
            record = AdverseEventReportData.of(**{k: row[k] for k in ADVERSE_EVENT_REPORT_FIELDS})
            outbox.record_mutation(
                conn, created_at=self._store.clock.now(), entity=Entity.ADVERSE_EVENT_REPORT,
                entity_id=sent.id, op=Op.CREATE, fields=record.wire(),
            )  # fmt: skip
        return Changed(sent, SENT_CHANGED)

    def report_for_note(
        self, note: CallNote, reporter: str, *, again: bool
    ) -> AdverseEventReport | None:
        """The note's unsent report draft, else a new one drafted from the note; None when
        a report was already sent for it and `again` is false (submitting a note asks
        once; the call log's "Report adverse event" button asks again)."""
        existing = self.for_note(note.id)
        drafts = [r for r in existing if not r.sent]
        if drafts:
            return drafts[0]
        if existing and not again:
            return None
        return self.draft_from_note(
            hcp_id=note.hcp_id,
            reporter=reporter,
            text=note.insights,
            aware_at=note.started_at,
            products=note.products,
            call_note_id=note.id,
        )

    def get(self, report_id: str) -> AdverseEventReport:
        with self._store.read() as conn:
            report = self._current(conn, report_id)
        if report is None:
            raise NotFoundError(f"No adverse-event report with id '{report_id}'.")
        return report

    def for_note(self, call_note_id: str) -> list[AdverseEventReport]:
        query = select(adverse_event_reports).where(
            adverse_event_reports.c.call_note_id == call_note_id
        )
        with self._store.read() as conn:
            return [_from_row(r) for r in conn.execute(query)]

    def unsent(self) -> list[OpenReport]:
        """Reports not yet with Drug Safety, soonest deadline first."""
        queued = outbox.ids_of(Entity.ADVERSE_EVENT_REPORT, state=outbox.PENDING)
        query = select(adverse_event_reports).where(
            (adverse_event_reports.c.status == DRAFT) | adverse_event_reports.c.id.in_(queued)
        )
        with self._store.read() as conn:
            reports = [_from_row(r) for r in conn.execute(query)]
            # An HCP realigned away since keeps its last known name (`former_hcps`).
            subjects = subjects_in(conn, [r.hcp_id for r in reports])
        found = [
            OpenReport(
                r,
                subjects[r.hcp_id].hcp.display_name if r.hcp_id in subjects else r.hcp_id,
                r.sent,
            )
            for r in reports
        ]
        return sorted(found, key=lambda o: o.report.deadline_at)
