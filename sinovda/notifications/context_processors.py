from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """How many notifications the signed-in person has not opened yet, for the navigation.

    Context processors run for every page rendered with the request, including those that never
    show the navigation; the count is only queried when a template reads it (once per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(user=user, read_at=None).count()
        )
    }
