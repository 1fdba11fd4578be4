"""Tip rules as data: ``strategies/rules/*.toml``, validated at load with file:line errors.

A rule says when it applies (a small declarative condition over named facts, never ``eval``),
how much it matters (priority, and which fact's distance from its target raises the score),
the advice with the creator's own numbers, why they see it, and where the figures come from.
"""

from __future__ import annotations

import operator
import re
import string
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.datafiles import DataFileError, load_toml, locate
from bot.domain.facts import ALWAYS_KNOWN, FACTS, IMPLIED, VERDICT_FACTS

CATEGORIES = (
    "starter", "content", "engagement", "trends", "collaboration", "analytics",
    "creator-rewards", "brand-deals", "live-gifts", "affiliate", "own-products",
)
#: The topics a weekly-post subscription can filter on, as rule categories.
TOPICS: dict[str, tuple[str, ...]] = {
    "content": ("content",),
    "engagement": ("engagement",),
    "trends": ("trends",),
    "collaboration": ("collaboration",),
    "analytics": ("analytics",),
    "monetization": ("creator-rewards", "brand-deals", "live-gifts", "affiliate",
                     "own-products"),
}
OPERATORS = ("lt", "lte", "gt", "gte", "eq", "ne", "between", "exists")

Facts = Mapping[str, float]
Check = Callable[[Facts], bool]

#: The kinds of source a rule may name by a word instead of citing a page, each shown to the
#: creator in their language (templates/why.j2): general advice creators are given (no
#: measured figure behind it), what Creator Advisor works out from the creator's own logged
#: numbers, and the creator's own TikTok Studio files.
SOURCE_KINDS = ("advice", "your-numbers", "your-studio-files")
_CITED = re.compile(r"https?://|\b(19|20)\d\d\b")


def citations(source: str) -> tuple[str, ...]:
    """A rule's ``source`` as its parts (split at ``;``, trimmed): each one a word of
    :data:`SOURCE_KINDS` or a citation a reader can look up (a link, or a publication named
    with its year). Raises ``ValueError`` for any other part (an internal note such as "seed
    article: …" means nothing to a creator)."""
    parts = tuple(p.strip() for p in source.split(";") if p.strip())
    if not parts:
        raise ValueError("a source needs at least one citation")
    for part in parts:
        if part not in SOURCE_KINDS and not _CITED.search(part):
            raise ValueError(
                f"source part {part!r} is neither one of {', '.join(SOURCE_KINDS)} nor a "
                "citation with a link or a year")
    return parts


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Operand = float | str


class Gap(Strict):
    """How far a fact is from where it should be: raises the rule's score."""

    fact: str
    target: Operand

    @field_validator("fact")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in FACTS:
            raise ValueError(f"unknown fact {v!r}")
        return v


class Examples(Strict):
    """Facts for which the rule must trigger, and facts for which it must not (tested)."""

    triggers: dict[str, float]
    not_: dict[str, float] = Field(alias="not")


