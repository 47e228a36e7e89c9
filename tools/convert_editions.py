"""One-off conversion of the research file iid-editions.json into the edition TOML files.

The TOML files in sinovda/methodology/editions/ are now the source of truth and are edited by hand
(or, in the product, cloned and edited by a national admin). This script is kept so the origin of
every value stays reproducible; running it again overwrites hand edits.

Usage:  uv run python tools/convert_editions.py ../shared/reference/iid-editions.json
        [--out sinovda/methodology/editions]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

CONFIDENCE = {
    "C": "confirmed",
    "R": "reported",
    "T": "transcribed",
    "T-low": "transcribed",
    "I": "inferred",
}
RANK = ["confirmed", "reported", "transcribed", "inferred"]
FIELD_NAMES = {
    "presence_in_list": "presence",
    "presence": "presence",
    "position": "position",
    "weight": "weight",
    "options": "options",
    "evidence_id": "evidence",
    "mandatory": "mandatory",
}
VARIABLE_ORDER = [
    "institusi",
    "sumber-daya-manusia",
    "ekosistem-inovasi-dan-kajian",
    "infrastruktur",
    "output-pengetahuan-dan-teknologi",
    "kecepatan-bisnis-proses",
    "kecanggihan-produk",
    "jumlah-inovasi-dan-hasil-kreatif",
]
ASPECT_NAMES = {"SPD": "Satuan Pemerintahan Daerah", "SID": "Satuan Inovasi Daerah"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def weakest(*confidences: str) -> str:
    return max(confidences, key=RANK.index)


def tag_confidence(text: str) -> tuple[str | None, list[str]]:
    """Read '[C, S-GATRA2023]' / 'R (S-X ...)' style tags from the research file."""
    match = re.search(r"\[(C|R|T-low|T|I)\b([^\]]*)\]", text) or re.match(
        r"^(C|R|T-low|T|I)\b(.*)$", text
    )
    if not match:
        return None, []
    return CONFIDENCE[match.group(1)], re.findall(r"S-[A-Z0-9-]+", match.group(2))


def years_of(text: str) -> str:
    """The evidence year window, extracted from the evidence wording (empty when not stated)."""
    patterns = [
        r"T-2 s\.d\. T-1",
        r"T-[012](?:\s*(?:/|dan|vs)\s*T-[012])+",
        r"\d tahun terakhir",
        r"tahun terakhir",
        r"sesuai tahun (?:penerapan|anggaran)",
        r"(?:pada )?tahun penerapan",
        r"sebelum (?:tahun )?\d{4}",
        r"T-[012]",
    ]
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            return match.group(0)
    return ""


def clean_evidence(text: str | None) -> str:
    if not text or text == "unknown":
        return ""
    return text


def options_of(raw_options, weight, *, inferred_note=False):
    if raw_options:
        return [
            {"level": o["level"], "label": o["label_id"], "score": float(o["score"])}
            for o in raw_options
        ]
    return [
        {
            "level": level,
            "label": f"Tingkat {level} (uraian belum diketahui)",
            "score": float(level * weight),
        }
        for level in (1, 2, 3)
    ]


def definition_of(ind: dict, options: list[dict], sub_rows: list[dict]) -> str:
    if sub_rows:
        parts = "; ".join(f"{s['code']} {s['name']}" for s in sub_rows)
        return f"{ind['name_id']}. Dinilai per sub-baris: {parts}."
    known = [o for o in options if "belum diketahui" not in o["label"]]
    if not known:
        return f"{ind['name_id']}. Uraian tingkat belum diketahui."
    levels = "; ".join(f"tingkat {o['level']}: {o['label']}" for o in options)
    return f"{ind['name_id']}. {levels}."


def convert_indicator(ind: dict, edition: dict, sources: dict, count_rule: dict) -> dict:
    year = edition["year"]
    weight = float(ind["weight"])
    unconfirmed_raw = ind.get("unconfirmed_fields") or []
    unconfirmed = sorted({FIELD_NAMES[f] for f in unconfirmed_raw})
    refs = [r for r in ind.get("source_refs") or [] if r in sources]
    notes = [ind["notes"]] if ind.get("notes") else []

    if ind.get("computation") and ind["code"] == "36":
        return {
            "code": ind["code"],
            "aspect": ind["aspect"],
            "variable": slug(ind["variable"]),
            "name": ind["name_id"],
            "definition": (
                "Dihitung otomatis dari jumlah inovasi yang dilaporkan menurut aturan "
                "skor jumlah inovasi edisi ini (count_rule)."
            ),
            "computed": "innovation_count",
            "mandatory": False,
            "source": count_rule["source"],
            "confidence": count_rule["confidence"],
            "notes": "; ".join([*notes, ind["computation"]]),
            "evidence": {"kinds": [], "must_show": clean_evidence(ind["evidence_id"]), "years": ""},
        }

    if ind.get("unconfirmed"):
        serious = {"weight", "options", "presence"} & set(unconfirmed)
        confidence = "inferred" if serious else CONFIDENCE[sources[refs[0]]["kind"]]
        if not unconfirmed:
            unconfirmed = ["options", "evidence"]
    else:
        confidence = CONFIDENCE[sources[refs[0]]["kind"]] if refs else "inferred"
        confidence = weakest("transcribed", confidence) if confidence == "confirmed" else confidence

    mandatory = ind.get("mandatory")
    if mandatory is None:
        mandatory = False
        unconfirmed.append("mandatory")
    if ind["aspect"] == "SID" and edition.get("mandatory_confidence", "").startswith("I"):
        unconfirmed.append("mandatory")

    sub_rows = []
    for index, sub in enumerate(ind.get("sub_rows") or []):
        code = f"{ind['code']}{'abcdefgh'[index]}"
        if code != sub["code"]:
            notes.append(
                f"Sub-row code {sub['code']} of the research file renamed to {code} "
                f"to follow the indicator number of {year}."
            )
        sub_rows.append(
            {
                "code": code,
                "name": sub["name_id"],
                "weight": float(sub["weight"]),
                "mandatory": bool(sub["mandatory"]) and bool(ind.get("mandatory")),
                "options": options_of(sub["options"], sub["weight"]),
            }
        )

    options = [] if sub_rows else options_of(ind.get("options"), ind["weight"])
    if not sub_rows and not ind.get("options"):
        confidence = "inferred"
        unconfirmed.append("options")
        notes.append("No option wording in the sources; levels scored level x weight.")

    out = {
        "code": ind["code"],
        "aspect": ind["aspect"],
        "variable": slug(ind["variable"]),
        "name": ind["name_id"],
        "definition": definition_of(ind, options, sub_rows),
        "weight": weight,
        "mandatory": bool(mandatory),
        "source": refs or count_rule["source"],
        "confidence": confidence,
    }
    if unconfirmed:
        out["unconfirmed_fields"] = sorted(set(unconfirmed))
    if notes:
        out["notes"] = " ".join(notes)
    if ind.get("computation"):
        out["computation"] = ind["computation"]
    evidence_text = clean_evidence(ind.get("evidence_id"))
    out["evidence"] = {
        "kinds": [k.strip().upper() for k in (ind.get("file_types") or "").split("/") if k.strip()],
        "must_show": evidence_text,
        "years": years_of(evidence_text),
    }
    if options:
        out["options"] = options
    if sub_rows:
        out["sub_rows"] = sub_rows
    if ind.get("sub_indicators"):
        out["sub_indicators"] = ind["sub_indicators"]
    if ind.get("measurement_bases"):
        out["measurement_bases"] = [
            {
                "code": basis["basis_code"],
                "name": basis["basis"],
                **({"evidence": basis["evidence_id"]} if basis.get("evidence_id") else {}),
                "options": options_of(basis["options"], ind["weight"]),
            }
            for basis in ind["measurement_bases"]
        ]
    return out


# Edition-level provenance that the research file states in prose; written out here once.
EDITION_PROVENANCE = {
    2023: {
        "legal_basis": (["S-PEDOMAN2023"], "confirmed"),
        "structure": (["S-PPT2023"], "confirmed"),
        "scoring": (["S-CODE-SQL2023"], "transcribed"),
        "divisor": (["S-PPT2023"], "confirmed"),
        "count_rule": (["S-GATRA2023", "S-PPT2023", "S-CODE-IGA2026"], "inferred"),
        "maxima": (["S-PPT2023", "S-GATRA2023"], "inferred"),
        "predicates": ["S-PPT2023"],
        "eligibility": (["S-JOGJA2023"], "reported"),
        "rancang_bangun": (["S-CODE-SQL2023"], "inferred"),
        "entries": (["S-SMPANTURA2024"], "inferred"),
    },
    2024: {
        "legal_basis": (["S-SAIBETIK2024"], "reported"),
        "structure": (["S-MAGELANG2024"], "reported"),
        "scoring": (["S-CODE-BRIDA"], "transcribed"),
        "divisor": (["S-PPT2023"], "inferred"),
        "count_rule": (["S-MAGELANG2024", "S-GATRA2023", "S-CODE-IGA2026"], "inferred"),
        "maxima": (["S-MAGELANG2024"], "reported"),
        "predicates": ["S-MAGELANG2024", "S-SMPANTURA2024"],
        "eligibility": (["S-JOGJA2023", "S-MBINEWS2025"], "inferred"),
        "rancang_bangun": (["S-CODE-BRIDA"], "transcribed"),
        "entries": (["S-SMPANTURA2024"], "reported"),
    },
    2025: {
        "legal_basis": (["S-TANGERANG2025"], "reported"),
        "structure": (["S-TANGERANG2025"], "reported"),
        "scoring": (["S-CODE-IGA2026"], "inferred"),
        "divisor": (["S-PPT2023", "S-CODE-IGA2026"], "inferred"),
        "count_rule": (["S-CODE-IGA2026"], "inferred"),
        "maxima": (["S-CODE-IGA2026", "S-TANGERANG2025"], "inferred"),
        "predicates": ["S-TANGERANG2025", "S-EMPATLAWANG2025", "S-CODE-IGA2026"],
        "eligibility": (["S-MBINEWS2025"], "inferred"),
        "rancang_bangun": (["S-CODE-SELAYAR"], "transcribed"),
        "entries": (["S-SMPANTURA2024"], "inferred"),
    },
    2026: {
        "legal_basis": (["S-CODE-IGA2026", "S-CODE-INOVAHUB"], "transcribed"),
        "structure": (["S-CODE-IGA2026"], "transcribed"),
        "scoring": (["S-CODE-IGA2026"], "transcribed"),
        "divisor": (["S-CODE-IGA2026", "S-CODE-INOVAHUB"], "transcribed"),
        "count_rule": (["S-CODE-IGA2026", "S-CODE-INOVAHUB"], "transcribed"),
        "maxima": (["S-CODE-IGA2026", "S-CODE-INOVAHUB"], "transcribed"),
        "predicates": ["S-CODE-IGA2026", "S-CODE-INOVAHUB"],
        "eligibility": (["S-CODE-IGA2026"], "transcribed"),
        "rancang_bangun": (["S-CODE-IGA2026", "S-CODE-KEDIRI2026"], "transcribed"),
        "entries": (["S-SMPANTURA2024"], "inferred"),
    },
}


def convert_edition(edition: dict, meta: dict) -> dict:
    year = edition["year"]
    prov = EDITION_PROVENANCE[year]
    used: set[str] = set()

    def rule(key, **values):
        source, confidence = prov[key]
        used.update(source)
        return {**values, "source": list(source), "confidence": confidence}

    ics = edition["innovation_count_score"]
    gate_min = ics.get("basic_services_min_urusan") or 0
    count_rule = rule(
        "count_rule",
        points_per_innovation=float(ics["per_innovation"]),
        cap=ics["cap"],
        max_score=float(ics["max"]),
        basic_services_min=gate_min,
        basic_services_urusan=list(ics.get("basic_services_urusan") or []) if gate_min else [],
        note=" ".join(x for x in [ics.get("basic_services_rule") or "", ics.get("note", "")] if x),
    )

    divisor_note = edition.get("divisor_note") or edition.get("divisor_source") or ""
    if edition.get("divisor_prognosis"):
        prog = edition["divisor_prognosis"]
        divisor_note = "Prognosis: " + ", ".join(
            f"{y}: {v}" for y, v in prog.items() if y != "source"
        )
    structure_src, structure_conf = prov["structure"]
    variables = []
    for ind in edition["indicators"]:
        code = slug(ind["variable"])
        if code not in [v["code"] for v in variables]:
            variables.append(
                {
                    "code": code,
                    "aspect": ind["aspect"],
                    "name": ind["variable"],
                    "source": list(structure_src),
                    "confidence": structure_conf,
                }
            )
    variables.sort(key=lambda v: VARIABLE_ORDER.index(v["code"]))
    used.update(structure_src)

    predicates = []
    for band in edition["predicates"]:
        source = prov["predicates"]
        confidence = CONFIDENCE[edition["predicates_confidence"][0]]
        if year == 2025:
            if band["label"] == "Sangat Inovatif":
                source, confidence = ["S-TANGERANG2025", "S-EMPATLAWANG2025"], "reported"
            else:
                source, confidence = ["S-CODE-IGA2026"], "transcribed"
        used.update(source)
        predicates.append(
            {
                "label": band["label"],
                "min": float(band["min"]),
                "max": float(band["max"]),
                "source": list(source),
                "confidence": confidence,
            }
        )

    window = edition["eligibility_window"]
    rb = edition["rancang_bangun_min_words"]
    entries = edition["max_submissions_per_innovation"]
    rancang = rule(
        "rancang_bangun",
        parts=list(rb.get("structure") or []),
        note=rb.get("note", ""),
    )
    if rb.get("value"):
        rancang = {"min_words": rb["value"], **rancang}
    entry_rule = rule("entries", note=entries.get("note") or entries.get("confidence", ""))
    if entries.get("value"):
        entry_rule = {"max_per_innovation": entries["value"], **entry_rule}

    indicators = [
        convert_indicator(i, edition, meta["sources"], count_rule) for i in edition["indicators"]
    ]
    for ind in indicators:
        used.update(ind["source"])

    validation_rules = []
    for text in edition.get("validation_rules", []):
        confidence, refs = tag_confidence(text)
        refs = refs or list(prov["structure"][0])
        used.update(refs)
        validation_rules.append(
            {"text": text, "source": refs, "confidence": confidence or "inferred"}
        )

    out = {
        "schema_version": 1,
        "year": year,
        "label": edition["label"],
        "legal_basis": rule("legal_basis", text=edition["legal_basis"]),
        "scoring": rule(
            "scoring",
            level_times_weight=True,
            note=meta["score_rule"],
        ),
        "divisor": rule("divisor", minimum=edition["divisor_min_innovations"], note=divisor_note),
        "count_rule": count_rule,
        "maxima": rule(
            "maxima",
            spd=float(edition["max_spd"]),
            sid_per_innovation=float(edition["max_sid_per_innovation"]),
            total=float(edition["max_total"]),
            note="SPD 63 = 25,2 % of 250; 111 per innovation stated by Kepala BSKDN; "
            "count score 76 = 250 - 63 - 111."
            if year == 2023
            else "",
        ),
        "eligibility": rule(
            "eligibility",
            start=window["start"],
            end=window["end"],
            rule=window["rule"],
        ),
        "rancang_bangun": rancang,
        "entries": entry_rule,
        "aspects": [
            {
                "code": code,
                "name": ASPECT_NAMES[code],
                "source": list(structure_src),
                "confidence": structure_conf,
            }
            for code in ("SPD", "SID")
        ],
        "variables": variables,
        "predicates": predicates,
    }
    tematik = edition.get("tematik")
    if tematik:
        conf, refs = tag_confidence(edition.get("tematik_source") or tematik)
        if not refs:
            refs = re.findall(r"S-[A-Z0-9-]+", str(edition.get("tematik_source") or tematik))
        refs = refs or list(structure_src)
        used.update(refs)
        out["tematik"] = {
            "items": tematik if isinstance(tematik, list) else [],
            "note": "" if isinstance(tematik, list) else tematik,
            "source": refs,
            "confidence": conf or "reported",
        }
    if edition.get("profile_fields"):
        conf, refs = tag_confidence(edition.get("profile_fields_source", ""))
        refs = refs or re.findall(r"S-[A-Z0-9-]+", edition.get("profile_fields_source", ""))
        used.update(refs)
        out["profile_fields"] = {
            "items": edition["profile_fields"],
            "source": refs,
            "confidence": conf
            or CONFIDENCE[re.search(r"\((\w)\)", edition["profile_fields_source"]).group(1)],
        }
    if edition.get("presentation_weights"):
        weights = {k: v for k, v in edition["presentation_weights"].items() if k != "source"}
        used.add("S-BSKDN20362")
        out["presentation_weights"] = {
            "weights": weights,
            "source": ["S-BSKDN20362"],
            "confidence": "confirmed",
        }
    if edition.get("timeline"):
        items = {k: v for k, v in edition["timeline"].items() if k != "source"}
        refs = re.findall(r"S-[A-Z0-9-]+", json.dumps(edition["timeline"]))
        used.update(refs)
        out["timeline"] = {"items": items, "source": refs, "confidence": "reported"}
    out["validation_rules"] = validation_rules
    out["indicators"] = indicators
    out["sources"] = {
        key: {
            "ref": value["ref"],
            "confidence": CONFIDENCE[value["kind"]],
            "what": value["what"],
        }
        for key, value in meta["sources"].items()
        if key in used or key in edition.get("sources", [])
    }
    return out


# --- a small TOML writer (the stdlib reads TOML but does not write it) -------------------------


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value  # a TOML local date
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            inner = ",\n".join("  " + toml_inline(v) for v in value)
            return "[\n" + inner + ",\n]"
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return toml_inline(value)
    raise TypeError(value)


def toml_inline(table: dict) -> str:
    return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()) + " }"


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def emit_table(lines: list[str], header: str, table: dict, array: bool = False) -> None:
    lines.append("")
    lines.append(f"[[{header}]]" if array else f"[{header}]")
    scalars = {
        k: v
        for k, v in table.items()
        if not (isinstance(v, dict) and k not in INLINE_DICTS)
        and not (isinstance(v, list) and v and isinstance(v[0], dict) and k in NESTED_ARRAYS)
    }
    for key, value in scalars.items():
        lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict) and key not in INLINE_DICTS:
            emit_table(lines, f"{header}.{key}", value)
    for key, value in table.items():
        if (
            key in NESTED_ARRAYS
            and isinstance(value, list)
            and value
            and isinstance(value[0], dict)
        ):
            for item in value:
                emit_table(lines, f"{header}.{key}", item, array=True)


INLINE_DICTS = {"weights", "items", "sub_indicators"}
NESTED_ARRAYS = {"sub_rows", "measurement_bases"}


def to_toml(edition: dict) -> str:
    lines = [
        f"# IID edition {edition['year']}: the source of truth for Sinovda's scoring of this year.",
        "# Generated once from iid-editions.json by tools/convert_editions.py; edit by hand since.",
        "# Schema: docs/methodology.md. Every rule and indicator carries `source` (keys of the",
        "# [sources] table at the end) and `confidence` (confirmed/reported/transcribed/inferred).",
        "",
    ]
    for key in ("schema_version", "year", "label"):
        lines.append(f"{key} = {toml_value(edition[key])}")
    for key, value in edition.items():
        if key in ("schema_version", "year", "label", "sources"):
            continue
        if isinstance(value, dict):
            emit_table(lines, key, value)
        elif isinstance(value, list):
            for item in value:
                emit_table(lines, key, item, array=True)
    lines.append("")
    lines.append("# --- sources ---------------------------------------------------------------")
    for key, value in edition["sources"].items():
        emit_table(lines, f"sources.{key}", value)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_path", type=Path)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "sinovda" / "methodology" / "editions",
    )
    args = parser.parse_args(argv)
    data = json.loads(args.json_path.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    for edition in data["editions"]:
        converted = convert_edition(edition, data["meta"])
        path = args.out / f"{edition['year']}.toml"
        path.write_text(to_toml(converted), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
