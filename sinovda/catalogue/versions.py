"""The public catalogue's data version: a one-row table moved with every change of a Publication.

`bump()` runs inside the transaction that changes publications (post_save of a Publication, the
unpublish action, and the national generator after its bulk inserts), so the new version becomes
visible at the same moment as the data. Readers take the version *before* reading any data: a page
built from data read after an older version cannot be stored under a newer one, so a cached page
never outlives an unpublish (docs/catalogue.md, "Caching").
"""

import datetime
import secrets

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import CatalogueVersion, Publication

ROW = 1


def bump() -> None:
    """Move the version (call inside the transaction that changes publications)."""
    values = {"stamp": secrets.token_hex(8), "changed_at": timezone.now()}
    if not CatalogueVersion.objects.filter(pk=ROW).update(**values):
        CatalogueVersion.objects.update_or_create(pk=ROW, defaults=values)


def current() -> tuple[str, datetime.datetime | None]:
    """(stamp, changed_at): one primary-key read. Without the row (a flushed database) a fixed
    stamp; the first bump creates the row."""
    row = CatalogueVersion.objects.filter(pk=ROW).values_list("stamp", "changed_at").first()
    return row if row is not None else ("none", None)


@receiver(post_save, sender=Publication, dispatch_uid="catalogue_version_on_save")
def _publication_saved(**kwargs):
    # Every save of a public copy (publish, refresh, any other writer) moves the version. Deletes
    # are bumped by their callers (actions.unpublish): a post_delete receiver would stop Django
    # from deleting publications in bulk.
    bump()