Condition = dict[str, dict[str, Any]]


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    category: Literal[
        "starter", "content", "engagement", "trends", "collaboration", "analytics",
        "creator-rewards", "brand-deals", "live-gifts", "affiliate", "own-products",
    ]
    priority: int = Field(ge=1, le=5)
    when: Condition = Field(default_factory=dict)
    any: list[Condition] = Field(default_factory=list)
    unless: list[Condition] = Field(default_factory=list)  # excluded when any of these holds
    gap: Gap | None = None
    title: str = Field(min_length=3, max_length=80)
    advice: str = Field(min_length=10)
    why: str = Field(min_length=10)
    # The sentence shown instead when a {fact} the text quotes is not known (no placeholders).
    title_unknown: str | None = Field(None, min_length=3, max_length=80)
    advice_unknown: str | None = Field(None, min_length=10)
    why_unknown: str | None = Field(None, min_length=10)
    # Facts whose absence also selects the ``*_unknown`` sentences, as a quoted one does: a
    # text that needs to say something only while a fact is not known (live-try-it's "gifts
    # need you to be 18 or older" while the age is not set) says it in its ``_unknown`` form.
    unknown_without: list[str] = Field(default_factory=list)
    # The sentence shown instead while a fact of ``unknown_without`` is not known, where it
    # differs from the ``*_unknown`` one (live-try-it: "If you don't go LIVE yet" while the
    # hours are not known, with "(gifts need you to be 18 or older)" only while the age is not).
    title_unknown_without: str | None = Field(None, min_length=3, max_length=80)
    advice_unknown_without: str | None = Field(None, min_length=10)
    why_unknown_without: str | None = Field(None, min_length=10)
    source: str = Field(min_length=3)
    community: bool = False  # makes sense for a whole chat, without anyone's numbers
    # The routes the tip tells the creator are open (true) or not yet (false), by route key
    # (bot.domain.facts.VERDICT_FACTS): it then reads the route's verdict fact, the decision
    # /estimate shows (checked at load: :func:`_claim_problem`), never a threshold of its own.
    claims: dict[str, bool] = Field(default_factory=dict)
    examples: Examples

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        citations(v)
        return v

    @field_validator("when")
    @classmethod
    def _when(cls, v: Condition) -> Condition:
        _validate_condition(v)
        return v

    @field_validator("any", "unless")
    @classmethod
    def _groups(cls, v: list[Condition]) -> list[Condition]:
        for cond in v:
            _validate_condition(cond)
        return v

    @field_validator("advice", "why", "title")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        for name in placeholders(v):
            if name not in FACTS:
                raise ValueError(f"unknown placeholder {{{name}}}")
        return v

    @field_validator("title_unknown", "advice_unknown", "why_unknown",
                     "title_unknown_without", "advice_unknown_without", "why_unknown_without")
    @classmethod
    def _no_placeholders(cls, v: str | None) -> str | None:
        if v is not None and placeholders(v):
            raise ValueError("the sentence for unknown numbers can't quote a number "
                             f"({', '.join('{' + n + '}' for n in placeholders(v))})")
        return v

    @field_validator("examples")
    @classmethod
    def _examples(cls, v: Examples) -> Examples:
        for facts in (v.triggers, v.not_):
            unknown = set(facts) - set(FACTS)
            if unknown:
                raise ValueError(f"unknown fact(s) in examples: {sorted(unknown)}")
        return v

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if not self.when and not self.any:
            raise ValueError("a rule needs `when` or `any`")
        for name in self.unknown_without:
            if name not in FACTS:
                raise ValueError(f"unknown fact {name!r} in unknown_without")
        if self.unknown_without and not any(
                getattr(self, f"{f}_unknown{w}") for f in ("title", "advice", "why")
                for w in ("", "_without")):
            raise ValueError("unknown_without needs a *_unknown sentence to show")
        maybe = maybe_unknown(self)
        if maybe and self.advice_unknown is None:
            raise ValueError(
                f"an `any` group applies the rule while {maybe[0]} is not known (exists = "
                f"false) and another states its value: the advice asserts that value, so add "
                f"advice_unknown, the sentence to show while {maybe[0]} is not known")
        for route, says_open in self.claims.items():
            problem = _claim_problem(self, route, says_open)
            if problem is not None:
                raise ValueError(problem)
        if self.gap is not None and isinstance(self.gap.target, str) \
                and self.gap.target not in FACTS:
            raise ValueError(f"unknown fact {self.gap.target!r} in gap.target")
        # /why shows the title and why whether or not the rule applies; the advice only
        # when it does, so only facts its conditions don't guarantee need the other sentence.
        known = guaranteed(self)
        for field in ("title", "why", "advice"):
            names = placeholders(getattr(self, field))
            if field == "advice":
                names = [n for n in names if n not in known]
            if names and getattr(self, f"{field}_unknown") is None:
                raise ValueError(
                    f"{field} quotes {{{names[0]}}}, which may not be known: add "
                    f"{field}_unknown, the sentence to show without it")
        return self


