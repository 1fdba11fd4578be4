"""Jinja2 environments, one per output format, loading ``templates/``.

A template may be overridden per format in ``templates/<format>/<name>.j2``. Every printed
value is escaped by the format (``finalize``); the ``b``/``i``/``code`` filters produce the
format's own markup around escaped text.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.bccache import Bucket
from jinja2.compiler import CodeGenerator, Frame
from markupsafe import Markup

from bot import i18n
from bot.core.args import local_line
from bot.core.types import Reply
from bot.domain import numbers
from bot.domain.fieldnames import typed_example
from bot.render.formats import (
    FORMATS,
    MAX_MESSAGES,
    Format,
    FormatSpec,
    cut_lines,
    message_size,
    split_for,
)

#: ``Markup(text)`` for ``text`` an exact ``str``, without ``Markup.__new__`` (which asks the
#: text for ``__html__`` and an encoding first, then makes exactly this): every translated
#: message and every bold or code span of a reply is made into Markup.
_as_markup: Callable[[str], Markup] = functools.partial(str.__new__, Markup)
kept = numbers.kept


class _Made(str):
    """Text a filter made (a number, a date, a translation): the bot's own, which
    :func:`bot.domain.numbers.tidy_spaces` may respace. An exact ``str`` printed or filling a
    sentence is a value from a reply's data (a niche, a file's name, a command line): the
    creator's, marked with :func:`bot.domain.numbers.kept` so that it is shown as it is."""

    __slots__ = ()


def _made(value: Any) -> Any:
    return _Made(value) if type(value) is str else value


def _wrap(spec: FormatSpec, which: str) -> Callable[..., Markup]:
    """The filter that puts the format's ``which`` markup (bold, italic, code) around a value
    escaped by the format (Markup kept as it is). It takes the render's context (unused) so
    that Jinja calls it only at render time, as :func:`_at_render` would, with no wrapper
    around it."""
    open_, close = getattr(spec, which)
    escape = spec.escape

    @jinja2.pass_context
    def apply(context: Any, value: Any) -> Markup:
        inner = (str(value) if isinstance(value, Markup)
                 else kept(escape(value)) if type(value) is str else escape(str(value)))
        return _as_markup(f"{open_}{inner}{close}")  # inner is escaped above

    return apply


