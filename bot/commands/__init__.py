"""Command handlers, one module per topic. ``build_registry`` is the list of what is live."""

from __future__ import annotations

from bot.core.registry import Registry

#: The handler modules, in the order ``/help`` and the platform menus list their commands.
MODULES = ("basics", "metrics", "corrections", "estimate", "payouts", "mediakit", "tips",
           "progress", "studio", "settings", "privacy", "subscriptions", "tiktok")

#: Which module declares each command, so that one command imports its own module alone
#: (``ask "/stats"`` loads no estimator, media kit or import code). A test checks it against
#: the declarations; a command missing here still works (its lookup imports every module).
DECLARED_IN = {
    "start": "basics", "help": "basics",
    "log": "metrics", "stats": "metrics",
    "undo": "corrections", "history": "corrections",
    "estimate": "estimate",
    "payout": "payouts",
    "ratecard": "mediakit", "mediakit": "mediakit",
    "tips": "tips", "why": "tips",
    "progress": "progress", "goal": "progress", "import": "progress",
    "videos": "studio",
    "settings": "settings",
    "export": "privacy", "forget": "privacy",
    "subscribe": "subscriptions", "unsubscribe": "subscriptions",
    "subscriptions": "subscriptions",
    "connect": "tiktok", "disconnect": "tiktok",
}


def build_registry() -> Registry:
    """Every command, each handler module imported when one of its commands is first needed
    (see :meth:`Registry.lazy`)."""
    return Registry.lazy([f"{__name__}.{m}" for m in MODULES],
                         {name: f"{__name__}.{m}" for name, m in DECLARED_IN.items()})