def _claim_problem(rule: Rule, route: str, says_open: bool) -> str | None:
    """Why ``rule``'s claim that ``route`` is open (``says_open``) or not yet could disagree
    with /estimate, or None when it can't: the one decision on it is the route's verdict fact
    (:data:`bot.domain.facts.VERDICT_FACTS`), so a rule saying "open" needs ``when`` to hold
    it at 1 or an ``unless`` group of it alone at 0 (and while the verdict is not known, its
    ``*_unknown_without`` sentences: the fact in ``unknown_without``); one saying "not yet",
    ``when`` at 0 or an ``unless`` group of it alone at 1."""
    fact = VERDICT_FACTS.get(route)
    if fact is None:
        return (f"claims names {route!r}, which has no verdict fact: one of "
                f"{', '.join(sorted(VERDICT_FACTS))}")
    holds, excludes = ({"eq": 1}, {"eq": 0}) if says_open else ({"eq": 0}, {"eq": 1})
    if rule.when.get(fact) == holds:
        return None
    if {fact: excludes} not in rule.unless:
        word = "open" if says_open else "not open"
        return (f"the rule says {route} is {word}: read /estimate's verdict, with "
                f"`{fact} = {{ eq = {holds['eq']} }}` in `when` or "
                f"`{{ {fact} = {{ eq = {excludes['eq']} }} }}` in `unless`")
    if says_open and fact not in rule.unknown_without:
        return (f"the rule says {route} is open and also applies while {fact} is not known: "
                f"add {fact!r} to unknown_without, with the sentences that don't say it is open")
    return None


def _guaranteed_by(cond: Condition) -> set[str]:
    """Facts a condition can only hold with: every compared fact and fact-name operand."""
    out: set[str] = set()
    for fact, ops in cond.items():
        for op, rhs in ops.items():
            if op == "exists" and not rhs:
                continue
            out.add(fact)
            operands = rhs if isinstance(rhs, list) else [rhs]
            out.update(o for o in operands if isinstance(o, str))
    return out


def guaranteed(rule: Rule) -> set[str]:
    """Facts known whenever ``rule`` matches: from ``when``, from every ``any`` group, those
    always known (:data:`bot.domain.facts.ALWAYS_KNOWN`) and what those imply
    (:data:`bot.domain.facts.IMPLIED`)."""
    known = set(ALWAYS_KNOWN) | _guaranteed_by(rule.when)
    if rule.any:
        known |= set.intersection(*(_guaranteed_by(c) for c in rule.any))
    todo = list(known)
    while todo:
        for implied in IMPLIED.get(todo.pop(), ()):
            if implied not in known:
                known.add(implied)
                todo.append(implied)
    return known


def maybe_unknown(rule: Rule) -> tuple[str, ...]:
    """Facts the rule applies with whether or not they are known: an ``any`` group accepts
    the fact not known (``exists = false``) while another condition of ``when`` or ``any``
    states its value ("either live hours = 0 or not known"). A text asserting that value
    ("you don't go LIVE yet") would assert what the bot does not know, so the rule's
    ``*_unknown`` sentences are shown while such a fact is unknown (:func:`unknown_names`)
    and a rule with one needs ``advice_unknown`` (checked at load)."""
    absent = [fact for cond in rule.any for fact, ops in cond.items()
              if ops.get("exists") is False]
    stated = {fact for cond in (rule.when, *rule.any) for fact, ops in cond.items()
              if any(op != "exists" for op in ops)}
    return tuple(dict.fromkeys(f for f in absent if f in stated))


def placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def unknown_names(rule: Rule, field: str) -> tuple[str, ...]:
    """The facts whose absence shows ``field``'s ``_unknown`` sentence instead: those its text
    quotes, and, where that sentence exists, the facts it applies with known or not
    (:func:`maybe_unknown`) and the rule's :attr:`Rule.unknown_without` (unless the rule has a
    ``<field>_unknown_without`` sentence for those: :func:`without_names`)."""
    names = placeholders(getattr(rule, field))
    if getattr(rule, f"{field}_unknown") is not None:
        without = () if without_names(rule, field) else rule.unknown_without
        names += [n for n in (*maybe_unknown(rule), *without) if n not in names]
    return tuple(names)


