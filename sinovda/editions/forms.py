"""Forms that edit a draft edition's document. Each change needs a source and a confidence, which
replace the provenance of the sections it touches."""

import copy
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import CONFIDENCES

CONFIDENCE_CHOICES = [
    ("confirmed", _("Terkonfirmasi (dokumen resmi)")),
    ("reported", _("Dilaporkan (Pemda atau media)")),
    ("transcribed", _("Disalin dari aplikasi pihak ketiga")),
    ("inferred", _("Disimpulkan (perhitungan)")),
]
assert [c for c, _label in CONFIDENCE_CHOICES] == CONFIDENCES

NUMBER = {"invalid": _("Tulis angka, misalnya 12 atau 0.38.")}


def _num(label, *, required=True, decimal=False, help_text=""):
    field = forms.DecimalField if decimal else forms.IntegerField
    return field(
        label=label,
        required=required,
        min_value=0,
        help_text=help_text,
        error_messages={
            **NUMBER,
            "required": _("Isi nilai ini."),
            "min_value": _("Nilai tidak boleh negatif."),
        },
    )


class ProvenanceForm(forms.Form):
    source_ref = forms.CharField(
        label=_("Sumber perubahan"),
        max_length=500,
        help_text=_("Misalnya: Surat Kepala BSKDN nomor 400.10.11/1887/BSKDN, Lampiran II."),
        error_messages={"required": _("Tulis sumber perubahan ini, misalnya nomor surat pedoman.")},
    )
    confidence = forms.ChoiceField(
        label=_("Tingkat kepastian"),
        choices=CONFIDENCE_CHOICES,
        error_messages={"required": _("Pilih tingkat kepastian nilai ini.")},
    )


class EditionRulesForm(ProvenanceForm):
    divisor_minimum = _num(_("Pembagi minimum D pada MAX(D, n)"))
    points_per_innovation = _num(_("Poin per inovasi (skor jumlah inovasi)"), decimal=True)
    cap = _num(_("Batas jumlah inovasi yang dihitung"))
    basic_services_min = _num(
        _("Minimum urusan pelayanan dasar yang harus tercakup"),
        required=False,
        help_text=_("Kosongkan bila edisi ini tidak punya syarat cakupan urusan pelayanan dasar."),
    )
    total = _num(_("Skor total maksimum"), decimal=True)
    eligibility_start = forms.DateField(
        label=_("Penerapan paling awal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tulis tanggal yang benar, misalnya 2024-01-01.")},
    )
    eligibility_end = forms.DateField(
        label=_("Penerapan paling akhir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Tulis tanggal yang benar, misalnya 2025-12-31.")},
    )
    min_words = _num(_("Minimum kata rancang bangun"), required=False)
    max_per_innovation = _num(_("Berapa kali inovasi yang sama boleh diikutkan"), required=False)

    field_order = [
        "divisor_minimum",
        "points_per_innovation",
        "cap",
        "basic_services_min",
        "total",
        "eligibility_start",
        "eligibility_end",
        "min_words",
        "max_per_innovation",
    ]

    def __init__(self, *args, data_doc: dict, **kwargs):
        self.doc = data_doc
        if not args or args[0] is None:
            kwargs.setdefault("initial", self.initial_from(data_doc))
        super().__init__(*args, **kwargs)
        for i, band in enumerate(data_doc.get("predicates", [])):
            for end in ("min", "max"):
                self.fields[f"band_{i}_{end}"] = forms.DecimalField(
                    label=_("%(label)s: batas %(end)s")
                    % {"label": band["label"], "end": _("bawah") if end == "min" else _("atas")},
                    decimal_places=2,
                    min_value=0,
                    max_value=100,
                    error_messages={
                        **NUMBER,
                        "required": _("Isi batas predikat."),
                        "max_decimal_places": _("Paling banyak 2 angka di belakang koma."),
                        "min_value": _("Batas predikat paling kecil 0."),
                        "max_value": _("Batas predikat paling besar 100."),
                    },
                )
                if "initial" in kwargs or not args or args[0] is None:
                    self.fields[f"band_{i}_{end}"].initial = band[end]
        # Provenance last: it describes the values above.
        self.order_fields([*self.field_order, *[f for f in self.fields if f.startswith("band_")]])

    @staticmethod
    def initial_from(doc):
        return {
            "divisor_minimum": doc["divisor"]["minimum"],
            "points_per_innovation": doc["count_rule"]["points_per_innovation"],
            "cap": doc["count_rule"]["cap"],
            "basic_services_min": doc["count_rule"].get("basic_services_min"),
            "total": doc["maxima"]["total"],
            "eligibility_start": doc.get("eligibility", {}).get("start"),
            "eligibility_end": doc.get("eligibility", {}).get("end"),
            "min_words": doc.get("rancang_bangun", {}).get("min_words"),
            "max_per_innovation": doc.get("entries", {}).get("max_per_innovation"),
        }

    def apply(self, source_key: str) -> tuple[dict, dict, dict]:
        """The edited document, and the before/after of what changed (for the audit)."""
        c = self.cleaned_data
        doc = copy.deepcopy(self.doc)
        wanted = {
            ("divisor", "minimum"): c["divisor_minimum"],
            ("count_rule", "points_per_innovation"): float(c["points_per_innovation"]),
            ("count_rule", "cap"): c["cap"],
            # Empty means "no gate", which the edition data writes as 0 (the key is required).
            ("count_rule", "basic_services_min"): c["basic_services_min"] or 0,
            ("maxima", "total"): float(c["total"]),
            ("eligibility", "start"): c["eligibility_start"].isoformat()
            if c["eligibility_start"]
            else None,
            ("eligibility", "end"): c["eligibility_end"].isoformat()
            if c["eligibility_end"]
            else None,
            ("rancang_bangun", "min_words"): c["min_words"],
            ("entries", "max_per_innovation"): c["max_per_innovation"],
        }
        before, after, touched = {}, {}, set()
        for (section, key), value in wanted.items():
            current = doc.get(section, {}).get(key)
            if _same(current, value):
                continue
            doc.setdefault(section, {})
            if value is None:
                doc[section].pop(key, None)
            else:
                doc[section][key] = value
            before[f"{section}.{key}"], after[f"{section}.{key}"] = current, value
            touched.add(section)
        for i, band in enumerate(doc.get("predicates", [])):
            for end in ("min", "max"):
                value = float(c[f"band_{i}_{end}"])
                if not _same(band[end], value):
                    before[f"predicates.{band['label']}.{end}"] = band[end]
                    after[f"predicates.{band['label']}.{end}"] = value
                    band[end] = value
                    band["source"], band["confidence"] = [source_key], c["confidence"]
        for section in touched:
            doc[section]["source"] = [source_key]
            doc[section]["confidence"] = c["confidence"]
        return doc, before, after


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except ArithmeticError:
        return str(a) == str(b)


