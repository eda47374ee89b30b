"""A hidden world of a different family from the engine's model, in three families.

Nothing here imports the engine. The true chance that a contact goes well is

    p = sigmoid(base_c + specialty x channel + weekday x channel (by practice type)
                + channel noise + attitude . message loading + product preference
                - product shock - message wear-out - e-mail fatigue + channel drift)
        x readiness (multiplicative: 1 - 0.6 exp(-days since any contact / 10))
        x 0.15 on a hospital doctor's clinic weekday (visits)

with 0 on leave and 0.02 for HCPs who never respond. The attitude is a hidden
3-dimensional vector per HCP that does not line up with the five catalogue segments;
each message loads on it. The families switch parts on:

- `interactions`: strong channel x specialty x weekday terms and clinic weekdays;
- `wear-out`: strong message wear-out (any channel), e-mail fatigue, 8 % never
  respond, a two-week leave per HCP, year-end and Thanksgiving weeks respond less;
- `drift`: in week 7, 20 % of HCPs switch from visits to remote calls; a competitor
  campaign against one product for eight weeks from week 9;
- `all`: everything at once (the world issue 16 was measured on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from fieldrep.domain.segments import ApprovedMessage

FloatArray = NDArray[np.float64]
CHANNELS = ("visit", "remote", "phone", "email", "event")  # the simulator's own order
COST = np.array([0.08, 0.04, 0.03, 0.01, 0.06])  # the company's cost per contact
SPECIALTIES = [
    ("Family Medicine", 30), ("Internal Medicine", 22), ("Cardiology", 14),
    ("Endocrinology", 10), ("Pulmonology", 9), ("Nephrology", 6),
    ("Allergy and Immunology", 4), ("Geriatrics", 5),
]  # fmt: skip
HOSPITAL = {"Cardiology", "Endocrinology", "Pulmonology", "Nephrology"}
DECILE_WEIGHTS = [3, 4, 6, 8, 10, 12, 14, 15, 14, 14]
CONSENT_RATES = [1.0, 0.85, 0.8, 0.7, 0.55]
BASE = [0.40, 0.33, 0.22, 0.25, 0.25]
FAMILIES = ("interactions", "wear-out", "drift", "all")
START = date(2026, 9, 7)  # a Monday
SWITCH_WEEK, CAMPAIGN_WEEK, CAMPAIGN_WEEKS = 7, 9, 8
SWITCH_SHIFT = np.array([-2.5, 1.5, 0.0, 0.0, 0.0])  # visits stop working, remote calls do
NEVER = -(10**6)


def sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1 / (1 + np.exp(-x)))


@dataclass(frozen=True)
class Parts:
    """Which parts of the truth a family switches on, and how strongly."""

    interactions: float = 0.3  # scale of specialty x channel and weekday x channel terms
    clinic_days: bool = False
    wear: float = 0.5  # logit lost right after the same message (any channel)
    wear_days: float = 25.0
    email_fatigue: float = 0.15  # logit lost per e-mail in the last 30 days
    non_responders: float = 0.0
    leave: bool = False
    seasonal: bool = False
    switch_share: float = 0.0
    campaign: float = 0.0  # logit lost on the campaign's product while it runs


FAMILY_PARTS = {
    "interactions": Parts(interactions=1.0, clinic_days=True),
    "wear-out": Parts(
        wear=1.6, wear_days=40, email_fatigue=0.5, non_responders=0.08, leave=True, seasonal=True
    ),
    "drift": Parts(switch_share=0.2, campaign=1.5),
    "all": Parts(
        interactions=1.0, clinic_days=True, wear=1.6, wear_days=40, email_fatigue=0.5,
        non_responders=0.08, leave=True, seasonal=True, switch_share=0.2, campaign=1.5,
    ),
}  # fmt: skip


@dataclass
class Hidden:
    family: str
    parts: Parts
    messages: list[ApprovedMessage]
    specialty: list[str]  # N
    decile: FloatArray  # N
    consent: NDArray[np.bool_]  # N x C
    do_not_contact: NDArray[np.bool_]  # N
    base: FloatArray  # C logits
    spec_channel: FloatArray  # N x C (specialty x channel, looked up per HCP)
    weekday_channel: FloatArray  # N x 5 weekdays x C (by practice type)
    noise: FloatArray  # N x C
    attitude: FloatArray  # N x 3
    loading: FloatArray  # M x 3
    product_pref: FloatArray  # N x P
    product_of: NDArray[np.int64]  # M
    products: list[str]
    non_responder: NDArray[np.bool_]
    clinic_day: NDArray[np.int64]  # N, weekday or -1
    leave: NDArray[np.int64]  # N x 2 ordinals (start, end), 0 if none
    switcher: NDArray[np.bool_]
    campaign_product: int
    # ground-truth state, updated by `record`
    last_channel: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    last_message: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    fits: NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0, 0), bool))
    emails: list[list[int]] = field(default_factory=list)  # per HCP: e-mail ordinals
    month: list[list[tuple[int, int]]] = field(default_factory=list)  # (ordinal, channel)

    def __post_init__(self) -> None:
        n, m = len(self.specialty), len(self.messages)
        self.last_channel = np.full((n, len(CHANNELS)), NEVER, dtype=np.int64)
        self.last_message = np.full((n, m), NEVER, dtype=np.int64)
        self.emails = [[] for _ in range(n)]
        self.month = [[] for _ in range(n)]
        self.fits = np.zeros((n, len(CHANNELS), m), dtype=bool)  # approved for HCP, channel
        for k, message in enumerate(self.messages):
            for i, specialty in enumerate(self.specialty):
                if specialty in message.specialties:
                    for c, channel in enumerate(CHANNELS):
                        self.fits[i, c, k] = channel in message.channels

    @property
    def n(self) -> int:
        return len(self.specialty)

    def record(self, i: int, c: int, m: int, day: date) -> None:
        """The contact happened (whatever its outcome)."""
        o = day.toordinal()
        self.last_channel[i, c] = o
        if m >= 0:
            self.last_message[i, m] = o
        if CHANNELS[c] == "email":
            self.emails[i].append(o)
        self.month[i].append((o, c))

    def p_good(self, day: date) -> FloatArray:
        """The true chance of a good outcome for every (HCP, channel, message) today,
        N x C x (M + 1); the last column is "no message"."""
        pp, o, wd = self.parts, day.toordinal(), min(day.weekday(), 4)
        x = self.base[None, :] + self.spec_channel + self.noise + self.weekday_channel[:, wd, :]
        if self.switcher.any() and o >= START.toordinal() + 7 * (SWITCH_WEEK - 1):
            x = x + np.where(self.switcher[:, None], SWITCH_SHIFT[None, :], 0.0)
        fatigue = np.array([sum(1 for d in e if o - d <= 30) for e in self.emails], dtype=float)
        x[:, CHANNELS.index("email")] -= pp.email_fatigue * fatigue
        if pp.seasonal and _low_season(day):
            x = x - 0.8
        msg = 0.9 * self.attitude @ self.loading.T + self.product_pref[:, self.product_of]
        start = START.toordinal() + 7 * (CAMPAIGN_WEEK - 1)
        if self.campaign_product >= 0 and start <= o < start + 7 * CAMPAIGN_WEEKS:
            msg = msg - pp.campaign * (self.product_of == self.campaign_product)[None, :]
        since = (o - self.last_message).astype(float)
        msg = msg - pp.wear * np.exp(-np.minimum(since, 1e4) / pp.wear_days)
        logits = np.concatenate(
            [x[:, :, None] + msg[:, None, :], x[:, :, None]], axis=2
        )  # N x C x (M + 1)
        p = sigmoid(logits)
        last = self.last_channel.max(axis=1)
        p *= (1 - 0.6 * np.exp(-np.minimum(o - last, 1e4) / 10))[:, None, None]
        clinic = self.clinic_day == day.weekday()
        p[clinic, 0, :] *= 0.15
        p[self.non_responder] = 0.02
        p[(self.leave[:, 0] <= o) & (o <= self.leave[:, 1])] = 0.0
        return np.asarray(p)

    def value(self, p: FloatArray) -> FloatArray:
        """True expected net value: HCP value x p - the channel's cost (same shape as p)."""
        return np.asarray(self.decile[:, None, None] / 10 * p - COST[None, :, None])

    def on_leave(self, i: int, day: date) -> bool:
        return bool(self.leave[i, 0] <= day.toordinal() <= self.leave[i, 1])


