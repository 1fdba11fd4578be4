"""/payout: what you actually earned, so your estimate uses your own rates."""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any

from bot.commands.estimate import stored_route
from bot.commands.keys import confirms
from bot.commands.metrics import parse_held_key
from bot.commands.settings import normalize_currency
from bot.core.args import ArgError
from bot.core.context import CommandContext
from bot.core.csv_import import EARLIEST
from bot.core.fieldnames import typed_example
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Action, Reply
from bot.domain import numbers
from bot.domain.metrics import held_key
from bot.domain.numbers import (
    compact,
    items,
    money_exact,
    money_fine,
    money_range,
    month,
    punct,
    whole,
)
from bot.domain.payouts import KINDS, ROUTE_NAMES, Payout
from bot.domain.ratecard import PRICE_MINIMUM
from bot.domain.refusals import Refusal
from bot.i18n import N_, ngettext, translate
from bot.i18n import gettext as _

#: Plausibility limits (USD): the highest Creator Rewards figures reported are about $8 per
#: 1,000 views (creator-hero.com, 2024); a diamond is 2 coins, at most about $0.028 of gift
#: value (coins cost $0.0105–0.0139, calculatecreator.com). Above these, a payout is a typo.
HIGHEST_REPORTED_RPM_USD = 8.0
MAX_RPM_USD = 20.0
MAX_DIAMOND_USD = 0.03


#: The last year a payout's month may be in (a later one is a typo).
LATEST_YEAR = 2100
#: The command lines refusals show on their "Example:" line (as the creator types them).
REWARDS_EXAMPLE = "/payout rewards=412 views=610k"
DIAMONDS_EXAMPLE = "/payout diamonds=120k cashed=480"


def normalize_month(text: str) -> str:
    """``2026-10`` / ``2026-1`` -> ``2026-10`` / ``2026-01``; ValueError with the sentence to
    show: not a year and month, or one outside :data:`~bot.core.csv_import.EARLIEST` (no
    TikTok payouts before) to :data:`LATEST_YEAR`, saying the bound."""
    value = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Refusal(_("month is a year and month like 2026-10 (you typed '%(text)s').",
                        text=numbers.kept(text)))
    if not EARLIEST.year <= int(m.group(1)) <= LATEST_YEAR:
        raise Refusal(_("month must be from %(earliest)s to %(latest)s (you typed "
                        "'%(text)s').", earliest=f"{EARLIEST.year}-01",
                        latest=f"{LATEST_YEAR}-12", text=numbers.kept(text)))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def payout_view(p: Payout, zone: tzinfo) -> dict[str, Any]:
    """A payout for templates and --json: plain numbers, plus words for the reply;
    ``recorded_at``: when it was logged, on the creator's clock (``zone``: their time zone),
    so the date shown is theirs, never UTC's."""
    detail = []
    if p.views:
        detail.append(ngettext("for %(views)s view", "for %(views)s views", whole(p.views),
                               views=compact(p.views)))
    if p.diamonds:
        detail.append(ngettext("for %(diamonds)s diamond", "for %(diamonds)s diamonds",
                               whole(p.diamonds), diamonds=compact(p.diamonds)))
    if p.route == "brand_deals":
        detail.append(_("per video"))
    if p.month:
        detail.append(month(p.month))
    return {"route": p.route, "name": translate(ROUTE_NAMES[p.route]), "amount": p.amount,
            "currency": p.currency, "month": p.month, "views": p.views,
            "diamonds": p.diamonds, "recorded_at": p.recorded_at.astimezone(zone).isoformat(),
            "shown": money_exact(p.amount, p.currency), "detail": punct(", ").join(detail)}


def _same(a: Payout, b: Payout) -> bool:
    """Whether two payouts are the same one logged twice: route, amount, currency, month,
    views and diamonds all equal."""
    return (a.route, a.amount, a.currency, a.month, a.views, a.diamonds) == \
        (b.route, b.amount, b.currency, b.month, b.views, b.diamonds)


def _money(name: str, help_: str, example: str, minimum: float = 0) -> ArgSpec:
    return ArgSpec(name, ArgType.NUMBER, help_, example, minimum=minimum, maximum=1e9)


