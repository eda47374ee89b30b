"""The sync wire protocol, defined once and imported by both client and server.

Endpoints (all JSON, all under ``/api/v1``; every call but login carries
``Authorization: Bearer <token>``):

- ``POST /auth/login``        LoginRequest  -> LoginResponse
- ``POST /sync/handshake``    Handshake     -> HandshakeResult (426 + ErrorBody if too old)
- ``POST /sync/push``         PushRequest   -> PushResponse
- ``GET  /sync/pull?since=CURSOR&limit=N``  -> PullResponse

Errors carry an ``ErrorBody``. A revoked device gets 401 with code ``device_revoked``;
the client then wipes its local data. An unsupported protocol or schema version gets
426 with code ``update_required`` before any data moves.

The package depends on pydantic only, so the server can import it without the client:
`enums` holds the vocabularies (tied to the domain's by a test), `records` what each
entity's record holds; this module the messages and the company's catalogues. Every
name is importable from `fieldrep.sync.protocol`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldrep.sync.protocol.enums import (
    RECORD_ENUMS,
    CallStatus,
    Channel,
    DismissReason,
    Entity,
    ErrorCode,
    FeedbackAction,
    MutationStatus,
    Op,
    Outcome,
    PlanStatus,
    Sentiment,
)
from fieldrep.sync.protocol.records import (
    ADVERSE_EVENT_REPORT_FIELDS,
    CALL_NOTE_FIELDS,
    CHANNELS,
    COACHING_COMMENT_FIELDS,
    ENTITY_FIELDS,
    ENTITY_RECORDS,
    HCP_CONTACT_FIELDS,
    HCP_FIELDS,
    HCP_REP_OWNED_FIELDS,
    MAX_COUNT,
    SEGMENT_MIX_FIELDS,
    SUGGESTION_FEEDBACK_FIELDS,
    TIERS,
    VISIT_PLAN_FIELDS,
    AdverseEventReportData,
    CallNoteData,
    ClockTime,
    CoachingCommentData,
    FollowUpData,
    HcpContactData,
    HcpData,
    IsoDate,
    IsoDateTime,
    LongText,
    RecordId,
    SegmentMixData,
    ShortText,
    SuggestionFeedbackData,
    VisitPlanData,
    WireRecord,
    describe,
)

# 2: the company's catalogues and contact rules travel in the feed (Entity.CATALOGUE);
# a protocol-1 client has no way to read them, so it is asked to update.
# 3: compliance rules (CatalogueKind.COMPLIANCE_RULES), which a protocol-2 device could
# not read: the server leaves them out of its pulls (`catalogue_kind_known`), so such a
# device keeps syncing unchanged.
# 4: contacts with an HCP by its former rep (Entity.HCP_CONTACT), left out of a
# protocol-2 or -3 device's pulls (`entity_known`): its Entity would not parse them.
PROTOCOL_VERSION = 4
MIN_PROTOCOL_VERSION = 2
# Client database schema versions the server accepts pushes from.
MIN_CLIENT_SCHEMA = 1
MAX_CLIENT_SCHEMA = 100
MAX_PUSH_BATCH = 500
MAX_PULL_LIMIT = 5000
DEFAULT_PULL_LIMIT = 1000
# Push and pull carry the client's protocol version in this header; one below
# MIN_PROTOCOL_VERSION is answered 426 ``update_required`` before any data moves.
PROTOCOL_HEADER = "X-Fieldrep-Protocol"
# The organisation's rules for laptops, on every handshake answer (a header, so clients
# that predate it ignore it): "max-offline-days=30, idle-lock-minutes=15" (0: no rule).
DEVICE_POLICY_HEADER = "X-Fieldrep-Device-Policy"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(_Model):
    code: ErrorCode
    message: str


class LoginRequest(_Model):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    device_id: str = Field(min_length=1, max_length=100)
    device_name: str = Field(default="", max_length=200)


class LoginResponse(_Model):
    token: str
    username: str
    role: str
    territories: list[str]
    device_id: str


class Handshake(_Model):
    protocol_version: int
    schema_version: int
    client_version: str = ""
    device_id: str = Field(min_length=1, max_length=100)


@dataclass(frozen=True)
class DevicePolicy:
    """After `max_offline_days` without a sync the app locks until it syncs; the idle
    lock comes after at most `idle_lock_minutes`. 0 means no rule."""

    max_offline_days: int = 0
    idle_lock_minutes: float = 0.0

    def header(self) -> str:
        minutes = f"{self.idle_lock_minutes:g}"
        return f"max-offline-days={self.max_offline_days}, idle-lock-minutes={minutes}"

    @classmethod
    def parse(cls, header: str | None) -> DevicePolicy | None:
        """The policy in a header value; None when absent or unreadable (never raises)."""
        if not header:
            return None
        values: dict[str, str] = {}
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            values[name.strip()] = value.strip()
        try:
            days = max(0, min(3650, int(values.get("max-offline-days", "0"))))
            minutes = max(0.0, min(1440.0, float(values.get("idle-lock-minutes", "0"))))
        except ValueError:
            return None
        return cls(days, minutes)


class HandshakeResult(_Model):
    protocol_version: int
    username: str
    role: str
    territories: list[str]
    last_applied_seq: int  # the highest mutation_seq applied for this device


class Mutation(_Model):
    """One local change. ``fields`` holds the changed fields only (all of them on create)."""

    mutation_seq: int = Field(ge=1)
    mutation_id: str = Field(min_length=1, max_length=64)
    entity: Entity
    entity_id: str = Field(min_length=1, max_length=64)
    op: Op
    fields: dict[str, Any] = Field(default_factory=dict)
    base_version: int | None = None
    client_time: datetime | None = None


class PushRequest(_Model):
    device_id: str = Field(min_length=1, max_length=100)
    mutations: list[Mutation] = Field(max_length=MAX_PUSH_BATCH)


class MutationResult(_Model):
    mutation_seq: int
    status: MutationStatus
    reason: str | None = None
    version: int | None = None
    conflict_copy_id: str | None = None
    # For a ``duplicate``: what became of the mutation the first time (applied/rejected).
    original_status: MutationStatus | None = None


class PushResponse(_Model):
    results: list[MutationResult]
    last_applied_seq: int


class Change(_Model):
    """One entry of the server change log, as the caller may see it."""

    seq: int
    entity: Entity
    entity_id: str
    op: Op  # create/update carry ``data``; delete is a tombstone with ``data`` None
    version: int
    data: dict[str, Any] | None = None


class PullResponse(_Model):
    changes: list[Change]
    cursor: int  # pass as ``since`` next time
    has_more: bool
    reset_required: bool = False  # cursor older than tombstone retention: resync from 0
    # The newest change-log seq the caller may see, when the server knows it cheaply:
    # lets the client show a real progress fraction. Optional (protocol change 1).
    head_seq: int | None = None


# -- the company's catalogues and rules (server data; Entity.CATALOGUE) ----------------
# One change-log record per kind, replaced whole when the admin loads a file: a kind is
# small (tens to hundreds of items), only makes sense complete (a message names a
# product; rules name channels), and a device needs all of it, so a document per kind
# keeps every page consistent. Withdrawn messages stay in the document, marked, so a
# call that used one still shows its title.

ChannelName = Literal["visit", "remote", "phone", "email", "event"]
_Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
_Text = Annotated[str, Field(max_length=2000)]
_Name = Annotated[str, Field(min_length=1, max_length=200)]


class CatalogueKind(StrEnum):
    """In load order: products first (messages name them)."""

    PRODUCTS = "products"
    MESSAGES = "messages"
    SEGMENTS = "segments"
    CONTACT_RULES = "contact_rules"
    SPECIALTY_MAP = "specialty_map"
    COMPLIANCE_RULES = "compliance_rules"

    @property
    def file_name(self) -> str:
        """The file's conventional name (`resources/` holds the demo company's)."""
        return f"{self.value}.json"


class ProductItem(_Model):
    id: _Id
    name: _Name
    indications: list[_Text] = Field(default_factory=list, max_length=100)
    # Approved strengths / doses as the label writes them ("5 mg", "10 mg"); a dose a
    # call note pairs with the product that is not among them is an off-label finding.
    # Empty: doses are not checked for this product.
    doses: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=50
    )


class MessageItem(_Model):
    """An approved (medical-legal-regulatory) message: for these products, specialties
    and channels, usable from `valid_from` to `valid_until` unless withdrawn."""

    id: _Id
    product: _Name
    title: _Name
    theme: Annotated[str, Field(min_length=1, max_length=64)]
    specialties: list[_Name] = Field(min_length=1, max_length=200)
    channels: list[ChannelName] = Field(min_length=1, max_length=5)
    valid_from: date | None = None
    valid_until: date | None = None
    withdrawn: bool = False


class SegmentItem(_Model):
    id: _Id
    name: _Name
    description: _Text = ""
    tone: _Text = ""
    evidence_type: _Text = ""
    preferred_channels: list[ChannelName] = Field(default_factory=list, max_length=5)
    tips: list[_Text] = Field(default_factory=list, max_length=20)


class QuietPeriodItem(_Model):
    start: date
    end: date
    label: _Name


def _content_channels() -> list[ChannelName]:
    return ["email", "event"]  # an e-mail or an invitation is its content


class ContactRules(_Model):
    """Hard rules every suggestion obeys: caps per calendar month (all channels, and per
    channel), minimum days between two contacts on a channel, channels that need an
    approved message, and periods with no promotional contact at all."""

    monthly_cap: int = Field(default=4, ge=0, le=100)
    monthly_channel_cap: dict[ChannelName, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict
    )
    min_gap_days: dict[ChannelName, Annotated[int, Field(ge=0, le=365)]] = Field(
        default_factory=dict
    )
    needs_message: list[ChannelName] = Field(default_factory=_content_channels)
    quiet_periods: list[QuietPeriodItem] = Field(default_factory=list, max_length=200)


class SpecialtyMapItem(_Model):
    """A specialty as the master data spells it -> the catalogue's specialty."""

    source: _Name
    specialty: _Name


