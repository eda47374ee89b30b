"""SuggestionService: next best actions for the Workspace (UI, CLI, tests).

Every call reads the current data (so a withdrawn consent or a dismiss counts at once),
scores the whole territory with numpy and returns plain dataclasses. Feedback goes
through `FeedbackService` (append-only, one outbox row each) and becomes a lesson the
next time the territory is loaded. Safe to call from a worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from fieldrep.domain.changes import Changed, Changes
from fieldrep.domain.enums import Channel, DismissReason, FeedbackAction
from fieldrep.domain.errors import NotFoundError, ValidationError
from fieldrep.domain.plans import SuggestionFeedback
from fieldrep.domain.workdays import working_day_from
from fieldrep.nba.config import NbaConfig, config_with_rules
from fieldrep.nba.daily import Pick, choose_daily
from fieldrep.nba.explain import reasons_for
from fieldrep.nba.features import Territory, load_territory
from fieldrep.nba.ids import SuggestionKey, parse_suggestion_id, suggestion_id
from fieldrep.nba.learning import Posteriors, posteriors
from fieldrep.nba.model import RuleBlock, Suggestion
from fieldrep.nba.rules import explain_blocks, next_allowed
from fieldrep.nba.scoring import ScoreTable, chances_at, hcp_value, score_territory
from fieldrep.segments.history import FATIGUE_WINDOW_DAYS
from fieldrep.segments.profiles import CHANNELS, FloatArray
from fieldrep.segments.service import profiles_for
from fieldrep.services.base import Store
from fieldrep.services.catalogue import MessageCatalogue
from fieldrep.services.feedback import FeedbackService
from fieldrep.services.segment_mixes import SegmentStore

FEEDBACK_CHANGED = Changes(feedback=True, outbox=True)
LOOK_AHEAD_DAYS = 35  # far enough to reach the next month when a monthly cap is hit
WEEK_DAYS = 5  # `best_day` looks at this many working days
BETTER_DAY = 0.01  # score units a later day must gain to be proposed over an earlier one
EXPLORING = "exploring: trying {channel} to learn whether it suits this HCP"


@dataclass(frozen=True)
class Scored:
    territory: Territory
    table: ScoreTable
    today: date
    post: Posteriors | None = None  # kept so a Thompson draw reuses them


def _row(t: Territory, hcp_id: str) -> int:
    try:
        return t.row(hcp_id)
    except KeyError:
        raise NotFoundError(f"No HCP with id '{hcp_id}' in this workspace.") from None


def _value_reference(t: Territory) -> float:
    """The territory's mean HCP value: the "typical HCP" a value reason is measured from."""
    return float(hcp_value(t.decile).mean())


def build_suggestion(
    s: Scored, pick: Pick, config: NbaConfig, *, value_reference: float | None = None
) -> Suggestion:
    t, i, c = s.territory, pick.row, pick.channel
    reference = float(s.table.value.mean()) if value_reference is None else value_reference
    channel = CHANNELS[c]
    m = int(s.table.message[i, c])
    message_id = t.messages.ids[m] if m >= 0 else None
    reasons = [r.text for r in reasons_for(t, s.table, i, c, reference)]
    if pick.exploratory:
        reasons.insert(0, EXPLORING.format(channel=channel.label.lower()))
    if not t.consent_known[i]:  # say what is not known, not only what is
        reasons.append(NO_CONSENT)
    due = working_day_from(s.today)  # proposed at the weekend: for the next working day
    stage_one, chance = chances_at(s.table, i, c)
    key = SuggestionKey(t.hcp_ids[i], channel, message_id, due, t.data_as_of, stage_one)
    return Suggestion(
        id=suggestion_id(key),
        hcp_id=t.hcp_ids[i],
        hcp_name=t.names[i],
        channel=channel,
        message_id=message_id,
        message_title=t.messages.titles[m] if m >= 0 else None,
        due=due,
        expires=due + timedelta(days=config.expiry_days[channel]),
        score=round(float(pick.score), 4) if np.isfinite(pick.score) else 0.0,
        reasons=tuple(reasons),
        exploratory=pick.exploratory,
        data_as_of=t.data_as_of,
        chance=round(chance, 3),
    )


