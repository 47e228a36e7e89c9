"""A report's profile as the national application's form lays it out: numbered, labelled, in order.

Which fields a report has is its edition's data (`Edition.profile_fields`, from the edition's
`[[profile_fields]]`): the national number and label, the type, whether sending needs it, and where
the value lives. Fields every edition has are the report's own columns (`PROFILE_FIELDS` in
actions.py); the rest are kept in `Submission.profile_extra` under the field's code: texts and
choices as strings, dates as ISO strings, numbers as decimal strings, documents as lists of evidence
Document ids.

This module is the one place that reads and writes values by field, so the form, the rules, the
review and carry-over pages and the exports agree. Exports (the hand-off pack, the PDFs, the rekap)
read the profile only through `profile_rows`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import formats

from sinovda.evidence.models import Document
from sinovda.methodology.spec import PROFILE_COLUMNS, URUSAN_COLUMNS, ProfileField

from .models import Submission


@dataclass(frozen=True)
class ProfileRow:
    code: str  # our field name (Submission attribute or profile field code)
    number: str  # the national form's numbering, e.g. "1.15"; "-" when not on the national form
    label: str  # the national form's label, verbatim
    value: str  # the value as text, ready to copy into the national application
    kind: str = "text"  # text, choice, date, number, url, documents
    documents: list = field(default_factory=list)  # evidence Documents for file fields


# The row kind of each field type (ProfileRow.kind).
ROW_KINDS = {
    "text": "text",
    "longtext": "text",
    "agency": "text",
    "choice": "choice",
    "yesno": "choice",
    "urusan": "choice",
    "date": "date",
    "number": "number",
    "url": "url",
    "document": "documents",
}
YES, NO = "ya", "tidak"
YES_NO_LABELS = {YES: "Ya", NO: "Tidak"}  # the national form's options, verbatim


def editable_fields(edition) -> list[ProfileField]:
    """The fields an operator fills in (the OPD that made the innovation is not typed)."""
    return [f for f in edition.profile_fields if f.type != "agency"]


def legacy_design(submission: Submission, edition) -> str:
    """A one-text rancang bangun the edition does not ask for (a report carried from 2023 into an
    edition that wants it in parts): shown to the operator to split, never sent or exported."""
    if edition.profile_field("design") is None:
        return submission.design
    return ""


# --- reading -----------------------------------------------------------------------------------


def _from_json(pf: ProfileField, raw):
    """A stored profile_extra value as the form and the rules see it."""
    if raw in (None, "", []):
        return [] if pf.type == "document" else None
    if pf.type == "date":
        try:
            return datetime.date.fromisoformat(raw)
        except (TypeError, ValueError):
            return None
    if pf.type == "number":
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None
    if pf.type == "document":
        return [int(pk) for pk in raw if str(pk).isdigit()]
    return raw


def value_of(submission: Submission, pf: ProfileField):
    """The value of one field: a column's value, (main, others) for urusan, the OPD's name for
    the agency field, or the converted profile_extra value."""
    if pf.type == "agency":
        return submission.innovation.agency.name
    if pf.type == "urusan":
        return submission.main_affair, list(submission.other_affairs or [])
    if pf.column:
        return getattr(submission, pf.column)
    return _from_json(pf, (submission.profile_extra or {}).get(pf.code))


def is_empty(submission: Submission, pf: ProfileField) -> bool:
    value = value_of(submission, pf)
    if pf.type == "urusan":
        return not value[0]
    return value in (None, "", []) or (isinstance(value, str) and not value.strip())


def form_initial(submission: Submission, edition) -> dict:
    """Initial values of the profile form, keyed by form field name."""
    initial = {}
    for pf in editable_fields(edition):
        value = value_of(submission, pf)
        if pf.type == "urusan":
            initial["main_affair"], initial["other_affairs"] = value
        else:
            initial[pf.code] = value
    return initial


def document_ids(submission: Submission, edition=None) -> set[int]:
    """Every evidence document a profile field of this report points at."""
    edition = edition or submission.cycle.edition.spec()
    ids: set[int] = set()
    for pf in edition.profile_fields:
        if pf.type == "document":
            ids.update(value_of(submission, pf))
    return ids


def document_choices(access, submission: Submission):
    """Documents an operator may pick for a document field: the ones they may open, plus those
    already picked (so saving the form again does not drop them)."""
    documents = Document.objects.visible_to(access)
    picked = document_ids(submission)
    if picked:
        documents = documents | Document.objects.filter(pk__in=picked, region=access.region)
    return documents.distinct().order_by("-uploaded_at")


# --- writing -----------------------------------------------------------------------------------


def _to_json(pf: ProfileField, value):
    """A form value as stored in profile_extra; None means "not filled" (the key is removed)."""
    if pf.type == "document":
        ids = sorted({d.pk if isinstance(d, Document) else int(d) for d in value or ()})
        return ids or None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if pf.type == "date":
        return value.isoformat()
    if pf.type == "number":
        return str(value)
    return value


def split_values(edition, values: dict) -> tuple[dict, dict]:
    """Values keyed by field code (and urusan's two columns) → (column values, profile_extra
    changes). A column is accepted even where this edition does not ask for it (older callers);
    an unknown code is a programming error."""
    columns, extra = {}, {}
    for code, value in values.items():
        if code in PROFILE_COLUMNS or code in URUSAN_COLUMNS:
            columns[code] = value
            continue
        pf = edition.profile_field(code)
        if pf is None or pf.column or pf.type in ("agency", "urusan"):
            raise ValueError(f"no profile field {code!r} in edition {edition.year}")
        extra[code] = _to_json(pf, value)
    return columns, extra


def merged_extra(current: dict, changes: dict) -> dict:
    extra = dict(current or {})
    for code, value in changes.items():
        if value is None:
            extra.pop(code, None)
        else:
            extra[code] = value
    return extra


def carried_extra(previous: Submission, edition) -> dict:
    """The profile_extra values a report carried into `edition` keeps (see actions.carry_over):
    fields of both editions with the same type, except yes/no answers."""
    before = previous.cycle.edition.spec()
    kept = {}
    for code, value in (previous.profile_extra or {}).items():
        old, new = before.profile_field(code), edition.profile_field(code)
        if old is None or new is None or new.column or new.type == "yesno":
            continue
        if old.type == new.type:
            kept[code] = value
    return kept


# --- text, as the national form shows it -------------------------------------------------------


def _documents_by_id(submissions, editions) -> dict[int, Document]:
    ids = set()
    for submission, edition in zip(submissions, editions, strict=True):
        ids |= document_ids(submission, edition)
    if not ids:
        return {}
    return {d.pk: d for d in Document.objects.filter(pk__in=ids)}


def field_text(submission: Submission, pf: ProfileField, documents=None) -> tuple[str, list]:
    """(value as text, Documents) of one field. `documents` maps ids to Documents (one query for
    the whole report); without it the documents are read here."""
    value = value_of(submission, pf)
    if pf.type == "urusan":
        main, others = value
        return main + (f" (beririsan: {', '.join(others)})" if others else ""), []
    if pf.type == "document":
        if documents is None:
            documents = {d.pk: d for d in Document.objects.filter(pk__in=value)}
        picked = [documents[pk] for pk in value if pk in documents]
        return "; ".join(str(d) for d in picked), picked
    if value in (None, ""):
        return "", []
    if pf.type == "choice":
        return pf.option_label(str(value)), []
    if pf.type == "yesno":
        return YES_NO_LABELS.get(value, str(value)), []
    if pf.type == "date":
        return formats.date_format(value, "j F Y"), []
    if pf.type == "number":
        value = Decimal(str(value))
        places = 0 if value == value.to_integral_value() else None
        return formats.number_format(value, places, force_grouping=True), []
    return str(value), []


def profile_rows(submission: Submission) -> list[ProfileRow]:
    """The submission's profile in the national form's order, as text."""
    edition = submission.cycle.edition.spec()
    documents = _documents_by_id([submission], [edition])
    rows = []
    for pf in edition.profile_fields:
        value, picked = field_text(submission, pf, documents)
        rows.append(
            ProfileRow(
                code=pf.code,
                number=pf.number or "-",
                label=pf.label,
                value=value,
                kind=ROW_KINDS[pf.type],
                documents=picked,
            )
        )
    return rows


def label_for(edition, code: str) -> str:
    """What to call a field code in messages and remarks (also codes of earlier editions)."""
    pf = edition.profile_field(code)
    if pf is not None:
        return pf.title
    if code in PROFILE_COLUMNS or code in URUSAN_COLUMNS:
        return str(Submission._meta.get_field(code).verbose_name)
    return code


def label_comments(edition, comments) -> list:
    """The remarks with `field_label` set, for templates."""
    comments = list(comments)
    for comment in comments:
        comment.field_label = label_for(edition, comment.field)
    return comments