def _gettext_callables(spec: FormatSpec) -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """``_``/``gettext`` and ``ngettext`` for templates in one format, newstyle: named
    ``%(name)s`` placeholders filled with values escaped by the format (Markup built by the
    format's filters stays markup). The catalogue's text is the template's own text: it is not
    escaped, except for Telegram HTML, where ``<``, ``>`` and ``&`` in it are.

    Every reply calls these a dozen times or more, so the common cases take the short way
    with the same result: a message without values is not filled, a text value is escaped
    without :func:`bot.domain.numbers.shown` (which returns text as it is), and a catalogue
    text holding none of ``&<>`` is not searched three times."""
    html = spec.escape is FORMATS[Format.TELEGRAM_HTML].escape
    escape = spec.escape
    shown = numbers.shown

    def literal(text: str) -> str:
        if not html or ("&" not in text and "<" not in text and ">" not in text):
            return text
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def escaped(variables: dict[str, Any], msgid: str) -> dict[str, Any]:
        i18n.check_values(msgid, variables)  # no translated phrase glued into a sentence
        # A number or date is written for the language (numbers.shown), never with str().
        safe: dict[str, Any] = {}
        for k, v in variables.items():
            if type(v) is str:  # the creator's text: kept as it is (numbers.kept)
                safe[k] = kept(escape(v))
            elif isinstance(v, Markup):
                safe[k] = v
            else:
                safe[k] = escape("" if v is None else str(shown(v)))
        return safe

    # As in Python code (bot.i18n.gettext): % is applied only with values, so a message with
    # placeholders writes a literal percent as %%, one without writes %. The catalogue's text
    # is escaped by literal(), every value by escaped().
    def gettext(message: str, /, **variables: Any) -> Markup:
        text = literal(i18n.catalogue_text(message))
        if not variables:
            return _as_markup(text)
        return _as_markup(text % escaped(variables, message))

    def ngettext(singular: str, plural: str, n: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", numbers.grouped(n) if isinstance(n, int) else n)
        text = literal(i18n.translations(i18n.current()).ngettext(singular, plural, n))
        return _as_markup(text % escaped(variables, singular))

    return gettext, ngettext


def _capfirst(value: Any) -> Any:
    """``value`` with its first letter upper-case (text without case, e.g. Japanese, is kept)."""
    if not isinstance(value, str) or not value:
        return value
    return value[:1].upper() + value[1:]


def _finalize(spec: FormatSpec) -> Callable[[Any], Any]:
    escape = spec.escape
    shown = numbers.shown

    def finalize(value: Any) -> Any:
        if type(value) is str:  # most printed values: text, escaped, kept as it is
            return kept(escape(value))
        if isinstance(value, Markup):
            return value
        if value is None:
            return ""
        # A number or date printed as it is, formatted for the language (never str()).
        return escape(str(shown(value)))

    return finalize


log = logging.getLogger(__name__)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates in files (``templates/x.j2`` parsed and compiled
    once, not by every process: a one-shot ``ask`` spent most of its first reply on that). A
    template whose text changed is compiled again (Jinja keys each file by its name and checks
    a checksum of its text). A folder that cannot be made or written (read-only, a full disk)
    only means the templates are compiled again next time, and a kept file that cannot be read
    back (cut short by a crash or a full disk, garbled) is compiled again and replaced: never a
    failed reply. Folders it makes are private to the bot's user (0700), as the files are."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self._folder = directory

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()  # (compiled afresh, and the file rewritten)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            missing = [f for f in (self._folder, *self._folder.parents) if not f.exists()]
            for folder in reversed(missing):
                folder.mkdir(mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template not kept in %s: %s", self._folder, exc)


def _options(env: jinja2.Environment) -> str:
    """A short digest of everything in ``env`` that the compiled code of a template depends
    on, besides the template's text: compiled code is kept per Jinja version, format and these
    options, so a change to any of them never runs code compiled under the old ones. That
    includes how each filter and test is called (Jinja decides at compile time whether one
    gets the context, the environment or the value alone) and the plain-valued policies."""
    finalize = env.finalize
    callables = [sorted((name, repr(getattr(f, "jinja_pass_arg", None)))
                        for name, f in table.items()) for table in (env.filters, env.tests)]
    policies = sorted((k, v) for k, v in env.policies.items()
                      if isinstance(v, str | int | bool | type(None)))
    parts = (jinja2.__version__, env.block_start_string, env.block_end_string,
             env.variable_start_string, env.variable_end_string, env.comment_start_string,
             env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
             env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
             env.keep_trailing_newline, env.optimized, env.autoescape is True,
             callable(env.autoescape), finalize is None,
             getattr(finalize, "jinja_pass_arg", None), sorted(env.extensions),
             getattr(env, "newstyle_gettext", None), env.is_async, callables, policies,
             env.code_generator_class.__qualname__, "joined-1")
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _at_render(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` as a filter Jinja calls only when it renders, never while it compiles: Jinja
    works out a filter applied to a literal (``{{ "/log followers=12k" | typed }}``) once, at
    compile time, and keeps the result in the compiled code, unless the filter takes the
    render's context. Our filters read the reply's language (numbers, translations, field
    names), so a result worked out at compile time was the first language's for every later
    reply in the process, and in every process sharing the kept compiled templates. A filter
    that takes the context already is returned as it is; one that takes the environment or
    the evaluation context still gets it."""
    kind = getattr(getattr(f, "jinja_pass_arg", None), "name", None)
    if kind == "context":
        return f
    if kind == "environment":
        def at_render(context: Any, *args: Any, **kwargs: Any) -> Any:
            return f(context.environment, *args, **kwargs)
    elif kind == "eval_context":
        def at_render(context: Any, *args: Any, **kwargs: Any) -> Any:
            return f(context.eval_ctx, *args, **kwargs)
    else:  # the usual filter, called on every render: no test of its kind each time
        def at_render(context: Any, *args: Any, **kwargs: Any) -> Any:
            return _made(f(*args, **kwargs))
    return jinja2.pass_context(functools.wraps(f)(at_render))


#: Every name an exact ``dict`` has as an attribute (its methods, ``__class__``, ...): for
#: any other name ``getattr`` on a dict fails, and Jinja then reads the key.
_DICT_ATTRIBUTES = frozenset(dir({}))


class _Context(jinja2.runtime.Context):
    """Jinja's render context, calling the templates' ``_``/``gettext``/``ngettext`` straight.

    Jinja's ``Context.call`` asks every callable, on every call, whether it takes the context,
    the evaluation context or the environment; ours take none of them, so they are called as
    ``Context.call`` would call them (its ``_loop_vars``/``_block_vars`` dropped, a
    ``StopIteration`` turned into an undefined value) without asking. Anything else goes
    through ``Context.call`` itself."""

    def call(self, obj: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        env: _Environment = self.environment  # type: ignore[assignment] # made by one
        if obj is env.gettext_call or obj is env.ngettext_call:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:
                return env.undefined("value was undefined because a callable raised a"
                                     " StopIteration exception")
        return super().call(obj, *args, **kwargs)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with ``a ~ b`` made by :meth:`_Environment.joined`: the
    template's own text in it (a literal) stays the bot's, a value in it (``"@" ~ handle``)
    is kept as the creator typed it (:func:`bot.domain.numbers.kept`), and the whole is the
    bot's text (:class:`_Made`), not one value of the creator's. Jinja's own joins into a
    plain ``str``, which would then read as a value of the creator's."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.joined((")
        for arg in node.nodes:
            self.write("(False, " if isinstance(arg, nodes.Const) else "(True, ")
            self.visit(arg, frame)
            self.write("), ")
        self.write("))")


class _Environment(jinja2.Environment):
    """A Jinja environment whose templates read a dict's keys without a failed attribute
    lookup first, and call the format's gettext straight (:class:`_Context`).

    ``{{ now.range }}`` compiles to ``environment.getattr(now, "range")``, which tries the
    attribute first and reads the key only when that fails: a reply's values are dicts, so
    nearly every dotted name raised and caught an ``AttributeError``. For an exact ``dict``
    and a name that is not one of its attributes that attempt can only fail, so the key is
    read at once; the result (the value, or an undefined one) is the same. Everything else
    goes through Jinja's own ``getattr``."""

    context_class = _Context
    code_generator_class = _CodeGenerator

    @staticmethod
    def joined(parts: tuple[tuple[bool, Any], ...]) -> str:
        """``a ~ b ~ ...`` (:class:`_CodeGenerator`): each part as text, a value that is an
        exact ``str`` marked as the creator's, the whole the bot's own text."""
        return _Made("".join(kept(v) if value and type(v) is str else str(v)
                             for value, v in parts))
    #: The format's ``gettext`` and ``ngettext`` (:func:`_gettext_callables`), set by
    #: :meth:`Renderer._env`.
    gettext_call: Callable[..., Markup] | None = None
    ngettext_call: Callable[..., Markup] | None = None

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one dict: the environment's, overlaid with ``d``. Jinja's
        own is a ``ChainMap`` over both, which every render copied key by key in Python (and
        iterated again for the context's keys); its point is that globals changed after a
        template is loaded still show, which Jinja advises against and which never happens
        here (:meth:`Renderer._env` sets every global before it returns the environment)."""
        return {**self.globals, **(d or {})}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class Renderer:
    """Renders a :class:`Reply` to text for one format. With ``compiled_dir``, templates
    compiled by one process are kept there for the next (:class:`_CompiledTemplates`)."""

    def __init__(self, templates_dir: Path, compiled_dir: Path | None = None) -> None:
        self.templates_dir = templates_dir
        self.compiled_dir = compiled_dir
        self._envs: dict[Format, jinja2.Environment] = {}

    def _env(self, fmt: Format) -> jinja2.Environment:
        """The format's environment, made on first use. Each template is compiled the first
        time it is rendered in that format and kept (``auto_reload=False``): starting the bot
        compiles nothing, and a console command compiles only the templates it renders."""
        env = self._envs.get(fmt)
        if env is not None:
            return env
        spec = FORMATS[fmt]
        loader = jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(self.templates_dir / fmt.value)),
            jinja2.FileSystemLoader(str(self.templates_dir)),
        ])
        env = _Environment(
            loader=loader,
            # Escaping is the format's finalize (HTML, markdown or plain), not HTML-only
            # autoescape: every printed value that is not Markup is escaped.
            autoescape=False,
            finalize=_finalize(spec),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,
            cache_size=-1,  # never drop a compiled template
            extensions=["jinja2.ext.i18n"],
        )
        # Newstyle gettext (named placeholders, values escaped by the format): see
        # _gettext_callables. The language is i18n.current(), set per reply by render().
        gettext, ngettext = _gettext_callables(spec)
        env.newstyle_gettext = True  # type: ignore[attr-defined]
        env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
        env.gettext_call, env.ngettext_call = gettext, ngettext
        filters: dict[str, Callable[..., Any]] = dict(
            b=_wrap(spec, "bold"),
            i=_wrap(spec, "italic"),
            code=_wrap(spec, "code"),
            compact=numbers.compact,
            grouped=numbers.grouped,
            pct=numbers.pct,
            money=numbers.money,
            money_range=numbers.money_range,
            duration=numbers.duration,
            number=numbers.number,
            # a list of the creator's names (files, fields) joined: each kept as it is
            items=lambda values, style="standard": numbers.items(
                [kept(v) if type(v) is str else v for v in values], style),
            # Punctuation the template writes between two parts ("label: value", "a; b"),
            # as the language writes it (French: a no-break space before ":" and ";").
            punct=numbers.punct,
            # An aside the template adds (" (source)"), Japanese （…） (numbers.aside).
            aside=numbers.aside,
            # Text marked with N_()/lazy() in code and passed in a reply's data (e.g. how to
            # try a TikTok connection again), translated where it is shown.
            t=i18n.translate,
            stored=i18n.translate_stored,
            day=numbers.day,
            stamp=numbers.stamp,
            moment=numbers.moment,
            month=numbers.month,
            # A heading starts with a capital in every language, whatever case a name has
            # where it is used inside a sentence (es "regalos en LIVE").
            capfirst=_capfirst,
            # A translated phrase that stands alone inside another message: a list item after
            # its label ("assumed: …"), never a part of a sentence (see bot.i18n.Phrase).
            standalone=i18n.standalone,
            # A command line with the English field keys, as the creator's language types
            # it: "/log followers=12k" | typed -> German "/log Follower=12k".
            typed=lambda text: kept(typed_example(text)),
            # A canonical line (bot.core.args.command_line: English names, 35e-1) as the
            # creator's language types it: German "/log Videos pro Woche=3,5 confirm".
            typed_line=lambda line: kept(local_line(str(line))),
        )
        env.filters.update({name: _at_render(f) for name, f in filters.items()})
        env.globals["format"] = fmt.value
        if self.compiled_dir is not None:
            env.bytecode_cache = _CompiledTemplates(
                self.compiled_dir / f"{fmt.value}-{_options(env)}")
        self._envs[fmt] = env
        return env

    def warm(self) -> None:
        """Compile every template in every format now (a test calls this so that a typo in
        any template fails the suite; the bot itself compiles on first use)."""
        for fmt in FORMATS:
            env = self._env(fmt)
            for name in self.names():
                env.get_template(f"{name}.j2")

    def compiled(self) -> int:
        """How many (format, template) pairs are compiled so far."""
        return sum(len(env.cache or {}) for env in self._envs.values())

    def render(self, reply: Reply, fmt: Format) -> str:
        """The reply as text in ``fmt``, at most :data:`MAX_MESSAGES` of the platform's
        messages: a longer one is cut between lines with a note saying so. This is the one
        place every reply on every platform passes, so the cap holds for all of them."""
        with i18n.using(reply.locale or i18n.current()):
            return self._render_capped(reply, fmt)

    def _render_capped(self, reply: Reply, fmt: Format) -> str:
        text = self._render(reply.template, reply.context, fmt)
        limit = message_size(fmt)
        if len(text) <= limit * MAX_MESSAGES:
            return text
        parts = split_for(fmt, text, limit)  # never inside an escape, entity or tag
        if len(parts) <= MAX_MESSAGES:
            return text
        note = self._render("reply_cut", {"lines": 10**9}, fmt)  # its longest form
        kept = parts[:MAX_MESSAGES]
        kept[-1], _ = cut_lines(kept[-1], limit - len(note) - 2)
        body = "\n\n".join(p for p in kept if p)
        left_out = text.count("\n") - body.count("\n")
        return f"{body}\n\n{self._render('reply_cut', {'lines': left_out}, fmt)}"

    def _render(self, name: str, context: Mapping[str, Any], fmt: Format) -> str:
        template = self._env(fmt).get_template(f"{name}.j2")
        # tidy_spaces first: it takes away the marks around the creator's values (a line
        # holding only an empty value is blank for _tidy, a value's end spaces are its end)
        return _tidy(numbers.tidy_spaces(template.render(**context)))

    def render_parts(self, reply: Reply, fmt: Format) -> list[str]:
        """Rendered and split to the platform's message limit."""
        return split_for(fmt, self.render(reply, fmt), FORMATS[fmt].limit)

    def names(self) -> list[str]:
        return sorted(
            p.relative_to(self.templates_dir).with_suffix("").as_posix()
            for p in self.templates_dir.rglob("*.j2")
            if p.relative_to(self.templates_dir).parts[0] not in {f.value for f in Format}
        )


#: Two or more blank lines in a row (three or more line breaks: no line holds a break).
_BLANK_RUN = re.compile(r"\n\n\n+")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by conditional blocks; strip trailing spaces. (The
    text is stripped, so the first and last lines are never blank: a run of blank lines is
    always between two others and becomes one.)"""
    return _BLANK_RUN.sub("\n\n", "\n".join([line.rstrip()
                                             for line in text.strip().splitlines()]))
