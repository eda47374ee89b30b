"""Commands for next best actions and segment hints: suggest, feedback, segments."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from fieldrep.cli.context import CommandContext, print_json
from fieldrep.domain.enums import DismissReason, parse_enum
from fieldrep.domain.errors import ValidationError
from fieldrep.usecases.suggestion_list import quiet_period_note

if TYPE_CHECKING:  # numpy loads only when a command really suggests something
    from fieldrep.nba.model import Suggestion
    from fieldrep.segments.hints import SegmentHint


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("suggest", help="today's next best actions, with reasons")
    p.add_argument("--hcp", help="only the best action for this HCP id")
    p.add_argument("--limit", type=int, default=10, help="length of the daily list (default 10)")
    p.add_argument("--blocked", action="store_true", help="with --hcp: list what rules removed")
    p.add_argument("--date", help="plan ahead: suggestions for this day (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_suggest)

    p = commands.add_parser("feedback", help="accept, dismiss or snooze a suggestion")
    p.add_argument("suggestion_id", metavar="SUGGESTION_ID")
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--accept", action="store_true")
    action.add_argument(
        "--dismiss", metavar="REASON", help=", ".join(r.value for r in DismissReason)
    )
    action.add_argument("--snooze-until", metavar="DATE", help="YYYY-MM-DD, after today")
    p.set_defaults(handler=cmd_feedback)

    p = commands.add_parser("segments", help="an HCP's segment mix, confidence and evidence")
    p.add_argument("--hcp", help="HCP id")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SEGMENT=WEIGHT",
        help="correct the mix (repeat per segment); the correction wins and syncs",
    )
    p.add_argument("--refit", action="store_true", help="re-estimate every HCP's mix")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cmd_segments)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"'{text}' is not a date; use YYYY-MM-DD.") from None


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.id,
        "hcp_id": s.hcp_id,
        "hcp_name": s.hcp_name,
        "channel": s.channel.value,
        "message_id": s.message_id,
        "message_title": s.message_title,
        "due": s.due.isoformat(),
        "expires": s.expires.isoformat(),
        "score": s.score,
        "chance": s.chance,
        "reasons": list(s.reasons),
        "exploratory": s.exploratory,
        "data_as_of": s.data_as_of.isoformat(),
    }


def _print_suggestion(s: Suggestion) -> None:
    flag = " [exploratory]" if s.exploratory else ""
    message = f" - {s.message_title}" if s.message_title else ""
    print(f"{s.hcp_name} ({s.hcp_id}): {s.channel.label}{message}{flag}")
    print(f"  score {s.score:.3f}; due {s.due}, expires {s.expires}; data up to {s.data_as_of}")
    if s.chance_text:
        print(f"  {s.chance_text}")
    for reason in s.reasons:
        print(f"  - {reason}")
    print(f"  id: {s.id}")


def cmd_suggest(ctx: CommandContext) -> int:
    args = ctx.args
    if args.blocked and not args.hcp:
        raise ValidationError("--blocked needs --hcp ID.")
    day = _date(args.date) if args.date else None
    with ctx.open_workspace() as ws:
        if args.hcp:
            best = ws.suggestions.for_hcp(args.hcp, today=day)
            items = [best] if best else []
            blocks = ws.suggestions.blocked_for_hcp(args.hcp, today=day) if args.blocked else []
        else:
            items = ws.suggestions.daily_list(limit=args.limit, today=day)
            blocks = []
        # as Today and the Suggestions page say it (not "every channel is blocked")
        quiet = quiet_period_note(ws.suggestions, day or ws.clock.today())
    if args.json:
        payload: Any = [suggestion_json(s) for s in items]
        if args.blocked:
            payload = {
                "suggestions": payload,
                "blocked": [
                    {"channel": b.channel.value, "rule": b.rule, "explanation": b.explanation}
                    for b in blocks
                ],
            }
        print_json(payload)
        return 0
    if not items:
        print(quiet or "No suggestion: every channel is blocked by a rule (see --blocked).")
    for s in items:
        _print_suggestion(s)
    for b in blocks:
        print(f"blocked {b.channel.value}: {b.explanation} [{b.rule}]")
    return 0


def cmd_feedback(ctx: CommandContext) -> int:
    args = ctx.args
    with ctx.open_workspace() as ws:
        s = ws.suggestions.resolve(args.suggestion_id)
        if args.accept:
            ws.suggestions.accept(s)
            done = "Accepted"
        elif args.dismiss:
            reason = parse_enum(DismissReason, args.dismiss, "dismiss reason")
            ws.suggestions.dismiss(s, reason)
            done = f"Dismissed ({reason.value})"
        else:
            until = _date(args.snooze_until)
            ws.suggestions.snooze(s, until)
            done = f"Snoozed until {until.isoformat()}"
    print(f"{done}: {s.channel.label} for {s.hcp_name}.")
    return 0


def hint_json(hint: SegmentHint) -> dict[str, Any]:
    return {
        "hcp_id": hint.mix.hcp_id,
        "weights": dict(sorted(hint.mix.weights.items(), key=lambda kv: -kv[1])),
        "top": [{"segment": seg.id, "name": seg.name, "weight": w} for seg, w in hint.top],
        "confidence": hint.confidence,
        "evidence": list(hint.evidence),
        "source": hint.source,
        "tips": {seg.id: list(seg.tips) for seg, _ in hint.top},
    }


def _weights(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValidationError(f"'{pair}' should look like evidence_seeker=0.6.") from None
    return out


def cmd_segments(ctx: CommandContext) -> int:
    args = ctx.args
    if not args.hcp and not args.refit:
        raise ValidationError("Give --hcp ID (or --refit to re-estimate every HCP).")
    with ctx.open_workspace() as ws:
        if args.refit:
            count = ws.segment_hints.refit()
            if not args.hcp:
                print(f"Re-estimated the segment mix of {count} HCPs.")
                return 0
        if args.set:
            hint = ws.segment_hints.correct(args.hcp, _weights(args.set)).value
        else:
            hint = ws.segment_hints.for_hcp(args.hcp)
    if args.json:
        print_json(hint_json(hint))
        return 0
    print(f"{hint.mix.hcp_id}: confidence {hint.confidence:.0%} (source: {hint.source})")
    for seg, w in hint.top:
        print(f"  {seg.name} {w:.0%} - tone: {seg.tone}")
    for line in hint.evidence:
        print(f"  - {line}")
    return 0
