from .access import user_memberships


def memberships(request):
    """The signed-in person's roles, for the navigation (one cached query per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}
    from sinovda.innovations.models import Notification

    return {
        "my_memberships": user_memberships(user),
        "unread_notifications": Notification.objects.filter(user=user, read_at=None).count(),
    }
