"""The one-page media kit, drawn once and saved twice: PNG for chat, PDF for email.

One matplotlib :class:`~matplotlib.figure.Figure` (A4 portrait) holds the whole layout; the
same figure is saved through the Agg (PNG) and PDF backends, so the two files cannot drift.
matplotlib is imported on first use (the bot starts without paying for it) and the object API
is used without pyplot, so a kit can be drawn in a worker thread. PDF text is embedded as
TrueType (``pdf.fonttype`` 42), so a brand can search and copy it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from bot.domain.mediakit import MediaKit, Stat, provenance
from bot.domain.numbers import day, pct
from bot.domain.ratecard import shown
from bot.i18n import collapse_spaces, ngettext
from bot.i18n import gettext as _
from bot.render import fonts

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.text import Text

#: A4 portrait, inches.
PAGE: Final = (8.27, 11.69)
PNG_DPI: Final = 130
INK = "#1b1f24"
MUTED = "#57606a"
FAINT = "#8c959f"
ACCENT = "#d1245f"
TILE = "#f6f8fa"
RULE = "#d0d7de"
LEFT, RIGHT = 0.06, 0.94


@dataclass(frozen=True, slots=True)
class KitFiles:
    """The kit as ``png`` (``width`` × ``height`` pixels) and ``pdf`` bytes."""

    png: bytes
    pdf: bytes
    width: int
    height: int


def printable(text: str) -> str:
    """``text`` without characters the font cannot draw (emoji in video titles would print
    as empty boxes), spaces tidied."""
    glyphs = fonts.glyphs()
    kept = "".join(c for c in text if ord(c) in glyphs or c == "\n")
    return "\n".join(collapse_spaces(line) for line in kept.split("\n"))


def _short(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, shortened with "…" at a word boundary (a
    single word longer than that, or Japanese without spaces, is cut where it must)."""
    text = collapse_spaces(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head[: head.rindex(" ")]
    return head.rstrip() + "…"


def _word_cut(text: str) -> str:
    """``text`` one word (or one Japanese character) shorter, ending in "…": a cut never falls
    inside a word."""
    body = text[:-1] if text.endswith("…") else text
    tokens = _BREAKABLE.findall(body)
    while tokens and tokens[-1].isspace():
        tokens.pop()
    if len(tokens) > 1:
        tokens.pop()
        return "".join(tokens).rstrip(" ,;:·") + "…"
    return body[:-1].rstrip() + "…"  # one word wider than its room: cut where it must


#: The share of its room a text may fill, as measured at :data:`PNG_DPI`.
FIT: Final = 0.95
#: Text is never drawn smaller than this to make it fit (points).
MIN_SIZE: Final = 5.0
_BREAKABLE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+|\s+")


class _Page:
    """Draws the kit's texts, each measured to fit the room it has: the layout checks fit by
    the rendered extent (any language, any font), never by an English string's length.
    ``boxes`` keeps every text with the box it must stay in (figure fractions), for tests."""

    def __init__(self, fig: Figure) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
        self.boxes: list[tuple[Text, tuple[float, float, float, float]]] = []

    def _extent(self, t: Text) -> tuple[float, float]:
        """Width and height of ``t`` as fractions of the page."""
        box = t.get_window_extent(self.renderer)
        return box.width / self.fig.bbox.width, box.height / self.fig.bbox.height

    def _top(self, t: Text) -> float:
        """The top of ``t`` as drawn, as a fraction of the page's height."""
        return float(t.get_window_extent(self.renderer).y1) / self.fig.bbox.height

    def _bottom(self, t: Text) -> float:
        """The bottom of ``t`` as drawn, as a fraction of the page's height."""
        return float(t.get_window_extent(self.renderer).y0) / self.fig.bbox.height

    def _lines(self, t: Text, text: str, width: float) -> str:
        """``text`` broken into lines no wider than ``width`` at ``t``'s size: between words,
        and between any two CJK characters (Japanese has no spaces to break at)."""
        out: list[str] = []
        for part in text.split("\n"):
            line = ""
            for token in _BREAKABLE.findall(part):
                trial = line + token
                t.set_text(trial)
                if line.strip() and self._extent(t)[0] > width * FIT:
                    out.append(line.rstrip())
                    line = token.lstrip()
                else:
                    line = trial
            out.append(line.rstrip())
        return "\n".join(out)

    def text(self, x: float, y: float, s: str, size: float = 10, colour: str = INK,
             weight: str = "normal", ha: str = "left", va: str = "baseline",
             style: str = "normal", width: float | None = None, height: float | None = None,
             fit: str = "shrink", record: bool = True) -> Text:
        """Draw ``s`` at (``x``, ``y``) within ``width`` (default: to the page's margin on the
        side it runs to) and, if given, ``height``. ``fit`` says how: ``shrink`` the type,
        ``wrap`` into lines (shrinking too if they exceed ``height``), or ``cut`` with "…"
        at a word boundary (never inside a word)."""
        text = printable(s)
        if width is None:
            width = RIGHT - x if ha == "left" else x - LEFT if ha == "right" else RIGHT - LEFT
        t = self.fig.text(x, y, text, fontsize=size, color=colour, fontweight=weight,
                          ha=ha, va=va, fontstyle=style, linespacing=1.3, parse_math=False)
        while True:
            if fit == "wrap":
                t.set_text(self._lines(t, text, width))
            elif fit == "cut":
                shown = text
                t.set_text(shown)
                while len(shown) > 1 and self._extent(t)[0] > width * FIT:
                    shown = _word_cut(shown)
                    t.set_text(shown)
            w, h = self._extent(t)
            # a little room to spare: hinting at another resolution (the PDF) differs
            if (w <= width * FIT and (height is None or h <= height * FIT)) or size <= MIN_SIZE:
                break
            size = max(MIN_SIZE, size * 0.92)
            t.set_fontsize(size)
        left = x if ha == "left" else x - width if ha == "right" else x - width / 2
        if record:  # (a card records its texts with the card's box)
            self.boxes.append((t, (left, left + width, y - (height or 1.0), y + (height or 1.0))))
        return t

    def rule(self, y: float) -> None:
        from matplotlib.lines import Line2D

        self.fig.add_artist(Line2D([LEFT, RIGHT], [y, y], color=RULE, linewidth=0.8))

    def heading(self, y: float, s: str, note: str | None = None) -> None:
        head = self.text(LEFT, y, s.upper(), size=10.5, colour=ACCENT, weight="bold",
                         width=0.6 if note else None)
        if note:
            room = RIGHT - LEFT - self._extent(head)[0] - 0.03
            self.text(RIGHT, y, note, size=8, colour=FAINT, ha="right", width=room)

    def fitted_size(self, s: str, size: float, width: float, lines: int = 1,
                    weight: str = "normal") -> float:
        """The largest size, ``size`` at most and :data:`MIN_SIZE` at least, at which ``s``
        wraps into at most ``lines`` lines no wider than ``width`` (measured, not drawn)."""
        probe = self.fig.text(0, 0, "", fontsize=size, fontweight=weight, linespacing=1.3,
                              parse_math=False)
        text = printable(s)
        try:
            while size > MIN_SIZE:
                shown = self._lines(probe, text, width)
                probe.set_text(shown)
                if shown.count("\n") < lines and self._extent(probe)[0] <= width * FIT:
                    break
                size = max(MIN_SIZE, size * 0.92)
                probe.set_fontsize(size)
        finally:
            probe.remove()
        return size

    def tiles(self, top: float, stats: list[Stat], w: float, gap: float,
              least: float = 0.113) -> float:
        """A row of cards from ``top`` down, one per stat, ``w`` wide and ``gap`` apart; the
        height they took (at least ``least``). Inside a card each text is placed under the
        one above it as measured, so none can overlap another: the title wraps onto a second
        line (one title size for the whole row, shrunk only for a word wider than the card),
        the value is shrunk to the width (one size for the row), the note under it and the
        source line at the bottom wrap, and the row grows to the tallest card's content."""
        from matplotlib.patches import FancyBboxPatch

        pad, space = 0.012, 0.006
        inner = w - 2 * pad
        title_size = min(self.fitted_size(s.label, 8.5, inner, 2, "bold") for s in stats)
        value_size = min(self.fitted_size(s.value or "", 21, inner, 1, "bold") for s in stats)
        columns = [LEFT + i * (w + gap) for i in range(len(stats))]
        # each card's texts made in reading order (the PDF's text reads card by card), then
        # placed: all titles from the top, all values on one baseline under the tallest
        # title, each note under its value, each source at the bottom of the grown row
        cards: list[tuple[Text, Text, Text | None, Text | None]] = []
        for x, stat in zip(columns, stats, strict=True):
            title = self.text(x + pad, top - pad, stat.label, size=title_size, colour=MUTED,
                              weight="bold", va="top", width=inner, fit="wrap", record=False)
            value = self.text(x + pad, top, stat.value or "", size=value_size, weight="bold",
                              width=inner, record=False)
            note = self.text(x + pad, top, stat.detail, size=7.2, colour=MUTED, va="top",
                             width=inner, fit="wrap", record=False) if stat.detail else None
            # wrapped onto more lines, never cut inside a word
            source = self.text(x + pad, top, collapse_spaces(stat.source), size=6.8,
                               colour=FAINT, style="italic", va="bottom", width=inner,
                               fit="wrap", record=False) if stat.source else None
            cards.append((title, value, note, source))
        value_top = top - pad - max(self._extent(c[0])[1] for c in cards) - space
        for _title, value, _note, _source in cards:
            value.set_y(value_top)
        drop = max(self._top(c[1]) for c in cards) - value_top  # the tallest just under
        for _title, value, _note, _source in cards:
            value.set_y(value_top - drop)
        note_top = min(self._bottom(c[1]) for c in cards) - space
        needed = least
        for _title, _value, note, source in cards:
            bottom = note_top + space
            if note is not None:
                note.set_y(note_top)
                bottom = note_top - self._extent(note)[1]
            if source is not None:
                bottom -= space + self._extent(source)[1]
            needed = max(needed, top - bottom + pad)
        for x, card in zip(columns, cards, strict=True):
            self.fig.add_artist(FancyBboxPatch(
                (x, top - needed), w, needed, boxstyle="round,pad=0,rounding_size=0.008",
                facecolor=TILE, edgecolor=RULE, linewidth=0.6, transform=self.fig.transFigure))
            if card[3] is not None:
                card[3].set_y(top - needed + pad * 0.7)
            for t in card:
                if t is not None:
                    self.boxes.append((t, (x + pad, x + w - pad, top - needed, top)))
        return needed


def _bars(fig: Figure, rect: tuple[float, float, float, float], title: str,
          items: tuple[tuple[str, float], ...]) -> None:
    ax = fig.add_axes(rect)
    labels = [_short(printable(name), 22) for name, _ in items][::-1]
    shares = [share for _, share in items][::-1]
    ax.barh(range(len(items)), shares, color=ACCENT, height=0.62)
    ax.set_yticks(range(len(items)), labels, fontsize=8.5, color=INK)
    top = max(shares) if shares else 1.0
    ax.set_xlim(0, top * 1.32)
    for i, share in enumerate(shares):
        ax.text(share + top * 0.03, i, pct(share, 0 if share >= 0.1 else 1), va="center",
                fontsize=8.5, color=INK, parse_math=False)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_color(RULE)
    ax.tick_params(axis="y", length=0, pad=4)
    ax.set_title(title, loc="left", fontsize=9, color=MUTED, fontweight="bold", pad=4)


def draw(kit: MediaKit) -> Figure:
    """The kit's one page as a figure (no canvas attached; see :func:`render_kit`)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=PAGE, dpi=PNG_DPI, facecolor="white")  # measured as it is saved
    page = _Page(fig)
    fig.kit_boxes = page.boxes  # type: ignore[attr-defined]  # what each text must stay in

    # -- header --------------------------------------------------------------------------
    # The page is for a brand: a field the creator has not set is left out (the chat reply
    # that comes with the kit tells them what to add), never a placeholder or a command.
    if kit.handle:  # shrunk to fit left of "MEDIA KIT" and the date under it, as measured
        page.text(LEFT, 0.948, kit.handle, size=27, weight="bold", width=0.58)
    if kit.niche:
        page.text(LEFT, 0.922 if kit.handle else 0.948,
                  _("%(niche)s creator on TikTok", niche=kit.niche.capitalize()),
                  size=12 if kit.handle else 20, colour=MUTED if kit.handle else INK,
                  weight="normal" if kit.handle else "bold", width=0.58)
    page.text(RIGHT, 0.952, _("MEDIA KIT"), size=11, weight="bold", colour=ACCENT, ha="right",
              width=0.28)
    updated = (_("Last updated %(date)s", date=day(kit.updated)) if kit.updated
               else _("No data yet"))
    page.text(RIGHT, 0.928, updated, size=9.5, colour=MUTED, ha="right", width=0.28)
    page.rule(0.905)
    y = 0.882  # each section's heading; a section with nothing to show is left out

    # -- audience size -------------------------------------------------------------------
    stats = [s for s in (kit.followers, *kit.growth, kit.views) if s.value is not None]
    if stats:
        page.heading(y, _("Audience size"))
        gap = 0.012
        w = (RIGHT - LEFT - gap * 3) / 4  # four tiles' width, however many are shown
        y -= 0.034 + page.tiles(y - 0.012, stats, w, gap)

    # -- engagement ----------------------------------------------------------------------
    e = kit.engagement
    if e.value is not None:
        page.heading(y, _("Engagement by views"), _("(likes + comments + shares) ÷ views"))
        # the figure left, and right of it its comparison, the benchmarks and the source,
        # each under the one above as measured (wrapped, never shrunk far below the rest)
        page.text(LEFT, y - 0.035, e.value, size=21, weight="bold", width=0.13)
        x, width = LEFT + 0.14, RIGHT - LEFT - 0.14
        bottom = page._bottom(page.text(x, y - 0.023, e.detail or "", size=9.5, width=width))
        bench = _("Typical engagement by views at this size: %(benchmarks)s",
                  benchmarks=" · ".join(kit.benchmarks))
        bottom = page._bottom(page.text(x, bottom - 0.004, bench, size=7.5, colour=MUTED,
                                        va="top", width=width, fit="wrap"))
        if e.source:
            bottom = page._bottom(page.text(x, bottom - 0.003, e.source, size=6.8,
                                            colour=FAINT, style="italic", va="top",
                                            width=width, fit="wrap"))
        y = min(y - 0.08, bottom - 0.028)

    # -- audience ------------------------------------------------------------------------
    if kit.countries or kit.genders:
        page.heading(y, _("Audience"), _("share of followers") + (
            " · " + (provenance(("import",)) or "") if kit.countries else ""))
        if kit.countries:
            _bars(fig, (LEFT + 0.13, y - 0.15, 0.30, 0.115), _("Top countries"), kit.countries)
        if kit.genders:
            _bars(fig, (0.66, y - 0.15, 0.26, 0.115), _("Gender"), kit.genders)
        y -= 0.175

    # -- top videos ----------------------------------------------------------------------
    y -= 0.005
    if kit.videos:
        page.heading(y, _("Top videos"), _("lifetime views · %(source)s",
                                           source=kit.videos_source)
                     if kit.videos_source else None)
        y -= 0.028
    for n, v in enumerate(kit.videos, 1):
        page.text(LEFT, y, f"{n}.", size=10, colour=MUTED, weight="bold")
        facts = ngettext("%(num)s view", "%(num)s views", v.views_n, num=v.views)
        if v.engagement:
            facts += " · " + _("%(rate)s engagement", rate=v.engagement)
        if v.posted:
            facts += f" · {v.posted}"
        shown_facts = page.text(RIGHT, y, facts, size=9, colour=MUTED, ha="right", width=0.5)
        room = RIGHT - page._extent(shown_facts)[0] - 0.02 - (LEFT + 0.025)
        page.text(LEFT + 0.025, y, _short(printable(v.title) or _("Untitled video"), 44),
                  size=10, width=room, fit="cut")
        y -= 0.024
    if kit.videos:
        y -= 0.012

    # -- rate card -----------------------------------------------------------------------
    card = kit.card
    note = (_("%(currency)s per deliverable · the video's price is an estimated range",
              currency=card.currency) if card.p10_p90
            else _("%(currency)s per deliverable", currency=card.currency))
    page.heading(y, _("Rate card"), note)
    y -= 0.03
    for p in card.prices:
        figure = shown(p, card.currency)  # as /ratecard shows it
        text, colour = (_("on request"), FAINT) if figure is None else (figure, INK)
        amount = page.text(RIGHT, y, text, size=12, weight="bold", colour=colour, ha="right",
                           width=0.4)
        right = RIGHT - page._extent(amount)[0] - 0.015
        page.text(LEFT, y, p.label, size=10.5, weight="bold", width=right - LEFT)
        how = page.text(LEFT, y - 0.011, p.for_brand, size=7.8, colour=MUTED, va="top", width=0.86,
                        fit="wrap").get_text()
        y -= 0.047 + 0.0125 * how.count("\n")

    # -- footer --------------------------------------------------------------------------
    page.rule(0.062)
    sources = kit.provenance or _("nothing yet")
    page.text(LEFT, 0.053, _("Where the numbers come from: %(sources)s. Each figure is "
                             "labelled with its source above.", sources=sources),
              size=7.5, colour=MUTED, va="top", height=0.03, fit="wrap")
    # (the kit speaks to a brand: its rates are indicative, the creator confirms a campaign's)
    page.text(LEFT, 0.012, _("Made with Creator Advisor · rates are indicative: contact the "
                             "creator to confirm a campaign's price"), size=7, colour=FAINT)
    return fig


def render_kit(kit: MediaKit) -> KitFiles:
    """The kit as PNG (for chat) and PDF (for email) from one figure. CPU-bound: run it in a
    worker thread."""
    import matplotlib

    matplotlib.rcParams["pdf.fonttype"] = 42  # TrueType: the PDF's text can be read back
    fonts.install()  # Japanese falls back to IPAexGothic
    fig = draw(kit)
    meta: dict[str, Any] = {"Title": f"Media kit {kit.handle or ''}".strip(),
                            "Creator": "Creator Advisor"}
    png, pdf = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, facecolor="white")
    fig.savefig(pdf, format="pdf", metadata=meta, facecolor="white")
    width, height = (int(d * PNG_DPI) for d in PAGE)  # as Agg sizes the canvas
    return KitFiles(png.getvalue(), pdf.getvalue(), width, height)
