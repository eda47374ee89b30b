"""`GET /reports/team`: a manager's team report (an admin's for any manager's team)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from fieldrep.reports.export import about, as_json, to_bytes
from sync_server.api.deps import CurrentDevice, ProtocolChecked, SessionDep
from sync_server.api.errors import responses
from sync_server.services import audit, team_report

router = APIRouter(prefix="/reports", tags=["reports"])

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/team",
    responses={
        **responses(401, 403, 422, 426),
        200: {"content": {"text/csv": {}, MEDIA["xlsx"]: {}}},
    },
    dependencies=[ProtocolChecked],
)
def team(
    session: SessionDep,
    caller: CurrentDevice,
    *,
    start: Annotated[date, Query(alias="from", description="First day (ISO date)")],
    end: Annotated[date, Query(alias="to", description="Last day, the as-of day (ISO date)")],
    manager: Annotated[str | None, Query(max_length=100, description="Admins: whose team")] = None,
    reps: Annotated[str | None, Query(max_length=2000, description="Comma-separated")] = None,
    tier: Annotated[Literal["A", "B", "C", "D"] | None, Query()] = None,
    segment: Annotated[str | None, Query(max_length=64)] = None,
    product: Annotated[str | None, Query(max_length=200)] = None,
    silent_days: Annotated[int, Query(ge=0, le=3650)] = 30,
    format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json",  # noqa: A002
) -> Any:
    """Per rep and ISO week: calls by channel, reach and frequency against goals,
    attainment and pace, top-tier coverage, plans, suggestion uptake and dismiss reasons,
    silent priority HCPs, sentiment and outcomes, days in field (docs/manager.md)."""
    flt = team_report.parse_filter(
        start=start, end=end, reps=reps, tier=tier, segment=segment, product=product,
        silent_days=silent_days,
    )  # fmt: skip
    result = team_report.report(
        session, username=caller.username, role=caller.role, manager=manager, flt=flt
    )
    audit.record(
        session, actor=caller.username, action="team_report_read",
        target=", ".join(result.reps)[:190], detail=f"{start}..{end} as {format}",
    )  # fmt: skip
    session.commit()
    if format == "json":
        return as_json(result)
    name = f"team-report-{start}-{end}.{format}"
    return Response(
        to_bytes(result, format, about(flt, manager=manager or caller.username)),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
