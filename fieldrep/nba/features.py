"""The territory as arrays: everything the rules and the scorer read, for every HCP at once.

`load_territory` fills it from the workspace with a handful of set-wise queries (HCPs,
call aggregates by channel and by theme, feedback, plans, stored segment mixes); the
simulator in `nba.evaluation` builds and updates the same structure in memory, so both
run the very same rules, scoring and learning code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, text

from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction
from fieldrep.domain.segments import ApprovedMessage, Segment
from fieldrep.domain.specialties import fits, known_specialties
from fieldrep.nba.config import NbaConfig
from fieldrep.segments.history import NEVER, ContactHistory, evidence_weight, load_history
from fieldrep.segments.mixture import estimate_weights
from fieldrep.segments.profiles import CHANNELS, THEMES, FloatArray, SegmentProfiles, theme_index

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class MessageTable:
    """Approved messages and where each may be used: allowed[specialty, channel, message]."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    theme: IntArray  # M
    specialties: tuple[str, ...]
    allowed: BoolArray  # S x C x M
    product: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # M
    products: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        messages: list[ApprovedMessage],
        specialties: list[str],
        specialty_map: Mapping[str, str] | None = None,
    ) -> MessageTable:
        """`specialties` as master data spells them, matched to each message's list
        through the admin's specialty map (or the value and its taxonomy parts)."""
        allowed = np.zeros((len(specialties), len(CHANNELS), len(messages)), dtype=bool)
        known = known_specialties(m.specialties for m in messages)
        for m, message in enumerate(messages):
            for s, specialty in enumerate(specialties):
                if not fits(specialty, message.specialties, specialty_map or {}, known):
                    continue
                for c, channel in enumerate(CHANNELS):
                    allowed[s, c, m] = channel.value in message.channels
        products = tuple(sorted({m.product for m in messages}))
        return cls(
            ids=tuple(m.id for m in messages),
            titles=tuple(m.title for m in messages),
            theme=np.array([theme_index(m.theme) for m in messages], dtype=np.int64),
            specialties=tuple(specialties),
            allowed=allowed,
            product=np.array([products.index(m.product) for m in messages], dtype=np.int64),
            products=products,
        )