@command(
    "payout",
    summary="Log what you actually earned: /payout rewards=412 views=610k month=2026-10",
    help=("Records a real payout so /estimate uses your own rate instead of the typical one. "
          "A range narrows only as far as that rate made it wide: a brand fee sets your price "
          "per video, and brand fees logged with their month set how many deals a month you "
          "get (without one that stays an assumed range, not counted in 'now'). "
          "Creator Rewards: rewards=<amount> views=<views it paid for>. "
          "LIVE: diamonds=<diamonds> cashed=<amount>. Brand deal: brand=<price> per=video "
          "month=<YYYY-MM>. "
          "Affiliate: affiliate=<commission> month=<YYYY-MM>. Amounts are in your currency "
          "(/settings currency=EUR) unless you add currency=. Without arguments it lists your "
          "payouts, numbered; remove=N deletes number N. The same payout twice (route, amount, "
          "month) is asked about first: add confirm to save it again. They are in /export and "
          "deleted by /forget."),
    args=(
        _money("rewards", N_("A Creator Rewards payout."), "rewards=412"),
        ArgSpec("views", ArgType.COUNT, "The views that payout was for.", "views=610k",
                minimum=1, maximum=1e12),
        ArgSpec("diamonds", ArgType.COUNT, "Diamonds you cashed out.", "diamonds=120k",
                minimum=1, maximum=1e12),
        _money("cashed", N_("What those diamonds paid."), "cashed=480"),
        # (a price: the rate card's one minimum, as /ratecard video= reads it)
        _money("brand", N_("What one sponsored video paid."), "brand=350", PRICE_MINIMUM),
        ArgSpec("per", ArgType.CHOICE, "What the brand amount is for.", "per=video",
                choices=("video",)),
        _money("affiliate", N_("A month's affiliate commission."), "affiliate=220"),
        ArgSpec("month", ArgType.TEXT, "The month it was for.", "month=2026-10",
                normalize=normalize_month),
        ArgSpec("currency", ArgType.TEXT, "The currency of the amount.", "currency=EUR",
                normalize=normalize_currency),
        ArgSpec("remove", ArgType.COUNT, "Delete payout number N of the /payout list.",
                "remove=2", minimum=1, maximum=10_000, thousands=False),
        ArgSpec("confirm", ArgType.FLAG, "Save a payout that repeats one already logged.",
                "confirm"),
        ArgSpec("key", ArgType.TEXT, "Which held-back payout the confirm is for (set by the "
                "confirm line I show).", "key=3fa9c2d1", normalize=parse_held_key),
    ),
    examples=("/payout rewards=412 views=610k month=2026-10", DIAMONDS_EXAMPLE,
              "/payout brand=350 per=video", "/payout affiliate=220 month=2026-10",
              "/payout", "/payout remove=2"),
    personal=True,
    group="money",
    strategies=("rates",),
)
async def payout(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    given = [k for k in KINDS if k in args]
    if "remove" in args:
        if len(args) > 1:
            raise ArgError(_("remove= goes alone: /payout remove=2 (see the numbers in /payout)."),
                           arg="remove")
        listed = await ctx.store.payouts(ctx.user.id)
        number = int(args["remove"])
        if number > len(listed):
            raise ArgError(ngettext("You have %(num)s payout logged, so there is no number "
                                    "%(number)s: see /payout.",
                                    "You have %(num)s payouts logged, so there is no number "
                                    "%(number)s: see /payout.", len(listed), number=number),
                           arg="remove")
        gone = listed[number - 1]
        assert gone.id is not None
        await ctx.store.remove_payout(ctx.user.id, gone.id)
        zone = (await ctx.store.get_settings(ctx.user.id)).zone
        return Reply("payout_removed", {"payout": payout_view(gone, zone), "number": number,
                                        "left": len(listed) - 1})
    if not given:
        if "cashed" in args:
            raise ArgError(_("cashed= goes with diamonds=."), arg="diamonds", example="120k",
                           usage=typed_example(DIAMONDS_EXAMPLE))
        if args:
            raise ArgError(_("Say which payout it was: rewards=, diamonds=, brand= or "
                             "affiliate=."), arg=next(iter(args)),
                           usage=typed_example(REWARDS_EXAMPLE))
        listed = await ctx.store.payouts(ctx.user.id)
        zone = (await ctx.store.get_settings(ctx.user.id)).zone
        shown = [payout_view(p, zone) for p in listed]
        return Reply("payouts", {"payouts": shown}, data={"payouts": shown})
    if len(given) > 1:
        raise ArgError(_("One payout at a time: you gave %(given)s.",
                         given=items(given)), arg=given[1])
    kind = given[0]
    settings = await ctx.store.get_settings(ctx.user.id)
    currency = args.get("currency") or settings.currency
    if currency not in ctx.services.currencies:
        supported = items(sorted(ctx.services.currencies))
        raise ArgError(_("I have no exchange rate for %(currency)s; supported: %(supported)s.",
                         currency=numbers.kept(currency), supported=supported),
                       arg="currency", example="EUR")
    views = diamonds = None
    if kind == "rewards":
        if "views" not in args:
            raise ArgError(_("Say which views it paid for, so I can work out your rate."),
                           arg="views", example="610k",
                           usage=typed_example(REWARDS_EXAMPLE))
        views, amount = float(args["views"]), float(args["rewards"])
    elif kind == "diamonds":
        if "cashed" not in args:
            raise ArgError(_("Say what the diamonds paid."), arg="cashed", example="480",
                           usage=typed_example(DIAMONDS_EXAMPLE))
        diamonds, amount = float(args["diamonds"]), float(args["cashed"])
    else:
        amount = float(args[kind])
    if amount <= 0:
        raise ArgError(_("A payout is an amount above zero: log what you were actually paid."),
                       arg=kind)
    paid = args.get("month")
    this_month = settings.local(ctx.clock.now()).strftime("%Y-%m")  # the creator's, not UTC's
    if paid is not None and paid > this_month:
        raise ArgError(_("%(month)s hasn't happened yet: log a payout you have received.",
                         month=month(paid)),
                       arg="month", example=this_month)
    usd = ctx.services.rates.currencies.to_usd(amount, currency)
    if views is not None and usd / views * 1000 > MAX_RPM_USD:
        rpm = money_range(amount / views * 1000, amount / views * 1000, currency)
        raise ArgError(_("That is %(rpm)s per %(thousand)s views, far above the highest "
                         "creator reports (about %(highest)s); check the amount and the views.",
                         rpm=rpm, thousand=1000,
                         highest=numbers.usd(HIGHEST_REPORTED_RPM_USD)), arg="views")
    if diamonds is not None and usd / diamonds > MAX_DIAMOND_USD:
        raise ArgError(_("That is more than %(limit)s a diamond; a diamond pays about half a "
                         "cent. Check the diamonds and the amount.",
                         limit=numbers.usd(MAX_DIAMOND_USD)), arg="diamonds")
    new = Payout(route=KINDS[kind], amount=amount, currency=currency,
                 recorded_at=ctx.clock.now(), month=paid, views=views, diamonds=diamonds)
    # A confirm saves past the repeat check only the payout it was shown for, once: its key
    # is of every value of the line (all its arguments: per= or currency= added makes another
    # line) and of how many copies were logged when it was held (held_key, as /log's). Once it
    # saved one, the same confirm (sent again, its button tapped twice) finds one copy more:
    # another key, so it is held again, said as what it is: the key of one copy fewer is
    # the confirm that saved the latest copy, so the reply says that payout is saved already
    # (never that the confirm "didn't carry the key I showed", true of the new hold only).
    listed = await ctx.store.payouts(ctx.user.id)
    same = [i for i, p in enumerate(listed, start=1) if _same(p, new)]
    if same:
        line = {k: v for k, v in args.items() if k not in ("confirm", "key")}
        key = held_key("payout", line, {"copies": len(same)})
        if not (confirms(args) and args.get("key") == key):
            replayed = (confirms(args) and len(same) >= 2
                        and args.get("key") == held_key("payout", line,
                                                         {"copies": len(same) - 1}))
            return Reply("payout_duplicate", {"payout": payout_view(new, settings.zone),
                                              "number": same[-1],
                                              "command": ctx.typed_again(args, key=key),
                                              "replayed": replayed,
                                              "unconfirmed": confirms(args) and not replayed},
                         actions=(Action(_("Save it again"),
                                         ctx.again(args, confirm=True, key=key), "primary"),),
                         held=True)
    stored = await ctx.store.add_payout(ctx.user.id, new)
    # What /estimate now does with it, decided where /estimate decides it: used, or waiting
    # for an input (the route's waiting sentence says which; the reply repeats it word for
    # word, and nothing else its note says, such as the affiliate pilot). The payouts it read
    # (this one included) give the count: one read of them after the write, not two.
    route, payouts = await stored_route(ctx, stored.route)
    count = sum(p.route == stored.route for p in payouts)
    waiting = typed_example(route.waiting) if route.payouts_waiting and route.waiting else None
    rate = None
    if views:
        rate = money_range(amount / views * 1000, amount / views * 1000, currency)
    elif diamonds:
        rate = money_fine(amount / diamonds, currency)
    return Reply("payout_logged", {"payout": payout_view(stored, settings.zone), "count": count,
                                   "rate": rate, "waiting": waiting})
