"""What a valid record looks like on the wire, per entity: defined once, for both sides.

The server validates every pushed record and every imported row with these models, so
a bad value is rejected with a readable reason instead of being stored; the client
writes its outbox rows through them (`Model(...).wire()` for a create,
`Model.partial(...)` for the fields an update changed), so what it queues is what the
server accepts. The field-name tuples (`CALL_NOTE_FIELDS`, ...) are the models' fields.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from fieldrep.sync.protocol.enums import (
    CallStatus,
    Channel,
    DismissReason,
    Entity,
    FeedbackAction,
    Outcome,
    PlanStatus,
    Sentiment,
)

CHANNELS = tuple(c.value for c in Channel)
TIERS = ("A", "B", "C", "D")  # fieldrep.domain.hcp.TIERS (tied by tests/test_wire_enums.py)
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


def _enum(default: Any = ...) -> Any:
    """An enum field that takes the value's text (JSON has no enums) in a strict record."""
    return Field(default, strict=False)


class WireRecord(BaseModel):
    """A record's `fields` on the wire (a create, or the `data` of a pulled change)."""

    model_config = ConfigDict(extra="forbid", strict=False)

    @classmethod
    def of(cls, **values: Any) -> Self:
        """The record from these values, checked (the client passes its domain enums,
        which the wire's enums take by value)."""
        return cls.model_validate(values)

    def wire(self) -> dict[str, Any]:
        """The record as it travels and as the client stores it (JSON types)."""
        return self.model_dump(mode="json")

    @classmethod
    def partial(cls, **values: Any) -> dict[str, Any]:
        """The fields an update changed, each checked against its type here and returned
        in wire form; raises pydantic's ValidationError as a whole record would."""
        changed: dict[str, Any] = {}
        for name, value in values.items():
            adapter = _field(cls, name)
            changed[name] = adapter.dump_python(adapter.validate_python(value), mode="json")
        return changed

    @classmethod
    def fields_named(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)


@cache
def _field(model: type[WireRecord], name: str) -> TypeAdapter[Any]:
    if name not in model.model_fields:
        raise ValueError(f"{model.__name__} has no field '{name}'")
    info = model.model_fields[name]
    # The record's strictness; a field's own `strict=False` (enums) travels in `info`.
    strict = bool(model.model_config.get("strict"))
    field_type: Any = Annotated[info.annotation, info]  # built at run time: a type to mypy
    return TypeAdapter(field_type, config=ConfigDict(strict=strict))


class _Pushed(WireRecord):
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
    channel: Channel = _enum()
    started_at: IsoDateTime
    duration_minutes: int = Field(ge=0, le=24 * 60)
    status: CallStatus = _enum(CallStatus.DRAFT)
    products: list[ShortText] = Field(default_factory=list, max_length=50)
    key_messages: list[ShortText] = Field(default_factory=list, max_length=50)
    attendees: list[ShortText] = Field(default_factory=list, max_length=50)
    outcome: Outcome | None = _enum(None)
    sentiment: Sentiment | None = _enum(None)
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
    channel: Channel = _enum(Channel.VISIT)
    route_order: int | None = Field(default=None, ge=0, le=1000)
    notes: LongText = ""
    status: PlanStatus = _enum(PlanStatus.PLANNED)
    suggestion_id: ShortText | None = None


class SuggestionFeedbackData(_Pushed):
    suggestion_id: ShortText
    hcp_id: RecordId
    action: FeedbackAction = _enum()
    created_at: IsoDateTime
    channel: Channel | None = _enum(None)
    message_id: ShortText | None = None
    reason: DismissReason | None = _enum(None)
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
    # Issue 12: a comment on a call, a week (`day`: its Monday) or in general, or a
    # field-coaching visit (`day`, `skills`: skill -> 1..5); the rep's acknowledgement.
    kind: Literal["comment", "field_visit"] = "comment"
    day: IsoDate | None = None
    skills: dict[ShortText, Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=dict, max_length=12
    )
    acknowledged_at: IsoDateTime | None = None


class AdverseEventReportData(_Pushed):
    hcp_id: RecordId
    call_note_id: RecordId | None = None
    reporter: ShortText
    patient_initials: Annotated[str, Field(max_length=20)] = ""
    patient_age: Annotated[str, Field(max_length=20)] = ""
    patient_sex: Literal["female", "male", "unknown"] = "unknown"
    product: Annotated[str, Field(max_length=500)]
    event: Annotated[str, Field(max_length=5000)]
    onset: ShortText = ""
    aware_at: IsoDateTime
    deadline_at: IsoDateTime | None = None
    submitted_at: IsoDateTime | None = None


class HcpContactData(WireRecord):
    """A call with an HCP by a rep who does not hold it now, as the HCP's territory
    receives it (pulled only, protocol 4): what the contact rules need, never the text."""

    hcp_id: RecordId
    author: ShortText
    channel: Channel
    started_at: IsoDateTime
    duration_minutes: int = Field(default=0, ge=0, le=24 * 60)
    outcome: Outcome | None = None
    products: list[ShortText] = Field(default_factory=list, max_length=50)
    key_messages: list[ShortText] = Field(default_factory=list, max_length=50)


class HcpData(WireRecord):
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


# The record each entity carries (create `fields`, pull `data`); catalogues are documents.
ENTITY_RECORDS: dict[Entity, type[WireRecord]] = {
    Entity.HCP: HcpData,
    Entity.CALL_NOTE: CallNoteData,
    Entity.VISIT_PLAN: VisitPlanData,
    Entity.SUGGESTION_FEEDBACK: SuggestionFeedbackData,
    Entity.SEGMENT_MIX: SegmentMixData,
    Entity.COACHING_COMMENT: CoachingCommentData,
    Entity.ADVERSE_EVENT_REPORT: AdverseEventReportData,
    Entity.HCP_CONTACT: HcpContactData,
}

# Field names each entity carries on the wire: the models' fields.
HCP_FIELDS = HcpData.fields_named()
# Fields of an HCP a rep may change; everything else is server-owned master data.
HCP_REP_OWNED_FIELDS = ("preferred_channel",)
CALL_NOTE_FIELDS = CallNoteData.fields_named()
VISIT_PLAN_FIELDS = VisitPlanData.fields_named()
SUGGESTION_FEEDBACK_FIELDS = SuggestionFeedbackData.fields_named()
SEGMENT_MIX_FIELDS = SegmentMixData.fields_named()
COACHING_COMMENT_FIELDS = CoachingCommentData.fields_named()
ADVERSE_EVENT_REPORT_FIELDS = AdverseEventReportData.fields_named()
# What a contact carries of its call note: when, how, about what and how it went; never
# the rep's text (insights, attendees, follow-ups stay the author's and their manager's).
HCP_CONTACT_FIELDS = HcpContactData.fields_named()
ENTITY_FIELDS: dict[Entity, tuple[str, ...]] = {
    entity: model.fields_named() for entity, model in ENTITY_RECORDS.items()
}


def describe(error: ValidationError) -> str:
    """One line a person can read: which field, what is wrong with it."""
    parts = []
    for item in error.errors()[:3]:
        where = ".".join(str(p) for p in item["loc"]) or "record"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
