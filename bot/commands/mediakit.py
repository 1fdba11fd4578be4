"""/ratecard and /mediakit: what to charge a brand, and the one page to send them."""

from __future__ import annotations

import asyncio
from typing import Any

from bot import i18n
from bot.commands.metrics import HISTORY_FOR_TRENDS
from bot.core.context import CommandContext
from bot.core.registry import ArgSpec, ArgType, command
from bot.core.types import Attachment, Reply, Visibility
from bot.domain.estimator import compare_engagement, estimate, rates_note
from bot.domain.mediakit import build_kit, snapshot_origin
from bot.domain.metrics import MetricSnapshot
from bot.domain.numbers import price_value
from bot.domain.ratecard import (
    DELIVERABLES,
    PRICE_MINIMUM,
    Price,
    RateCard,
    rate_card,
    shown,
)
from bot.domain.videos import views_per_video
from bot.i18n import N_
from bot.i18n import gettext as _
from bot.render.mediakit import render_kit

PIN_HELP = {  # (N_: extracted here, translated where the help is shown)
    "video": N_("Your price for one sponsored video."),
    "link": N_("Your price for a video plus a link in your bio."),
    "live": N_("Your price for a brand mention during a LIVE."),
    "bundle": N_("Your price for three videos."),
    "usage": N_("Your price for 30 days of paid usage rights."),
}


async def current_card(ctx: CommandContext) -> tuple[RateCard, MetricSnapshot | None, bool]:
    """The caller's rate card in their currency, their latest snapshot, and whether an amount
    on the card was converted into that currency (from the market's US dollars, or a price or
    fee in another currency): only then does a reply name the exchange rates' day."""
    rates = ctx.services.rates
    latest = await ctx.store.latest_snapshot(ctx.user.id)
    settings = await ctx.store.get_settings(ctx.user.id)
    payouts = await ctx.store.payouts(ctx.user.id)
    history = await ctx.store.history(ctx.user.id, limit=HISTORY_FOR_TRENDS)
    result = estimate(latest or MetricSnapshot.empty(ctx.clock.now()), settings, rates,
                      payouts=payouts, videos=await ctx.store.videos(ctx.user.id),
                      explain=False, hints=False, history=history,
                      today=settings.today(ctx.clock.now()))
    currency = result.currency

    def converted(amount: float, from_currency: str) -> float:
        """``amount`` in the card's currency: a whole amount (€400) converted as a price is
        shown ($464, not $463.82: it had no cents to keep), one with cents to the cent."""
        if from_currency == currency or from_currency not in rates.currencies.per_eur:
            return amount
        out = rates.currencies.from_usd(rates.currencies.to_usd(amount, from_currency),
                                        currency)
        return price_value(out, currency) if float(amount).is_integer() else out

    pins = await ctx.store.pinned_prices(ctx.user.id)
    pinned = {p.deliverable: converted(p.amount, p.currency) for p in pins}
    brand_fees = [p for p in payouts if p.route == "brand_deals"]
    fees = [converted(p.amount, p.currency) for p in brand_fees]
    brand = result.route("brand_deals")
    card = rate_card(brand, rates.brand_deals.add_ons, pinned, currency, fees)
    # which amounts were converted: a pinned price or a fee in another currency, and the
    # market's (US dollar) estimate of the video, with the lines priced from it
    foreign = {p.deliverable for p in pins if p.currency != currency}
    if "video" in pinned:
        video_converted = "video" in foreign
    elif fees:
        video_converted = any(p.currency != currency for p in brand_fees)
    else:
        video_converted = brand.per_video is not None and currency != "USD"
    was_converted = any(
        p.known and (p.key in foreign if p.mine else
                     video_converted)
        for p in card.prices)
    return card, latest, was_converted


def _price(p: Price, currency: str) -> dict[str, Any]:
    return {"key": p.key, "label": p.label, "shown": shown(p, currency), "mine": p.mine,
            "how": p.how, "hint": p.hint, "low": p.low, "typical": p.typical, "high": p.high}


