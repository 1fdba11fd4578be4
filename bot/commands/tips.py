"""/tips and /why: the few actions that matter most for your numbers, and the reason for each."""

from __future__ import annotations

from typing import Any

from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.ports import Reads
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Reply
from bot.domain.engine import Tip, cited, explain, recommend
from bot.domain.facts import compute_facts, facts_and_waived
from bot.domain.numbers import kept
from bot.domain.profile import Profile
from bot.domain.rules import CATEGORIES
from bot.i18n import gettext as _
from bot.i18n import lazy

HISTORY = 104
#: What /tips and /why read for the creator besides their settings (trends: every snapshot).
READS = Reads(history=HISTORY, videos=True, audience=True, payouts=True)


async def profile_of(ctx: CommandContext) -> Profile:
    read = await ctx.read(READS)
    settings = await ctx.store.get_settings(ctx.user.id)
    assert read.history is not None and read.videos is not None and read.audience is not None
    assert read.payouts is not None
    history = tuple(read.history)
    return Profile(settings, history[-1] if history else None, history, tuple(read.videos),
                   read.audience, tuple(read.payouts))


def tip_view(t: Tip) -> dict[str, Any]:
    return {"id": t.id, "category": t.category, "title": t.title, "advice": t.advice,
            "why": t.why, "source": t.source}


@command(
    "tips",
    summary="What to do next, ranked for your numbers: /tips, /tips all, /tips category:trends",
    help=lazy("Ranks advice rules against your latest numbers and trend and shows the top 3, "
              "one per topic. /tips all lists every tip that applies; /tips category:<name> "
              "only one topic (%(topics)s). /why <tip-id> explains a tip.",
              topics=", ".join(c for c in CATEGORIES if c != "starter")),
    args=(
        ArgSpec("all", ArgType.FLAG, "Every tip that applies, not just the top 3.", "all"),
        ArgSpec("category", ArgType.CHOICE, "Only tips on this topic.", "category:trends",
                choices=tuple(c for c in CATEGORIES if c != "starter"), aliases=("topic",)),
    ),
    examples=("/tips", "/tips all", "/tips category:brand-deals"),
    personal=True,
    group="advice",
    reads=READS,
    strategies=("rates", "rules"),
)
async def tips(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    profile = await profile_of(ctx)
    facts = compute_facts(profile, ctx.services.rates, ctx.clock.now())
    limit = None if args.get("all") or args.get("category") else 3
    # /tips: the best of each topic; "all": every tip that applies, so each one a
    # category view shows is in it too
    found = recommend(ctx.services.catalogue, facts, limit=limit,
                      category=args.get("category"), per_category=not args.get("all"))
    actions: tuple[Action, ...] = ()
    if found:
        actions = (Action(_("Why this tip?"), f"/why {found[0].id}", choice=False),)
        if limit is not None:
            actions = (Action(_("More tips"), "/tips all", choice=False), *actions)
    return Reply("tips", {"tips": [tip_view(t) for t in found], "all": limit is None,
                          "category": args.get("category"), "new": profile.latest is None},
                 actions=actions, title=_("Your next moves"))


@command(
    "why",
    summary="Why you see a tip, with the numbers that triggered it: /why <tip-id>",
    help="Explains a tip from /tips: the reason, the numbers I checked and the source.",
    args=(ArgSpec("tip", ArgType.TEXT, "The tip's id, shown under each tip.",
                  "tip=content-fix-the-hook", positional=True, required=True),),
    examples=("/why content-fix-the-hook",),
    personal=True,
    group="advice",
    reads=READS,
    strategies=("rates", "rules"),
)
async def why(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    tip_id = str(args["tip"]).strip().lower()
    profile = await profile_of(ctx)
    facts = facts_and_waived(profile, ctx.services.rates, ctx.clock.now())
    result = explain(ctx.services.catalogue, facts.values, tip_id, facts.waived)
    if result is None:
        raise ArgError(_("There is no tip called '%(tip)s'. The ids are shown under each tip "
                         "in /tips.", tip=kept(tip_id)), arg="tip")
    return Reply("why", {"tip": {
        "id": result.tip_id, "title": result.title, "category": result.category,
        "why": result.why, "source": result.source, "citations": cited(result.source),
        "applies": result.applies,
        "checks": [{"fact": c.fact, "value": c.value, "held": c.held, "text": c.text}
                   for c in result.checks]}})
