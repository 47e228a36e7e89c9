"""Loading and validating edition data.

`parse_edition(data, origin)` is the one gate: the packaged TOML files and editions stored in the
database (cloned and edited by a national admin) pass through it. It reports every problem it
finds, not only the first, each with origin (file), indicator code and field, so an admin can fix
a whole file in one go. Messages are in Indonesian because admins read them in the product.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .spec import (
    ASPECTS,
    CONFIDENCES,
    DESIGN_GROUP,
    LINK_KINDS,
    PROFILE_COLUMNS,
    PROFILE_TYPES,
    SIGNERS,
    TEXT_TYPES,
    URUSAN_COLUMNS,
    AnswerRow,
    Aspect,
    CountRule,
    DivisorRule,
    Edition,
    Eligibility,
    EntryRule,
    Evidence,
    EvidenceLevelRule,
    EvidenceRule,
    Indicator,
    InfoList,
    InfoMap,
    LegalBasis,
    Maxima,
    MeasurementBasis,
    Option,
    Predicate,
    ProfileField,
    ProfileOption,
    Provenance,
    RancangBangunRule,
    ScoringRule,
    Source,
    SubRow,
    ValidationRule,
    Variable,
    window_years,
)

EDITIONS_DIR = Path(__file__).resolve().parent / "editions"
SCHEMA_VERSION = 1
CENT = Decimal("0.01")
LEVELS = (1, 2, 3)
INDICATOR_UNCONFIRMABLE = frozenset(
    {"presence", "position", "name", "definition", "weight", "mandatory", "options", "evidence"}
)


@dataclass(frozen=True)
class Problem:
    origin: str
    indicator: str | None  # indicator (or sub-row) code, when the problem is about one
    field: str
    message: str

    def __str__(self) -> str:
        where = f"indikator {self.indicator}, " if self.indicator else ""
        return f"{self.origin}: {where}{self.field}: {self.message}"


class EditionError(ValueError):
    """An edition that must not be used; `problems` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"Edisi tidak valid ({len(self.problems)} masalah):\n{lines}")


# --- value readers ----------------------------------------------------------------------------


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise TypeError from None
    raise TypeError


def _to_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise TypeError from None
    raise TypeError


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)


KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "str": ("teks", lambda v: isinstance(v, str)),
    "int": ("bilangan bulat", _is_int),
    "bool": ("true/false", lambda v: isinstance(v, bool)),
    "strlist": ("daftar teks", _is_str_list),
    "list": ("daftar", lambda v: isinstance(v, list | tuple)),
    "table": ("tabel", lambda v: isinstance(v, Mapping)),
}

PROVENANCE_KEYS = {
    "source": "strlist",
    "confidence": "str",
    "unconfirmed_fields": "strlist",
    "note": "str",
}


class _Checker:
    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[Problem] = []
        self.source_keys: set[str] = set()

    def add(self, indicator: str | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.origin, indicator, field, message))

    def table(
        self,
        data: Any,
        where: str,
        required: Mapping[str, str],
        optional: Mapping[str, str] | None = None,
        indicator: str | None = None,
    ) -> dict[str, Any]:
        """Check keys and simple types of one table; returns the values that passed."""
        optional = optional or {}
        if not isinstance(data, Mapping):
            self.add(indicator, where, "harus berupa tabel")
            return {}
        out: dict[str, Any] = {}
        for key in data:
            if key not in required and key not in optional:
                self.add(indicator, f"{where}.{key}" if where else key, "kunci tidak dikenal")
        for key, kind in {**required, **optional}.items():
            if key not in data:
                if key in required:
                    self.add(indicator, f"{where}.{key}" if where else key, "wajib diisi")
                continue
            value = data[key]
            if kind == "num":
                try:
                    out[key] = _to_decimal(value)
                except TypeError:
                    self.add(indicator, f"{where}.{key}", f"harus berupa angka, bukan {value!r}")
                continue
            if kind == "date":
                try:
                    out[key] = _to_date(value)
                except TypeError:
                    self.add(indicator, f"{where}.{key}", f"harus berupa tanggal, bukan {value!r}")
                continue
            label, ok = KINDS[kind]
            if not ok(value):
                self.add(indicator, f"{where}.{key}" if where else key, f"harus berupa {label}")
                continue
            out[key] = value
        return out

    def provenance(
        self, values: Mapping[str, Any], where: str, indicator: str | None, fields: set[str]
    ) -> Provenance:
        source = tuple(values.get("source") or ())
        if "source" in values and not source:
            self.add(indicator, f"{where}.source", "sumber wajib diisi (minimal satu)")
        for key in source:
            if key not in self.source_keys:
                self.add(indicator, f"{where}.source", f"sumber {key!r} tidak ada di [sources]")
        confidence = values.get("confidence", "inferred")
        if "confidence" in values and confidence not in CONFIDENCES:
            self.add(
                indicator,
                f"{where}.confidence",
                f"harus salah satu dari {', '.join(CONFIDENCES)}, bukan {confidence!r}",
            )
            confidence = "inferred"
        unconfirmed = tuple(values.get("unconfirmed_fields") or ())
        for name in unconfirmed:
            if name not in fields:
                self.add(indicator, f"{where}.unconfirmed_fields", f"bidang {name!r} tidak dikenal")
        return Provenance(source, confidence, unconfirmed, values.get("note", ""))


def _with_prov(required: Mapping[str, str], optional: Mapping[str, str] | None = None):
    return {**required, "source": "strlist", "confidence": "str"}, {
        **(optional or {}),
        "unconfirmed_fields": "strlist",
        "note": "str",
    }


