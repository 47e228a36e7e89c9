"""The national admin's view of the outbox: what failed, why, and "send again"."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinovda.audit.models import record

from . import outbox
from .models import DeliveryPreference, OutboundEmail, Reminder
from .tasks import deliver_soon


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "address", "subject", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("address", "subject")
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Kirim ulang surel yang dipilih"))
    def send_again(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = outbox.retry_now(ids)
            record("notifications.outbox_retry", actor=request.user, after={"emails": ids})
            transaction.on_commit(deliver_soon, robust=True)
        self.message_user(
            request,
            ngettext(
                "%(count)s surel dimasukkan lagi ke antrean kirim.",
                "%(count)s surel dimasukkan lagi ke antrean kirim.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DeliveryPreference)
class DeliveryPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "updated_at")
    list_select_related = ("user",)
    list_filter = ("email",)
    search_fields = ("user__username", "user__email")
    readonly_fields = ("user", "email", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # each person changes their own, on /notifikasi/pengaturan/ (audited)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "region", "agency", "user", "on_date", "sent_by")
    list_select_related = ("region", "agency", "user", "sent_by")
    list_filter = ("kind", "on_date")
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
