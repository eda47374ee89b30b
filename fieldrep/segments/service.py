"""SegmentHintService: the Workspace's door to segment hints, corrections and refits."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import select

from fieldrep.domain.changes import NOTHING, Changed, Changes
from fieldrep.domain.errors import NotFoundError
from fieldrep.domain.segments import Segment, SegmentMix
from fieldrep.segments.hints import (
    SegmentHint,
    contacts_behind,
    describe_evidence,
    hint_from_mix,
)
from fieldrep.segments.history import ContactHistory, load_history
from fieldrep.segments.mixture import estimate_weights, refit_profiles
from fieldrep.segments.profiles import CHANNELS, THEMES, SegmentProfiles, catalogue_profiles
from fieldrep.services.base import Store
from fieldrep.services.segment_mixes import SegmentStore
from fieldrep.store.schema import hcp_segment_mix, hcps
from fieldrep.tasks import CancelToken, Progress, check, report

ESTIMATE = "estimate"
NEUTRAL = ""  # the stand-in segment while there is no catalogue; never stored or shown
# Below this many contacts a mix is a guess: the hint says so instead of showing one.
MIN_CONTACTS_FOR_HINT = 3

SEGMENTS_CHANGED = Changes(segments=True, outbox=True)  # a correction syncs


def unknown_mix(hcp_id: str, segment_ids: tuple[str, ...], contacts: int) -> SegmentMix:
    """A neutral mix with no confidence, for an HCP too little known to tell."""
    weights = {sid: round(1.0 / len(segment_ids), 4) for sid in segment_ids}
    on_record = f"{contacts} contact{'s' if contacts != 1 else ''} on record"
    why = (f"Not enough contacts to tell ({on_record}; hints start at {MIN_CONTACTS_FOR_HINT}).",)
    return SegmentMix(hcp_id, weights, 0.0, ESTIMATE, why)


def profiles_for(catalogue: list[Segment]) -> SegmentProfiles:
    """Prior profiles for the workspace's segments, in catalogue order. A segment the
    bundled profiles know keeps its row; a company's own segment gets one from its
    catalogue entry: its preferred channels three times as likely, themes even."""
    base = catalogue_profiles()
    channel_rows, theme_rows = [], []
    for segment in catalogue:
        if segment.id in base.segment_ids:
            channel_rows.append(base.channels[base.index(segment.id)])
            theme_rows.append(base.themes[base.index(segment.id)])
            continue
        liked = np.array([3.0 if c.value in segment.preferred_channels else 1.0 for c in CHANNELS])
        channel_rows.append(liked / liked.sum())
        theme_rows.append(np.full(len(THEMES), 1.0 / len(THEMES)))
    if not catalogue:
        # No catalogue yet (before the first sync, or a company without one): one neutral
        # segment keeps the engine's arithmetic whole and tells nothing.
        return SegmentProfiles(
            (NEUTRAL,),
            np.full((1, len(CHANNELS)), 1.0 / len(CHANNELS)),
            np.full((1, len(THEMES)), 1.0 / len(THEMES)),
        )
    ids = tuple(s.id for s in catalogue)
    return SegmentProfiles(ids, np.array(channel_rows), np.array(theme_rows))


def estimate_mixes(
    hcp_ids: list[str],
    history: ContactHistory,
    catalogue: list[Segment],
    profiles: SegmentProfiles,
) -> list[SegmentMix]:
    est = estimate_weights(
        history.contacts, history.theme_contacts, profiles.channels, profiles.themes
    )
    names = {s.id: s.name for s in catalogue}
    label = [names.get(i, i) for i in profiles.segment_ids]
    mixes = []
    for n, hcp_id in enumerate(hcp_ids):
        contacts = int(history.contacts[n].sum())
        if contacts < MIN_CONTACTS_FOR_HINT:
            mixes.append(unknown_mix(hcp_id, profiles.segment_ids, contacts))
            continue
        weights = {
            sid: round(float(w), 4)
            for sid, w in zip(profiles.segment_ids, est.weights[n], strict=True)
        }
        evidence = describe_evidence(
            est.weights[n],
            history.contacts[n],
            themes=history.theme_contacts[n],
            channel_profile=profiles.channels,
            theme_profile=profiles.themes,
            names=label,
        )
        mixes.append(
            SegmentMix(hcp_id, weights, round(float(est.confidence[n]), 3), ESTIMATE, evidence)
        )
    return mixes


class SegmentHintService:
    def __init__(self, store: Store, segments: SegmentStore) -> None:
        self._store = store
        self._segments = segments

    def for_hcp(self, hcp_id: str, today: date | None = None) -> SegmentHint:
        """The stored mix (rep correction, server value, or the last refit while no contact
        has been logged since), else a fresh estimate from the current history: a refit's
        estimate must not lag the calls logged after it."""
        catalogue = self._segments.catalogue()
        stored = self._segments.mix(hcp_id)
        if stored is not None and stored.source != ESTIMATE:
            return hint_from_mix(stored, catalogue)
        with self._store.read() as conn:
            if conn.execute(select(hcps.c.id).where(hcps.c.id == hcp_id)).first() is None:
                raise NotFoundError(f"No HCP with id '{hcp_id}' in this workspace.")
            history = load_history(
                conn, [hcp_id], today or self._store.clock.today(), only=hcp_id,
                utc_offset=self._store.clock.local_now().utcoffset(),
            )  # fmt: skip
        if stored is not None and contacts_behind(stored) == int(history.contacts.sum()):
            return hint_from_mix(stored, catalogue)
        mix = estimate_mixes([hcp_id], history, catalogue, profiles_for(catalogue))[0]
        return hint_from_mix(mix, catalogue)

    def correct(self, hcp_id: str, weights: dict[str, float]) -> Changed[SegmentHint]:
        """The rep's correction: wins locally over any refit and syncs through the outbox."""
        with self._store.read() as conn:
            if conn.execute(select(hcps.c.id).where(hcps.c.id == hcp_id)).first() is None:
                raise NotFoundError(f"No HCP with id '{hcp_id}' in this workspace.")
        mix = self._segments.correct(hcp_id, weights)
        return Changed(hint_from_mix(mix, self._segments.catalogue()), SEGMENTS_CHANGED)

    def estimate_if_missing(
        self, progress: Progress | None = None, cancel: CancelToken | None = None
    ) -> Changed[int]:
        """A workspace with no stored mixes yet gets estimates (the desktop runs this in
        the background after start); one that has them is left as it is."""
        if self._segments.all_mixes():
            return Changed(0, NOTHING)
        count = self.refit(progress, cancel)
        return Changed(count, Changes(segments=True) if count else NOTHING)

    def refit(
        self,
        progress: Progress | None = None,
        cancel: CancelToken | None = None,
        *,
        today: date | None = None,
    ) -> int:
        """Re-estimate every HCP's mix; rep corrections and server mixes are left alone.

        Returns the number of HCPs whose stored estimate was written.
        """
        report(progress, "Reading contact history", 0.0)
        catalogue = self._segments.catalogue()
        if not catalogue:  # nothing to estimate against until the server sends segments
            return 0
        with self._store.read() as conn:
            hcp_ids = list(conn.execute(select(hcps.c.id).order_by(hcps.c.id)).scalars())
            history = load_history(
                conn, hcp_ids, today or self._store.clock.today(),
                utc_offset=self._store.clock.local_now().utcoffset(),
            )  # fmt: skip
        check(cancel)
        anchors = profiles_for(catalogue)
        fitted = refit_profiles(
            history.contacts,
            history.theme_contacts,
            anchors,
            progress=lambda msg, f: report(progress, msg, 0.1 + 0.6 * f),
            cancel=cancel,
        )
        check(cancel)
        report(progress, "Estimating each HCP's mix", 0.75)
        mixes = estimate_mixes(hcp_ids, history, catalogue, fitted)
        with self._store.read() as conn:
            kept = set(
                conn.execute(
                    select(hcp_segment_mix.c.hcp_id).where(hcp_segment_mix.c.source != ESTIMATE)
                ).scalars()
            )
        fresh = [m for m in mixes if m.hcp_id not in kept]
        check(cancel)
        report(progress, "Saving", 0.9)
        self._segments.save_estimates(fresh)
        report(progress, "Done", 1.0)
        return len(fresh)

    def weights_matrix(self, hcp_ids: list[str]) -> np.ndarray:
        """Stored weights as an N x K array in catalogue-profile order (NaN rows if none)."""
        profiles = profiles_for(self._segments.catalogue())
        stored = self._segments.all_mixes()
        out = np.full((len(hcp_ids), profiles.k), np.nan)
        for n, hcp_id in enumerate(hcp_ids):
            mix = stored.get(hcp_id)
            if mix is not None:
                out[n] = [mix.weights.get(s, 0.0) for s in profiles.segment_ids]
        return out
