"""Run the engine (through the public Workspace API only) and the baselines through a
hidden world, and measure what the truth says of every pick.

The engine sees only what a device sees: HCP master data, the demo company's catalogue
documents, call notes logged with `ws.calls.log`, and the rep's feedback through
`ws.suggestions.accept / dismiss / snooze`. It is asked `ws.suggestions.daily_list`
each working day on a clock the simulator moves.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from fieldrep.clock import Clock
from fieldrep.domain.calls import CallDraft
from fieldrep.domain.enums import Channel, FeedbackAction, Outcome
from fieldrep.domain.hcp import Hcp
from fieldrep.nba.evaluation.independent.checks import allowed, broken_rules, respond
from fieldrep.nba.evaluation.independent.truth import CHANNELS, START, Hidden
from fieldrep.workspace import Workspace

PASSPHRASE = "independent simulator"
SLOTS = {"visit": 8, "remote": 4, "phone": 3, "email": 5, "event": 2}  # the organisation's
REPEAT_DAYS = 60


@dataclass
class Run:
    policy: str
    family: str
    seed: int
    weekly: list[float] = field(default_factory=list)  # true net value per week
    suggested: int = 0
    accepted: int = 0
    good: int = 0
    violations: int = 0
    broken: dict[str, int] = field(default_factory=dict)
    stated: list[float] = field(default_factory=list)  # stated chance of accepted actions
    outcomes: list[int] = field(default_factory=list)  # their realised outcomes
    true_p: list[float] = field(default_factory=list)  # true chance of every pick
    stated_all: list[float] = field(default_factory=list)  # stated chance of every pick
    best_hits: int = 0  # picks that were the HCP's truly best allowed action
    deliveries: int = 0  # accepted actions with a message
    repeats: int = 0  # ... that repeat one the HCP got within REPEAT_DAYS (any channel)
    channels: dict[str, int] = field(default_factory=dict)


def working_days(weeks: int) -> list[date]:
    days = [START + timedelta(days=d) for d in range(weeks * 7)]
    return [d for d in days if d.weekday() < 5]


# -- the workspace a device would have ----------------------------------------------------


def _hcps(h: Hidden) -> list[Hcp]:
    return [
        Hcp(
            f"ind-{i:05d}",
            f"X{i:05d}",
            f"HCP {i}",
            h.specialty[i],
            "Practice",
            "Town",
            "T1",
            decile=int(h.decile[i]),
            tier="A" if h.decile[i] >= 9 else "B" if h.decile[i] >= 7 else "C",
            consents={ch: bool(h.consent[i, c]) for c, ch in enumerate(CHANNELS)},
            do_not_contact=bool(h.do_not_contact[i]),
        )  # fmt: skip
        for i in range(h.n)
    ]


def _log(
    ws: Workspace, h: Hidden, contact: tuple[int, int, int], *, day: date, outcome: Outcome,
    suggestion_id: str | None = None,
) -> None:  # fmt: skip
    i, c, m = contact
    message = h.messages[m] if m >= 0 else None
    ws.calls.log(
        CallDraft(
            f"ind-{i:05d}",
            Channel(CHANNELS[c]),
            datetime.combine(day, time(10, 0), UTC),
            # a detailing call names a product; a relationship call the company's first
            products=(message.product if message else h.products[0],),
            key_messages=(message.id,) if message else (),
            outcome=outcome,
            suggestion_id=suggestion_id,
        ),
        submit=True,
    )


def build_workspace(folder: Path, h: Hidden, seed: int) -> None:
    """The device's workspace on the first day: master data, catalogues and a year of
    calls drawn from the hidden truth (channels roughly as a rep used them)."""
    from fieldrep.demo import demo_catalogue_documents

    rng = np.random.default_rng([seed, 17])
    now = [datetime.combine(START, time(18, 0), UTC)]
    with Workspace.open(folder, passphrase=PASSPHRASE, clock=Clock(lambda: now[0], UTC)) as ws:
        ws.messages.store_documents(demo_catalogue_documents())
        ws.hcps.upsert_many(_hcps(h))
        events = []
        for i in range(h.n):
            if h.do_not_contact[i]:
                continue
            for _ in range(max(1, int(h.decile[i] * 0.8) + int(rng.integers(-1, 2)))):
                weight = h.consent[i] * np.exp(h.noise[i] + h.spec_channel[i])
                c = int(rng.choice(len(CHANNELS), p=weight / weight.sum()))
                options = np.flatnonzero(h.fits[i, c])
                if not options.size and CHANNELS[c] in ("email", "event"):
                    continue
                m = int(rng.choice(options)) if options.size else -1
                events.append((START - timedelta(days=int(rng.integers(15, 366))), i, c, m))
        for day, i, c, m in sorted(events):
            p = h.p_good(day)[i, c, m if m >= 0 else len(h.messages)]
            good = rng.random() < p
            _log(ws, h, (i, c, m), day=day, outcome=Outcome.POSITIVE if good else Outcome.NEGATIVE)
            h.record(i, c, m, day)


# -- one policy through the weeks ------------------------------------------------------------

Pick = tuple[int, int, int, float, str | None]  # (row, channel, message, stated chance, id)
Chooser = Callable[[date, np.ndarray, np.ndarray, np.random.Generator], list[Pick]]
# Sees each working day before the picks are acted on: (day, world, true value, allowed, picks)
Observer = Callable[[date, Hidden, np.ndarray, np.ndarray, list[Pick]], None]


def _fill(order: list[tuple[int, int, int]], limit: int) -> list[Pick]:
    slots, taken = dict(SLOTS), set()
    out: list[Pick] = []
    for i, c, m in order:
        if len(out) >= limit:
            break
        if i in taken or slots[CHANNELS[c]] <= 0:
            continue
        slots[CHANNELS[c]] -= 1
        taken.add(i)
        out.append((i, c, m, float("nan"), None))
    return out


def oracle(h: Hidden, limit: int) -> Chooser:
    def choose(
        day: date, value: np.ndarray, ok: np.ndarray, rng: np.random.Generator
    ) -> list[Pick]:
        del day, rng
        v = np.where(ok, value, -np.inf)
        flat = np.argsort(-v, axis=None)
        m_count = v.shape[2]
        order = []
        for k in flat[: 40 * limit * 5]:
            i, rest = divmod(int(k), v.shape[1] * m_count)
            c, col = divmod(rest, m_count)
            if not v[i, c, col] > 0:
                break
            order.append((i, c, col if col < m_count - 1 else -1))
        return _fill(order, limit)

    del h
    return choose


def random_policy(h: Hidden, limit: int) -> Chooser:
    def choose(
        day: date, value: np.ndarray, ok: np.ndarray, rng: np.random.Generator
    ) -> list[Pick]:
        del day, value
        order = []
        for i in rng.permutation(h.n)[: 20 * limit]:
            options = np.argwhere(ok[i])
            for c, col in rng.permutation(options) if len(options) else []:
                order.append((int(i), int(c), int(col) if col < ok.shape[2] - 1 else -1))
        return _fill(order, limit)

    return choose


def longest_since(h: Hidden, limit: int) -> Chooser:
    """The traditional rep: the HCP unseen longest (weighted by decile), a visit first,
    the first approved message."""

    def choose(
        day: date, value: np.ndarray, ok: np.ndarray, rng: np.random.Generator
    ) -> list[Pick]:
        del value, rng
        days = np.minimum(day.toordinal() - h.last_channel.max(axis=1), 365)
        order = []
        for i in np.argsort(-(days * h.decile), kind="stable")[: 20 * limit]:
            for c in range(len(CHANNELS)):
                cols = np.flatnonzero(ok[i, c])
                if cols.size:
                    col = int(cols[0])
                    order.append((int(i), c, col if col < ok.shape[2] - 1 else -1))
        return _fill(order, limit)

    return choose


def run(
    h0: Hidden,
    name: str,
    weeks: int,
    seed: int,
    choose: Chooser | None = None,
    *,
    workspace: Path | None = None,
    learning: bool = True,
    overrides: dict[str, object] | None = None,
    limit: int = 8,
    observe: Observer | None = None,
) -> Run:
    """One policy: a baseline `choose`, or the engine in the workspace at `workspace`
    (`learning=False`: the same engine at its priors, set through the public config)."""
    h = copy.deepcopy(h0)
    result = Run(name, h.family, seed)
    rng_pick, rng_rep = np.random.default_rng([seed, 21]), np.random.default_rng([seed, 22])
    rng_out = np.random.default_rng([seed, 23])
    m_none = len(h.messages)
    index = {m.id: k for k, m in enumerate(h.messages)}
    now = [datetime.combine(START, time(18, 0), UTC)]
    ws = (
        Workspace.open(workspace, passphrase=PASSPHRASE, clock=Clock(lambda: now[0], UTC))
        if workspace is not None
        else None
    )
    if ws is not None and (not learning or overrides):
        settings = {**(overrides or {}), **({} if learning else {"learning": False})}
        ws.suggestions.config = replace(ws.suggestions.config, **settings)  # type: ignore[arg-type]
    try:
        for day in working_days(weeks):
            now[0] = datetime.combine(day, time(18, 0), UTC)
            week = (day - START).days // 7
            while len(result.weekly) <= week:
                result.weekly.append(0.0)
            p = h.p_good(day)
            value = h.value(p)
            ok = allowed(h, day)
            best = np.where(ok, value, -np.inf).max(axis=(1, 2))
            if ws is not None:
                suggestions = ws.suggestions.daily_list(limit=limit, today=day)
                picks: list[Pick] = [
                    (
                        int(s.hcp_id.split("-")[1]),
                        CHANNELS.index(s.channel.value),
                        index[s.message_id] if s.message_id else -1,
                        s.chance,
                        s.id,
                    )
                    for s in suggestions
                ]
                by_id = {s.id: s for s in suggestions}
            else:
                assert choose is not None
                picks = choose(day, value, ok, rng_pick)
            if observe is not None:
                observe(day, h, value, ok, picks)
            for i, c, m, stated, sid in picks:
                col = m if m >= 0 else m_none
                result.suggested += 1
                broken = broken_rules(h, i, c, m, day)
                result.violations += bool(broken)
                for rule in broken:
                    result.broken[rule] = result.broken.get(rule, 0) + 1
                result.true_p.append(float(p[i, c, col]))
                result.stated_all.append(stated)
                result.best_hits += bool(value[i, c, col] >= best[i] - 1e-12)
                action, reason, until = respond(h, i, c, m, day=day, rng=rng_rep)
                if ws is not None and sid is not None:
                    s = by_id[sid]
                    if action is FeedbackAction.ACCEPTED:
                        ws.suggestions.accept(s)
                    elif action is FeedbackAction.SNOOZED and until is not None:
                        ws.suggestions.snooze(s, until)
                    elif reason is not None:
                        ws.suggestions.dismiss(s, reason)
                if action is not FeedbackAction.ACCEPTED:
                    continue
                result.accepted += 1
                good = bool(rng_out.random() < p[i, c, col])
                result.good += good
                result.weekly[week] += float(value[i, c, col])
                result.stated.append(stated)
                result.outcomes.append(int(good))
                result.channels[CHANNELS[c]] = result.channels.get(CHANNELS[c], 0) + 1
                if m >= 0:
                    result.deliveries += 1
                    result.repeats += bool(day.toordinal() - h.last_message[i, m] <= REPEAT_DAYS)
                if ws is not None:
                    outcome = Outcome.POSITIVE if good else Outcome.NEGATIVE
                    _log(ws, h, (i, c, m), day=day, outcome=outcome, suggestion_id=sid)
                h.record(i, c, m, day)
    finally:
        if ws is not None:
            ws.close()
    return result


def copy_workspace(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def remove_workspace(folder: Path) -> None:
    shutil.rmtree(folder)