# --- sections ---------------------------------------------------------------------------------


def _rule(ck: _Checker, data: Mapping, key: str, required, optional=None, present=True):
    req, opt = _with_prov(required, optional)
    if key not in data:
        if present:
            ck.add(None, key, "wajib diisi")
        return None, None
    values = ck.table(data[key], key, req, opt)
    prov = ck.provenance(values, key, None, set(required) | set(optional or {}))
    return values, prov


def _options(
    ck: _Checker,
    raw: Any,
    where: str,
    code: str,
    weight: Decimal | None,
    level_times_weight: bool,
) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        ck.add(code, where, "harus berisi opsi tingkat 1, 2 dan 3")
        return ()
    options: list[Option] = []
    for index, item in enumerate(raw):
        values = ck.table(
            item, f"{where}[{index}]", {"level": "int", "label": "str", "score": "num"}, None, code
        )
        if len(values) == 3:
            options.append(Option(values["level"], values["label"], values["score"]))
    levels = [o.level for o in options]
    if len(options) == len(raw) and levels != list(LEVELS):
        ck.add(code, f"{where}.level", f"tingkat harus 1, 2, 3 berurutan, ditemukan {levels}")
    for prev, nxt in zip(options, options[1:], strict=False):
        if nxt.score <= prev.score:
            ck.add(
                code,
                f"{where}.score",
                f"skor tidak naik: tingkat {nxt.level} ({nxt.score}) ≤ tingkat {prev.level} "
                f"({prev.score})",
            )
    for option in options:
        if option.score <= 0:
            ck.add(code, f"{where}.score", f"skor tingkat {option.level} harus lebih dari 0")
        if option.score % CENT:
            ck.add(
                code,
                f"{where}.score",
                f"skor tingkat {option.level} ({option.score}) bukan kelipatan 0,01",
            )
        if level_times_weight and weight is not None and option.score != option.level * weight:
            ck.add(
                code,
                f"{where}.score",
                f"skor tingkat {option.level} ({option.score}) ≠ tingkat × bobot "
                f"({option.level * weight})",
            )
    return tuple(options)


INDICATOR_REQUIRED = {
    "code": "str",
    "aspect": "str",
    "variable": "str",
    "name": "str",
    "definition": "str",
    "mandatory": "bool",
    "source": "strlist",
    "confidence": "str",
    "evidence": "table",
}
INDICATOR_OPTIONAL = {
    "weight": "num",
    "computed": "str",
    "unconfirmed_fields": "strlist",
    "notes": "str",
    "computation": "str",
    "options": "list",
    "sub_rows": "list",
    "measurement_bases": "list",
    "sub_indicators": "table",
}


def _indicator(ck: _Checker, raw: Any, index: int, level_times_weight: bool) -> Indicator | None:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    code = code if isinstance(code, str) else f"#{index + 1}"
    v = ck.table(raw, f"indicators[{index}]", INDICATOR_REQUIRED, INDICATOR_OPTIONAL, code)
    if not v:
        return None
    prov = ck.provenance(v, "indicator", code, set(INDICATOR_UNCONFIRMABLE))
    ev = ck.table(
        v.get("evidence", {}),
        "evidence",
        {"kinds": "strlist", "must_show": "str", "years": "str"},
        None,
        code,
    )
    evidence = Evidence(tuple(ev.get("kinds", ())), ev.get("must_show", ""), ev.get("years", ""))
    if v.get("aspect") not in ASPECTS:
        ck.add(code, "aspect", f"harus SPD atau SID, bukan {v.get('aspect')!r}")
    weight = v.get("weight")
    computed = v.get("computed")
    options: tuple[Option, ...] = ()
    sub_rows: list[SubRow] = []
    if computed is not None:
        if computed != "innovation_count":
            ck.add(code, "computed", f"hanya 'innovation_count' yang dikenal, bukan {computed!r}")
        for key in ("options", "sub_rows", "weight"):
            if key in v:
                ck.add(code, key, "indikator terhitung (computed) tidak boleh punya " + key)
    else:
        if weight is None:
            ck.add(code, "weight", "wajib diisi")
        elif weight <= 0:
            ck.add(code, "weight", "bobot harus lebih dari 0")
        if "sub_rows" in v:
            if "options" in v:
                ck.add(code, "options", "indikator dengan sub_rows tidak boleh punya opsi sendiri")
            if v.get("aspect") != "SPD":
                ck.add(code, "sub_rows", "sub-baris hanya untuk indikator SPD")
            for sub_index, sub in enumerate(v["sub_rows"]):
                where = f"sub_rows[{sub_index}]"
                sv = ck.table(
                    sub,
                    where,
                    {
                        "code": "str",
                        "name": "str",
                        "weight": "num",
                        "mandatory": "bool",
                        "options": "list",
                    },
                    None,
                    code,
                )
                sub_code = sv.get("code", f"{code}#{sub_index + 1}")
                if "weight" not in sv or "options" not in sv:
                    continue
                sub_options = _options(
                    ck, sv["options"], "options", sub_code, sv["weight"], level_times_weight
                )
                sub_rows.append(
                    SubRow(
                        sub_code,
                        sv.get("name", ""),
                        sv["weight"],
                        sv.get("mandatory", False),
                        sub_options,
                    )
                )
            if not v["sub_rows"]:
                ck.add(code, "sub_rows", "daftar sub-baris kosong")
            total = sum((s.weight for s in sub_rows), Decimal(0))
            if weight is not None and len(sub_rows) == len(v["sub_rows"]) and total != weight:
                ck.add(code, "weight", f"bobot {weight} ≠ jumlah bobot sub-baris {total}")
        else:
            options = _options(ck, v.get("options"), "options", code, weight, level_times_weight)
    bases = []
    for b_index, basis in enumerate(v.get("measurement_bases", [])):
        bv = ck.table(
            basis,
            f"measurement_bases[{b_index}]",
            {"code": "str", "name": "str", "options": "list"},
            {"evidence": "str"},
            code,
        )
        if "options" in bv:
            b_options = _options(
                ck,
                bv["options"],
                f"measurement_bases[{b_index}].options",
                code,
                weight,
                level_times_weight,
            )
            bases.append(
                MeasurementBasis(
                    bv.get("code", ""), bv.get("name", ""), bv.get("evidence", ""), b_options
                )
            )
    sub_indicators = {}
    for key, value in v.get("sub_indicators", {}).items():
        if not _is_str_list(value):
            ck.add(code, f"sub_indicators.{key}", "harus berupa daftar teks")
        else:
            sub_indicators[key] = tuple(value)
    return Indicator(
        code=code,
        aspect=v.get("aspect", ""),
        variable=v.get("variable", ""),
        name=v.get("name", ""),
        definition=v.get("definition", ""),
        weight=weight,
        mandatory=v.get("mandatory", False),
        evidence=evidence,
        provenance=prov,
        options=options,
        sub_rows=tuple(sub_rows),
        computed=computed,
        notes=v.get("notes", ""),
        computation=v.get("computation", ""),
        measurement_bases=tuple(bases),
        sub_indicators=MappingProxyType(sub_indicators),
    )


