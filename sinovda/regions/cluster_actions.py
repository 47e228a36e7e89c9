"""Every change to a cluster list (daerah tertinggal, perbatasan, Papua) is one of these functions:
atomic, audited, given the acting national admin. `updated_by` marks the list as maintained in the
product, so `load_clusters` never overwrites it with the shipped data."""

from django.db import transaction

from sinovda.audit.models import record, snapshot

from .models import ClusterList, Region

LIST_FIELDS = (
    "cluster",
    "title",
    "publisher",
    "published_on",
    "url",
    "confidence",
    "note",
    "valid_from",
    "valid_to",
)
EDITABLE = set(LIST_FIELDS) - {"cluster"}  # a list stays in its cluster; make a new list instead


@transaction.atomic
def create_cluster_list(*, acting_user, **fields) -> ClusterList:
    cluster_list = ClusterList.objects.create(updated_by=acting_user, **fields)
    record(
        "cluster_list.create",
        actor=acting_user,
        obj=cluster_list,
        after={**snapshot(cluster_list, LIST_FIELDS), "members": 0},
    )
    return cluster_list


@transaction.atomic
def update_cluster_list(cluster_list: ClusterList, *, acting_user, **changes) -> ClusterList:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    before = snapshot(cluster_list, LIST_FIELDS)
    for name, value in changes.items():
        setattr(cluster_list, name, value)
    cluster_list.updated_by = acting_user
    cluster_list.save(update_fields=[*changes, "updated_by", "updated_at"])
    record(
        "cluster_list.update",
        actor=acting_user,
        obj=cluster_list,
        before=before,
        after=snapshot(cluster_list, LIST_FIELDS),
    )
    return cluster_list


@transaction.atomic
def import_members(cluster_list: ClusterList, regions: list[Region], *, acting_user) -> ClusterList:
    """Replace the list's members with `regions` (already checked: every code known)."""
    before = set(cluster_list.regions.values_list("code", flat=True))
    after = {region.code for region in regions}
    cluster_list.regions.set(regions)
    # Saved even when only the members change: updated_at is part of the rankings' data version.
    cluster_list.updated_by = acting_user
    cluster_list.save(update_fields=["updated_by", "updated_at"])
    record(
        "cluster_list.import",
        actor=acting_user,
        obj=cluster_list,
        before={"members": len(before)},
        after={
            "members": len(after),
            "added": sorted(after - before),
            "removed": sorted(before - after),
        },
    )
    return cluster_list
