from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .context import current_ip

USER_TYPE = settings.AUTH_USER_MODEL.lower()  # object_type of rows about an account


class AuditEventQuerySet(models.QuerySet):
    def for_region(self, region):
        return self.filter(region=region)

    def for_region_and_accounts(self, region, user_keys):
        """The region's rows, and the region-less account rows (sign-ins, lockouts, email changes)
        about the given accounts: `user_keys` is a subquery of user ids as text (the caller knows
        who belongs to the region; this app imports no domain app)."""
        return self.filter(
            Q(region=region)
            | Q(region__isnull=True, object_type=USER_TYPE, object_id__in=user_keys)
        )

    def platform(self):
        """Rows of no region: sign-in events and other account-level changes."""
        return self.filter(region__isnull=True)

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One change of state or data: who, what, before/after, when, from where. Never updated."""

    created_at = models.DateTimeField(_("Waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("Tindakan"), max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("Objek"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("Alamat IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "-created_at"]),
            # Every row about one object (an account's sign-ins, a report's history).
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


def record(action, *, actor=None, obj=None, region=None, before=None, after=None):
    """Write an audit row. Call it inside the same transaction as the change it describes."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region=region,
        before=before,
        after=after,
        ip=current_ip.get(),
    )


def snapshot(obj, fields):
    """The audited view of an object: the named fields as plain JSON-able values."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        data[name] = value
    return data
