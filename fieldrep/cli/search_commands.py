"""`fieldrep search`: the HCP list's search, best match first, for scripts and support."""

from __future__ import annotations

import argparse

from fieldrep.cli.context import CommandContext, print_json
from fieldrep.domain.hcp import SearchHit

DEFAULT_LIMIT = 20


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "search",
        help="find HCPs by name, alternate name, title, id, NPI, postcode, practice, city, "
        "specialty or call notes; best match first",
    )
    p.add_argument("text", nargs="+", help="what to look for (several words: all must match)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--limit",
        type=_positive,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N (default {DEFAULT_LIMIT})",
    )
    p.set_defaults(handler=cmd_search)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def hit_record(hit: SearchHit) -> dict[str, object]:
    h = hit.hcp
    return {
        "id": h.id,
        "name": h.name,
        "title": h.title,
        "specialty": h.specialty,
        "organisation": h.organisation,
        "city": h.city,
        "tier": h.tier,
        "last_contact": h.last_contact,
        "open_follow_ups": h.open_follow_ups,
        "matched": hit.matched,
    }


def cmd_search(ctx: CommandContext) -> int:
    text = " ".join(ctx.args.text)
    with ctx.open_workspace() as ws:
        hits = ws.hcps.search_hits(text, limit=ctx.args.limit)
    if ctx.args.json:
        print_json([hit_record(hit) for hit in hits])
        return 0
    if not hits:
        print(f"No HCPs match '{text}'.")
        return 0
    for hit in hits:
        h = hit.hcp
        name = f"{h.title} {h.name}".strip()
        print(f"{h.id}  {name} · {h.specialty} · {h.organisation}, {h.city}  ({hit.matched})")
    return 0