def without_names(rule: Rule, field: str) -> tuple[str, ...]:
    """The facts whose absence shows ``field``'s ``_unknown_without`` sentence (before any
    other): the rule's :attr:`Rule.unknown_without` where that sentence exists."""
    if getattr(rule, f"{field}_unknown_without") is None:
        return ()
    return tuple(rule.unknown_without)


def _validate_condition(cond: Condition) -> None:
    for fact, ops in cond.items():
        if fact not in FACTS:
            raise ValueError(f"unknown fact {fact!r}")
        if not ops:
            raise ValueError(f"{fact}: no operator")
        for op, rhs in ops.items():
            if op not in OPERATORS:
                raise ValueError(f"{fact}: unknown operator {op!r} (use {', '.join(OPERATORS)})")
            if op == "between":
                if not (isinstance(rhs, list) and len(rhs) == 2):
                    raise ValueError(f"{fact}: between takes [low, high]")
                for item in rhs:
                    _operand(item, fact)
            elif op == "exists":
                if not isinstance(rhs, bool):
                    raise ValueError(f"{fact}: exists takes true or false")
            else:
                _operand(rhs, fact)


def _operand(value: Any, fact: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{fact}: compare with a number or a fact name, not {value!r}")
    if isinstance(value, str) and value not in FACTS:
        raise ValueError(f"{fact}: unknown fact {value!r} on the right-hand side")


class RuleFile(Strict):
    rules: list[Rule]


# -- compiled form -------------------------------------------------------------------------


def _resolve(value: Operand, facts: Facts) -> float | None:
    return facts.get(value) if isinstance(value, str) else float(value)


_CMP: dict[str, Callable[[float, float], bool]] = {
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
}


def _compile_op(fact: str, op: str, rhs: Any) -> Check:
    if op == "exists":
        want = bool(rhs)
        return lambda f: (fact in f) is want
    if op == "between":
        lo, hi = rhs

        def between(f: Facts) -> bool:
            v, a, b = f.get(fact), _resolve(lo, f), _resolve(hi, f)
            return v is not None and a is not None and b is not None and a <= v <= b

        return between
    cmp = _CMP[op]
    if isinstance(rhs, str):
        def against_fact(f: Facts) -> bool:
            v, w = f.get(fact), f.get(rhs)
            return v is not None and w is not None and cmp(v, w)

        return against_fact
    number = float(rhs)

    def against_number(f: Facts) -> bool:
        v = f.get(fact)
        return v is not None and cmp(v, number)

    return against_number


def compile_condition(cond: Condition) -> tuple[Check, ...]:
    return tuple(_compile_op(fact, op, rhs) for fact, ops in cond.items()
                 for op, rhs in ops.items())


#: The comparisons against a number as C functions: ``operator.lt(v, n)`` is ``v < n``.
_OPERATOR: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge,
    "eq": operator.eq, "ne": operator.ne,
}

#: A condition (all of its comparisons must hold) as evaluated per call: ``(fact, comparison,
#: number)`` for each comparison of a fact with a number (false when the fact is not known),
#: then the other checks (``exists``, a fact on the right, a ``between`` of facts).
Group = tuple[tuple[tuple[str, Callable[[float, float], bool], float], ...], tuple[Check, ...]]


def compile_group(cond: Condition) -> Group:
    """``cond`` for :func:`holds`: what :func:`compile_condition` checks, with each comparison
    of a fact with a number (``between`` two numbers is two of them) kept as data."""
    numbers: list[tuple[str, Callable[[float, float], bool], float]] = []
    rest: list[Check] = []
    for fact, ops in cond.items():
        for op, rhs in ops.items():
            if op in _OPERATOR and not isinstance(rhs, str):
                numbers.append((fact, _OPERATOR[op], float(rhs)))
            elif op == "between" and not any(isinstance(b, str) for b in rhs):
                numbers.append((fact, operator.ge, float(rhs[0])))
                numbers.append((fact, operator.le, float(rhs[1])))
            else:
                rest.append(_compile_op(fact, op, rhs))
    return tuple(numbers), tuple(rest)


