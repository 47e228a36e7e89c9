from django.shortcuts import render
from django.utils import timezone

from sinovda.regions.access import login_view

from .models import Notification


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
        {"notifications": notifications, "unread": set(unread)},
    )
