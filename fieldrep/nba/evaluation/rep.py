"""The simulated rep: accepts most suggestions, dismisses some with a reason, snoozes a few.

The rep knows parts of the hidden truth a real rep would know: that a doctor does not
see reps (no-see), that someone clearly dislikes a channel or a topic. Everything else
is noise at realistic rates.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from fieldrep.domain.enums import DismissReason, FeedbackAction
from fieldrep.nba.evaluation.world import World


def respond(
    world: World, i: int, c: int, m: int, *, today: date, rng: np.random.Generator
) -> tuple[FeedbackAction, DismissReason | None, date | None]:
    truth = world.truth
    r = rng.random()
    if c == 0 and truth.no_see[i] and r < 0.7:
        return FeedbackAction.DISMISSED, DismissReason.WRONG_CHANNEL, None
    if truth.channel_aff[i, c] < 0.6 and r < 0.5:
        return FeedbackAction.DISMISSED, DismissReason.WRONG_CHANNEL, None
    if m >= 0:
        theme = int(world.messages_theme[m])
        if truth.theme_aff[i, theme] < 0.5 and r < 0.3:
            return FeedbackAction.DISMISSED, DismissReason.WRONG_MESSAGE, None
    noise = rng.random()
    if noise < 0.05:
        return FeedbackAction.DISMISSED, DismissReason.ALREADY_PLANNED, None
    if noise < 0.09:
        return FeedbackAction.DISMISSED, DismissReason.WRONG_TIMING, None
    if noise < 0.11:
        return FeedbackAction.DISMISSED, DismissReason.NOT_RELEVANT, None
    if noise < 0.14:
        return FeedbackAction.SNOOZED, None, today + timedelta(days=14)
    return FeedbackAction.ACCEPTED, None, None