def _low_season(day: date) -> bool:
    thanksgiving = date(day.year, 11, 22) + timedelta(
        days=(3 - date(day.year, 11, 22).weekday()) % 7
    )
    return abs(day.toordinal() - thanksgiving.toordinal()) <= 3 or (
        (day.month == 12 and day.day >= 18) or (day.month == 1 and day.day <= 8)
    )


def build_hidden(
    seed: int, n: int, family: str, messages: list[ApprovedMessage], weeks: int = 26
) -> Hidden:
    """One seed's hidden world; `messages` are the company's approved messages."""
    parts = FAMILY_PARTS[family]
    rng = np.random.default_rng([seed, 16])
    names = [s for s, _ in SPECIALTIES]
    weights = np.array([w for _, w in SPECIALTIES], dtype=float)
    spec = rng.choice(len(names), size=n, p=weights / weights.sum())
    c = len(CHANNELS)
    decile = rng.choice(np.arange(1, 11), size=n, p=np.array(DECILE_WEIGHTS) / sum(DECILE_WEIGHTS))
    consent = rng.random((n, c)) < np.array(CONSENT_RATES)[None, :]
    consent[:, 0] = True
    s_by_c = rng.normal(0, 0.6 * parts.interactions, (len(names), c))
    hospital = np.array([names[s] in HOSPITAL for s in spec])
    wd_by_c = rng.normal(0, 0.5 * parts.interactions, (2, 5, c))  # practice type x weekday
    products = sorted({m.product for m in messages})
    leave = np.zeros((n, 2), dtype=np.int64)
    if parts.leave:
        first = START.toordinal() + rng.integers(0, 7 * weeks, n)
        leave[:, 0], leave[:, 1] = first, first + 13
    clinic = np.where(
        hospital & parts.clinic_days & (rng.random(n) < 0.8), rng.integers(0, 5, n), -1
    )
    return Hidden(
        family=family,
        parts=parts,
        messages=messages,
        specialty=[names[s] for s in spec],
        decile=decile.astype(np.float64),
        consent=consent,
        do_not_contact=rng.random(n) < 0.01,
        base=np.log(np.array(BASE) / (1 - np.array(BASE))) + rng.normal(0, 0.15, c),
        spec_channel=s_by_c[spec],
        weekday_channel=wd_by_c[hospital.astype(int)],
        noise=rng.normal(0, 0.6, (n, c)),
        attitude=rng.normal(0, 1, (n, 3)),
        loading=rng.normal(0, 0.7, (len(messages), 3)),
        product_pref=rng.normal(0, 0.5, (n, len(products))),
        product_of=np.array([products.index(m.product) for m in messages], dtype=np.int64),
        products=products,
        non_responder=rng.random(n) < parts.non_responders,
        clinic_day=clinic.astype(np.int64),
        leave=leave,
        switcher=rng.random(n) < parts.switch_share,
        campaign_product=int(rng.integers(0, len(products))) if parts.campaign else -1,
    )
