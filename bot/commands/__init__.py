"""Command handlers, one module per topic. ``build_registry`` is the list of what is live."""

from __future__ import annotations

from bot.commands import (
    basics,
    corrections,
    estimate,
    mediakit,
    metrics,
    payouts,
    privacy,
    progress,
    settings,
    studio,
    subscriptions,
    tiktok,
    tips,
)
from bot.core.registry import Registry

MODULES = (basics, metrics, corrections, estimate, payouts, mediakit, tips, progress, studio,
           settings, privacy, subscriptions, tiktok)


def build_registry() -> Registry:
    return Registry.from_modules(MODULES)
