from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.core.types import Reply
from bot.render.environment import Renderer
from bot.render.formats import (
    Format,
    cut_html,
    cut_markdown,
    escape_discord_md,
    escape_telegram_html,
    split,
    split_for,
    split_markdown,
)


@pytest.fixture
def renderer(tmp_path: Path) -> Renderer:
    (tmp_path / "hello.j2").write_text("{{ 'Hi' | b }} {{ name }} has {{ n | compact }}")
    (tmp_path / "telegram_html").mkdir()
    (tmp_path / "telegram_html" / "over.j2").write_text("tg {{ name }}")
    (tmp_path / "over.j2").write_text("base {{ name }}")
    return Renderer(tmp_path)


def test_user_strings_are_escaped_per_format(renderer: Renderer) -> None:
    reply = Reply("hello", {"name": "<b>@everyone</b> *x* https://evil.example", "n": 12_300})
    assert renderer.render(reply, Format.PLAIN) == (
        "Hi <b>@everyone</b> *x* https://evil.example has 12.3k")
    tg = renderer.render(reply, Format.TELEGRAM_HTML)
    assert tg.startswith("<b>Hi</b> &lt;b&gt;@everyone&lt;/b&gt;")
    dc = renderer.render(reply, Format.DISCORD_MD)
    assert dc.startswith("**Hi** ")
    assert "@everyone" not in dc and "\\*x\\*" in dc and "https://" not in dc


def test_format_override_folder(renderer: Renderer) -> None:
    assert renderer.render(Reply("over", {"name": "a"}), Format.TELEGRAM_HTML) == "tg a"
    assert renderer.render(Reply("over", {"name": "a"}), Format.PLAIN) == "base a"


def test_plain_drops_terminal_escapes(renderer: Renderer) -> None:
    text = renderer.render(Reply("hello", {"name": "\x1b[31mred\x1b[0m", "n": 1}), Format.PLAIN)
    assert "\x1b" not in text


def test_missing_context_is_an_error_not_blank(renderer: Renderer) -> None:
    with pytest.raises(Exception, match="name"):
        renderer.render(Reply("hello", {"n": 1}), Format.PLAIN)


@given(st.text())
@example("<@")  # an escaped "<" still stood before the "@": "\\<@" held "<@" (found by hypothesis)
@example("<@123>")
@example("a <@!5> and <@&7> @here @everyone")
def test_escaped_discord_text_has_no_live_mentions(text: str) -> None:
    out = escape_discord_md(text)
    assert "@everyone" not in out and "@here" not in out and "<@" not in out


@given(st.text())
def test_escaped_html_has_no_tags(text: str) -> None:
    out = escape_telegram_html(text)
    assert "<" not in out and ">" not in out


def test_split_on_blocks_and_lines() -> None:
    text = "\n\n".join(f"<b>block {i}</b>\n" + "line " * 20 for i in range(50))
    parts = split(text, 500)
    assert all(len(p) <= 500 for p in parts)
    assert "\n\n".join(parts).replace("\n\n", "\n") == text.replace("\n\n", "\n")
    for p in parts:
        assert p.count("<b>") == p.count("</b>")


@given(st.text(min_size=1, max_size=3000), st.integers(min_value=50, max_value=600))
def test_split_never_exceeds_limit(text: str, limit: int) -> None:
    assert all(len(p) <= limit for p in split(text, limit))


def test_project_templates_exist_for_every_error() -> None:
    names = Renderer(PROJECT_ROOT / "templates").names()
    for name in ("errors/bad_args", "errors/internal", "errors/unknown_command",
                 "errors/not_allowed", "errors/storage", "errors/slow_down"):
        assert name in names


