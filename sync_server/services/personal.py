"""A rep's own records: visit plans, suggestion feedback, segment-mix corrections; and
the coaching comments a manager leaves for one of their reps.

Visit plans merge field by field in server order: each update carries only the fields
its device changed, applied onto whatever the server holds now, so edits to different
fields from two devices both survive and a same-field edit goes to the later push.
Suggestion feedback is append-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fieldrep.sync.protocol import (
    CoachingCommentData,
    Entity,
    Mutation,
    Op,
    SegmentMixData,
    SuggestionFeedbackData,
    VisitPlanData,
)
from sync_server.errors import Rejected
from sync_server.models import CallNote, CoachingComment, SegmentMix, SuggestionFeedback, VisitPlan
from sync_server.services import changelog, prefetch
from sync_server.services.callers import MANAGER, REP, Caller, user_scope, utcnow
from sync_server.services.hcps import accessible_hcp
from sync_server.services.outcome import Outcome
from sync_server.services.wire import validated


def with_owner(data: dict[str, Any], owner: str) -> dict[str, Any]:
    """A plan or a feedback record as the feed carries it: with whose it is (`owner`), so
    a manager's device can tell the team's records apart (the server keeps it in a
    column; devices ignore a field they have no column for)."""
    return {**data, "owner": owner}


def _require_rep(caller: Caller, what: str) -> None:
    if caller.role != REP:
        raise Rejected(f"Only reps record {what}.")


def apply_visit_plan(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    _require_rep(caller, "visit plans")
    plan = prefetch.lookup(session, VisitPlan, mutation.entity_id)
    if mutation.op == Op.CREATE:
        data = validated(VisitPlanData, mutation.fields, "visit plan")
        if plan is not None:
            if plan.owner == caller.username and plan.data == data:
                return Outcome(plan.version)
            raise Rejected(
                f"Visit plan '{mutation.entity_id}' cannot be created: the id is in use."
            )
        accessible_hcp(session, caller, data["hcp_id"])
        plan = VisitPlan(
            id=mutation.entity_id, owner=caller.username, hcp_id=data["hcp_id"], version=1,
            data=data, updated_at=utcnow(),
        )  # fmt: skip
        prefetch.added(session, plan, plan.id)
        op = Op.CREATE
    else:
        if plan is None or plan.owner != caller.username:
            raise Rejected(
                f"Visit plan '{mutation.entity_id}' is not on the server under your name."
            )
        if mutation.op == Op.DELETE:
            plan.version += 1
            changelog.record(
                session, entity=Entity.VISIT_PLAN, entity_id=plan.id, op=Op.DELETE,
                scope=user_scope(plan.owner), version=plan.version, data=None,
            )  # fmt: skip
            prefetch.removed(session, plan, plan.id)
            return Outcome(plan.version)
        data = validated(VisitPlanData, {**plan.data, **mutation.fields}, "visit plan")
        if data == plan.data:
            return Outcome(plan.version)
        if data["hcp_id"] != plan.hcp_id:
            accessible_hcp(session, caller, data["hcp_id"])
        plan.data = data
        plan.hcp_id = data["hcp_id"]
        plan.version += 1
        plan.updated_at = utcnow()
        op = Op.UPDATE
    changelog.record(
        session, entity=Entity.VISIT_PLAN, entity_id=plan.id, op=op,
        scope=user_scope(plan.owner), version=plan.version, data=with_owner(plan.data, plan.owner),
    )  # fmt: skip
    return Outcome(plan.version)


def apply_feedback(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    _require_rep(caller, "suggestion feedback")
    if mutation.op != Op.CREATE:
        raise Rejected("Suggestion feedback is append-only: record a new decision instead.")
    data = validated(SuggestionFeedbackData, mutation.fields, "suggestion feedback")
    existing = prefetch.lookup(session, SuggestionFeedback, mutation.entity_id)
    if existing is not None:
        if existing.owner == caller.username and existing.data == data:
            return Outcome(1)
        raise Rejected(f"Feedback '{mutation.entity_id}' cannot be created: the id is in use.")
    accessible_hcp(session, caller, data["hcp_id"])
    prefetch.added(
        session,
        SuggestionFeedback(
            id=mutation.entity_id,
            owner=caller.username,
            hcp_id=data["hcp_id"],
            data=data,
            created_at=utcnow(),
        ),
        mutation.entity_id,
    )  # fmt: skip
    changelog.record(
        session, entity=Entity.SUGGESTION_FEEDBACK, entity_id=mutation.entity_id, op=Op.CREATE,
        scope=user_scope(caller.username), version=1, data=with_owner(data, caller.username),
    )  # fmt: skip
    return Outcome(1)


def apply_segment_mix(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    """A rep's correction of one HCP's mix; the entity id is the HCP id."""
    _require_rep(caller, "segment corrections")
    hcp_id = mutation.entity_id
    mix = prefetch.lookup(session, SegmentMix, (hcp_id, caller.username))
    if mutation.op == Op.DELETE:
        if mix is None:
            return Outcome(None)
        mix.version += 1
        changelog.record(
            session, entity=Entity.SEGMENT_MIX, entity_id=hcp_id, op=Op.DELETE,
            scope=user_scope(caller.username), version=mix.version, data=None,
        )  # fmt: skip
        prefetch.removed(session, mix, (hcp_id, caller.username))
        return Outcome(mix.version)
    data = validated(SegmentMixData, {**mutation.fields, "hcp_id": hcp_id}, "segment mix")
    if sum(data["weights"].values()) <= 0:
        raise Rejected("Invalid segment mix: at least one weight must be above zero.")
    accessible_hcp(session, caller, hcp_id)
    if mix is None:
        mix = SegmentMix(
            hcp_id=hcp_id, owner=caller.username, version=1, data=data, updated_at=utcnow()
        )
        prefetch.added(session, mix, (hcp_id, caller.username))
        op = Op.CREATE
    else:
        if mix.data == data:
            return Outcome(mix.version)
        mix.data = data
        mix.version += 1
        mix.updated_at = utcnow()
        op = Op.UPDATE
    changelog.record(
        session, entity=Entity.SEGMENT_MIX, entity_id=hcp_id, op=op,
        scope=user_scope(caller.username), version=mix.version, data=data,
    )  # fmt: skip
    return Outcome(mix.version)


def apply_coaching_comment(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    """A manager's comment or field-coaching visit for one of their reps (create), or the
    rep's acknowledgement of it (update); visible to that rep and their manager."""
    if mutation.op == Op.UPDATE:
        return _acknowledge_coaching(session, caller, mutation)
    if caller.role != MANAGER:
        raise Rejected("Only a rep's manager can leave coaching comments.")
    if mutation.op != Op.CREATE:
        raise Rejected("Coaching comments cannot be deleted once sent; add a new comment.")
    fields = {**mutation.fields}
    fields.setdefault("author", caller.username)
    if fields["author"] != caller.username:
        raise Rejected("You can only comment under your own name.")
    data = validated(CoachingCommentData, fields, "coaching comment")
    if data["acknowledged_at"] is not None:
        raise Rejected("A coaching comment is acknowledged by its rep, not by its author.")
    if data["kind"] == "field_visit" and (data["day"] is None or not data["skills"]):
        raise Rejected("A field-coaching visit needs its day and at least one rated skill.")
    rep = data["rep_username"]
    if rep not in caller.team:
        raise Rejected(f"'{rep}' is not in your team.")
    note_id = data["call_note_id"]
    if note_id is not None:
        note = session.get(CallNote, note_id)
        if note is None or note.author != rep:
            raise Rejected(f"Call note '{note_id}' is not one of {rep}'s notes.")
    existing = session.get(CoachingComment, mutation.entity_id)
    if existing is not None:
        if existing.author == caller.username and existing.data == data:
            return Outcome(1)
        raise Rejected(
            f"Coaching comment '{mutation.entity_id}' cannot be created: the id is in use."
        )
    session.add(
        CoachingComment(
            id=mutation.entity_id,
            rep_username=rep,
            author=caller.username,
            data=data,
            created_at=utcnow(),
        )  # fmt: skip
    )
    session.flush()
    changelog.record(
        session, entity=Entity.COACHING_COMMENT, entity_id=mutation.entity_id, op=Op.CREATE,
        scope=user_scope(rep), version=1, data=data,
    )  # fmt: skip
    return Outcome(1)


def _acknowledge_coaching(session: Session, caller: Caller, mutation: Mutation) -> Outcome:
    """Only the rep a comment is addressed to acknowledges it, once (a replay or a second
    device keeps the first time). Version 1 is the comment as sent, 2 acknowledged."""
    comment = session.get(CoachingComment, mutation.entity_id)
    if comment is None or comment.rep_username != caller.username:
        raise Rejected("Only the rep a coaching comment is addressed to can acknowledge it.")
    if set(mutation.fields) != {"acknowledged_at"}:
        raise Rejected("A coaching comment cannot be changed; it can only be acknowledged.")
    data = validated(CoachingCommentData, {**comment.data, **mutation.fields}, "coaching comment")
    if comment.data.get("acknowledged_at") is not None:
        return Outcome(2)
    comment.data = data
    changelog.record(
        session, entity=Entity.COACHING_COMMENT, entity_id=comment.id, op=Op.UPDATE,
        scope=user_scope(comment.rep_username), version=2, data=data,
    )  # fmt: skip
    return Outcome(2)