@command(
    "ratecard",
    summary="What to charge a brand, per deliverable: /ratecard or /ratecard video=450",
    help=("Prices for one sponsored video, a video plus link in bio, a LIVE mention, a "
          "three-video bundle and 30 days of paid usage rights, as P10–P90 ranges from your "
          "numbers and sourced market rates, or from your own brand fees once you log them "
          "(/payout brand=350 per=video). Pin your own price with video=, link=, live=, "
          "bundle= or usage= (in your currency); clear removes your prices (with new ones: "
          "replaces them all)."),
    args=(*(ArgSpec(key, ArgType.NUMBER, PIN_HELP[key], f"{key}=450", minimum=PRICE_MINIMUM,
                    maximum=1e8)
            for key in DELIVERABLES),
          ArgSpec("clear", ArgType.FLAG, "Remove the prices you set.", "clear"),
          ArgSpec("public", ArgType.FLAG, "Post the card where everyone in the chat sees it.",
                  "public")),
    examples=("/ratecard", "/ratecard video=450", "/ratecard video=450 usage=300",
              "/ratecard clear"),
    personal=True,
    group="money",
    strategies=("rates",),
)
async def ratecard(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    pins: dict[str, float] = {k: float(args[k]) for k in DELIVERABLES if k in args}
    if args.get("clear"):  # with prices: these replace every earlier one
        await ctx.store.unpin_prices(ctx.user.id)
    if pins:
        settings = await ctx.store.get_settings(ctx.user.id)
        currency = (settings.currency if settings.currency in ctx.services.rates.currencies
                    .per_eur else "USD")
        await ctx.store.pin_prices(ctx.user.id, pins, currency, ctx.clock.now())
    card, _kit, was_converted = await current_card(ctx)
    prices = [_price(p, card.currency) for p in card.prices]
    return Reply(
        "ratecard",
        {"currency": card.currency, "prices": prices, "mine": list(card.mine),
         "changed": sorted(pins), "cleared": bool(args.get("clear")),
         "payouts_used": card.payouts_used, "p10_p90": card.p10_p90,
         # prices converted from USD (market rates) or another currency: the rates' day
         "rates_note": rates_note(ctx.services.rates.currencies, card.currency)
         if was_converted else None},
        title=_("Your rate card"),
        visibility=Visibility.PUBLIC if args.get("public") else None,
        data={"currency": card.currency, "prices": prices},
    )


@command(
    "mediakit",
    summary="Your one-page media kit for brands, as PNG and PDF",
    help=("Draws a one-page media kit for brands from what you logged and imported: handle "
          "and niche, followers and growth over 30 and 90 days, views per video, engagement "
          "against published benchmarks, audience countries and gender, top videos and your "
          "rate card, each number with where it came from. Sent as a picture for chat and a "
          "PDF for email, privately; add public to post it in the chat."),
    args=(ArgSpec("public", ArgType.FLAG, "Post the kit where everyone in the chat sees it.",
                  "public"),),
    examples=("/mediakit", "/mediakit public"),
    personal=True,
    group="money",
    strategies=("rates",),
)
async def mediakit(ctx: CommandContext, args: dict[str, Any]) -> Reply:
    uid = ctx.user.id
    card, latest, was_converted = await current_card(ctx)
    settings = await ctx.store.get_settings(uid)
    # each import named by what it was (TikTok Studio's files, or the creator's own CSV)
    studio_actions = {r.action for r in await ctx.store.studio_imports(uid)}
    entries = [(e.snapshot, snapshot_origin(e.source, e.action, studio_actions))
               for e in await ctx.store.entries(uid)]
    videos = await ctx.store.videos(uid)
    if not entries and not videos:
        return Reply("no_metrics", {"command": "mediakit"})
    audience = await ctx.store.audience(uid)
    engagement = None if latest is None else compare_engagement(
        latest, ctx.services.rates, [s for s, _source in entries],
        views_per_video(latest, videos))
    now = ctx.clock.now()
    kit = build_kit(settings, entries, videos, audience, engagement, card, now, latest)
    files = await asyncio.to_thread(render_kit, kit)  # matplotlib is CPU-bound
    stem = f"mediakit-{(settings.handle or 'creator').lstrip('@')}-{settings.file_stamp(now)}"
    language = i18n.current()
    if language != i18n.SOURCE:  # a kit in another language never replaces the English one
        stem += f"-{language}"
    return Reply(
        "mediakit",
        {"handle": kit.handle, "todo": list(kit.todo), "sources": kit.provenance,
         # the kit's rate card, converted from USD or another currency: the rates' day
         "rates_note": rates_note(ctx.services.rates.currencies, card.currency)
         if was_converted else None,
         "updated": None if kit.updated is None else kit.updated.isoformat()},
        attachments=(Attachment(f"{stem}.png", "image/png", files.png),
                     Attachment(f"{stem}.pdf", "application/pdf", files.pdf)),
        title=_("Your media kit"),
        visibility=Visibility.PUBLIC if args.get("public") else None,
    )