@dataclass
class Territory:
    hcp_ids: list[str]
    names: list[str]
    specialty: IntArray  # N, index into messages.specialties
    decile: FloatArray  # N, 1..10
    tier: list[str]
    consent: BoolArray  # N x C as master data says (do-not-contact is a separate rule)
    do_not_contact: BoolArray  # N
    preferred: IntArray  # N, channel index the rep marked as preferred, -1 if none
    history: ContactHistory
    segment_weights: FloatArray  # N x K in `profiles` order
    profiles: SegmentProfiles
    segment_names: list[str]
    messages: MessageTable
    data_as_of: date
    fb_channel_fail: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    fb_channel_ok: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    fb_theme_fail: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    hold_until: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    hold_reason: list[str] = field(default_factory=list)
    planned_on: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # False where master data holds no consent for any channel (defaults were applied)
    consent_known: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # Per (HCP, message): date.toordinal() of its last delivery on any channel (wear-out)
    message_last: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # Per (HCP, product): known outcomes and positives (discounted), "not relevant" lessons
    product_n: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    product_pos: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    fb_product_fail: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # Per (HCP, message): known outcomes and positives (discounted), "wrong message" lessons
    message_n: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    message_pos: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    fb_message_fail: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    # Per call in history.call_rows: the index of its first usable message (-1: none)
    call_message: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Per (HCP, channel, weekday Mon-Fri): "wrong timing" lessons on the day dismissed
    fb_timing_fail: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 5)))

    def __post_init__(self) -> None:
        n = len(self.hcp_ids)
        m, p = len(self.messages.ids), len(self.messages.products)
        if self.message_last.shape != (n, m):
            self.message_last = np.full((n, m), NEVER)
        if self.message_n.shape != (n, m):
            self.message_n = np.zeros((n, m))
            self.message_pos = np.zeros((n, m))
        if self.fb_message_fail.shape != (n, m):
            self.fb_message_fail = np.zeros((n, m))
        if self.fb_timing_fail.shape != (n, len(CHANNELS), 5):
            self.fb_timing_fail = np.zeros((n, len(CHANNELS), 5))
        if self.product_n.shape != (n, p):
            self.product_n = np.zeros((n, p))
            self.product_pos = np.zeros((n, p))
            self.fb_product_fail = np.zeros((n, p))
        if self.consent_known.shape != (n,):
            self.consent_known = np.ones(n, dtype=bool)
        if self.fb_channel_fail.shape != (n, len(CHANNELS)):
            self.fb_channel_fail = np.zeros((n, len(CHANNELS)))
            self.fb_channel_ok = np.zeros((n, len(CHANNELS)))
            self.fb_theme_fail = np.zeros((n, len(THEMES)))
            self.hold_until = np.zeros(n, dtype=np.int64)
            self.hold_reason = [""] * n
            self.planned_on = np.zeros(n, dtype=np.int64)

    @property
    def n(self) -> int:
        return len(self.hcp_ids)

    def take(self, rows: list[int], history: ContactHistory | None = None) -> Territory:
        """A territory of just these HCPs (for looking ahead at one HCP cheaply)."""
        idx = np.array(rows, dtype=np.int64)
        return Territory(
            hcp_ids=[self.hcp_ids[i] for i in rows],
            names=[self.names[i] for i in rows],
            specialty=self.specialty[idx],
            decile=self.decile[idx],
            tier=[self.tier[i] for i in rows],
            consent=self.consent[idx],
            do_not_contact=self.do_not_contact[idx],
            preferred=self.preferred[idx],
            history=history or self.history.take(idx),
            segment_weights=self.segment_weights[idx],
            profiles=self.profiles,
            segment_names=self.segment_names,
            messages=self.messages,
            data_as_of=self.data_as_of,
            fb_channel_fail=self.fb_channel_fail[idx],
            fb_channel_ok=self.fb_channel_ok[idx],
            fb_theme_fail=self.fb_theme_fail[idx],
            hold_until=self.hold_until[idx],
            hold_reason=[self.hold_reason[i] for i in rows],
            planned_on=self.planned_on[idx],
            consent_known=self.consent_known[idx],
            message_last=self.message_last[idx],
            product_n=self.product_n[idx],
            product_pos=self.product_pos[idx],
            fb_product_fail=self.fb_product_fail[idx],
            message_n=self.message_n[idx],
            message_pos=self.message_pos[idx],
            fb_message_fail=self.fb_message_fail[idx],
            fb_timing_fail=self.fb_timing_fail[idx],
        )

    def row(self, hcp_id: str) -> int:
        try:
            return self.hcp_ids.index(hcp_id)
        except ValueError:
            raise KeyError(hcp_id) from None