def holds(group: Group, facts: Facts) -> bool:
    """Whether every comparison of ``group`` (:func:`compile_group`) holds for ``facts``."""
    get = facts.get
    for fact, compare, number in group[0]:
        v = get(fact)
        if v is None or not compare(v, number):
            return False
    rest = group[1]
    return not rest or all(check(facts) for check in rest)


class CompiledRule:
    """A rule with its condition turned into plain closures and comparisons (no parsing per
    evaluation), and what ranking and showing it read, worked out once at load: its gap
    (``gap_fact``, and ``gap_target`` a fact name or a number), and each text's placeholders
    (``texts``: field -> (text, the sentence without numbers or None, the names whose absence
    shows it, the ``_unknown_without`` sentence or None, the names whose absence shows that)),
    and
    ``each``: every single comparison as its own check, in the order of ``when``, ``any`` then
    ``unless`` and of each condition's facts and operators (what /why shows one by one)."""

    __slots__ = ("_any", "_none", "_when", "all_of", "any_of", "category", "checked", "each",
                 "gap_fact", "gap_target", "id", "none_of", "rule", "texts")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.id = rule.id
        self.category = rule.category
        self.all_of = compile_condition(rule.when)
        self.any_of = tuple(compile_condition(c) for c in rule.any)
        self.none_of = tuple(compile_condition(c) for c in rule.unless)
        self.each = tuple(check for cond in (rule.when, *rule.any, *rule.unless)
                          for check in compile_condition(cond))
        self._when = compile_group(rule.when)
        self._any = tuple(compile_group(c) for c in rule.any)
        self._none = tuple(compile_group(c) for c in rule.unless)
        self.checked = tuple(dict.fromkeys(
            [*rule.when, *(k for c in rule.any for k in c),
             *(k for c in rule.unless for k in c)]))
        gap = rule.gap
        self.gap_fact = None if gap is None else gap.fact
        self.gap_target: str | float | None = (
            None if gap is None else gap.target if isinstance(gap.target, str)
            else float(gap.target))
        self.texts: dict[str, tuple[str, str | None, tuple[str, ...], str | None,
                                    tuple[str, ...]]] = {
            field: (text, getattr(rule, f"{field}_unknown"), unknown_names(rule, field),
                    getattr(rule, f"{field}_unknown_without"), without_names(rule, field))
            for field in ("title", "advice", "why")
            if isinstance(text := getattr(rule, field), str)}

    def matches(self, facts: Facts) -> bool:
        get = facts.get
        numbers, rest = self._when
        for fact, compare, number in numbers:
            v = get(fact)
            if v is None or not compare(v, number):
                return False
        for check in rest:
            if not check(facts):
                return False
        for group in self._none:
            if holds(group, facts):
                return False
        if self._any:
            return any(holds(group, facts) for group in self._any)
        return True


class Catalogue:
    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.compiled = [CompiledRule(r) for r in rules]
        self.by_id = {r.id: c for r, c in zip(rules, self.compiled, strict=True)}

    def __len__(self) -> int:
        return len(self.rules)

    def categories(self) -> dict[str, int]:
        counts = dict.fromkeys(CATEGORIES, 0)
        for r in self.rules:
            counts[r.category] += 1
        return counts


def load_catalogue(directory: Path) -> Catalogue:
    """Load every ``*.toml`` in ``directory``; duplicate ids across files fail with both places."""
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.toml")):
        parsed = load_toml(path, RuleFile)
        text = path.read_text(encoding="utf-8")
        for index, rule in enumerate(parsed.rules):
            if rule.id in seen:
                raise DataFileError(path, [(
                    locate(text, ("rules", index, "id")), f"rules[{index}].id",
                    f"duplicate id {rule.id!r} (also in {seen[rule.id].name})")])
            seen[rule.id] = path
            rules.append(rule)
    if not rules:
        raise DataFileError(directory, [(None, "", "no rules found")])
    return Catalogue(rules)

