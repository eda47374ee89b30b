"""Every tunable of the next-best-action engine in one place: rules, priors, costs.

Units: scores are "expected value of a good outcome with a decile-10 HCP" (1.0), so a
channel cost of 0.05 means a contact must be at least 5% likely to go well with a top
HCP to be worth suggesting at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from fieldrep.domain.enums import Channel
from fieldrep.sync.protocol import ContactRules

C = Channel


@dataclass(frozen=True)
class QuietPeriod:
    """No promotional contact of any kind from `start` to `end` inclusive."""

    start: date
    end: date
    label: str

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


def year_end_quiet_periods(years: range) -> tuple[QuietPeriod, ...]:
    return tuple(
        QuietPeriod(date(y, 12, 24), date(y + 1, 1, 1), "year-end holidays") for y in years
    )


@dataclass(frozen=True)
class NbaConfig:
    # -- hard rules --------------------------------------------------------------
    monthly_cap: int = 4  # contacts per HCP per calendar month, all channels
    monthly_channel_cap: dict[Channel, int] = field(
        default_factory=lambda: {C.EMAIL: 2, C.EVENT: 1}
    )
    min_gap_days: dict[Channel, int] = field(
        default_factory=lambda: {C.VISIT: 14, C.REMOTE: 7, C.PHONE: 7, C.EMAIL: 7, C.EVENT: 30}
    )
    # Email and event invitations are content: without an approved message there is none.
    needs_message: frozenset[Channel] = frozenset({C.EMAIL, C.EVENT})
    quiet_periods: tuple[QuietPeriod, ...] = year_end_quiet_periods(range(2024, 2036))
    planned_horizon_days: int = 7  # an HCP with a plan this soon is not suggested
    accepted_hold_days: int = 7  # an accepted suggestion holds the HCP while it is done

    # -- scoring priors ------------------------------------------------------------
    base_rate: dict[Channel, float] = field(
        default_factory=lambda: {
            C.VISIT: 0.40,
            C.REMOTE: 0.33,
            C.PHONE: 0.25,
            C.EMAIL: 0.20,
            C.EVENT: 0.30,
        }
    )
    base_strength: float = 20.0  # pseudo-contacts behind each territory-wide base rate
    theme_base_rate: float = 0.30
    prior_strength: float = 16.0  # pseudo-contacts behind each HCP-level prior
    segment_strength: float = 100.0  # pseudo-contacts behind each (segment, channel/theme) prior
    segment_channel_gain: float = 0.9  # logit per unit log-ratio of segment channel share
    segment_theme_gain: float = 0.7
    # The same outcome updates both the channel and the theme posterior; weighting the
    # theme part below 1 keeps that double count from saturating P(good).
    theme_weight: float = 0.5
    # Learning the segment mix itself (nba.mix_update): the stored mix counts as this many
    # pseudo-observations per contact behind it; outcomes and dismissals are weighted so.
    mix_learning: bool = True
    mix_prior_scale: float = 0.15
    mix_outcome_weight: float = 1.0
    mix_dismiss_weight: float = 0.25
    # Forgetting: an outcome (and a feedback lesson) counts half after this many days,
    # so the posteriors follow an HCP who changes instead of averaging over every year
    # on record. A year: per-HCP evidence is thin (about two contacts a quarter), and on
    # the independent simulator's tuning seeds 120 days lost value (gap ratio 0.27
    # against 0.29 at 365 days and 0.32 with no discounting, all within seed noise)
    # without adapting faster to the channel switch; the rep's dismissals do that.
    evidence_half_life_days: float | None = 365.0
    # Message wear-out: the same message again soon after a delivery on any channel
    # loses logit, fading linearly to nothing after `wear_days`; how much is learned from
    # the territory's repeats (`learning.learned_wear`), starting from `wear_logit` with
    # `wear_strength` pseudo-repeats (2.5: about 20% of messages repeat one given within
    # 60 days on the independent simulator's tuning seeds; 1.5: 25-30%).
    wear_logit: float = 2.5
    wear_days: float = 60.0
    wear_strength: float = 50.0
    wear_block_days: int = 7  # and never the same message again within a week
    # Rotation: a message delivered (any channel) within `rotation_days` is chosen again
    # only when no other approved message is within `rotation_margin` logit of it (the
    # choice only: the score stays the chosen message's expected value). 0 = off: on the
    # independent simulator's tuning seeds a strict rotation (10) cut repeats within 60
    # days from 36-64 % to 9-14 % but cost 0.12 and 0.08 of the gap where messages wear
    # little (`interactions`, `drift`), 0.01 where they wear much; 0.2 still cost 0.07
    # and 0.04 (see docs/nba.md). A company that wants fewer repeats sets it.
    rotation_days: int = 60
    rotation_margin: float = 0.0
    # Products: a Beta per (HCP, product) around the territory's recent product rate.
    product_weight: float = 0.5
    # Timing: each (specialty, channel, weekday) rate against the (specialty, channel)
    # rate. None: shrunk by empirical Bayes (`residuals.eb_shift`: the spread beyond chance
    # is estimated from the territory, so a world without weekday effects learns none);
    # a number: pooled with that many pseudo-outcomes (30 in the first pass of issue 16).
    weekday_strength: float | None = None
    # Learned beyond the segments (each a residual against what the prior already
    # expects, so nothing is counted twice; None = empirical Bayes as above): the
    # (specialty, channel) rate; each (HCP, message) with `message_strength` (weighted
    # `message_weight` in the logit; "wrong message" adds `wrong_message_failures` to the
    # message as well as its theme); a correction of the recency curve by days since the
    # last contact and per channel by its contacts in the last 30 days, each band with
    # `recency_strength` pseudo-outcomes; the HCP's own weekdays per channel ("wrong
    # timing" adds `wrong_timing_failures` on that weekday, pooled with 12).
    # `hcp_strength`: how the HCP answers on its *other* channels, meant for doctors who
    # never respond; None = off: on the first simulator's tuning seeds it cost 0.07 of the
    # gap (a no-see HCP's failed visits pulled down the channels it does answer).
    # Chosen on tuning seeds (independent simulator seed 0, first simulator seeds 0-3):
    # empirical Bayes for the specialty term gave 0.42 on the first simulator against
    # 0.39 with 30 pseudo-outcomes, and 0.48 against 0.53 in `interactions` (one seed).
    specialty_strength: float | None = None
    hcp_strength: float | None = None
    # The rep's own channel choices per HCP (calls not made on a suggestion) as a prior
    # (nba.usage), pooled with `usage_strength` pseudo-calls at the territory's shares.
    # Third pass of issue 16, tuning seeds of the independent simulator: gap +0.01 (0.265
    # against 0.255, seeds 0-2, 150 HCPs, 13 weeks; 0.255 against 0.243, seeds 3-4, 26
    # weeks); a gain of 1.0 gave 0.255. The first simulator keeps no per-call rows: 0 there.
    usage_gain: float = 0.5
    usage_strength: float = 4.0
    message_strength: float = 4.0
    message_weight: float = 0.5
    recency_strength: float = 40.0
    hcp_weekday_strength: float | None = None
    wrong_timing_failures: float = 4.0
    # Territory-wide theme and product rates move only with this many pseudo-outcomes
    # behind them, and messages within `message_tie` logit of an HCP's best are told
    # apart per HCP, not by catalogue order: one good call must not swing a whole
    # territory to one message.
    territory_message_strength: float = 60.0
    message_tie: float = 0.05
    # Calibration of the chance shown (nba.calibration): pseudo-calls behind "as is";
    # calls the engine itself suggested count fully, others `calibration_other_weight`
    # (the stated chance is for the engine's picks: their outcomes carry the winner's
    # curse the calibration must undo).
    calibration_strength: float = 20.0
    calibration_other_weight: float = 0.25
    preferred_channel_bonus: float = 0.5  # logit, when the rep marked a preferred channel
    recency_gain: float = 0.9  # logit added at 120 days without contact (0 at 30 days)
    fatigue_per_contact: float = 0.45  # logit removed per contact in the last 14 days
    cost: dict[Channel, float] = field(
        default_factory=lambda: {
            C.VISIT: 0.08,
            C.REMOTE: 0.04,
            C.PHONE: 0.03,
            C.EMAIL: 0.01,
            C.EVENT: 0.06,
        }
    )

    # -- learning from the rep -------------------------------------------------------
    # False: the scorer at its priors (no outcomes, no feedback lessons): the evaluations'
    # no-learning twin, set through `SuggestionService.config`.
    learning: bool = True
    wrong_channel_failures: float = 16.0  # pseudo-failures on (HCP, channel): a strong signal
    wrong_message_failures: float = 8.0  # pseudo-failures on (HCP, theme)
    not_relevant_failures: float = 4.0  # on (HCP, theme)
    # On (HCP, channel) per accept. 0: the rep accepts most suggestions, so counting an
    # accept as a success mostly reinforced the engine's own picks (seeds 0-9: gap ratio
    # 0.473 with 0.5, 0.488 with 0); the outcome of the accepted action is the lesson.
    accept_successes: float = 0.0
    hold_days: dict[str, int] = field(
        default_factory=lambda: {"wrong_timing": 7, "hcp_unavailable": 14}
    )

    # -- the daily list ----------------------------------------------------------------
    # The rep's day per channel (the organisation's default; a rep may pass their own to
    # `SuggestionService.daily_list`): visit and remote-call slots, phone calls, the e-mail
    # batch and invitations. Eight 45-minute visits fill a day (the old 360 minutes).
    daily_slots: dict[Channel, int] = field(
        default_factory=lambda: {C.VISIT: 8, C.REMOTE: 4, C.PHONE: 3, C.EMAIL: 5, C.EVENT: 2}
    )
    exploration_share: float = 0.15  # at most this share of a list is exploratory
    exploration_floor: float = 0.97  # ... and only actions nearly as good as the last pick
    expiry_days: dict[Channel, int] = field(
        default_factory=lambda: {C.VISIT: 7, C.REMOTE: 7, C.PHONE: 5, C.EMAIL: 3, C.EVENT: 14}
    )


def config_with_rules(rules: ContactRules | None, base: NbaConfig | None = None) -> NbaConfig:
    """The engine's settings under the company's contact rules (server data). Until a
    device has received rules, the built-in ones apply (the same as the demo's)."""
    base = base or NbaConfig()
    if rules is None:
        return base
    return replace(
        base,
        monthly_cap=rules.monthly_cap,
        monthly_channel_cap={Channel(k): v for k, v in rules.monthly_channel_cap.items()},
        min_gap_days={Channel(k): v for k, v in rules.min_gap_days.items()},
        needs_message=frozenset(Channel(c) for c in rules.needs_message),
        quiet_periods=tuple(QuietPeriod(q.start, q.end, q.label) for q in rules.quiet_periods),
    )