def apply_feedback(
    t: Territory,
    i: int,
    *,
    channel: Channel | None,
    message_id: str | None,
    action: FeedbackAction,
    reason: DismissReason | None,
    on: date,
    snooze_until: date | None,
    config: NbaConfig,
    weight: float = 1.0,
) -> None:
    """Teach the territory one piece of rep feedback; each dismiss reason its own lesson.

    wrong_channel lowers that channel for this HCP only; wrong_message lowers the
    message's theme and not_relevant its product for this HCP (lessons count `weight`:
    old feedback is discounted like old outcomes); wrong_timing and hcp_unavailable hold the HCP
    for a while; already_planned and other teach nothing; every dismissal takes the HCP
    off the rest of that day's list; a snooze holds until its date.
    """
    c = CHANNELS.index(channel) if channel is not None else None
    theme = product = message = None
    if message_id is not None and message_id in t.messages.ids:
        message = t.messages.ids.index(message_id)
        theme = int(t.messages.theme[message])
        product = int(t.messages.product[message])

    def hold(until: date, why: str) -> None:
        if until.toordinal() > t.hold_until[i]:
            t.hold_until[i] = until.toordinal()
            t.hold_reason[i] = why

    if action is FeedbackAction.ACCEPTED:
        if c is not None:
            t.fb_channel_ok[i, c] += config.accept_successes
        hold(on + timedelta(days=config.accepted_hold_days), "accepted")
    elif action is FeedbackAction.SNOOZED and snooze_until is not None:
        hold(snooze_until, "snoozed")
    elif action is FeedbackAction.DISMISSED:
        if reason is DismissReason.WRONG_CHANNEL and c is not None:
            t.fb_channel_fail[i, c] += weight * config.wrong_channel_failures
        elif reason is DismissReason.WRONG_MESSAGE and theme is not None:
            t.fb_theme_fail[i, theme] += weight * config.wrong_message_failures
            if message is not None:  # the message itself, not only its theme
                t.fb_message_fail[i, message] += weight * config.wrong_message_failures
        elif reason is DismissReason.NOT_RELEVANT and product is not None:
            t.fb_product_fail[i, product] += weight * config.not_relevant_failures
        elif reason is not None and reason.value in config.hold_days:
            hold(on + timedelta(days=config.hold_days[reason.value]), reason.value)
            if reason is DismissReason.WRONG_TIMING and c is not None and on.weekday() < 5:
                # the day was wrong for this HCP and channel (a clinic day, say)
                t.fb_timing_fail[i, c, on.weekday()] += weight * config.wrong_timing_failures
        # Whatever the lesson, a dismissed HCP leaves the day's list (a reason that
        # teaches nothing, or a lowered message, must not leave the row where it was).
        hold(on + timedelta(days=1), "dismissed")


_HCPS = text(
    "SELECT id, name, title, specialty, tier, decile, do_not_contact, preferred_channel, "
    + ", ".join(f"json_extract(consents, '$.{c.value}')" for c in CHANNELS)
    + " FROM hcps ORDER BY id"
)
_FEEDBACK = text(
    "SELECT hcp_id, action, channel, message_id, reason, snooze_until, "
    "substr(created_at, 1, 10) FROM suggestion_feedback ORDER BY created_at"
)
_PLANS = text(
    "SELECT hcp_id, min(planned_date) FROM visit_plans "
    "WHERE status = 'planned' AND planned_date >= :today AND planned_date <= :until "
    "GROUP BY hcp_id"
)
_MIXES = text("SELECT hcp_id, weights FROM hcp_segment_mix")
_MESSAGE_ROWIDS = text("SELECT rowid, id FROM approved_messages")


def _message_features(t: Territory, conn: Connection) -> None:
    """Per (HCP, message) last delivery and per (HCP, product) outcomes, from the
    history's (call, message) rows (messages no longer usable are left out)."""
    rows = t.history.message_rows
    if rows.size == 0 or not t.messages.ids:
        return
    lookup = {mid: k for k, mid in enumerate(t.messages.ids)}
    rowid_to = {int(r): lookup.get(mid, -1) for r, mid in conn.execute(_MESSAGE_ROWIDS)}
    size = max(rowid_to, default=0) + 1
    to_message = np.full(max(size, int(rows[:, 1].max()) + 1) + 1, -1, dtype=np.int64)
    for rowid, k in rowid_to.items():
        to_message[rowid] = k
    calls = t.history.call_rows
    if calls.shape[1] > 6:  # -1 (no message) indexes the last entry, which stays -1
        t.call_message = to_message[calls[:, 6].astype(np.int64)]
    m = to_message[rows[:, 1].astype(np.int64)]
    known = m >= 0
    hcp = rows[known, 0].astype(np.int64)
    np.maximum.at(t.message_last, (hcp, m[known]), rows[known, 2])
    product = t.messages.product[m[known]]
    np.add.at(t.product_n, (hcp, product), rows[known, 3])
    np.add.at(t.product_pos, (hcp, product), rows[known, 4])
    np.add.at(t.message_n, (hcp, m[known]), rows[known, 3])
    np.add.at(t.message_pos, (hcp, m[known]), rows[known, 4])