# --- the innovation profile -------------------------------------------------------------------

PROFILE_REQUIRED = {"code": "str", "label": "str", "type": "str"}
PROFILE_OPTIONAL = {
    "number": "str",
    "column": "str",
    "required": "bool",
    "group": "str",
    "options": "list",
    "options_from": "str",
    "min_words": "int",
    "kinds": "strlist",
    "help": "str",
}
PROFILE_UNCONFIRMABLE = {
    "presence",
    "number",
    "label",
    "type",
    "required",
    "options",
    "min_words",
    "group",
}
OPTIONS_FROM = ("tematik",)
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _profile_options(ck: _Checker, raw: list, where: str) -> tuple[ProfileOption, ...]:
    options: list[ProfileOption] = []
    for index, item in enumerate(raw):
        if isinstance(item, str):
            options.append(ProfileOption(item, item))
            continue
        ov = ck.table(item, f"{where}[{index}]", {"value": "str", "label": "str"})
        if len(ov) == 2:
            options.append(ProfileOption(ov["value"], ov["label"]))
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        ck.add(None, where, "ada pilihan yang ganda")
    if any(not o.value.strip() or not o.label.strip() for o in options):
        ck.add(None, where, "pilihan tidak boleh kosong")
    return tuple(options)


def _profile_field(ck: _Checker, raw: Any, index: int) -> ProfileField | None:
    code = raw.get("code") if isinstance(raw, Mapping) else None
    where = f"profile_fields.{code}" if isinstance(code, str) else f"profile_fields[{index}]"
    req, opt = _with_prov(PROFILE_REQUIRED, PROFILE_OPTIONAL)
    v = ck.table(raw, where, req, opt)
    if not v:
        return None
    prov = ck.provenance(v, where, None, PROFILE_UNCONFIRMABLE)
    code, kind, column = v.get("code", ""), v.get("type", ""), v.get("column", "")
    if "code" in v and not CODE_PATTERN.match(code):
        ck.add(None, f"{where}.code", "kode hanya huruf kecil, angka dan garis bawah (a-z, 0-9, _)")
    if "type" in v and kind not in PROFILE_TYPES:
        ck.add(
            None,
            f"{where}.type",
            f"jenis {kind!r} tidak dikenal; pilih {', '.join(PROFILE_TYPES)}",
        )
    if "label" in v and not v["label"].strip():
        ck.add(None, f"{where}.label", "label tidak boleh kosong")
    if column:
        if column not in PROFILE_COLUMNS:
            ck.add(
                None,
                f"{where}.column",
                f"kolom {column!r} tidak dikenal; pilih {', '.join(PROFILE_COLUMNS)}",
            )
        else:
            if code != column:
                ck.add(None, f"{where}.column", f"kode bidang berkolom harus sama: {column!r}")
            if kind in PROFILE_TYPES and kind not in PROFILE_COLUMNS[column]:
                allowed = ", ".join(PROFILE_COLUMNS[column])
                ck.add(None, f"{where}.type", f"kolom {column!r} hanya untuk jenis {allowed}")
    elif code in PROFILE_COLUMNS or code in URUSAN_COLUMNS:
        ck.add(
            None,
            f"{where}.column",
            f"{code!r} adalah nama kolom laporan; tulis column = {code!r} "
            '(urusan: type = "urusan" dengan kode lain)',
        )
    if kind in ("urusan", "agency") and column:
        ck.add(None, f"{where}.column", f"bidang jenis {kind} tidak memakai column")
    if kind == "agency" and v.get("required"):
        ck.add(None, f"{where}.required", "OPD pembuat selalu terisi; hapus required")
    options: tuple[ProfileOption, ...] = ()
    if kind == "choice":
        has_options, has_source = bool(v.get("options")), "options_from" in v
        if has_options == has_source:
            ck.add(None, f"{where}.options", "pilihan wajib: isi options atau options_from")
        if has_options:
            options = _profile_options(ck, v["options"], f"{where}.options")
        if has_source and v["options_from"] not in OPTIONS_FROM:
            ck.add(
                None,
                f"{where}.options_from",
                f"sumber pilihan {v['options_from']!r} tidak dikenal; pilih {', '.join(OPTIONS_FROM)}",
            )
    else:
        for key in ("options", "options_from"):
            if key in v:
                ck.add(None, f"{where}.{key}", "pilihan hanya untuk bidang jenis choice")
    if "min_words" in v:
        if kind not in TEXT_TYPES:
            ck.add(None, f"{where}.min_words", "minimum kata hanya untuk bidang teks")
        elif v["min_words"] < 1:
            ck.add(None, f"{where}.min_words", "harus paling sedikit 1")
    if "kinds" in v and kind != "document":
        ck.add(None, f"{where}.kinds", "jenis berkas hanya untuk bidang dokumen")
    group = v.get("group", "")
    if group and not CODE_PATTERN.match(group):
        ck.add(None, f"{where}.group", "kelompok hanya huruf kecil, angka dan garis bawah")
    return ProfileField(
        code=code,
        label=v.get("label", ""),
        type=kind,
        provenance=prov,
        number=v.get("number", ""),
        column=column,
        required=v.get("required", False),
        group=group,
        options=options,
        options_from=v.get("options_from", ""),
        min_words=v.get("min_words"),
        kinds=tuple(v.get("kinds", ())),
        help=v.get("help", ""),
    )


