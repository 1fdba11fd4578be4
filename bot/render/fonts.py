"""The fonts charts and the media kit are drawn in: matplotlib's DejaVu Sans, then IPAexGothic
for what DejaVu has no glyph for (Japanese kana and kanji).

IPAexGothic ships in the ``matplotlib-fontja`` package (MIT; the font under the IPA Font
License v1.0, which allows embedding it in documents such as the kit's PDF). Its file is found
without importing that package, whose import would switch every figure's font globally.
matplotlib (3.6+) falls back per glyph along ``font.family``.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Final

#: The font families in fallback order (the first that has a character draws it).
FAMILY: Final = ("DejaVu Sans", "IPAexGothic")
_CJK_FILE: Final = "ipaexg.ttf"


def cjk_font_file() -> Path | None:
    """The IPAexGothic file in the installed ``matplotlib_fontja`` package, None if missing."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / _CJK_FILE
    return path if path.exists() else None


@cache
def install() -> tuple[str, ...]:
    """Register the fallback font with matplotlib and set ``font.family`` to :data:`FAMILY`
    (once per process); the families in use. Call before drawing."""
    import matplotlib
    from matplotlib import font_manager

    families = [FAMILY[0]]
    path = cjk_font_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        families.append(FAMILY[1])
    matplotlib.rcParams["font.family"] = families
    return tuple(families)


@cache
def glyphs() -> frozenset[int]:
    """The code points the fonts of :func:`install` can draw, together."""
    from matplotlib import font_manager

    points: set[int] = set()
    for family in install():
        prop = font_manager.FontProperties(family=family)
        points |= set(font_manager.get_font(
            font_manager.findfont(prop, fallback_to_default=False)).get_charmap())
    return frozenset(points)
