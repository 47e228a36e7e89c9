from .models import Notification


def unread(request):
    """How many notifications the signed-in person has not opened yet, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