Severity = Literal["block", "warn"]
_Phrase = Annotated[str, Field(min_length=2, max_length=200)]


class RestrictedPhraseItem(_Model):
    """A word or phrase a call note must not hold (matched without regard to case, on
    word boundaries; `*` at the end of a word matches any ending: `guarant*`)."""

    phrase: _Phrase
    category: Literal["gift", "promise", "inducement", "disparagement", "other"]
    severity: Severity = "block"
    explanation: _Text
    fix: _Text = ""


class ComplianceRules(_Model):
    """What the device checks in call-note text as the rep types, and the server again
    on push. Families: restricted phrases, patient-identifying information, off-label
    claims (against the products' indications and doses), possible adverse events and
    product complaints (with negation handled)."""

    restricted_phrases: list[RestrictedPhraseItem] = Field(default_factory=list, max_length=2000)
    # Competitors' product or company names: disparaging words near one of them are a
    # finding (`disparaging_words`).
    competitors: list[_Phrase] = Field(default_factory=list, max_length=500)
    disparaging_words: list[_Phrase] = Field(default_factory=list, max_length=500)
    # Indications, populations and uses a product might be claimed for; when one shares
    # a sentence with a product whose approved indications do not mention it, that is a
    # possible off-label claim.
    off_label_terms: list[_Phrase] = Field(default_factory=list, max_length=2000)
    adverse_event_terms: list[_Phrase] = Field(default_factory=list, max_length=2000)
    complaint_terms: list[_Phrase] = Field(default_factory=list, max_length=500)
    # Words that, shortly before an adverse-event term, negate it ("denies nausea").
    negations: list[_Phrase] = Field(default_factory=list, max_length=200)
    phi_severity: Severity = "block"
    off_label_severity: Severity = "block"
    adverse_event_severity: Severity = "warn"
    # Hours from the rep's awareness (the call) to the report reaching safety.
    adverse_event_report_hours: int = Field(default=24, ge=1, le=24 * 15)