def test_no_template_line_ends_in_an_inline_block_tag() -> None:
    """trim_blocks eats the newline after a block tag, gluing the next line onto this one."""
    import re

    for path in (PROJECT_ROOT / "templates").rglob("*.j2"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if re.search(r"%}$", stripped) and not stripped.startswith("{%"):
                raise AssertionError(f"{path}:{number}: text before a line-ending block tag")


_md_pieces = st.lists(st.one_of(
    st.text(alphabet="ab *_`\\<@|~", min_size=1, max_size=40).map(escape_discord_md),
    st.text(alphabet="xy z", min_size=1, max_size=30).map(lambda t: f"**{t}**"),
    st.text(alphabet="xy z", min_size=1, max_size=30).map(lambda t: f"*{t}*"),
    st.text(alphabet="xy z*_", min_size=1, max_size=30).map(lambda t: f"`{t}`"),
), min_size=1, max_size=60)


def _open_markers(text: str) -> list[str]:
    """The Discord markdown markers ``text`` leaves open (escapes skipped, code is literal)."""
    stack: list[str] = []
    for atom in re.findall(r"\\.|\*\*|\*|`|.", text, flags=re.DOTALL):
        if atom not in ("**", "*", "`") or ("`" in stack and atom != "`"):
            continue
        if stack and stack[-1] == atom:
            stack.pop()
        else:
            stack.append(atom)
    return stack


@given(_md_pieces, st.integers(min_value=20, max_value=300))
def test_cut_markdown_never_breaks_an_escape_or_leaves_markup_open(
        pieces: list[str], limit: int) -> None:
    line = " ".join(pieces)  # as templates write them: markup never glued to other markup
    cut = cut_markdown(line, limit)
    assert all(len(p) <= limit for p in cut)
    for part in cut:
        assert _open_markers(part) == []  # every marker closed in its own message
        assert re.search(r"(?<!\\)(\\\\)*\\$", part) is None  # no escape cut in half
    # Only markers were added at the cuts: the text itself is all there, in order.
    assert re.sub(r"[*`]", "", "".join(cut)) == re.sub(r"[*`]", "", line)
    assert split_markdown(line, limit) == cut


_html_pieces = st.lists(st.one_of(
    st.text(alphabet="ab <>&😀", min_size=1, max_size=40).map(escape_telegram_html),
    st.text(alphabet="xy z&", min_size=1, max_size=30).map(
        lambda t: f"<b>{escape_telegram_html(t)}</b>"),
    st.text(alphabet="xy z<", min_size=1, max_size=30).map(
        lambda t: f"<code>{escape_telegram_html(t)}</code>"),
), min_size=1, max_size=60)


@given(_html_pieces, st.integers(min_value=40, max_value=300))
def test_cut_html_never_cuts_a_tag_or_entity_and_closes_what_it_opens(
        pieces: list[str], limit: int) -> None:
    line = "".join(pieces)
    cut = cut_html(line, limit)
    assert all(len(p) <= limit for p in cut)
    for part in cut:
        assert re.sub(r"<[^<>]*>|&(?:amp|lt|gt);", "", part).count("&") == 0  # entities whole
        assert "<" not in re.sub(r"<[^<>]*>", "", part)  # tags whole
        assert part.count("<b>") == part.count("</b>")
        assert part.count("<code>") == part.count("</code>")
    assert re.sub(r"<[^<>]*>", "", "".join(cut)) == re.sub(r"<[^<>]*>", "", line)
    assert split_for(Format.TELEGRAM_HTML, line, limit) == cut


def _escape_discord_md_step_by_step(text: str) -> str:
    """The Discord escape as its four passes, with no shortcut for text that needs none (and
    no translation table: the markdown characters as the regular expression they were)."""
    from bot.render import formats

    text = formats._CONTROL.sub("", text)
    text = re.sub(r"([\\*_~`|>#\[\]()\-])", r"\\\1", text)  # markdown characters
    text = text.replace("<", "\\<")
    text = formats._MENTION.sub("@\u200b", text).replace("<@", "<\u200b@")
    return formats._URL.sub(lambda m: m.group(1) + ":\u200b//", text)


@given(st.text(alphabet=st.sampled_from(list("ab1 .,:/\\*_~`|>#[]()-<@\x00\x1f\x7f\u202a"
                                              "\u2066é\n\t")), max_size=12) | st.text())
def test_the_discord_escape_shortcut_changes_nothing(text: str) -> None:
    assert escape_discord_md(text) == _escape_discord_md_step_by_step(text)


@given(st.text(alphabet=st.sampled_from(list("ab1 &<>;\"'\x00\x08\x0b\x1f\x7f\u202a\u202e"
                                              "\u2066\u2069é\n\t\r")), max_size=12) | st.text())
def test_the_telegram_escape_shortcut_changes_nothing(text: str) -> None:
    """Text with nothing to escape is returned after one scan: the same as the full escape
    (control characters dropped, then ``&``, ``<`` and ``>`` as entities, quotes kept)."""
    import html

    from bot.render import formats

    assert escape_telegram_html(text) == html.escape(formats._CONTROL.sub("", text), quote=False)


def test_dotted_names_read_a_dicts_key_or_its_method_as_jinja_does(tmp_path: Path) -> None:
    """``d.name`` is the key ``name`` of a dict, but a name a dict has as a method (``items``,
    ``get``) is the method, as Jinja's own lookup has it; a missing key is an error (strict
    undefined), and an object's attribute or a mapping that is not a dict still read."""
    from types import MappingProxyType, SimpleNamespace

    (tmp_path / "names.j2").write_text(
        "{{ d.range }} {{ d.items is callable }} {{ d.get('items') }} {{ o.range }} "
        "{{ m.range }}")
    (tmp_path / "missing.j2").write_text("{{ d.nothing }}")
    renderer = Renderer(tmp_path)
    context = {"d": {"range": "1–2", "items": "own"}, "o": SimpleNamespace(range="3–4"),
               "m": MappingProxyType({"range": "5–6"})}
    assert renderer.render(Reply("names", context), Format.PLAIN) == "1–2 True own 3–4 5–6"
    with pytest.raises(Exception, match="nothing"):
        renderer.render(Reply("missing", context), Format.PLAIN)


def test_gettext_in_a_loop_fills_only_the_templates_own_values(tmp_path: Path) -> None:
    """``_()`` inside a for loop (Jinja passes its loop variables along with the call) fills
    the message with the template's values only, escaped by the format."""
    (tmp_path / "loop.j2").write_text(
        '{% for x in xs %}{{ _("item %(what)s", what=x) }};{{ _("plain") }};'
        '{{ ngettext("%(num)s one", "%(num)s many", loop.index, extra=x) }}|{% endfor %}')
    reply = Reply("loop", {"xs": ["<a>", 1953]})
    assert Renderer(tmp_path).render(reply, Format.TELEGRAM_HTML) == (
        "item &lt;a&gt;;plain;1 one|item 1,953;plain;2 many|")


def _tidy_line_by_line(text: str) -> str:
    """:func:`bot.render.environment._tidy` as it was written first: line by line."""
    out: list[str] = []
    for line in (line.rstrip() for line in text.strip().splitlines()):
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out)


@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x85\u2028\xa0")),
               max_size=30) | st.text())
def test_tidy_collapses_blank_lines_as_line_by_line(text: str) -> None:
    from bot.render.environment import _tidy

    assert _tidy(text) == _tidy_line_by_line(text)


def test_templates_see_every_global(tmp_path: Path) -> None:
    """Each template's globals are the environment's (``format``, gettext, Jinja's own), set
    before any template is loaded."""
    (tmp_path / "g.j2").write_text("{{ format }} {{ _('x') }} {{ range(2) | list }}")
    renderer = Renderer(tmp_path)
    assert renderer.render(Reply("g"), Format.DISCORD_MD) == "discord\\_md x \\[0, 1\\]"
    assert renderer.render(Reply("g"), Format.PLAIN) == "plain x [0, 1]"