NO_CONSENT = "no consent on record for remote calls, phone, email or events: visits only"
# Cold start: an HCP with no contact on record has nothing to score on but master data.
# Among those, one a product's approved messages fit (a visit needs something on-label to
# say) is worth this much more, in score units (1.0 = a good outcome with a decile-10
# HCP): enough to outweigh the small shifts a neutral segment mix gives any message.
COLD_START_FIT = 0.05
SPREAD_TIEBREAK = 1e-4  # equal scores: a different spread of the territory each day


def _tiebreak(t: Territory, today: date) -> FloatArray:
    """An ordering preference on top of the scores: HCPs with no history that a product
    fits first, then a day-seeded shuffle among equals, so a territory with no history
    is spread across rather than taken in id order. Never changes a score or a reason."""
    if t.messages.ids:
        fits = t.messages.allowed[t.specialty].any(axis=(1, 2))
    else:
        fits = np.zeros(t.n, dtype=bool)
    no_history = t.history.last_ordinal.max(axis=1) < 0
    shuffle = np.random.default_rng(today.toordinal()).random(t.n)
    return np.asarray(COLD_START_FIT * (fits & no_history) + SPREAD_TIEBREAK * shuffle)


class SuggestionService:
    def __init__(
        self,
        store: Store,
        *,
        feedback: FeedbackService,
        segments: SegmentStore,
        messages: MessageCatalogue,
        config: NbaConfig | None = None,
    ) -> None:
        self._store = store
        self._feedback = feedback
        self._segments = segments
        self._messages = messages
        self._fixed_config = config

    @property
    def config(self) -> NbaConfig:
        """The engine's settings under the contact rules the server sent (read each time:
        a sync may bring new rules while the app runs)."""
        if self._fixed_config is not None:
            return self._fixed_config
        return config_with_rules(self._messages.contact_rules())

    @config.setter
    def config(self, value: NbaConfig | None) -> None:
        """Fix the settings whatever the rules say (the evaluation, tests); None: the rules."""
        self._fixed_config = value

    # -- reading -----------------------------------------------------------------

    def territory(self, today: date, config: NbaConfig | None = None) -> Territory:
        catalogue = self._segments.catalogue()
        messages = self._messages.usable(today)  # never a withdrawn or expired message
        specialty_map = self._messages.specialty_map()
        with self._store.read() as conn:
            return load_territory(
                conn,
                today,
                config or self.config,
                segments=catalogue,
                messages=messages,
                profiles=profiles_for(catalogue),
                specialty_map=specialty_map,
                utc_offset=self._store.clock.local_now().utcoffset(),
            )

    def _scored(self, today: date | None, config: NbaConfig) -> Scored:
        # `config` is read once per call by the caller: it comes from the stored rules.
        day = today or self._store.clock.today()
        t = self.territory(day, config)
        post = posteriors(t, config)
        return Scored(t, score_territory(t, day, config, post=post), day, post)

    def _rng(self, s: Scored) -> np.random.Generator:
        # Same day, same data -> same exploratory picks, so a list is stable while open.
        return np.random.default_rng(
            s.today.toordinal() * 1_000_003 + s.territory.data_as_of.toordinal()
        )

    def daily_list(
        self,
        limit: int = 10,
        today: date | None = None,
        *,
        slots: Mapping[Channel, int] | None = None,
    ) -> list[Suggestion]:
        """Today's top `limit` actions across the territory, one per HCP, each channel
        within the day's slots for it (`slots`, the rep's own; else the configured ones;
        a channel left out of `slots` keeps its configured number)."""
        if limit <= 0:
            return []
        config = self.config
        s = self._scored(today, config)
        if slots is not None:
            config = replace(config, daily_slots={**config.daily_slots, **slots})
        sampled = score_territory(s.territory, s.today, config, rng=self._rng(s), post=s.post)
        picks = choose_daily(
            s.table, config, limit, sampled=sampled, tiebreak=_tiebreak(s.territory, s.today)
        )
        return [build_suggestion(s, p, config) for p in picks]

    def for_hcp(self, hcp_id: str, today: date | None = None) -> Suggestion | None:
        """The best action for one HCP: today if any channel is allowed, else on the first
        day (within `LOOK_AHEAD_DAYS`) a time-bound rule (gap, cap, hold, plan, quiet
        period) lets one through; None when nothing opens up in that window."""
        day = today or self._store.clock.today()
        config = self.config
        t = self.territory(day, config)
        i = _row(t, hcp_id)
        # The learning is territory-wide (pooled rates), but only this HCP is scored: the
        # rules and the score are row-wise, so the result equals the full table's row.
        post = posteriors(t, config)
        one = t.take([i])
        table = score_territory(one, day, config, post=post.take(np.array([i])))
        s = Scored(one, table, day)
        c = int(table.score[0].argmax())
        score = float(table.score[0, c])
        if np.isfinite(score):
            pick = Pick(0, c, int(table.message[0, c]), score, False)
            return build_suggestion(s, pick, config, value_reference=_value_reference(t))
        return self._first_opening(t, i, post, day, config)

    def best_day(
        self, hcp_id: str, today: date | None = None, *, days: int = WEEK_DAYS
    ) -> Suggestion | None:
        """The day as well as the channel: the best action for one HCP over the next
        `days` working days (today first), each day scored with its own weekday terms
        (the specialty's and the HCP's own, "wrong timing" lessons included), recency and
        rules; `due` is the best day. A later day is proposed only when it scores at least
        `BETTER_DAY` more than the best earlier one (waiting is not free), with a reason
        saying why."""
        start = today or self._store.clock.today()
        config = self.config
        t = self.territory(start, config)
        i = _row(t, hcp_id)
        post = posteriors(t, config)
        rows = np.array([i])
        best: tuple[float, Scored, Pick] | None = None
        day = working_day_from(start)
        for _ in range(days):
            history = t.history.take(rows)
            if (day.year, day.month) != (start.year, start.month):
                history.month_n[:] = 0  # a new month: its caps start from zero
            if day.toordinal() - start.toordinal() >= FATIGUE_WINDOW_DAYS:
                history.recent_n[:] = 0
            one = t.take([i], history)
            table = score_territory(one, day, config, post=post.take(rows))
            c = int(table.score[0].argmax())
            score = float(table.score[0, c])
            if np.isfinite(score) and (best is None or score > best[0] + BETTER_DAY):
                pick = Pick(0, c, int(table.message[0, c]), score, False)
                best = (score, Scored(one, table, day), pick)
            day = working_day_from(day + timedelta(days=1))
        if best is None:
            return None
        _, scored, pick = best
        s = build_suggestion(scored, pick, config, value_reference=_value_reference(t))
        if scored.today > working_day_from(start):
            why = f"a better day: {scored.today.strftime('%A')} (how such contacts go by weekday)"
            s = replace(s, reasons=(why, *s.reasons))
        return s

    def _first_opening(
        self, t: Territory, i: int, post: Posteriors, today: date, config: NbaConfig
    ) -> Suggestion | None:
        days = [next_allowed(t, i, c, today, config) for c in range(len(CHANNELS))]
        open_days = [d for d in days if d is not None]
        if not open_days or min(open_days) > today + timedelta(days=LOOK_AHEAD_DAYS):
            return None
        day = min(open_days)
        history = t.history.take(np.array([i]))
        if (day.year, day.month) != (today.year, today.month):
            history.month_n[:] = 0  # a new month: its caps start from zero
        if day.toordinal() - today.toordinal() >= FATIGUE_WINDOW_DAYS:
            history.recent_n[:] = 0
        one = t.take([i], history)
        table = score_territory(one, day, config, post=post.take(np.array([i])))
        c = int(table.score[0].argmax())
        if not np.isfinite(table.score[0, c]):
            return None
        later = Scored(one, table, day)
        return build_suggestion(
            later,
            Pick(0, c, int(table.message[0, c]), float(table.score[0, c]), False),
            config,
            value_reference=_value_reference(t),
        )

    def blocked_for_hcp(self, hcp_id: str, today: date | None = None) -> list[RuleBlock]:
        """Every candidate channel a hard rule removed for this HCP, with the rule in words."""
        config = self.config
        s = self._scored(today, config)
        i = _row(s.territory, hcp_id)
        return explain_blocks(s.territory, i, s.table.bits, s.today, config)

    def resolve(self, suggestion_id_text: str, today: date | None = None) -> Suggestion:
        """Turn an id (from `fieldrep suggest`) back into its suggestion, scored on today's data."""
        key = parse_suggestion_id(suggestion_id_text)
        config = self.config
        s = self._scored(today, config)
        i = _row(s.territory, key.hcp_id)
        expires = key.due + timedelta(days=config.expiry_days[key.channel])
        if s.today > expires:
            raise ValidationError(
                f"This suggestion expired on {expires.isoformat()}; "
                "run 'fieldrep suggest' for today's list."
            )
        t = s.territory
        if key.message_id is not None and key.message_id not in t.messages.ids:
            raise ValidationError(f"Message '{key.message_id}' is not in the approved catalogue.")
        c = CHANNELS.index(key.channel)
        score = float(s.table.score[i, c])
        reasons = tuple(r.text for r in reasons_for(t, s.table, i, c, float(s.table.value.mean())))
        m = t.messages.ids.index(key.message_id) if key.message_id else -1
        return Suggestion(
            id=suggestion_id_text.strip(),
            hcp_id=key.hcp_id,
            hcp_name=t.names[i],
            channel=key.channel,
            message_id=key.message_id,
            message_title=t.messages.titles[m] if m >= 0 else None,
            due=key.due,
            expires=expires,
            score=round(score, 4) if np.isfinite(score) else 0.0,
            reasons=reasons if np.isfinite(score) else (),
            exploratory=False,
            data_as_of=key.data_as_of,
        )

    # -- the rep's reactions --------------------------------------------------------

    def _record(
        self,
        s: Suggestion,
        action: FeedbackAction,
        *,
        reason: DismissReason | None = None,
        until: date | None = None,
        comment: str = "",
    ) -> SuggestionFeedback:
        return self._feedback.record(
            suggestion_id=s.id,
            hcp_id=s.hcp_id,
            action=action,
            channel=Channel(s.channel),
            message_id=s.message_id,
            reason=reason,
            snooze_until=until,
            comment=comment,
        )

    def accept(self, s: Suggestion) -> Changed[SuggestionFeedback]:
        return Changed(self._record(s, FeedbackAction.ACCEPTED), FEEDBACK_CHANGED)

    def dismiss(
        self, s: Suggestion, reason: DismissReason, comment: str = ""
    ) -> Changed[SuggestionFeedback]:
        """Record the dismissal (the HCP leaves today's list); `undo` takes it back."""
        feedback = self._record(s, FeedbackAction.DISMISSED, reason=reason, comment=comment)
        return Changed(feedback, FEEDBACK_CHANGED)

    def snooze(self, s: Suggestion, until: date) -> Changed[SuggestionFeedback]:
        return Changed(self._record(s, FeedbackAction.SNOOZED, until=until), FEEDBACK_CHANGED)

    def undo(self, feedback: SuggestionFeedback) -> Changes:
        """Take back a dismissal or snooze the server has not received yet."""
        self._feedback.retract(feedback.id)
        return FEEDBACK_CHANGED