CATALOGUE_ITEMS: dict[CatalogueKind, type[_Model]] = {
    CatalogueKind.PRODUCTS: ProductItem,
    CatalogueKind.MESSAGES: MessageItem,
    CatalogueKind.SEGMENTS: SegmentItem,
    CatalogueKind.SPECIALTY_MAP: SpecialtyMapItem,
}


# A user's cycle-plan goals travel as a catalogue change with this id, scoped to the
# user (`protocol.goals`); not a CatalogueKind, since no file of the company loads it.
GOALS_DOCUMENT = "goals"

# The protocol version that introduced a catalogue kind (kinds not listed: version 2).
CATALOGUE_KIND_SINCE: dict[CatalogueKind, int] = {CatalogueKind.COMPLIANCE_RULES: 3}


# The protocol version that introduced a pulled entity (entities not listed: version 2).
ENTITY_SINCE: dict[Entity, int] = {Entity.HCP_CONTACT: 4}


def entity_known(entity: str, protocol_version: int | None) -> bool:
    """Whether a device speaking `protocol_version` can read changes of `entity` (None:
    a device that has not said, taken as current)."""
    since = ENTITY_SINCE.get(Entity(entity), MIN_PROTOCOL_VERSION)
    return protocol_version is None or protocol_version >= since


