"""What a valid record looks like on the wire, per entity (server-side validation).

The protocol module says which fields exist; these models say what values they may
hold, so a bad value is rejected with a readable reason instead of being stored.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from sync_server.errors import Rejected

Channel = Literal["visit", "remote", "phone", "email", "event"]
CHANNELS = ("visit", "remote", "phone", "email", "event")
ShortText = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=20_000)]
RecordId = Annotated[str, Field(min_length=1, max_length=64)]


def _iso_datetime(value: str) -> str:
    datetime.fromisoformat(value)
    return value


def _iso_date(value: str) -> str:
    date.fromisoformat(value)
    return value


def _clock_time(value: str) -> str:
    time.fromisoformat(value)
    return value


def _names(value: Any) -> Any:
    """An import file holds alternate names in one cell: "TRAN, LINH; LE, LINH"."""
    if isinstance(value, str):
        return [name.strip() for name in value.split(";") if name.strip()]
    return value


IsoDateTime = Annotated[str, AfterValidator(_iso_datetime)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
ClockTime = Annotated[str, AfterValidator(_clock_time)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class _Pushed(_Record):
    """What devices push: JSON types as the protocol writes them, never coerced
    (`true`, "10" or 10.0 is not a duration in minutes)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# Every number a device stores must fit SQLite's 64-bit integer (a larger one made every
# device in the territory fail to apply the page); real values are far below this.
MAX_COUNT = 10**9


class FollowUpData(_Pushed):
    description: LongText
    due: IsoDate
    done: bool = False


class CallNoteData(_Pushed):
    hcp_id: RecordId
    author: ShortText
    channel: Channel
    started_at: IsoDateTime
    duration_minutes: int = Field(ge=0, le=24 * 60)
    status: Literal["draft", "submitted"] = "draft"
    products: list[ShortText] = Field(default_factory=list, max_length=50)
    key_messages: list[ShortText] = Field(default_factory=list, max_length=50)
    attendees: list[ShortText] = Field(default_factory=list, max_length=50)
    outcome: Literal["positive", "neutral", "negative", "not_reached"] | None = None
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    insights: LongText = ""
    follow_ups: list[FollowUpData] = Field(default_factory=list, max_length=50)
    suggestion_id: ShortText | None = None
    submitted_at: IsoDateTime | None = None
    conflict_of: RecordId | None = None


class VisitPlanData(_Pushed):
    hcp_id: RecordId
    planned_date: IsoDate
    planned_time: ClockTime | None = None
    duration_minutes: int = Field(default=30, ge=1, le=24 * 60)
    channel: Channel = "visit"
    route_order: int | None = Field(default=None, ge=0, le=1000)
    notes: LongText = ""
    status: Literal["planned", "done", "cancelled"] = "planned"
    suggestion_id: ShortText | None = None


class SuggestionFeedbackData(_Pushed):
    suggestion_id: ShortText
    hcp_id: RecordId
    action: Literal["accepted", "dismissed", "snoozed"]
    created_at: IsoDateTime
    channel: Channel | None = None
    message_id: ShortText | None = None
    reason: (
        Literal[
            "wrong_channel", "wrong_message", "wrong_timing", "already_planned",
            "hcp_unavailable", "not_relevant", "other",
        ]
        | None
    ) = None  # fmt: skip
    snooze_until: IsoDate | None = None
    comment: LongText = ""


class SegmentMixData(_Pushed):
    hcp_id: RecordId
    weights: dict[ShortText, Annotated[float, Field(ge=0, le=1e6)]] = Field(max_length=50)
    confidence: float = Field(default=1.0, ge=0, le=1)
    source: ShortText = "rep"
    evidence: list[LongText] = Field(default_factory=list, max_length=50)


class CoachingCommentData(_Pushed):
    rep_username: ShortText
    call_note_id: RecordId | None = None
    author: ShortText
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    created_at: IsoDateTime


class HcpData(_Record):
    external_id: Annotated[str, Field(min_length=1, max_length=100)]
    npi: ShortText | None = None
    name: Annotated[str, Field(min_length=1, max_length=200)]
    title: ShortText = ""
    specialty: ShortText = ""
    organisation: ShortText = ""
    address: ShortText = ""
    city: ShortText = ""
    postcode: ShortText = ""
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    tier: Literal["A", "B", "C", "D"] = "C"
    decile: int = Field(default=5, ge=1, le=10)
    patient_volume: int = Field(default=0, ge=0, le=MAX_COUNT)
    consents: dict[Channel, bool] = Field(default_factory=dict)
    preferred_channel: Channel | None = None
    do_not_contact: bool = False
    territory_id: Annotated[str, Field(min_length=1, max_length=100)]
    # Other names the HCP is known by, searchable on the device (optional: a record
    # without it is an HCP without alternate names; older clients ignore it).
    alternate_names: Annotated[list[ShortText], BeforeValidator(_names)] = Field(
        default_factory=list, max_length=20
    )


def describe(error: ValidationError) -> str:
    """One line a person can read: which field, what is wrong with it."""
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def validated(model: type[_Record], data: dict[str, Any], what: str) -> dict[str, Any]:
    """The record in canonical wire form, or Rejected with the reason."""
    try:
        return model.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        raise Rejected(f"Invalid {what}: {describe(error)}.") from None
