"""Changes to editions: clone, edit a draft, publish. Each is atomic, validated by the engine's own
validator before anything is saved, and audited."""

import copy
import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from sinovda import methodology
from sinovda.audit.models import record

from .models import Edition

CONFIDENCES = ["confirmed", "reported", "transcribed", "inferred"]


class EditionLocked(Exception):
    """A published edition is read-only."""


def as_json(data: dict) -> dict:
    """The edition document as plain JSON values (dates become ISO strings)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def validate(data: dict, year: int):
    """Raise methodology.EditionError listing every problem, or return the engine's spec."""
    return methodology.parse_edition(data, origin=f"edisi {year}")


def add_source(data: dict, *, ref: str, confidence: str, acting_user) -> str:
    """Register where an edited value comes from; returns the new source key."""
    sources = data.setdefault("sources", {})
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    key = f"S-EDIT-{stamp}"
    n = 1
    while key in sources:
        n += 1
        key = f"S-EDIT-{stamp}-{n}"
    sources[key] = {
        "ref": ref,
        "confidence": confidence,
        "what": f"diubah di Sinovda oleh {acting_user.username} pada {timezone.localdate():%Y-%m-%d}",
    }
    return key


@transaction.atomic
def clone_edition(source: Edition, *, year: int, acting_user) -> Edition:
    data = copy.deepcopy(source.data)
    data["year"] = year
    data["label"] = f"IID / IGA {year}"
    validate(data, year)
    edition = Edition.objects.create(
        year=year,
        data=as_json(data),
        origin=f"clone:{source.year}",
        status=Edition.Status.DRAFT,
        edited=True,
    )
    record(
        "edition.clone",
        actor=acting_user,
        obj=edition,
        before={"year": source.year},
        after={"year": year},
    )
    return edition


@transaction.atomic
def save_draft(edition: Edition, data: dict, *, action: str, acting_user, summary: dict) -> Edition:
    """Replace a draft's document after validation (raises EditionError, nothing saved)."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_published:
        raise EditionLocked
    validate(data, edition.year)
    edition.data = as_json(data)
    edition.edited = True
    edition.save(update_fields=["data", "edited", "updated_at"])
    record(
        action,
        actor=acting_user,
        obj=edition,
        before=summary.get("before"),
        after=summary.get("after"),
    )
    return edition


@transaction.atomic
def publish_edition(edition: Edition, *, acting_user) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_published:
        raise EditionLocked
    validate(edition.data, edition.year)
    edition.status = Edition.Status.PUBLISHED
    edition.published_at = timezone.now()
    edition.save(update_fields=["status", "published_at", "updated_at"])
    record("edition.publish", actor=acting_user, obj=edition, after={"status": edition.status})
    return edition


def parse_date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))