def _profile_fields(ck: _Checker, raw: Any, rancang_bangun: dict | None) -> list[ProfileField]:
    if not isinstance(raw, list) or not raw:
        ck.add(None, "profile_fields", "harus berupa daftar bidang ([[profile_fields]])")
        return []
    fields = [f for i, item in enumerate(raw) if (f := _profile_field(ck, item, i)) is not None]
    seen: set[str] = set()
    for pf in fields:
        if pf.code in seen:
            ck.add(None, f"profile_fields.{pf.code}", "kode ganda")
        seen.add(pf.code)
    if fields and "name" not in seen:
        ck.add(None, "profile_fields", "bidang name (nama inovasi) wajib ada")
    for kind in ("urusan", "agency"):
        if sum(1 for f in fields if f.type == kind) > 1:
            ck.add(None, "profile_fields", f"paling banyak satu bidang jenis {kind}")
    design = [f for f in fields if f.group == DESIGN_GROUP]
    for pf in design:
        if pf.type not in TEXT_TYPES:
            ck.add(None, f"profile_fields.{pf.code}.group", "bagian rancang bangun harus teks")
    if rancang_bangun:
        if rancang_bangun.get("min_words") and not design:
            ck.add(
                None,
                "rancang_bangun.min_words",
                f"tidak ada bidang profil dengan group = {DESIGN_GROUP!r} yang dihitung",
            )
        parts = rancang_bangun.get("parts") or []
        if len(design) > 1 and parts and len(parts) != len(design):
            ck.add(
                None,
                "rancang_bangun.parts",
                f"{len(parts)} bagian, sedangkan profil punya {len(design)} bagian rancang bangun",
            )
    return fields


# The profile of an edition document that does not list its own (documents stored before editions
# carried profile fields): the fields Sinovda always had, as the 2023 form (one rancang bangun,
# tujuan and hasil texts). National numbers and labels as in the 2024-25 printout transcription.
STAGE_OPTIONS = [
    {"value": "inisiatif", "label": "Inisiatif"},
    {"value": "uji_coba", "label": "Uji Coba"},
    {"value": "penerapan", "label": "Penerapan"},
]
INITIATOR_OPTIONS = [
    {"value": "kepala_daerah", "label": "Kepala Daerah"},
    {"value": "anggota_dprd", "label": "Anggota DPRD"},
    {"value": "opd", "label": "OPD"},
    {"value": "asn", "label": "ASN"},
    {"value": "masyarakat", "label": "Masyarakat"},
]
KIND_OPTIONS = [
    {"value": "digital", "label": "Digital"},
    {"value": "non_digital", "label": "Non Digital"},
]
FORM_OPTIONS = [
    {"value": "pelayanan_publik", "label": "Inovasi Pelayanan Publik"},
    {"value": "tata_kelola", "label": "Inovasi Tata Kelola Pemerintahan Daerah"},
    {
        "value": "lainnya",
        "label": "Inovasi Daerah lainnya sesuai dengan Urusan Pemerintahan yang menjadi "
        "kewenangan Daerah",
    },
]
CLASSIC_PROFILE: list[dict[str, Any]] = [
    {"code": "name", "number": "1.1", "label": "Nama Inovasi", "type": "text", "required": True},
    {"code": "agency", "number": "1.2", "label": "Dibuat Oleh", "type": "agency"},
    {"code": "stage", "number": "1.3", "label": "Tahapan Inovasi", "type": "choice",
     "required": True, "options": STAGE_OPTIONS},
    {"code": "initiator_kind", "number": "1.4", "label": "Inisiator Inovasi Daerah",
     "type": "choice", "required": True, "options": INITIATOR_OPTIONS},
    {"code": "initiator_name", "number": "1.5", "label": "Nama Inisiator", "type": "text",
     "required": True},
    {"code": "kind", "number": "1.6", "label": "Jenis Inovasi", "type": "choice",
     "required": True, "options": KIND_OPTIONS},
    {"code": "form", "number": "1.7", "label": "Bentuk Inovasi Daerah", "type": "choice",
     "required": True, "options": FORM_OPTIONS},
    {"code": "theme", "number": "1.8", "label": "Tematik", "type": "choice",
     "options_from": "tematik"},
    {"code": "affairs", "number": "1.11", "label": "Urusan Pemerintahan", "type": "urusan",
     "required": True},
    {"code": "trial_date", "number": "1.12", "label": "Waktu Uji Coba Inovasi Daerah",
     "type": "date"},
    {"code": "implementation_date", "number": "1.13", "label": "Waktu Penerapan Inovasi Daerah",
     "type": "date", "required": True},
    {"code": "development_date", "label": "Waktu Pengembangan Terbaru", "type": "date"},
    {"code": "design", "number": "1.15", "label": "Rancang Bangun", "type": "longtext",
     "group": DESIGN_GROUP, "required": True},
    {"code": "goal", "number": "1.16", "label": "Tujuan Inovasi", "type": "longtext",
     "required": True},
    {"code": "benefit", "number": "1.17", "label": "Manfaat yang Diperoleh", "type": "longtext",
     "required": True},
    {"code": "result", "number": "1.19", "label": "Hasil Inovasi", "type": "longtext",
     "required": True},
    {"code": "budget", "label": "Anggaran (Rp)", "type": "number"},
    {"code": "video_url", "label": "Tautan Video", "type": "url"},
]  # fmt: skip
CLASSIC_NOTE = (
    "Dokumen edisi ini tidak memuat daftar profil; Sinovda memakai profil bawaan (bentuk 2023)."
)