def load_territory(
    conn: Connection,
    today: date,
    config: NbaConfig,
    *,
    segments: list[Segment],
    messages: list[ApprovedMessage],
    profiles: SegmentProfiles,
    specialty_map: Mapping[str, str] | None = None,
    utc_offset: timedelta | None = None,
) -> Territory:
    """Everything the engine needs, as arrays, in about six queries (`utc_offset`: the
    workspace clock's, so each call counts on its local day; `history.load_history`)."""
    rows = conn.execute(_HCPS).all()
    hcp_ids = [r[0] for r in rows]
    index = {h: i for i, h in enumerate(hcp_ids)}
    specialties = sorted({r[3] for r in rows})
    spec_index = {s: i for i, s in enumerate(specialties)}
    channel_index = {c.value: j for j, c in enumerate(CHANNELS)}
    consent = np.array(
        [
            [
                bool(v) if v is not None else c is Channel.VISIT
                for v, c in zip(r[8:], CHANNELS, strict=True)
            ]
            for r in rows
        ],
        dtype=bool,
    ).reshape(len(rows), len(CHANNELS))
    history = load_history(
        conn, hcp_ids, today, half_life_days=config.evidence_half_life_days, utc_offset=utc_offset
    )

    weights = np.full((len(rows), profiles.k), np.nan)
    for hcp_id, raw in conn.execute(_MIXES):
        i = index.get(hcp_id)
        if i is not None:
            stored = json.loads(raw)
            weights[i] = [stored.get(s, 0.0) for s in profiles.segment_ids]
    # No stored mix, or one over segments the catalogue no longer has: estimate it.
    missing = np.isnan(weights).any(axis=1) | (np.nan_to_num(weights).sum(axis=1) <= 0)
    if missing.any():
        est = estimate_weights(
            history.contacts[missing],
            history.theme_contacts[missing],
            profiles.channels,
            profiles.themes,
            channel_open=consent[missing],
            iterations=20,  # a stand-in until the next refit stores the full estimate
        )
        weights[missing] = est.weights
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)

    names = {s.id: s.name for s in segments}
    t = Territory(
        hcp_ids=hcp_ids,
        names=[f"{r[2]} {r[1]}".strip() for r in rows],
        specialty=np.array([spec_index[r[3]] for r in rows], dtype=np.int64),
        decile=np.array([r[5] for r in rows], dtype=np.float64),
        tier=[r[4] for r in rows],
        consent=consent,
        consent_known=np.array([any(v is not None for v in r[8:]) for r in rows], dtype=bool),
        do_not_contact=np.array([bool(r[6]) for r in rows], dtype=bool),
        preferred=np.array([channel_index.get(r[7] or "", -1) for r in rows], dtype=np.int64),
        history=history,
        segment_weights=weights,
        profiles=profiles,
        segment_names=[names.get(s, s) for s in profiles.segment_ids],
        messages=MessageTable.build(messages, specialties, specialty_map),
        data_as_of=history.data_as_of or today,
    )
    _message_features(t, conn)
    for hcp_id, action, channel, message_id, reason, snooze, created in conn.execute(_FEEDBACK):
        i = index.get(hcp_id)
        if i is None:
            continue
        apply_feedback(
            t,
            i,
            channel=Channel(channel) if channel else None,
            message_id=message_id,
            action=FeedbackAction(action),
            reason=DismissReason(reason) if reason else None,
            on=date.fromisoformat(created),
            snooze_until=date.fromisoformat(snooze) if snooze else None,
            config=config,
            weight=float(
                evidence_weight(
                    np.array(today.toordinal() - date.fromisoformat(created).toordinal()),
                    config.evidence_half_life_days,
                )
            ),
        )
    until = today + timedelta(days=config.planned_horizon_days)
    for hcp_id, first in conn.execute(
        _PLANS, {"today": today.isoformat(), "until": until.isoformat()}
    ):
        i = index.get(hcp_id)
        if i is not None:
            t.planned_on[i] = date.fromisoformat(first).toordinal()
    return t