def catalogue_kind_known(kind: str, protocol_version: int | None) -> bool:
    """Whether a device speaking `protocol_version` can read a catalogue of `kind`
    (None: a device that has not said, taken as current)."""
    if kind == GOALS_DOCUMENT:
        return True  # devices that predate goals skip a kind they do not know
    if kind not in CatalogueKind._value2member_map_:
        return False
    since = CATALOGUE_KIND_SINCE.get(CatalogueKind(kind), MIN_PROTOCOL_VERSION)
    return protocol_version is None or protocol_version >= since


def catalogue_data_for(
    kind: str, data: dict[str, Any] | None, protocol_version: int | None
) -> dict[str, Any] | None:
    """A catalogue document as a device speaking `protocol_version` can read it: products'
    `doses` (protocol 3) are left out for protocol-2 devices, whose ProductItem forbids
    unknown fields."""
    if data is None or kind != CatalogueKind.PRODUCTS.value:
        return data
    if protocol_version is None or protocol_version >= 3:
        return data
    items = [{k: v for k, v in i.items() if k != "doses"} for i in data.get("items", [])]
    return {**data, "items": items}


# Kinds whose document is one rules object (`rules`) rather than a list of items.
CATALOGUE_RULES: dict[CatalogueKind, type[_Model]] = {
    CatalogueKind.CONTACT_RULES: ContactRules,
    CatalogueKind.COMPLIANCE_RULES: ComplianceRules,
}


class CatalogueDocument(_Model):
    """The `data` of a catalogue change: `items` for list kinds, `rules` for the rules."""

    kind: CatalogueKind
    version: int = Field(ge=1)
    items: list[dict[str, Any]] = Field(default_factory=list)
    rules: dict[str, Any] | None = None


__all__ = [
    "ADVERSE_EVENT_REPORT_FIELDS",
    "AdverseEventReportData",
    "CALL_NOTE_FIELDS",
    "CATALOGUE_ITEMS",
    "CATALOGUE_KIND_SINCE",
    "ENTITY_SINCE",
    "HCP_CONTACT_FIELDS",
    "CATALOGUE_RULES",
    "CHANNELS",
    "COACHING_COMMENT_FIELDS",
    "CallNoteData",
    "CallStatus",
    "CatalogueDocument",
    "CatalogueKind",
    "Change",
    "Channel",
    "ChannelName",
    "ClockTime",
    "CoachingCommentData",
    "ComplianceRules",
    "ContactRules",
    "DEFAULT_PULL_LIMIT",
    "DEVICE_POLICY_HEADER",
    "DevicePolicy",
    "DismissReason",
    "ENTITY_FIELDS",
    "ENTITY_RECORDS",
    "Entity",
    "ErrorBody",
    "ErrorCode",
    "FeedbackAction",
    "FollowUpData",
    "GOALS_DOCUMENT",
    "HCP_FIELDS",
    "HCP_REP_OWNED_FIELDS",
    "Handshake",
    "HandshakeResult",
    "HcpContactData",
    "HcpData",
    "IsoDate",
    "IsoDateTime",
    "LoginRequest",
    "LoginResponse",
    "LongText",
    "MAX_CLIENT_SCHEMA",
    "MAX_COUNT",
    "MAX_PULL_LIMIT",
    "MAX_PUSH_BATCH",
    "MIN_CLIENT_SCHEMA",
    "MIN_PROTOCOL_VERSION",
    "MessageItem",
    "Mutation",
    "MutationResult",
    "MutationStatus",
    "Op",
    "Outcome",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "PlanStatus",
    "ProductItem",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "QuietPeriodItem",
    "RECORD_ENUMS",
    "RecordId",
    "RestrictedPhraseItem",
    "SEGMENT_MIX_FIELDS",
    "SUGGESTION_FEEDBACK_FIELDS",
    "SegmentItem",
    "SegmentMixData",
    "Sentiment",
    "Severity",
    "ShortText",
    "SpecialtyMapItem",
    "SuggestionFeedbackData",
    "TIERS",
    "VISIT_PLAN_FIELDS",
    "VisitPlanData",
    "WireRecord",
    "catalogue_data_for",
    "catalogue_kind_known",
    "entity_known",
    "describe",
]
