"""Edition specifications: what one year's pedoman says, as frozen dataclasses.

An `Edition` is built only by `loader.parse_edition`, which validates the plain dict first; the
dataclasses therefore trust their contents. `Edition.to_dict()` gives back the same plain dict
shape (the TOML shape, documented in docs/methodology.md) so a copy stored elsewhere (the Django
database) can be edited and validated again with `parse_edition`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

Confidence = Literal["confirmed", "reported", "transcribed", "inferred"]
CONFIDENCES: tuple[str, ...] = ("confirmed", "reported", "transcribed", "inferred")
ASPECTS: tuple[str, ...] = ("SPD", "SID")

# Profile field types. `agency` is the innovation's OPD (1.2 "Dibuat Oleh", read-only); `urusan` is
# the main urusan and the overlapping ones (1.11), stored in the main_affair/other_affairs columns.
PROFILE_TYPES: tuple[str, ...] = (
    "text",
    "longtext",
    "choice",
    "date",
    "number",
    "url",
    "document",
    "yesno",
    "urusan",
    "agency",
)
TEXT_TYPES: tuple[str, ...] = ("text", "longtext")
# The report's own columns (fields every edition has) and the types each may take. A profile field
# stored in a column is named after it (`code = column`), so remarks, diffs and exports keep
# meaning the same thing across editions; every other field is stored by code in the report's
# `profile_extra`. main_affair/other_affairs belong to the `urusan` field.
PROFILE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "name": ("text",),
    "stage": ("choice",),
    "initiator_kind": ("choice",),
    "initiator_name": ("text",),
    "kind": ("choice",),
    "form": ("choice",),
    "theme": ("choice", "text"),
    "trial_date": ("date",),
    "implementation_date": ("date",),
    "development_date": ("date",),
    "design": TEXT_TYPES,
    "goal": TEXT_TYPES,
    "benefit": TEXT_TYPES,
    "result": TEXT_TYPES,
    "budget": ("number",),
    "video_url": ("url",),
}
URUSAN_COLUMNS: tuple[str, ...] = ("main_affair", "other_affairs")
# Who may sign a document a level asks for (`[[evidence_rules]]`): the head of the region (Bupati,
# Wali Kota, Gubernur) or the head of an OPD (Kepala Dinas/Badan, Camat, a unit head); "" = the level
# names no signer.
SIGNERS: tuple[str, ...] = ("kepala_daerah", "kepala_opd")
# Links the evidence checks recognise by their shape (format only, never fetched).
LINK_KINDS: tuple[str, ...] = ("youtube", "drive", "tiktok", "instagram")
# The group whose texts `[rancang_bangun].min_words` counts together (one text in 2023, six parts
# from 2024).
DESIGN_GROUP = "rancang_bangun"


@dataclass(frozen=True)
class Provenance:
    """Where a value comes from and how sure we are. Anything but "confirmed" is shown as
    unconfirmed in the product; `unconfirmed_fields` names fields less sure than the row."""

    source: tuple[str, ...]
    confidence: Confidence
    unconfirmed_fields: tuple[str, ...] = ()
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return self.confidence == "confirmed" and not self.unconfirmed_fields

    def is_unconfirmed(self, field_name: str | None = None) -> bool:
        """True when the row (or the named field of it) is not officially confirmed."""
        if self.confidence != "confirmed":
            return True
        return field_name in self.unconfirmed_fields if field_name else False


@dataclass(frozen=True)
class Source:
    key: str
    ref: str
    confidence: Confidence
    what: str = ""


@dataclass(frozen=True)
class Option:
    level: int
    label: str
    score: Decimal


@dataclass(frozen=True)
class SubRow:
    """A separately scored row of an SPD indicator (e.g. 2026 indicator 5 → rows 5a and 5b)."""

    code: str
    name: str
    weight: Decimal
    mandatory: bool
    options: tuple[Option, ...]

    @property
    def max_score(self) -> Decimal:
        return max(o.score for o in self.options)


@dataclass(frozen=True)
class MeasurementBasis:
    """Informational: alternative bases of measurement with their own thresholds (same scores)."""

    code: str
    name: str
    evidence: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Evidence:
    kinds: tuple[str, ...]  # accepted file kinds, e.g. ("PDF", "JPG")
    must_show: str  # what the document must show
    years: str  # the year window as stated ("2 tahun terakhir", "T-1 vs T-2"); "" = not stated


@dataclass(frozen=True)
class EvidenceLevelRule:
    """What one level of an indicator asks of its documents (overrides the indicator's defaults)."""

    level: int
    window: str | None = None  # None: the rule's own window
    signer: str = ""  # one of SIGNERS, "" = the level names none
    name: bool | None = None  # None: the rule's own `name`


@dataclass(frozen=True)
class ResolvedEvidenceRule:
    """An indicator's evidence rule for one claimed level: what the automatic checks compare with."""

    window: str  # "" = no window of its own (the checks fall back to the eligibility window)
    signer: str
    name: bool
    max_video_seconds: int | None
    links: tuple[str, ...]


@dataclass(frozen=True)
class EvidenceRule:
    """Machine-readable rules for an indicator's evidence, read by the automatic evidence checks.

    `window` says when a document must be dated: "eligibility" (the edition's implementation
    window), "T-2..T-1" (whole years counted back from the edition year; T-0 is the edition year),
    "..T-1" (up to the end of T-1), "T-2.." (from the start of T-2) or "T-1" (that year). `name`:
    the document (a decree) must name the innovation. `levels` override both per claimed level and
    name the signer a level asks for. `max_video_seconds` and `links` are for video evidence.
    """

    indicator: str
    provenance: Provenance
    window: str = ""
    name: bool = False
    levels: tuple[EvidenceLevelRule, ...] = ()
    max_video_seconds: int | None = None
    links: tuple[str, ...] = ()

    def for_level(self, level: int | None) -> ResolvedEvidenceRule:
        own = next((r for r in self.levels if r.level == level), None)
        window = own.window if own is not None and own.window is not None else self.window
        name = own.name if own is not None and own.name is not None else self.name
        signer = own.signer if own is not None else ""
        return ResolvedEvidenceRule(window, signer, name, self.max_video_seconds, self.links)


WINDOW_PATTERN = re.compile(r"^(?:T-(\d))?(\.\.)?(?:T-(\d))?$")


def window_years(window: str) -> tuple[int | None, int | None] | None:
    """("T-2..T-1") -> (2, 1): how many years before the edition year a window starts and ends
    (None = open). None for a text that is not a year window (e.g. "eligibility")."""
    match = WINDOW_PATTERN.match(window or "")
    if not match or not (match.group(1) or match.group(3)):
        return None
    start, dots, end = match.groups()
    if not dots:  # "T-1": that one year
        return int(start), int(start)
    return (int(start) if start else None), (int(end) if end else None)


@dataclass(frozen=True)
class AnswerRow:
    """One answerable, scored row: an indicator without sub-rows, or one sub-row."""

    code: str
    indicator_code: str
    name: str
    weight: Decimal
    mandatory: bool
    options: tuple[Option, ...]

    @property
    def max_score(self) -> Decimal:
        return max(o.score for o in self.options)

    def score_of(self, level: int | None) -> Decimal:
        if not level:
            return Decimal(0)
        return self.options[level - 1].score


@dataclass(frozen=True)
class Indicator:
    code: str
    aspect: str
    variable: str
    name: str
    definition: str
    weight: Decimal | None  # None for a computed indicator
    mandatory: bool
    evidence: Evidence
    provenance: Provenance
    options: tuple[Option, ...] = ()
    sub_rows: tuple[SubRow, ...] = ()
    computed: str | None = None  # "innovation_count" for indicator 36
    notes: str = ""
    computation: str = ""
    measurement_bases: tuple[MeasurementBasis, ...] = ()
    sub_indicators: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def rows(self) -> tuple[AnswerRow, ...]:
        if self.computed:
            return ()
        if self.sub_rows:
            return tuple(
                AnswerRow(s.code, self.code, s.name, s.weight, s.mandatory, s.options)
                for s in self.sub_rows
            )
        assert self.weight is not None
        return (
            AnswerRow(self.code, self.code, self.name, self.weight, self.mandatory, self.options),
        )

    @property
    def max_score(self) -> Decimal:
        return sum((r.max_score for r in self.rows), Decimal(0))


@dataclass(frozen=True)
class Aspect:
    code: str
    name: str
    provenance: Provenance


@dataclass(frozen=True)
class Variable:
    code: str
    aspect: str
    name: str
    provenance: Provenance


@dataclass(frozen=True)
class Predicate:
    label: str
    min: Decimal
    max: Decimal
    provenance: Provenance

    def contains(self, iid: Decimal) -> bool:
        return self.min <= iid <= self.max


@dataclass(frozen=True)
class LegalBasis:
    text: str
    provenance: Provenance


@dataclass(frozen=True)
class ScoringRule:
    level_times_weight: bool  # every option score must equal level × weight
    provenance: Provenance


@dataclass(frozen=True)
class DivisorRule:
    minimum: int  # D in MAX(D, n)
    provenance: Provenance


@dataclass(frozen=True)
class CountRule:
    """Skor jumlah inovasi: points × min(n, cap), and 0 unless at least `basic_services_min` of
    `basic_services_urusan` are covered (no gate when basic_services_min is 0)."""

    points_per_innovation: Decimal
    cap: int
    max_score: Decimal
    basic_services_min: int
    basic_services_urusan: tuple[str, ...]
    provenance: Provenance

    @property
    def has_gate(self) -> bool:
        return self.basic_services_min > 0


@dataclass(frozen=True)
class Maxima:
    spd: Decimal
    sid_per_innovation: Decimal
    total: Decimal
    provenance: Provenance


@dataclass(frozen=True)
class Eligibility:
    start: date
    end: date
    rule: str
    provenance: Provenance


@dataclass(frozen=True)
class RancangBangunRule:
    min_words: int | None  # None = no known minimum for this edition
    parts: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class EntryRule:
    max_per_innovation: int | None  # None = no known limit
    provenance: Provenance


@dataclass(frozen=True)
class InfoList:
    items: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class InfoMap:
    items: Mapping[str, Any]
    provenance: Provenance


@dataclass(frozen=True)
class ValidationRule:
    text: str
    provenance: Provenance


@dataclass(frozen=True)
class ProfileOption:
    value: str  # what is stored (a column's code, e.g. "uji_coba"; else the label itself)
    label: str  # the national label, verbatim


@dataclass(frozen=True)
class ProfileField:
    """One field of the innovation profile as the edition's national form has it.

    `number` is the national numbering ("1.15.2"; "" = not on the national form), `label` the
    national label verbatim. `column` names the report's column holding the value (then it equals
    `code`); without it the value is kept in the report's `profile_extra` under `code`. Fields
    sharing a `group` are parts of one national item (the rancang bangun's six parts, the three
    tujuan). `min_words` is the minimum of this one text; the rancang bangun's minimum over its
    parts is the edition's `[rancang_bangun].min_words`, counted over the `rancang_bangun` group.
    """

    code: str
    label: str
    type: str
    provenance: Provenance
    number: str = ""
    column: str = ""
    required: bool = False
    group: str = ""
    options: tuple[ProfileOption, ...] = ()
    options_from: str = ""  # "tematik": the edition's tematik list (free text when it is empty)
    min_words: int | None = None
    kinds: tuple[str, ...] = ()  # document fields: accepted file kinds, e.g. ("PDF",)
    help: str = ""

    @property
    def title(self) -> str:
        """Number and label, as the national printout shows them ("1.15.1 Dasar Hukum")."""
        return f"{self.number} {self.label}".strip()

    @property
    def in_column(self) -> bool:
        return bool(self.column)

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value


@dataclass(frozen=True)
class Edition:
    schema_version: int
    year: int
    label: str
    legal_basis: LegalBasis
    scoring: ScoringRule
    divisor: DivisorRule
    count_rule: CountRule
    maxima: Maxima
    eligibility: Eligibility
    rancang_bangun: RancangBangunRule
    entries: EntryRule
    aspects: tuple[Aspect, ...]
    variables: tuple[Variable, ...]
    predicates: tuple[Predicate, ...]  # highest band first, as in the pedoman
    indicators: tuple[Indicator, ...]
    sources: Mapping[str, Source]
    validation_rules: tuple[ValidationRule, ...] = ()
    tematik: InfoList | None = None
    # The innovation profile, in the national form's order. An edition document without
    # `[[profile_fields]]` (stored before editions carried them) gets the classic Sinovda profile
    # (the 2023 shape) and `profile_is_default`; `to_dict` then leaves them out again.
    profile_fields: tuple[ProfileField, ...] = ()
    profile_is_default: bool = field(default=False, compare=False)
    profile_notes: InfoList | None = None  # informational: the field lists as transcribed
    presentation_weights: InfoMap | None = None
    timeline: InfoMap | None = None
    # Rules the automatic evidence checks read (dates, signers, names, video); indicators without
    # one are checked against the eligibility window only.
    evidence_rules: tuple[EvidenceRule, ...] = ()
    origin: str = field(default="", compare=False)
    # Engine lookup tables, built on first use (see engine._tables); not part of the value.
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- lookups ---------------------------------------------------------------------------

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    @property
    def spd_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.aspect == "SPD" and not i.computed)

    @property
    def sid_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.aspect == "SID" and not i.computed)

    @property
    def spd_rows(self) -> tuple[AnswerRow, ...]:
        """The SPD rows answered once per Pemda, keyed by row code (sub-row code if any)."""
        return tuple(r for i in self.spd_indicators for r in i.rows)

    @property
    def sid_rows(self) -> tuple[AnswerRow, ...]:
        return tuple(r for i in self.sid_indicators for r in i.rows)

    def evidence_rule(self, indicator_code: str) -> EvidenceRule | None:
        for rule in self.evidence_rules:
            if rule.indicator == indicator_code:
                return rule
        return None

    def evidence_window(self, window: str) -> tuple[date | None, date | None]:
        """The dates of an evidence window ("eligibility", "T-2..T-1", ...); (None, None) when the
        text names no window. Either end may be None (open)."""
        if window == "eligibility":
            return self.eligibility.start, self.eligibility.end
        years = window_years(window)
        if years is None:
            return None, None
        start, end = years
        return (
            date(self.year - start, 1, 1) if start is not None else None,
            date(self.year - end, 12, 31) if end is not None else None,
        )

    def profile_field(self, code: str) -> ProfileField | None:
        for profile_field in self.profile_fields:
            if profile_field.code == code:
                return profile_field
        return None

    def profile_group(self, group: str) -> tuple[ProfileField, ...]:
        return tuple(f for f in self.profile_fields if group and f.group == group)

    @property
    def design_fields(self) -> tuple[ProfileField, ...]:
        """The rancang bangun's texts, counted together against `rancang_bangun.min_words`."""
        return self.profile_group(DESIGN_GROUP)

    def predicate_for(self, iid: Decimal) -> Predicate:
        """The band containing a (rounded, 2-decimal) IID."""
        for band in self.predicates:
            if band.contains(iid):
                return band
        raise ValueError(f"IID {iid} is outside every predicate band")

    def unconfirmed_values(self) -> list[tuple[str, str, str]]:
        """(what, confidence, note) for every value not officially confirmed."""
        out: list[tuple[str, str, str]] = []

        def add(what: str, prov: Provenance, note: str = "") -> None:
            if prov.confidence != "confirmed":
                out.append((what, prov.confidence, note or prov.note))
            elif prov.unconfirmed_fields:
                fields = ", ".join(prov.unconfirmed_fields)
                out.append((f"{what} [{fields}]", "unconfirmed fields", note or prov.note))

        add("legal_basis", self.legal_basis.provenance)
        add("scoring.level_times_weight", self.scoring.provenance)
        add(f"divisor.minimum = {self.divisor.minimum}", self.divisor.provenance)
        cr = self.count_rule
        add(
            f"count_rule = {cr.points_per_innovation} x min(n, {cr.cap}), "
            f"gate {cr.basic_services_min} urusan",
            cr.provenance,
        )
        mx = self.maxima
        add(f"maxima SPD {mx.spd} / SID {mx.sid_per_innovation} / total {mx.total}", mx.provenance)
        for band in self.predicates:
            add(f"predicate {band.label} {band.min}–{band.max}", band.provenance)
        el = self.eligibility
        add(f"eligibility {el.start}..{el.end}", el.provenance)
        add(
            f"rancang_bangun.min_words = {self.rancang_bangun.min_words}",
            self.rancang_bangun.provenance,
        )
        add(
            f"entries.max_per_innovation = {self.entries.max_per_innovation}",
            self.entries.provenance,
        )
        unsure = [f for f in self.profile_fields if not f.provenance.confirmed]
        if unsure:
            weakest = max(unsure, key=lambda f: CONFIDENCES.index(f.provenance.confidence))
            out.append(
                (
                    f"profile_fields ({len(unsure)} of {len(self.profile_fields)})",
                    weakest.provenance.confidence,
                    "",
                )
            )
        for indicator in self.indicators:
            prov = indicator.provenance
            if prov.confidence != "confirmed" or prov.unconfirmed_fields:
                fields = ", ".join(prov.unconfirmed_fields)
                what = f"indicator {indicator.code} {indicator.name}"
                out.append((what + (f" [{fields}]" if fields else ""), prov.confidence, ""))
        return out

    # --- the plain dict shape (TOML shape) -------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The plain-dict form that `parse_edition` accepts (dates as ISO strings, numbers as
        int/float exactly as they would be written in TOML)."""
        d: dict[str, Any] = {
            "schema_version": self.schema_version,
            "year": self.year,
            "label": self.label,
            "legal_basis": {"text": self.legal_basis.text, **_prov(self.legal_basis.provenance)},
            "scoring": {
                "level_times_weight": self.scoring.level_times_weight,
                **_prov(self.scoring.provenance),
            },
            "divisor": {"minimum": self.divisor.minimum, **_prov(self.divisor.provenance)},
            "count_rule": {
                "points_per_innovation": _num(self.count_rule.points_per_innovation),
                "cap": self.count_rule.cap,
                "max_score": _num(self.count_rule.max_score),
                "basic_services_min": self.count_rule.basic_services_min,
                "basic_services_urusan": list(self.count_rule.basic_services_urusan),
                **_prov(self.count_rule.provenance),
            },
            "maxima": {
                "spd": _num(self.maxima.spd),
                "sid_per_innovation": _num(self.maxima.sid_per_innovation),
                "total": _num(self.maxima.total),
                **_prov(self.maxima.provenance),
            },
            "eligibility": {
                "start": self.eligibility.start.isoformat(),
                "end": self.eligibility.end.isoformat(),
                "rule": self.eligibility.rule,
                **_prov(self.eligibility.provenance),
            },
            "rancang_bangun": {
                **(
                    {"min_words": self.rancang_bangun.min_words}
                    if self.rancang_bangun.min_words is not None
                    else {}
                ),
                "parts": list(self.rancang_bangun.parts),
                **_prov(self.rancang_bangun.provenance),
            },
            "entries": {
                **(
                    {"max_per_innovation": self.entries.max_per_innovation}
                    if self.entries.max_per_innovation is not None
                    else {}
                ),
                **_prov(self.entries.provenance),
            },
            "aspects": [
                {"code": a.code, "name": a.name, **_prov(a.provenance)} for a in self.aspects
            ],
            "variables": [
                {"code": v.code, "aspect": v.aspect, "name": v.name, **_prov(v.provenance)}
                for v in self.variables
            ],
            "predicates": [
                {"label": p.label, "min": _num(p.min), "max": _num(p.max), **_prov(p.provenance)}
                for p in self.predicates
            ],
        }
        if self.tematik is not None:
            d["tematik"] = {"items": list(self.tematik.items), **_prov(self.tematik.provenance)}
        if self.profile_notes is not None:
            d["profile_notes"] = {
                "items": list(self.profile_notes.items),
                **_prov(self.profile_notes.provenance),
            }
        if not self.profile_is_default:
            d["profile_fields"] = [_profile_field_dict(f) for f in self.profile_fields]
        if self.presentation_weights is not None:
            d["presentation_weights"] = {
                "weights": dict(self.presentation_weights.items),
                **_prov(self.presentation_weights.provenance),
            }
        if self.timeline is not None:
            d["timeline"] = {"items": dict(self.timeline.items), **_prov(self.timeline.provenance)}
        d["validation_rules"] = [
            {"text": r.text, **_prov(r.provenance)} for r in self.validation_rules
        ]
        d["indicators"] = [_indicator_dict(i) for i in self.indicators]
        if self.evidence_rules:
            d["evidence_rules"] = [_evidence_rule_dict(r) for r in self.evidence_rules]
        d["sources"] = {
            key: {"ref": s.ref, "confidence": s.confidence, "what": s.what}
            for key, s in self.sources.items()
        }
        return d


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _prov(prov: Provenance) -> dict[str, Any]:
    d: dict[str, Any] = {"source": list(prov.source), "confidence": prov.confidence}
    if prov.unconfirmed_fields:
        d["unconfirmed_fields"] = list(prov.unconfirmed_fields)
    if prov.note:
        d["note"] = prov.note
    return d


def _profile_field_dict(pf: ProfileField) -> dict[str, Any]:
    d: dict[str, Any] = {"code": pf.code}
    if pf.number:
        d["number"] = pf.number
    d["label"] = pf.label
    d["type"] = pf.type
    if pf.group:
        d["group"] = pf.group
    if pf.column:
        d["column"] = pf.column
    if pf.required:
        d["required"] = True
    if pf.options:
        d["options"] = [
            o.label if o.value == o.label else {"value": o.value, "label": o.label}
            for o in pf.options
        ]
    if pf.options_from:
        d["options_from"] = pf.options_from
    if pf.min_words is not None:
        d["min_words"] = pf.min_words
    if pf.kinds:
        d["kinds"] = list(pf.kinds)
    if pf.help:
        d["help"] = pf.help
    d.update(_prov(pf.provenance))
    return d


def _evidence_rule_dict(rule: EvidenceRule) -> dict[str, Any]:
    d: dict[str, Any] = {"indicator": rule.indicator}
    if rule.window:
        d["window"] = rule.window
    if rule.name:
        d["name"] = True
    if rule.levels:
        levels = []
        for lr in rule.levels:
            ld: dict[str, Any] = {"level": lr.level}
            if lr.window is not None:
                ld["window"] = lr.window
            if lr.signer:
                ld["signer"] = lr.signer
            if lr.name is not None:
                ld["name"] = lr.name
            levels.append(ld)
        d["levels"] = levels
    if rule.max_video_seconds is not None:
        d["max_video_seconds"] = rule.max_video_seconds
    if rule.links:
        d["links"] = list(rule.links)
    d.update(_prov(rule.provenance))
    return d


def _options(options: tuple[Option, ...]) -> list[dict[str, Any]]:
    return [{"level": o.level, "label": o.label, "score": _num(o.score)} for o in options]


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    d: dict[str, Any] = {
        "code": ind.code,
        "aspect": ind.aspect,
        "variable": ind.variable,
        "name": ind.name,
        "definition": ind.definition,
    }
    if ind.weight is not None:
        d["weight"] = _num(ind.weight)
    if ind.computed:
        d["computed"] = ind.computed
    d["mandatory"] = ind.mandatory
    prov = _prov(ind.provenance)
    if "note" in prov:  # indicators carry their remarks in `notes`
        del prov["note"]
    d.update(prov)
    if ind.notes:
        d["notes"] = ind.notes
    if ind.computation:
        d["computation"] = ind.computation
    d["evidence"] = {
        "kinds": list(ind.evidence.kinds),
        "must_show": ind.evidence.must_show,
        "years": ind.evidence.years,
    }
    if ind.options:
        d["options"] = _options(ind.options)
    if ind.sub_rows:
        d["sub_rows"] = [
            {
                "code": s.code,
                "name": s.name,
                "weight": _num(s.weight),
                "mandatory": s.mandatory,
                "options": _options(s.options),
            }
            for s in ind.sub_rows
        ]
    if ind.sub_indicators:
        d["sub_indicators"] = {k: list(v) for k, v in ind.sub_indicators.items()}
    if ind.measurement_bases:
        d["measurement_bases"] = [
            {
                "code": b.code,
                "name": b.name,
                **({"evidence": b.evidence} if b.evidence else {}),
                "options": _options(b.options),
            }
            for b in ind.measurement_bases
        ]
    return d