def classic_profile() -> tuple[ProfileField, ...]:
    """The classic profile as fields (provenance: inferred, no source: Sinovda's own default)."""
    prov = Provenance((), "inferred", (), CLASSIC_NOTE)
    fields = []
    for raw in CLASSIC_PROFILE:
        values = dict(raw)
        if values["code"] in PROFILE_COLUMNS:
            values["column"] = values["code"]
        options = tuple(ProfileOption(o["value"], o["label"]) for o in values.pop("options", ()))
        fields.append(ProfileField(**values, options=options, provenance=prov))
    return tuple(fields)


TOP_LEVEL = {
    "schema_version",
    "year",
    "label",
    "legal_basis",
    "scoring",
    "divisor",
    "count_rule",
    "maxima",
    "eligibility",
    "rancang_bangun",
    "entries",
    "aspects",
    "variables",
    "predicates",
    "indicators",
    "sources",
    "validation_rules",
    "tematik",
    "profile_fields",
    "profile_notes",
    "presentation_weights",
    "timeline",
    "evidence_rules",
}


def parse_edition(data: Mapping[str, Any], origin: str = "<dict>") -> Edition:
    """Validate a plain edition dict (the TOML shape) and build the `Edition`.

    Raises `EditionError` listing every problem found.
    """
    ck = _Checker(origin)
    if not isinstance(data, Mapping):
        raise EditionError([Problem(origin, None, "", "edisi harus berupa tabel")])
    for key in data:
        if key not in TOP_LEVEL:
            ck.add(None, key, "kunci tidak dikenal")

    # sources first: every other table refers to them
    sources: dict[str, Source] = {}
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, Mapping) or not raw_sources:
        ck.add(None, "sources", "tabel [sources] wajib diisi")
        raw_sources = {}
    for key, raw in raw_sources.items():
        sv = ck.table(raw, f"sources.{key}", {"ref": "str", "confidence": "str"}, {"what": "str"})
        if sv.get("confidence") is not None and sv["confidence"] not in CONFIDENCES:
            ck.add(None, f"sources.{key}.confidence", f"nilai tidak dikenal {sv['confidence']!r}")
        if "ref" in sv and not sv["ref"].strip():
            ck.add(None, f"sources.{key}.ref", "rujukan sumber kosong")
        sources[key] = Source(
            key, sv.get("ref", ""), sv.get("confidence", "inferred"), sv.get("what", "")
        )
    ck.source_keys = set(sources)

    head = ck.table(
        {k: data[k] for k in ("schema_version", "year", "label") if k in data},
        "",
        {"schema_version": "int", "year": "int", "label": "str"},
    )
    if head.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        ck.add(None, "schema_version", f"versi skema {head['schema_version']} tidak didukung")

    lb, lb_prov = _rule(ck, data, "legal_basis", {"text": "str"})
    sc, sc_prov = _rule(ck, data, "scoring", {"level_times_weight": "bool"})
    dv, dv_prov = _rule(ck, data, "divisor", {"minimum": "int"})
    cr, cr_prov = _rule(
        ck,
        data,
        "count_rule",
        {
            "points_per_innovation": "num",
            "cap": "int",
            "max_score": "num",
            "basic_services_min": "int",
            "basic_services_urusan": "strlist",
        },
    )
    mx, mx_prov = _rule(
        ck, data, "maxima", {"spd": "num", "sid_per_innovation": "num", "total": "num"}
    )
    el, el_prov = _rule(ck, data, "eligibility", {"start": "date", "end": "date", "rule": "str"})
    rb, rb_prov = _rule(ck, data, "rancang_bangun", {"parts": "strlist"}, {"min_words": "int"})
    en, en_prov = _rule(ck, data, "entries", {}, {"max_per_innovation": "int"})
    tm, tm_prov = _rule(ck, data, "tematik", {"items": "strlist"}, present=False)
    # `profile_fields` once was an informational table of items; such documents (stored in the
    # database) read it as `profile_notes` and get the classic profile.
    legacy_notes = isinstance(data.get("profile_fields"), Mapping)
    if legacy_notes and "profile_notes" in data:
        ck.add(None, "profile_fields", "tabel lama [profile_fields] bersama [profile_notes]")
    notes_key = "profile_fields" if legacy_notes else "profile_notes"
    pn, pn_prov = _rule(ck, data, notes_key, {"items": "strlist"}, present=False)
    pw, pw_prov = _rule(ck, data, "presentation_weights", {"weights": "table"}, present=False)
    tl, tl_prov = _rule(ck, data, "timeline", {"items": "table"}, present=False)

    level_times_weight = bool(sc and sc.get("level_times_weight"))

    # simple range checks
    if dv and "minimum" in dv and dv["minimum"] < 1:
        ck.add(None, "divisor.minimum", "harus paling sedikit 1")
    if cr:
        if cr.get("cap", 1) < 0:
            ck.add(None, "count_rule.cap", "tidak boleh negatif")
        for key in ("points_per_innovation", "max_score"):
            if key in cr and cr[key] % CENT:
                ck.add(None, f"count_rule.{key}", f"{cr[key]} bukan kelipatan 0,01")
        if {"points_per_innovation", "cap", "max_score"} <= set(cr):
            product = cr["points_per_innovation"] * cr["cap"]
            if product != cr["max_score"]:
                ck.add(
                    None,
                    "count_rule.max_score",
                    f"{cr['max_score']} ≠ poin per inovasi × batas ({product})",
                )
        urusan = cr.get("basic_services_urusan", [])
        folded = [u.casefold() for u in urusan]
        if len(set(folded)) != len(folded):
            ck.add(None, "count_rule.basic_services_urusan", "ada urusan yang ganda")
        gate = cr.get("basic_services_min", 0)
        if gate < 0 or gate > len(urusan):
            ck.add(
                None,
                "count_rule.basic_services_min",
                f"{gate} harus antara 0 dan jumlah urusan pelayanan dasar ({len(urusan)})",
            )
    if mx:
        for key in ("spd", "sid_per_innovation", "total"):
            if key in mx and mx[key] % CENT:
                ck.add(None, f"maxima.{key}", f"{mx[key]} bukan kelipatan 0,01")
    if el and "start" in el and "end" in el and el["start"] > el["end"]:
        ck.add(None, "eligibility", "tanggal mulai sesudah tanggal akhir")

    # aspects and variables
    aspects: list[Aspect] = []
    for index, raw in enumerate(_list(ck, data, "aspects")):
        req, opt = _with_prov({"code": "str", "name": "str"})
        av = ck.table(raw, f"aspects[{index}]", req, opt)
        prov = ck.provenance(av, f"aspects[{index}]", None, {"code", "name"})
        aspects.append(Aspect(av.get("code", ""), av.get("name", ""), prov))
    if sorted(a.code for a in aspects) != sorted(ASPECTS):
        ck.add(None, "aspects", "harus tepat dua aspek: SPD dan SID")
    variables: list[Variable] = []
    for index, raw in enumerate(_list(ck, data, "variables")):
        req, opt = _with_prov({"code": "str", "aspect": "str", "name": "str"})
        vv = ck.table(raw, f"variables[{index}]", req, opt)
        prov = ck.provenance(vv, f"variables[{index}]", None, {"code", "aspect", "name"})
        if vv.get("aspect") not in ASPECTS:
            ck.add(None, f"variables[{index}].aspect", "harus SPD atau SID")
        variables.append(
            Variable(vv.get("code", ""), vv.get("aspect", ""), vv.get("name", ""), prov)
        )
    variable_aspect = {v.code: v.aspect for v in variables}
    if len(variable_aspect) != len(variables):
        ck.add(None, "variables", "kode variabel ganda")

    # predicates
    predicates: list[Predicate] = []
    for index, raw in enumerate(_list(ck, data, "predicates")):
        req, opt = _with_prov({"label": "str", "min": "num", "max": "num"})
        pv = ck.table(raw, f"predicates[{index}]", req, opt)
        prov = ck.provenance(pv, f"predicates[{index}]", None, {"label", "min", "max"})
        if len(pv) >= 3:
            predicates.append(Predicate(pv["label"], pv["min"], pv["max"], prov))
    _check_bands(ck, predicates)

    # indicators
    indicators: list[Indicator] = []
    for index, raw in enumerate(_list(ck, data, "indicators")):
        indicator = _indicator(ck, raw, index, level_times_weight)
        if indicator is not None:
            indicators.append(indicator)
    _check_indicators(ck, indicators, variable_aspect, mx, cr)

    profile_is_default = legacy_notes or "profile_fields" not in data
    if profile_is_default:
        profile = classic_profile()  # as the product always had it, whatever `parts` says
    else:
        profile = tuple(_profile_fields(ck, data["profile_fields"], rb))
        _check_profile_sources(ck, profile, data.get("tematik"))

    evidence_rules = _evidence_rules(ck, data.get("evidence_rules", []), indicators)

    validation_rules = []
    for index, raw in enumerate(data.get("validation_rules", []) or []):
        req, opt = _with_prov({"text": "str"})
        rv = ck.table(raw, f"validation_rules[{index}]", req, opt)
        prov = ck.provenance(rv, f"validation_rules[{index}]", None, {"text"})
        validation_rules.append(ValidationRule(rv.get("text", ""), prov))

    if ck.problems:
        raise EditionError(ck.problems)

    assert lb and sc and dv and cr and mx and el and rb is not None and en is not None
    return Edition(
        schema_version=head["schema_version"],
        year=head["year"],
        label=head["label"],
        legal_basis=LegalBasis(lb["text"], lb_prov),
        scoring=ScoringRule(sc["level_times_weight"], sc_prov),
        divisor=DivisorRule(dv["minimum"], dv_prov),
        count_rule=CountRule(
            cr["points_per_innovation"],
            cr["cap"],
            cr["max_score"],
            cr["basic_services_min"],
            tuple(cr["basic_services_urusan"]),
            cr_prov,
        ),
        maxima=Maxima(mx["spd"], mx["sid_per_innovation"], mx["total"], mx_prov),
        eligibility=Eligibility(el["start"], el["end"], el["rule"], el_prov),
        rancang_bangun=RancangBangunRule(rb.get("min_words"), tuple(rb["parts"]), rb_prov),
        entries=EntryRule(en.get("max_per_innovation"), en_prov),
        aspects=tuple(aspects),
        variables=tuple(variables),
        predicates=tuple(predicates),
        indicators=tuple(indicators),
        sources=MappingProxyType(sources),
        validation_rules=tuple(validation_rules),
        tematik=InfoList(tuple(tm["items"]), tm_prov) if tm else None,
        profile_fields=profile,
        profile_is_default=profile_is_default,
        profile_notes=InfoList(tuple(pn["items"]), pn_prov) if pn else None,
        presentation_weights=InfoMap(MappingProxyType(dict(pw["weights"])), pw_prov)
        if pw
        else None,
        timeline=InfoMap(MappingProxyType(dict(tl["items"])), tl_prov) if tl else None,
        evidence_rules=tuple(evidence_rules),
        origin=origin,
    )