class IndicatorForm(ProvenanceForm):
    """Name, weight, mandatory flag and every option (label and score) of one indicator."""

    name = forms.CharField(label=_("Nama indikator"), max_length=300)
    weight = _num(_("Bobot"), decimal=True)
    mandatory = forms.BooleanField(label=_("Wajib diisi"), required=False)
    must_show = forms.CharField(
        label=_("Bukti dukung yang harus ditunjukkan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, indicator: dict, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        if not args or args[0] is None:
            self.initial.update(
                {
                    "name": indicator["name"],
                    "weight": indicator["weight"],
                    "mandatory": bool(indicator.get("mandatory")),
                    "must_show": indicator.get("evidence", {}).get("must_show", ""),
                }
            )
        for row_code, row in self.rows():
            if row_code != indicator["code"]:
                self.fields[f"w_{row_code}"] = forms.DecimalField(
                    label=_("Bobot sub-baris %(code)s") % {"code": row_code},
                    min_value=0,
                    error_messages={**NUMBER, "required": _("Isi bobot sub-baris.")},
                    initial=row["weight"],
                )
            for option in row.get("options", []):
                level = option["level"]
                self.fields[f"o_{row_code}_{level}_label"] = forms.CharField(
                    label=_("%(code)s tingkat %(level)s: uraian")
                    % {"code": row_code, "level": level},
                    max_length=500,
                    initial=option["label"],
                    error_messages={"required": _("Isi uraian tingkat ini.")},
                )
                self.fields[f"o_{row_code}_{level}_score"] = forms.DecimalField(
                    label=_("%(code)s tingkat %(level)s: skor")
                    % {"code": row_code, "level": level},
                    min_value=0,
                    initial=option["score"],
                    error_messages={**NUMBER, "required": _("Isi skor tingkat ini.")},
                )
        self.order_fields([f for f in self.fields if f not in ("source_ref", "confidence")])

    def rows(self):
        if self.indicator.get("sub_rows"):
            return [(row["code"], row) for row in self.indicator["sub_rows"]]
        return [(self.indicator["code"], self.indicator)]

    def apply(self, doc: dict, source_key: str) -> tuple[dict, dict, dict]:
        c = self.cleaned_data
        doc = copy.deepcopy(doc)
        ind = next(i for i in doc["indicators"] if i["code"] == self.indicator["code"])
        before = {k: ind.get(k) for k in ("name", "weight", "mandatory")}
        ind["name"], ind["weight"], ind["mandatory"] = c["name"], float(c["weight"]), c["mandatory"]
        ind.setdefault("evidence", {})["must_show"] = c["must_show"]
        rows = ind["sub_rows"] if ind.get("sub_rows") else [ind]
        for row in rows:
            if row is not ind:
                row["weight"] = float(c[f"w_{row['code']}"])
            for option in row.get("options", []):
                prefix = f"o_{row['code']}_{option['level']}"
                option["label"] = c[f"{prefix}_label"]
                option["score"] = float(c[f"{prefix}_score"])
        ind["source"], ind["confidence"] = [source_key], c["confidence"]
        ind["unconfirmed_fields"] = []
        after = {k: ind.get(k) for k in ("name", "weight", "mandatory")}
        return doc, before, after
