"""What a core mutation changed, so that screens refresh only what they show.

Like Anki's `OpChanges`: every core call that writes returns a result that says which
kinds of record it touched. The caller never guesses: the UI's task manager reads the
`Changes` from the result of an op and announces them (`TaskManager.changed`); a screen
reloads when they touch what it shows. A misspelt kind is an error mypy catches, not a
screen that silently stops refreshing.

A mutation returns either `Changes` itself (nothing else to say), a `Changed[T]` (a
value and its changes: `calls.save_draft` returns the saved note), or its own result
type with a `changes` property (`PlanEdit`): anything `SaysWhatChanged`.

How a new screen subscribes (the UI side)::

    RELOAD_ON = Changes(calls=True, coaching=True, sync=True, day=True)

    class TeamPage(QWidget):
        def __init__(self, taskman: TaskManager) -> None:
            ...
            taskman.changed.connect(self._on_changed)

        def _on_changed(self, changes: Changes) -> None:
            if changes.touches(RELOAD_ON):
                self.reload()

and a new action returns its changes from the core, e.g.
`return Changed(comment, Changes(coaching=True, outbox=True))`; the op needs nothing
more (`Op(lambda ws: ws.coaching.leave(...)).run(taskman)`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Generic, Protocol, TypeVar, runtime_checkable

T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Changes:
    """One flag per kind of record (and per non-record event) a screen may show."""

    hcps: bool = False  # HCP master data or rep-owned HCP fields
    calls: bool = False  # call notes: drafts, submissions, follow-ups, conflict copies
    plans: bool = False  # visit plans: added, moved, cancelled, route order and times
    feedback: bool = False  # suggestion feedback: accept, dismiss, snooze, their undo
    segments: bool = False  # segment mixes (estimated or corrected) or the catalogue
    coaching: bool = False  # coaching comments
    catalogue: bool = False  # company data: products, messages, contact rules, goals
    adverse_events: bool = False  # adverse-event reports
    outbox: bool = False  # pending or rejected mutations (the sync badge, the inbox)
    sync: bool = False  # a sync ran or its configuration changed: anything may be new
    settings: bool = False  # the rep's preferences
    day: bool = False  # the rep's date changed (midnight, or the laptop woke up)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        )

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches(self, interest: Changes) -> bool:
        """True when any kind set here is also set in `interest` (what a screen shows)."""
        return any(getattr(self, f.name) and getattr(interest, f.name) for f in fields(self))

    @property
    def kinds(self) -> tuple[str, ...]:
        """The names of the kinds set, for logs and tests."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name))


NOTHING = Changes()


@runtime_checkable
class SaysWhatChanged(Protocol):
    """A mutation's result that carries its `Changes`."""

    @property
    def changes(self) -> Changes: ...


@dataclass(frozen=True, slots=True)
class Changed(Generic[T_co]):
    """A mutation's value together with what it changed."""

    value: T_co
    changes: Changes


def changes_of(result: object) -> Changes:
    """What a mutation's result says it changed (`NOTHING` for a plain read)."""
    if isinstance(result, Changes):
        return result
    if isinstance(result, SaysWhatChanged):
        return result.changes
    return NOTHING
