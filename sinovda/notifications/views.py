from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.regions.access import login_view

from .actions import delivery_of, set_delivery
from .forms import DeliveryForm
from .models import Delivery, Notification


@login_view
def notification_list(request):
    """The person's own notifications; opening the page marks them read."""
    notifications = list(
        Notification.objects.filter(user=request.user).select_related("region")[:100]
    )
    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request,
        "notifications/notification_list.html",
        {
            "notifications": notifications,
            "unread": set(unread),
            "delivery": Delivery(delivery_of(request.user)).label,
        },
    )


@login_view
def notification_settings(request):
    """The person's own choice: e-mail at once, a daily digest, or in the app only."""
    form = DeliveryForm(
        request.POST if request.method == "POST" else None,
        initial={"email": delivery_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        if set_delivery(request.user, form.cleaned_data["email"]):
            messages.success(request, _("Pengaturan pemberitahuan disimpan."))
        else:
            messages.info(request, _("Tidak ada pengaturan yang berubah."))
        return redirect("notification_settings")
    return render(
        request,
        "notifications/notification_settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )
