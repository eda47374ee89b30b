"""Adverse-event reports from reps' calls: accepted once, queued for Drug Safety.

A report is created once (a correction is a new report: what reached safety stays as it
was), by a rep, about an HCP of theirs, and only with the four elements of a valid
report (`fieldrep.compliance.adverse_events`). The deadline is the server's: awareness
plus the reporting hours of the compliance rules loaded now (24 without rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldrep.compliance.adverse_events import deadline, remaining_text, report_problems
from fieldrep.sync.protocol import (
    AdverseEventReportData,
    CatalogueKind,
    ComplianceRules,
    Mutation,
    Op,
)
from sync_server.clock import as_utc
from sync_server.errors import Rejected
from sync_server.models import AdverseEventReport, CatalogueDocument
from sync_server.services.callers import REP, Caller, utcnow
from sync_server.services.hcps import accessible_hcp
from sync_server.services.outcome import Outcome
from sync_server.services.wire import validated


def report_hours(session: Session) -> int:
    doc = session.get(CatalogueDocument, CatalogueKind.COMPLIANCE_RULES.value)
    rules = ComplianceRules.model_validate(doc.content) if doc else ComplianceRules()
    return rules.adverse_event_report_hours


def apply(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    if caller.role != REP:
        raise Rejected("Only reps send adverse-event reports from their calls.")
    if mutation.op != Op.CREATE:
        raise Rejected(
            "A sent adverse-event report cannot be changed or withdrawn; send a follow-up "
            "report with the new information."
        )
    data = validated(AdverseEventReportData, mutation.fields, "adverse-event report")
    existing = session.get(AdverseEventReport, mutation.entity_id)
    if existing is not None:
        if existing.author == caller.username and existing.data == data:
            return Outcome(1)  # the same report again (a lost answer, a second device)
        raise Rejected(f"An adverse-event report with id '{mutation.entity_id}' already exists.")
    problems = report_problems(
        reporter=data["reporter"], patient_initials=data["patient_initials"],
        patient_age=data["patient_age"], patient_sex=data["patient_sex"],
        product=data["product"], event=data["event"],
    )  # fmt: skip
    if problems:
        raise Rejected("Not a valid report yet: " + " ".join(p.message for p in problems))
    accessible_hcp(session, caller, data["hcp_id"])
    aware = as_utc(datetime.fromisoformat(data["aware_at"]))
    session.add(
        AdverseEventReport(
            id=mutation.entity_id, author=caller.username, hcp_id=data["hcp_id"], data=data,
            aware_at=aware, deadline_at=deadline(aware, report_hours(session)),
            received_at=utcnow(),
        )
    )  # fmt: skip
    session.flush()
    return Outcome(1)


@dataclass(frozen=True)
class QueuedReport:
    id: str
    author: str
    hcp_id: str
    product: str
    event: str
    onset: str
    patient: str
    aware_at: datetime
    deadline_at: datetime
    received_at: datetime

    @property
    def on_time(self) -> bool:
        return self.received_at <= self.deadline_at

    def timing(self, now: datetime) -> str:
        """When it arrived against its deadline, and how long Drug Safety has left."""
        arrived = "on time" if self.on_time else "LATE"
        return f"received {arrived}; {remaining_text(self.deadline_at, now)}"


def queue(session: Session, *, since: datetime | None = None) -> list[QueuedReport]:
    """Reports received (since a moment, if given), the soonest deadline first."""
    query = select(AdverseEventReport).order_by(AdverseEventReport.deadline_at)
    if since is not None:
        query = query.where(AdverseEventReport.received_at >= since)
    found = []
    for r in session.scalars(query):
        patient = " ".join(
            x for x in (r.data.get("patient_initials"), r.data.get("patient_age"),
                        r.data.get("patient_sex")) if x and x != "unknown"
        )  # fmt: skip
        found.append(
            QueuedReport(
                r.id,
                r.author,
                r.hcp_id,
                str(r.data.get("product", "")),
                str(r.data.get("event", "")),
                str(r.data.get("onset", "")),
                patient,
                as_utc(r.aware_at),
                as_utc(r.deadline_at),
                as_utc(r.received_at),
            )  # fmt: skip
        )
    return found