# --- rules for the automatic evidence checks ----------------------------------------------------

EVIDENCE_RULE_REQUIRED = {"indicator": "str"}
EVIDENCE_RULE_OPTIONAL = {
    "window": "str",
    "name": "bool",
    "levels": "list",
    "max_video_seconds": "int",
    "links": "strlist",
}
EVIDENCE_LEVEL_KEYS = {"level": "int"}
EVIDENCE_LEVEL_OPTIONAL = {"window": "str", "signer": "str", "name": "bool"}


def _check_window(ck: _Checker, code: str, where: str, window: str) -> None:
    if window == "eligibility":
        return
    years = window_years(window)
    if years is None:
        ck.add(
            code,
            where,
            f"jendela {window!r} tidak dikenal: pakai 'eligibility', 'T-2..T-1', '..T-1', "
            "'T-2..' atau 'T-1'",
        )
    elif years[0] is not None and years[1] is not None and years[0] < years[1]:
        ck.add(code, where, f"jendela {window!r} terbalik: tahun awal harus lebih dulu (T-2..T-1)")


def _evidence_rules(ck: _Checker, raw: Any, indicators: list[Indicator]) -> list[EvidenceRule]:
    if not isinstance(raw, list):
        ck.add(None, "evidence_rules", "harus berupa daftar")
        return []
    known = {i.code: i for i in indicators}
    rules: list[EvidenceRule] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"evidence_rules[{index}]"
        code = item.get("indicator") if isinstance(item, Mapping) else None
        code = code if isinstance(code, str) else None
        req, opt = _with_prov(EVIDENCE_RULE_REQUIRED, EVIDENCE_RULE_OPTIONAL)
        v = ck.table(item, where, req, opt, code)
        prov = ck.provenance(v, where, code, set(EVIDENCE_RULE_OPTIONAL) | {"indicator"})
        if code is None:
            continue
        indicator = known.get(code)
        if indicator is None:
            ck.add(code, f"{where}.indicator", "indikator tidak ada di edisi ini")
        elif indicator.computed:
            ck.add(code, f"{where}.indicator", "indikator terhitung tidak punya bukti dukung")
        if code in seen:
            ck.add(code, f"{where}.indicator", "aturan bukti ganda untuk indikator ini")
        seen.add(code)
        if "window" in v:
            _check_window(ck, code, f"{where}.window", v["window"])
        seconds = v.get("max_video_seconds")
        if seconds is not None and seconds <= 0:
            ck.add(code, f"{where}.max_video_seconds", "harus lebih dari 0")
        for link in v.get("links", []):
            if link not in LINK_KINDS:
                ck.add(
                    code,
                    f"{where}.links",
                    f"jenis tautan {link!r} tidak dikenal: {', '.join(LINK_KINDS)}",
                )
        levels: list[EvidenceLevelRule] = []
        for level_index, level_raw in enumerate(v.get("levels", [])):
            lwhere = f"{where}.levels[{level_index}]"
            lv = ck.table(level_raw, lwhere, EVIDENCE_LEVEL_KEYS, EVIDENCE_LEVEL_OPTIONAL, code)
            level = lv.get("level")
            if level is None:
                continue
            if level not in LEVELS:
                ck.add(code, f"{lwhere}.level", f"tingkat harus 1, 2 atau 3, bukan {level}")
            if any(r.level == level for r in levels):
                ck.add(code, f"{lwhere}.level", f"tingkat {level} ganda")
            if "window" in lv:
                _check_window(ck, code, f"{lwhere}.window", lv["window"])
            signer = lv.get("signer", "")
            if signer and signer not in SIGNERS:
                ck.add(
                    code,
                    f"{lwhere}.signer",
                    f"penanda tangan {signer!r} tidak dikenal: {', '.join(SIGNERS)}",
                )
            levels.append(EvidenceLevelRule(level, lv.get("window"), signer, lv.get("name")))
        rules.append(
            EvidenceRule(
                indicator=code,
                provenance=prov,
                window=v.get("window", ""),
                name=v.get("name", False),
                levels=tuple(sorted(levels, key=lambda r: r.level)),
                max_video_seconds=seconds,
                links=tuple(v.get("links", ())),
            )
        )
    return rules


def _check_profile_sources(ck: _Checker, profile, tematik) -> None:
    """A field that takes its choices from the edition's tematik needs the [tematik] table."""
    for pf in profile:
        if pf.options_from == "tematik" and not isinstance(tematik, Mapping):
            ck.add(None, f"profile_fields.{pf.code}.options_from", "edisi tanpa tabel [tematik]")


def _list(ck: _Checker, data: Mapping, key: str) -> list:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        ck.add(None, key, "wajib berisi paling sedikit satu entri")
        return []
    return value


def _check_bands(ck: _Checker, predicates: list[Predicate]) -> None:
    """Bands, sorted by their minimum, must tile 0.00..100.00 in steps of 0.01."""
    labels = [p.label for p in predicates]
    if len(set(labels)) != len(labels):
        ck.add(None, "predicates", "label predikat ganda")
    for band in predicates:
        if band.min > band.max:
            ck.add(None, f"predicates.{band.label}", f"min {band.min} > max {band.max}")
        for bound in (band.min, band.max):
            if bound % CENT:
                ck.add(None, f"predicates.{band.label}", f"batas {bound} bukan kelipatan 0,01")
    ordered = sorted(predicates, key=lambda p: (p.min, p.max))
    if not ordered:
        return
    if ordered[0].min != 0:
        ck.add(None, "predicates", f"rentang tidak mulai dari 0 (mulai {ordered[0].min})")
    if ordered[-1].max != 100:
        ck.add(None, "predicates", f"rentang tidak berakhir di 100 (berakhir {ordered[-1].max})")
    for low, high in zip(ordered, ordered[1:], strict=False):
        if high.min <= low.max:
            ck.add(
                None,
                "predicates",
                f"'{low.label}' ({low.min}–{low.max}) tumpang tindih dengan "
                f"'{high.label}' ({high.min}–{high.max})",
            )
        elif high.min - low.max != CENT:
            ck.add(
                None,
                "predicates",
                f"ada celah antara '{low.label}' (sampai {low.max}) dan "
                f"'{high.label}' (mulai {high.min})",
            )


