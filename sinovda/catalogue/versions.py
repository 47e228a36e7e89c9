"""The public catalogue's data version: a one-row table moved with every change of a Publication.

`bump()` runs inside the transaction that changes publications (post_save of a Publication, the
unpublish action, and the national generator after its bulk inserts; deletes also move it through a
database trigger, migration 0005), so the new version becomes
visible at the same moment as the data. Readers take the version *before* reading any data: a page
built from data read after an older version cannot be stored under a newer one, so a cached page
never outlives an unpublish (docs/catalogue.md, "Caching").
"""

import datetime
import secrets

from django.db import connection
from django.db.models.expressions import Col
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
    # Plain SQL: read on every public page, and the ORM's query building cost more than the read.
    table = connection.ops.quote_name(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT stamp, changed_at FROM {table} WHERE id = %s", [ROW])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        return ("none", None)
    stamp, changed = row
    field = CatalogueVersion._meta.get_field("changed_at")
    converters = connection.ops.get_db_converters(Col(table, field))
    for converter in converters:
        changed = converter(changed, Col(table, field), connection)
    return stamp, changed


@receiver(post_save, sender=Publication, dispatch_uid="catalogue_version_on_save")
def _publication_saved(**kwargs):
    # Every save of a public copy (publish, refresh, any other writer) moves the version. Every
    # delete (unpublish, a deleted innovation's cascade, the admin, bulk deletes) moves it through a
    # database trigger (migration 0005): a post_delete receiver would turn bulk deletes into
    # row-by-row ones.
    bump()
