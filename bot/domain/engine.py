"""The strategy engine: which few actions matter most for this creator now, and why.

Rules come from :mod:`bot.domain.rules`; facts from :mod:`bot.domain.facts`. Each matching rule
scores ``priority × (1 + distance)``, where distance is how far the rule's gap fact is from its
target (relative, capped at 2). The best rule per category is kept, highest scores first.
Pure and synchronous.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.facts import FACTS, FLAG_FIGURES, format_fact
from bot.domain.facts import label as fact_label
from bot.domain.metrics import EARLIER_WEEKS
from bot.domain.numbers import aside, shared_short
from bot.domain.rules import (
    Catalogue,
    CompiledRule,
    Rule,
    citations,
    placeholders,
    unknown_names,
    without_names,
)
from bot.i18n import N_, standalone, translate
from bot.i18n import gettext as _

MAX_DISTANCE = 2.0


@dataclass(frozen=True, slots=True)
class Tip:
    id: str
    category: str
    title: str
    score: float
    advice: str
    why: str
    source: str
    triggered_by: tuple[tuple[str, str], ...]  # (fact, the creator's value as shown)


@dataclass(frozen=True, slots=True)
class Check:
    fact: str  # in plain words (facts.LABELS)
    value: str  # shown, or "unknown"
    held: bool | None  # None: a fact it needs is not known, so it is neither met nor unmet
    text: str = ""  # "followers 2.3k ≥ 1k" (the condition, with its threshold)


@dataclass(frozen=True, slots=True)
class Explanation:
    tip_id: str
    title: str
    category: str
    why: str
    source: str
    applies: bool
    checks: tuple[Check, ...]


class _Shown(dict[str, str]):
    """Formats a fact only when a text asks for it, once for all the texts it is used for
    (one object per call, in one language: never kept across calls)."""

    def __init__(self, facts: Mapping[str, float]) -> None:
        super().__init__()
        self.facts = facts

    def __missing__(self, key: str) -> str:
        value = self.facts.get(key)
        shown = self[key] = "?" if value is None else format_fact(key, value)
        return shown


def fill(text: str, facts: Mapping[str, float], unknown: str | None = None) -> str:
    """Put the creator's numbers into ``text`` (placeholders were validated at load).

    When a fact the text names is not known, ``unknown`` (the rule's sentence for that case,
    without placeholders) is used instead, so no sentence shows "?" in place of a number.
    """
    return _fill(text, unknown, placeholders(text) if unknown is not None else (), None, (),
                 _Shown(facts))


def _fill(text: str, unknown: str | None, names: Iterable[str], without: str | None,
          without_names: Iterable[str], shown: _Shown) -> str:
    """:func:`fill` with ``text``'s placeholder ``names`` known (read once, at load) and the
    facts as ``shown`` formats them; ``without`` (a rule's ``_unknown_without`` sentence) is
    shown first while one of ``without_names`` is not known."""
    if without is not None:
        for name in without_names:
            if name not in shown.facts:
                return translate(without)
    if unknown is not None:
        facts = shown.facts
        for name in names:
            if name not in facts:
                return translate(unknown)
    text = translate(text)
    if "{" not in text:
        return text
    return text.format_map(shown)


def rule_text(rule: Rule, field: str, facts: Mapping[str, float]) -> str:
    """A rule's ``title``, ``advice`` or ``why`` for these facts: its ``<field>_unknown``
    sentence when a number it quotes is not known (see :func:`fill`)."""
    text = getattr(rule, field)
    assert isinstance(text, str)
    return _fill(text, getattr(rule, f"{field}_unknown"), unknown_names(rule, field),
                 getattr(rule, f"{field}_unknown_without"), without_names(rule, field),
                 _Shown(facts))


def _distance(compiled: CompiledRule, facts: Mapping[str, float]) -> float:
    fact = compiled.gap_fact
    if fact is None:
        return 0.0
    value = facts.get(fact)
    target = compiled.gap_target
    if isinstance(target, str):
        target = facts.get(target)
    if value is None or target is None or target == 0:
        return 0.0
    return min(MAX_DISTANCE, abs(target - value) / abs(target))


def score(compiled: CompiledRule, facts: Mapping[str, float]) -> float:
    """``priority × (1 + distance)``: how much the rule matters for these facts."""
    return compiled.rule.priority * (1.0 + _distance(compiled, facts))


def to_tip(compiled: CompiledRule, facts: Mapping[str, float]) -> Tip:
    """The tip ``compiled`` (a rule that matches ``facts``) gives, in the current language."""
    return _tip(compiled, _Shown(facts), score(compiled, facts))


def _tip(compiled: CompiledRule, shown: _Shown, scored: float) -> Tip:
    """:func:`to_tip` with the rule's :func:`score` already worked out (``scored``) and the
    facts as ``shown`` formats them."""
    texts = compiled.texts
    facts = shown.facts
    return Tip(
        id=compiled.id, category=compiled.category, title=_fill(*texts["title"], shown),
        score=round(scored, 3), advice=_fill(*texts["advice"], shown),
        why=_fill(*texts["why"], shown), source=compiled.rule.source,
        triggered_by=tuple([(f, shown[f]) for f in compiled.checked if f in facts]),
    )


def matching(catalogue: Catalogue, facts: Mapping[str, float],
             categories: Iterable[str] | None = None) -> list[CompiledRule]:
    """The rules whose conditions hold for ``facts`` (only those of ``categories`` when given),
    in catalogue order."""
    if categories is None:
        return [c for c in catalogue.compiled if c.matches(facts)]
    allowed = set(categories)
    return [c for c in catalogue.compiled if c.category in allowed and c.matches(facts)]


def recommend(
    catalogue: Catalogue,
    facts: Mapping[str, float],
    *,
    limit: int | None = 3,
    category: str | None = None,
    per_category: bool = True,
) -> list[Tip]:
    """The top tips, highest score first: the best of each category (``per_category``, the
    default), or every tip that applies (``per_category=False``: ``/tips all``, which then
    holds each tip ``category=`` shows); within one ``category`` all of its tips. At most
    ``limit`` (None: no limit)."""
    found = matching(catalogue, facts, None if category is None else (category,))
    ranked = sorted([(score(c, facts), c) for c in found], key=_rank)
    if category is None and per_category:
        best: dict[str, tuple[float, CompiledRule]] = {}
        for pair in ranked:
            best.setdefault(pair[1].category, pair)
        chosen = list(best.values())
    else:
        chosen = ranked
    if limit is not None:
        chosen = chosen[:limit]
    shown = _Shown(facts)  # each fact formatted once for every tip's text
    return [_tip(c, shown, scored) for scored, c in chosen]


def _rank(pair: tuple[float, CompiledRule]) -> tuple[float, str]:
    """Highest score first, then by id."""
    return -pair[0], pair[1].id


_SYMBOL = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "=", "ne": "≠"}


def _precise(fact: str, value: float, precise: bool = True, short: bool | None = None) -> str:
    """Like format_fact, with the extra digit a threshold comparison needs (1.26× vs 1.3×)
    when ``precise``."""
    return format_fact(fact, value, precise=precise, short=short)


def _shown(operand: object, fact: str, facts: Mapping[str, float],
           precise: bool = True, short: bool | None = None) -> str:
    if isinstance(operand, str):
        value = facts.get(operand)
        label = fact_label(operand, facts)
        return label if value is None else (_precise(operand, value, precise, short)
                                            + aside(label))
    if FACTS[fact] == "flag":
        return _("yes") if operand else _("no")
    if not isinstance(operand, int | float):
        return str(operand)
    return _precise(fact, float(operand), precise, short)


def _condition_style(fact: str, rhs: object, facts: Mapping[str, float]) -> bool:
    """The one style of the numbers of one condition: the fact's value and every bound it is
    compared with are of one quantity, written short only when each of them is
    (:func:`bot.domain.numbers.shared_short`): never Japanese 'フォロワー 6,000 < 1万' or
    '5,000〜100万'."""
    operands = rhs if isinstance(rhs, list) else [rhs]
    return shared_short(facts.get(fact), *(_operand_value(o, facts) for o in operands))


def _operand_value(operand: object, facts: Mapping[str, float]) -> float | None:
    """The number an operand stands for (a number, or a fact's value); None otherwise."""
    if isinstance(operand, str):
        return facts.get(operand)
    if isinstance(operand, bool) or not isinstance(operand, int | float):
        return None
    return float(operand)


def needs_digit(fact: str, value: float, rhs: object, facts: Mapping[str, float]) -> bool:
    """Whether a comparison of ``fact``'s ``value`` with ``rhs`` needs the extra digit: only
    when the value and the threshold read the same as /tips, /stats and /estimate write them
    (:func:`~bot.domain.facts.format_fact`: 1.96× and 2× both "2.0×"). Otherwise the value is
    written as everywhere else ("2.0× ≥ 1.5×", never "1.96×" here and "2.0×" in /tips)."""
    operands = rhs if isinstance(rhs, list) else [rhs]
    plain = format_fact(fact, value)
    for o in operands:
        if isinstance(o, str):
            other = facts.get(o)
            if other is not None and format_fact(o, other) == plain:
                return True
        elif isinstance(o, int | float) and not isinstance(o, bool) \
                and format_fact(fact, float(o)) == plain:
            return True
    return False


def _condition_text(fact: str, op: str, rhs: object, value: str,
                    facts: Mapping[str, float], negated: bool, precise: bool = True,
                    inside: bool = False, short: bool | None = None) -> str:
    """One condition in words; ``inside``: after a lead ("either "), so the fact's label is
    written as inside a sentence (:func:`bot.domain.facts.label`); ``short``: the style of
    every number of the condition, the value's too (:func:`_condition_style`)."""
    label = fact_label(fact, facts, inside)
    if op == "exists":
        known = bool(rhs) is not negated
        return (_("%(fact)s known", fact=label) if known
                else _("%(fact)s not known yet", fact=label))
    known = fact in facts
    if op == "between":
        lo, hi = rhs if isinstance(rhs, list) else (rhs, rhs)
        # "unknown" and fact labels are shown as they are, like the flag case's value
        value = standalone(value)
        low = standalone(_shown(lo, fact, facts, precise, short))
        high = standalone(_shown(hi, fact, facts, precise, short))
        if not known:  # a plain sentence, never "followers unknown between …"
            return _("%(fact)s between %(low)s and %(high)s (yours is not known yet)",
                     fact=label, low=low, high=high) if not negated else _(
                "%(fact)s not between %(low)s and %(high)s (yours is not known yet)",
                fact=label, low=low, high=high)
        if negated:
            return _("%(fact)s %(value)s not between %(low)s and %(high)s", fact=label,
                     value=value, low=low, high=high)
        return _("%(fact)s %(value)s between %(low)s and %(high)s", fact=label, value=value,
                 low=low, high=high)
    if FACTS[fact] == "flag" and op in ("eq", "ne"):
        want = bool(rhs) if op == "eq" else not bool(rhs)
        if negated:
            want = not want
        # "label: yes (you: no)": each answer stands alone after its label
        figures = FLAG_FIGURES.get(fact)
        if figures is not None and all(f in facts for f in figures):
            latest, earlier = figures  # the figures the flag compares, as the tips read them
            return _("%(fact)s: %(want)s (you: %(value)s, with %(latest)s in the latest week "
                     "against a median of %(earlier)s a week in up to %(weeks)s weeks before "
                     "it; slowing is under half, a fall included)",
                     fact=label, want=standalone(_("yes") if want else _("no")),
                     weeks=EARLIER_WEEKS,
                     value=standalone(value),
                     latest=format_fact(latest, facts[latest]),
                     earlier=format_fact(earlier, facts[earlier]))
        return _("%(fact)s: %(want)s (you: %(value)s)", fact=label,
                 want=standalone(_("yes") if want else _("no")), value=standalone(value))
    symbol = _SYMBOL[op]
    if negated:
        symbol = {"<": "≥", "≤": ">", ">": "≤", "≥": "<", "=": "≠", "≠": "="}[symbol]
    if not known:  # a plain sentence, never "live hours per week unknown = 0"
        return _("%(condition)s (yours is not known yet)",
                 condition=f"{label} {symbol} {_shown(rhs, fact, facts, precise, short)}")
    return f"{label} {value} {symbol} {_shown(rhs, fact, facts, precise, short)}"


def explain(catalogue: Catalogue, facts: Mapping[str, float], rule_id: str,
            waived: frozenset[str] = frozenset()) -> Explanation | None:
    """Every condition of a rule in plain words, with its threshold and whether it holds.

    An ``unless`` condition is shown as what must hold for the tip ("18 or older: yes").
    A condition on a fact that is not known (itself or the fact it is compared with) has
    ``held=None``: shown as unknown, never as met, whatever the engine concludes from it.

    ``waived`` are the gap facts a payout left out (:attr:`bot.domain.facts.Facts.waived`):
    a condition on one says the route is the creator's, as the engine concludes from it
    (not held: no tip urges them to qualify), and a ``why`` quoting one says the same.
    """
    compiled = catalogue.by_id.get(rule_id)
    if compiled is None:
        return None
    rule = compiled.rule
    checks = []
    each = iter(compiled.each)  # one check per comparison, in the order walked here
    groups = [(rule.when, False, ""), *((c, False, _("either ") if i == 0 else _("or "))
                                       for i, c in enumerate(rule.any)),
              *((c, True, "") for c in rule.unless)]
    for cond, negated, lead in groups:
        for fact, ops in cond.items():
            raw = facts.get(fact)
            value = _("unknown") if raw is None else format_fact(fact, raw)
            for op, rhs in ops.items():
                # the extra digit only where the figures would read alike without it
                precise = raw is not None and needs_digit(fact, raw, rhs, facts)
                short = _condition_style(fact, rhs, facts)
                exact = _("unknown") if raw is None else _precise(fact, raw, precise, short)
                holds = next(each)(facts)
                held: bool | None = (not holds) if negated else holds
                if fact in waived:
                    label = fact_label(fact, facts, bool(lead))
                    checks.append(Check(
                        label, _("none, you logged a payout from this route"), held,
                        lead + _("%(fact)s: none, you logged a payout from this route",
                                 fact=label)))
                    continue
                if op != "exists" and not _known(fact, rhs, facts):
                    held = None
                text = _condition_text(fact, op, rhs, exact, facts, negated, precise,
                                       inside=bool(lead), short=short)
                checks.append(Check(fact_label(fact, facts), value, held, lead + text))
    why = (_("You logged a payout from this route, so its entry requirements are behind you.")
           if waived and not waived.isdisjoint(placeholders(rule.why))
           else rule_text(rule, "why", facts))
    return Explanation(rule.id, rule_text(rule, "title", facts), rule.category, why,
                       rule.source, compiled.matches(facts), tuple(checks))


#: What a source kind of :data:`bot.domain.rules.SOURCE_KINDS` says to the creator.
_SOURCE_WORDS = {
    "advice": N_("advice commonly given to creators (no measured figure behind it)"),
    "your-numbers": N_("your own logged numbers, worked out by this bot"),
    "your-studio-files": N_("your own TikTok Studio files"),
}


def cited(source: str) -> tuple[str, ...]:
    """A rule's ``source`` as the parts /why shows, in the current language: a source kind
    (:data:`bot.domain.rules.SOURCE_KINDS`) in words, a citation (a link or a dated
    publication) as it is written. Raises ``ValueError`` for a source rule loading refuses."""
    return tuple(translate(_SOURCE_WORDS[p]) if p in _SOURCE_WORDS else p
                 for p in citations(source))


def _known(fact: str, rhs: object, facts: Mapping[str, float]) -> bool:
    """Whether every fact a comparison reads (``fact`` and fact-name operands) is known."""
    operands = rhs if isinstance(rhs, list) else [rhs]
    return fact in facts and all(o in facts for o in operands if isinstance(o, str))