def _check_indicators(
    ck: _Checker,
    indicators: list[Indicator],
    variable_aspect: dict[str, str],
    maxima: dict | None,
    count_rule: dict | None,
) -> None:
    seen: set[str] = set()
    for indicator in indicators:
        codes = [indicator.code, *(s.code for s in indicator.sub_rows)]
        for code in codes:
            if code in seen:
                ck.add(code, "code", "kode ganda")
            seen.add(code)
        if indicator.variable not in variable_aspect:
            ck.add(indicator.code, "variable", f"variabel {indicator.variable!r} tidak dikenal")
        elif variable_aspect[indicator.variable] != indicator.aspect:
            ck.add(
                indicator.code,
                "variable",
                f"variabel {indicator.variable!r} milik aspek {variable_aspect[indicator.variable]}, "
                f"bukan {indicator.aspect}",
            )
    computed = [i for i in indicators if i.computed]
    if len(computed) > 1:
        ck.add(None, "indicators", "paling banyak satu indikator terhitung (innovation_count)")
    if not maxima:
        return

    def row_max(rows: list[AnswerRow]) -> Decimal:
        return sum((r.max_score for r in rows if r.options), Decimal(0))

    spd_rows = [r for i in indicators if i.aspect == "SPD" for r in i.rows]
    sid_rows = [r for i in indicators if i.aspect == "SID" for r in i.rows]
    if not spd_rows:
        ck.add(None, "indicators", "tidak ada indikator SPD")
    if not sid_rows:
        ck.add(None, "indicators", "tidak ada indikator SID")
    if "spd" in maxima and row_max(spd_rows) != maxima["spd"]:
        ck.add(
            None,
            "maxima.spd",
            f"jumlah skor maksimum indikator SPD {row_max(spd_rows)} ≠ {maxima['spd']}",
        )
    if "sid_per_innovation" in maxima and row_max(sid_rows) != maxima["sid_per_innovation"]:
        ck.add(
            None,
            "maxima.sid_per_innovation",
            f"jumlah skor maksimum indikator SID {row_max(sid_rows)} ≠ "
            f"{maxima['sid_per_innovation']}",
        )
    if (
        count_rule
        and "max_score" in count_rule
        and {"spd", "sid_per_innovation", "total"} <= set(maxima)
    ):
        total = maxima["spd"] + maxima["sid_per_innovation"] + count_rule["max_score"]
        if total != maxima["total"]:
            ck.add(
                None,
                "maxima.total",
                f"SPD + SID per inovasi + skor jumlah inovasi = {total} ≠ {maxima['total']}",
            )


# --- files ------------------------------------------------------------------------------------


def load_edition(path: str | Path) -> Edition:
    """Read and validate one edition TOML file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise EditionError([Problem(str(path), None, "", f"TOML tidak valid: {exc}")]) from None
    except OSError as exc:
        raise EditionError(
            [Problem(str(path), None, "", f"berkas tidak bisa dibaca: {exc}")]
        ) from None
    return parse_edition(data, origin=path.name)


def load_editions(directory: str | Path | None = None) -> dict[int, Edition]:
    """All editions in a directory (default: the packaged editions/), keyed by year.

    Every file is validated; problems of all files are reported together.
    """
    directory = Path(directory) if directory is not None else EDITIONS_DIR
    editions: dict[int, Edition] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            edition = load_edition(path)
        except EditionError as exc:
            problems.extend(exc.problems)
            continue
        if edition.year in editions:
            problems.append(Problem(path.name, None, "year", f"tahun {edition.year} ganda"))
        editions[edition.year] = edition
    if problems:
        raise EditionError(problems)
    return editions
