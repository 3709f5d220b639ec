"""Build :class:`~lupus_sct.domain.eligibility.protocol.Protocol` objects from parsed YAML, with
errors that
name the file, the path inside it, the value and what is accepted."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from lupus_sct.domain.eligibility.protocol import (
    DEFAULT_MAX_AGE_DAYS,
    AgeRule,
    AllOf,
    AnyOf,
    BilagRule,
    Bounds,
    Criterion,
    CriterionKind,
    Das28Rule,
    DiagnosisRule,
    EgfrRule,
    FailedDrugsRule,
    LabRule,
    Not,
    Protocol,
    RecentDrugRule,
    Rule,
    SexRule,
    SledaiRule,
    SteroidDoseRule,
    WorkupRule,
)
from lupus_sct.domain.errors import DomainError, InvalidValueError
from lupus_sct.domain.pathway.course import CourseKind
from lupus_sct.domain.pathway.follow_up_schedule import ScheduledVisit
from lupus_sct.domain.pathway.phases import CoursePhase
from lupus_sct.domain.records.diagnosis import ClassificationCriteria, Disease
from lupus_sct.domain.records.labs import LAB_TESTS
from lupus_sct.domain.records.people import Sex
from lupus_sct.domain.records.workup import ValueKind, WorkupItem

_BOUND_KEYS = ("min", "max", "above", "below")


class ProtocolError(DomainError):
    """A protocol file that cannot be used; the message names where and why."""


class _At:
    """A position in the document, for messages like ``inclusion[2].rule.lab.loinc``."""

    def __init__(self, source: str, path: str = "") -> None:
        self.source = source
        self.path = path

    def __truediv__(self, key: str | int) -> _At:
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.path else key)
        return _At(self.source, self.path + step)

    def fail(self, value: Any, accepted: str) -> ProtocolError:
        shown = repr(value) if isinstance(value, str) else value
        where = self.path or "top level"
        return ProtocolError(
            f"{self.source}: {where}: {shown} is not accepted; expected {accepted}"
        )


def _mapping(
    value: Any, at: _At, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise at.fail(type(value).__name__, "a mapping")
    unknown = [k for k in value if k not in allowed]
    if unknown:
        raise (at / str(unknown[0])).fail(unknown[0], "one of " + ", ".join(allowed))
    missing = [k for k in required if k not in value]
    if missing:
        raise (at / missing[0]).fail(None, "a value (required)")
    return value


def _number(value: Any, at: _At) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise at.fail(value, "a number")
    return float(value)


def _whole(value: Any, at: _At, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise at.fail(value, f"a whole number >= {low}")
    return value


def _text(value: Any, at: _At) -> str:
    if not isinstance(value, str) or not value.strip():
        raise at.fail(value, "non-empty text")
    return value


def _enum(kind: Any, value: Any, at: _At) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise at.fail(value, "one of " + ", ".join(str(m.value) for m in kind)) from None


def _list(value: Any, at: _At) -> list[Any]:
    if not isinstance(value, list):
        raise at.fail(type(value).__name__, "a list")
    return value


def _bounds(spec: Mapping[str, Any], at: _At) -> Bounds:
    values = {k: _number(spec[k], at / k) for k in _BOUND_KEYS if k in spec}
    if not values:
        raise at.fail(dict(spec), "at least one of min, max, above, below")
    return Bounds(**values)


def _names(value: Any, at: _At) -> tuple[str, ...]:
    return tuple(_text(n, at / i).lower() for i, n in enumerate(_list(value, at)))


def _codes(value: Any, at: _At) -> tuple[str, ...]:
    codes = tuple(str(c) for c in _list(value, at))
    for index, code in enumerate(codes):
        if not code.isdigit():
            raise (at / index).fail(code, "an RxNorm RxCUI (digits)")
    return codes


def _diagnosis(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, ("disease", "criteria_any"), ("disease",))
    criteria = tuple(
        _enum(ClassificationCriteria, c, at / "criteria_any" / i)
        for i, c in enumerate(_list(spec.get("criteria_any", []), at / "criteria_any"))
    )
    return DiagnosisRule(_enum(Disease, spec["disease"], at / "disease"), criteria)


def _bounded(factory: Callable[[Bounds], Rule]) -> Callable[[Any, _At], Rule]:
    def build(spec: Any, at: _At) -> Rule:
        return factory(_bounds(_mapping(spec, at, _BOUND_KEYS), at))

    return build


def _sex(spec: Any, at: _At) -> Rule:
    return SexRule(tuple(_enum(Sex, s, at / i) for i, s in enumerate(_list(spec, at))))


def _bilag(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, ("min_a", "min_b", "a_counts_as_b", "domains"))
    return BilagRule(
        min_a=_whole(spec.get("min_a", 0), at / "min_a"),
        min_b=_whole(spec.get("min_b", 0), at / "min_b"),
        a_counts_as_b=bool(spec.get("a_counts_as_b", True)),
        domains=tuple(str(d) for d in _list(spec.get("domains", []), at / "domains")),
    )


def _failed_drugs(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, ("rxnorm", "min_count", "min_months", "drugs"))
    _require_drugs(spec, at)
    return FailedDrugsRule(
        rxnorm_codes=_codes(spec.get("rxnorm", []), at / "rxnorm"),
        drug_names=_names(spec.get("drugs", []), at / "drugs"),
        min_count=_whole(spec.get("min_count", 1), at / "min_count", low=1),
        min_months=_number(spec.get("min_months", 0), at / "min_months"),
    )


def _steroid(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, (*_BOUND_KEYS, "months"))
    return SteroidDoseRule(_bounds(spec, at), _number(spec.get("months", 0), at / "months"))


def _lab(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, ("loinc", "unit", "times_uln", *_BOUND_KEYS), ("loinc", "unit"))
    code = str(spec["loinc"])
    if code not in LAB_TESTS:
        accepted = "a LOINC code the platform supports: " + ", ".join(sorted(LAB_TESTS))
        raise (at / "loinc").fail(code, accepted)
    test = LAB_TESTS[code]
    unit = spec["unit"]
    if bool(spec.get("times_uln", False)):
        if unit != "x ULN":
            raise (at / "unit").fail(unit, "'x ULN' when times_uln is true")
        return LabRule(code, _bounds(spec, at), times_uln=True)
    if unit not in test.to_canonical:
        raise (at / "unit").fail(unit, "one of " + ", ".join(test.to_canonical))
    factor = test.to_canonical[unit]
    bounds = _bounds(spec, at)
    scaled = {k: getattr(bounds, k) * factor for k in _BOUND_KEYS if getattr(bounds, k) is not None}
    return LabRule(code, Bounds(**scaled))


def _workup(spec: Any, at: _At) -> Rule:
    spec = _mapping(
        spec, at, ("item", "equals", "in", "only_when_recorded", *_BOUND_KEYS), ("item",)
    )
    item = _enum(WorkupItem, spec["item"], at / "item")
    optional = spec.get("only_when_recorded", False)
    if not isinstance(optional, bool):
        raise (at / "only_when_recorded").fail(optional, "true or false")
    return dataclasses.replace(_workup_rule(spec, item, at), only_when_recorded=optional)


def _workup_rule(spec: Mapping[str, Any], item: WorkupItem, at: _At) -> WorkupRule:
    kind = item.spec.kind
    if kind is ValueKind.BOOLEAN:
        if not isinstance(spec.get("equals"), bool):
            raise (at / "equals").fail(spec.get("equals"), f"true or false for {item.value}")
        return WorkupRule(item, equals=spec["equals"])
    if kind is ValueKind.CATEGORY:
        allowed = item.spec.categories
        chosen = tuple(str(c) for c in _list(spec.get("in"), at / "in"))
        bad = [c for c in chosen if c not in allowed]
        if bad or not chosen:
            raise (at / "in").fail(
                bad[0] if bad else chosen, "categories among " + ", ".join(allowed)
            )
        return WorkupRule(item, categories=chosen)
    return WorkupRule(item, bounds=_bounds(spec, at))


def _recent(spec: Any, at: _At) -> Rule:
    spec = _mapping(spec, at, ("rxnorm", "days", "drugs"), ("days",))
    _require_drugs(spec, at)
    return RecentDrugRule(
        _codes(spec.get("rxnorm", []), at / "rxnorm"),
        _whole(spec["days"], at / "days", low=1),
        _names(spec.get("drugs", []), at / "drugs"),
    )


def _require_drugs(spec: Mapping[str, Any], at: _At) -> None:
    if not spec.get("rxnorm") and not spec.get("drugs"):
        raise (at / "rxnorm").fail(None, "RxNorm codes (rxnorm) and/or drug names (drugs)")


def _combinator(kind: type[AllOf] | type[AnyOf]) -> Callable[[Any, _At], Rule]:
    def build(spec: Any, at: _At) -> Rule:
        items = _list(spec, at)
        if not items:
            raise at.fail(items, "at least one rule")
        return kind(tuple(parse_rule(item, at / i) for i, item in enumerate(items)))

    return build


def _not(spec: Any, at: _At) -> Rule:
    return Not(parse_rule(spec, at))


_ATOMS: dict[str, Callable[[Any, _At], Rule]] = {
    "all": _combinator(AllOf),
    "any": _combinator(AnyOf),
    "not": _not,
    "diagnosis": _diagnosis,
    "age": _bounded(AgeRule),
    "sex": _sex,
    "sledai_2k": _bounded(SledaiRule),
    "das28": _bounded(Das28Rule),
    "bilag": _bilag,
    "failed_drugs": _failed_drugs,
    "steroid_dose": _steroid,
    "lab": _lab,
    "egfr": _bounded(EgfrRule),
    "workup": _workup,
    "recent_drug": _recent,
}


_INTERNED: dict[Rule, Rule] = {}


def parse_rule(spec: Any, at: _At) -> Rule:
    """One rule: a mapping with exactly one key naming the rule kind.

    Equal rules are returned as one shared object, so that an evaluation remembered for one
    protocol serves every protocol with the same rule (see ``domain.eligibility.evaluate_rule``).
    """
    rule = _parse_rule(spec, at)
    return _INTERNED.setdefault(rule, rule)


def _parse_rule(spec: Any, at: _At) -> Rule:
    if not isinstance(spec, Mapping) or len(spec) != 1:
        raise at.fail(spec, "a mapping with one rule kind: " + ", ".join(_ATOMS))
    ((kind, body),) = spec.items()
    if kind not in _ATOMS:
        raise (at / str(kind)).fail(kind, "a rule kind: " + ", ".join(_ATOMS))
    return _ATOMS[kind](body, at / str(kind))


def _criteria(document: Mapping[str, Any], at: _At, default_age: int) -> tuple[Criterion, ...]:
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for kind in CriterionKind:
        for index, item in enumerate(_list(document.get(kind.value, []), at / kind.value)):
            here = at / kind.value / index
            spec = _mapping(
                item,
                here,
                ("id", "text", "rule", "citation", "max_age_days"),
                ("id", "text", "rule", "citation"),
            )
            criterion_id = _text(spec["id"], here / "id")
            if criterion_id in seen:
                raise (here / "id").fail(criterion_id, "an id not used by another criterion")
            seen.add(criterion_id)
            criteria.append(
                Criterion(
                    id=criterion_id,
                    kind=kind,
                    text=_text(spec["text"], here / "text"),
                    rule=parse_rule(spec["rule"], here / "rule"),
                    citation=_text(spec["citation"], here / "citation"),
                    max_age_days=_whole(
                        spec.get("max_age_days", default_age), here / "max_age_days", low=1
                    ),
                )
            )
    return tuple(criteria)


def _schedule(value: Any, at: _At) -> tuple[ScheduledVisit, ...]:
    visits = []
    for index, item in enumerate(_list(value, at)):
        here = at / index
        spec = _mapping(
            item,
            here,
            ("label", "day", "window_before", "window_after", "collect"),
            ("label", "day"),
        )
        visits.append(
            ScheduledVisit(
                label=_text(spec["label"], here / "label"),
                target_day=_whole(spec["day"], here / "day", low=1),
                window_before_days=_whole(spec.get("window_before", 0), here / "window_before"),
                window_after_days=_whole(spec.get("window_after", 0), here / "window_after"),
                collect=tuple(str(c) for c in _list(spec.get("collect", []), here / "collect")),
            )
        )
    return tuple(visits)


_TOP = (
    "id",
    "title",
    "version",
    "course_kind",
    "disease",
    "status",
    "sources",
    "default_max_age_days",
    "cd34_min_x10e6_per_kg",
    "trm_window_days",
    "schedule",
    "max_phase_days",
    "inclusion",
    "exclusion",
)


def parse_protocol(document: Any, source: str) -> Protocol:
    """Validate a parsed protocol document and build the protocol.

    Raises
    ------
    ProtocolError
        Naming ``source``, the path of the offending entry, its value and what is accepted.
    """
    at = _At(source)
    spec = _mapping(
        document,
        at,
        _TOP,
        ("id", "title", "version", "course_kind", "disease", "sources", "inclusion"),
    )
    default_age = _whole(
        spec.get("default_max_age_days", DEFAULT_MAX_AGE_DAYS), at / "default_max_age_days", low=1
    )
    extra: dict[str, Any] = {}
    if "cd34_min_x10e6_per_kg" in spec:
        extra["cd34_min_x10e6_per_kg"] = _number(
            spec["cd34_min_x10e6_per_kg"], at / "cd34_min_x10e6_per_kg"
        )
    if "trm_window_days" in spec:
        extra["trm_window_days"] = _whole(spec["trm_window_days"], at / "trm_window_days", low=1)
    if "schedule" in spec:
        extra["schedule"] = _schedule(spec["schedule"], at / "schedule")
    if "max_phase_days" in spec:
        phases = _mapping(
            spec["max_phase_days"], at / "max_phase_days", tuple(p.value for p in CoursePhase)
        )
        extra["max_phase_days"] = tuple(
            (CoursePhase(k), _whole(v, at / "max_phase_days" / k, low=1)) for k, v in phases.items()
        )
    try:
        return Protocol(
            id=_text(spec["id"], at / "id"),
            title=_text(spec["title"], at / "title"),
            version=str(spec["version"]),
            course_kind=_enum(CourseKind, spec["course_kind"], at / "course_kind"),
            disease=_enum(Disease, spec["disease"], at / "disease"),
            status=str(spec.get("status", "")),
            sources=tuple(
                _text(s, at / "sources" / i)
                for i, s in enumerate(_list(spec["sources"], at / "sources"))
            ),
            criteria=_criteria(spec, at, default_age),
            **extra,
        )
    except InvalidValueError as exc:
        raise ProtocolError(f"{source}: {exc}") from exc
