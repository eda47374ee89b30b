"""A synthetic territory with hidden truth, and the ground-truth log of what happened.

Hidden per HCP: a segment mix, channel and theme affinities (the segment's profile
times individual noise), a no-see flag (visits never get through), and fatigue and
recency effects shared by all. The true probability of a good outcome is

    logit p = b_c + g_c * log(channel affinity) + g_t * log(theme affinity)
              + recency(days since last contact) - fatigue * contacts in 14 days

with the simulator's own constants, which differ from the engine's priors. The
segment profiles behind the truth are the catalogue's, perturbed per seed, so the
model cannot simply read them off the catalogue.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from fieldrep.demo import load_messages, load_segments
from fieldrep.nba.config import NbaConfig
from fieldrep.nba.features import MessageTable, Territory
from fieldrep.segments.history import ContactHistory
from fieldrep.segments.profiles import CHANNELS, FloatArray, SegmentProfiles, catalogue_profiles

SPECIALTIES = [
    ("Family Medicine", 30), ("Internal Medicine", 22), ("Cardiology", 14),
    ("Endocrinology", 10), ("Pulmonology", 9), ("Nephrology", 6),
    ("Allergy and Immunology", 4), ("Geriatrics", 5),
]  # fmt: skip
DECILE_WEIGHTS = [3, 4, 6, 8, 10, 12, 14, 15, 14, 14]
CONSENT_RATES = [1.0, 0.85, 0.8, 0.7, 0.55]  # visit, remote, phone, email, event
TRUE_BASE_RATE = [0.38, 0.34, 0.22, 0.18, 0.28]
CHANNEL_GAIN, THEME_GAIN = 1.1, 0.9
TRUE_RECENCY_GAIN, TRUE_FATIGUE = 1.1, 0.6
NO_SEE_P = 0.02
START = date(2026, 9, 7)  # a Monday; 26 weeks reach past the year-end quiet period


def _logit(p: FloatArray) -> FloatArray:
    return np.asarray(np.log(p / (1 - p)))


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1 / (1 + np.exp(-x)))


@dataclass
class Truth:
    mix: FloatArray  # N x K
    channel_aff: FloatArray  # N x C, 1 = typical
    theme_aff: FloatArray  # N x T
    no_see: np.ndarray  # N bool
    base: FloatArray  # C logits
    value: FloatArray  # N

    def logit_parts(
        self, rows: np.ndarray, channels: np.ndarray, themes: np.ndarray, days: FloatArray,
        recent: FloatArray,
    ) -> dict[str, FloatArray]:  # fmt: skip
        """True logit parts for candidates (rows, channels, themes; theme -1 = no message)."""
        has = themes >= 0
        theme = np.where(has, THEME_GAIN * np.log(self.theme_aff[rows, np.maximum(themes, 0)]), 0.0)
        capped = np.clip(days, 30, 120)
        return {
            "base": self.base[channels],
            "channel": CHANNEL_GAIN * np.log(self.channel_aff[rows, channels]),
            "theme": theme,
            "recency": TRUE_RECENCY_GAIN * (capped - 30) / 90,
            "fatigue": -TRUE_FATIGUE * recent,
        }

    def p_good(
        self, parts: dict[str, FloatArray], rows: np.ndarray, channels: np.ndarray
    ) -> FloatArray:
        p = _sigmoid(sum(parts.values()))  # type: ignore[arg-type]
        blocked = self.no_see[rows] & (channels == 0)
        return np.asarray(np.where(blocked, NO_SEE_P, p))


@dataclass
class World:
    """One seed's territory: the engine's view (`territory`) and the hidden truth."""

    territory: Territory
    truth: Truth
    true_profiles: SegmentProfiles
    config: NbaConfig
    messages_theme: np.ndarray  # M
    contacts: list[list[tuple[int, int]]]  # per HCP: (ordinal, channel) ground-truth log
    snoozed_until: np.ndarray  # N ordinals set by the rep's snoozes (a hard rule)
    recent: deque[tuple[int, int]] = field(default_factory=deque)  # (ordinal, hcp)
    month: tuple[int, int] = (0, 0)

    def clone(self) -> World:
        return copy.deepcopy(self)

    # -- the engine's view follows the calendar ------------------------------------

    def start_day(self, today: date) -> None:
        h = self.territory.history
        if (today.year, today.month) != self.month:
            self.month = (today.year, today.month)
            h.month_n[:] = 0
        cutoff = today.toordinal() - 14
        while self.recent and self.recent[0][0] <= cutoff:
            self.recent.popleft()
        h.recent_n[:] = np.bincount([i for _, i in self.recent], minlength=self.territory.n).astype(
            np.float64
        )

    def days_since(self, rows: np.ndarray, today: date) -> FloatArray:
        last = self.territory.history.last_ordinal[rows].max(axis=1)
        return np.asarray(np.minimum(today.toordinal() - last, 120.0))

    def true_value(
        self, rows: np.ndarray, channels: np.ndarray, themes: np.ndarray, today: date
    ) -> tuple[FloatArray, dict[str, FloatArray]]:
        parts = self.truth.logit_parts(
            rows, channels, themes, self.days_since(rows, today),
            self.territory.history.recent_n[rows],
        )  # fmt: skip
        p = self.truth.p_good(parts, rows, channels)
        cost = np.array([self.config.cost[c] for c in CHANNELS])[channels]
        return self.truth.value[rows] * p - cost, parts

    def execute(
        self, i: int, c: int, m: int, today: date, rng: np.random.Generator
    ) -> tuple[float, bool]:
        """The rep does the action: returns (true expected net value, good outcome?)."""
        theme = int(self.messages_theme[m]) if m >= 0 else -1
        rows, chans, themes = np.array([i]), np.array([c]), np.array([theme])
        net, parts = self.true_value(rows, chans, themes, today)
        p = float(self.truth.p_good(parts, rows, chans)[0])
        good = bool(rng.random() < p)
        h, o = self.territory.history, today.toordinal()
        h.contacts[i, c] += 1
        h.channel_n[i, c] += 1
        h.channel_pos[i, c] += good
        if theme >= 0:
            h.theme_contacts[i, theme] += 1
            h.theme_n[i, theme] += 1
            h.theme_pos[i, theme] += good
        h.last_ordinal[i, c] = max(h.last_ordinal[i, c], o)
        if today.weekday() < 5:
            h.weekday_n[i, c, today.weekday()] += 1
            h.weekday_pos[i, c, today.weekday()] += good
        t = self.territory
        if m >= 0:
            row = np.array([[i, m, o, 1.0, float(good)]])  # as load_history's message rows
            h.message_rows = np.vstack([h.message_rows, row])
            t.message_last[i, m] = o
            t.product_n[i, t.messages.product[m]] += 1
            t.product_pos[i, t.messages.product[m]] += good
            t.message_n[i, m] += 1
            t.message_pos[i, m] += good
        h.month_n[i, c] += 1
        h.recent_n[i] += 1
        self.recent.append((o, i))
        self.contacts[i].append((o, c))
        self.territory.data_as_of = today
        return float(net[0]), good


def _truth_profiles(rng: np.random.Generator, base: SegmentProfiles) -> SegmentProfiles:
    ch = np.array([rng.dirichlet(row * 40 + 0.5) for row in base.channels])
    th = np.array([rng.dirichlet(row * 40 + 0.5) for row in base.themes])
    return SegmentProfiles(base.segment_ids, ch, th)


def _mixes(rng: np.random.Generator, n: int, k: int) -> FloatArray:
    mix = np.zeros((n, k))
    for i in range(n):
        main, second = rng.choice(k, size=2, replace=False)
        w = rng.uniform(0.5, 0.85)
        mix[i, main], mix[i, second] = w, 1 - w
    return mix


def build_world(seed: int, n: int = 400, config: NbaConfig | None = None) -> World:
    """A territory of `n` HCPs with 12 months of history generated from the hidden truth."""
    config = config or NbaConfig()
    rng = np.random.default_rng(seed)
    catalogue = catalogue_profiles()
    true_profiles = _truth_profiles(rng, catalogue)
    k, c_count = catalogue.k, len(CHANNELS)
    names = [s for s, _ in SPECIALTIES]
    weights = np.array([w for _, w in SPECIALTIES], dtype=float)
    specialty = rng.choice(len(names), size=n, p=weights / weights.sum())
    decile = rng.choice(np.arange(1, 11), size=n, p=np.array(DECILE_WEIGHTS) / sum(DECILE_WEIGHTS))
    mix = _mixes(rng, n, k)
    restricted = mix[:, catalogue.index("access_restricted")] >= 0.5
    consent = rng.random((n, c_count)) < np.array(CONSENT_RATES)[None, :]
    consent[:, 0] = ~(restricted & (rng.random(n) < 0.3))
    ch_aff = (mix @ true_profiles.channels) / true_profiles.channels.mean(axis=0)
    ch_aff *= rng.lognormal(0, 0.25, size=ch_aff.shape)
    th_aff = (mix @ true_profiles.themes) / true_profiles.themes.mean(axis=0)
    th_aff *= rng.lognormal(0, 0.25, size=th_aff.shape)
    no_see = np.where(restricted, rng.random(n) < 0.6, rng.random(n) < 0.05)
    base = _logit(np.array(TRUE_BASE_RATE)) + rng.normal(0, 0.15, c_count)
    truth = Truth(mix, ch_aff, th_aff, no_see, base, decile / 10.0)

    messages = load_messages()
    table = MessageTable.build(messages, names)
    segments = {s.id: s.name for s in load_segments()}
    territory = Territory(
        hcp_ids=[f"sim-{i:05d}" for i in range(n)],
        names=[f"HCP {i}" for i in range(n)],
        specialty=specialty.astype(np.int64),
        decile=decile.astype(np.float64),
        tier=["A" if d >= 9 else "B" if d >= 7 else "C" if d >= 4 else "D" for d in decile],
        consent=consent,
        do_not_contact=rng.random(n) < 0.01,
        preferred=np.full(n, -1, dtype=np.int64),
        history=ContactHistory.empty(n),
        segment_weights=np.full((n, k), 1.0 / k),
        profiles=catalogue,
        segment_names=[segments[s] for s in catalogue.segment_ids],
        messages=table,
        data_as_of=START - timedelta(days=1),
    )
    world = World(
        territory=territory,
        truth=truth,
        true_profiles=true_profiles,
        config=config,
        messages_theme=table.theme,
        contacts=[[] for _ in range(n)],
        snoozed_until=np.zeros(n, dtype=np.int64),
    )
    _generate_history(world, rng, mix)
    return world


def _generate_history(world: World, rng: np.random.Generator, mix: FloatArray) -> None:
    """A year of past contacts whose channel and message follow the hidden mix (like the demo)."""
    t, prof = world.territory, world.true_profiles
    usage_c = mix @ prof.channels
    usage_t = mix @ prof.themes
    restricted = mix[:, prof.index("access_restricted")]
    events: list[tuple[int, int, int, int]] = []  # (ordinal, hcp, channel, message)
    for i in range(t.n):
        if t.do_not_contact[i]:
            continue
        expected = int(t.decile[i] * 1.2 * (1 - 0.5 * restricted[i]))
        count = max(1, expected + int(rng.integers(-2, 3)))
        allowed_c = usage_c[i] * t.consent[i]
        if allowed_c.sum() == 0:
            continue
        for _ in range(count):
            c = int(rng.choice(len(CHANNELS), p=allowed_c / allowed_c.sum()))
            options = np.flatnonzero(t.messages.allowed[t.specialty[i], c])
            m = -1
            if options.size:
                wanted = usage_t[i, t.messages.theme[options]]
                m = int(rng.choice(options, p=wanted / wanted.sum()))
            day = START - timedelta(days=int(rng.integers(15, 366)))
            events.append((day.toordinal(), i, c, m))
    events.sort()
    current = 0
    for ordinal, i, c, m in events:  # in date order, so recency and fatigue are real
        if ordinal != current:
            current = ordinal
            world.start_day(date.fromordinal(ordinal))
        world.execute(i, c, m, date.fromordinal(ordinal), rng)
    h = t.history
    h.month_n[:] = 0
    h.recent_n[:] = 0
    world.recent.clear()
    world.month = (0, 0)
    t.data_as_of = START - timedelta(days=1)
