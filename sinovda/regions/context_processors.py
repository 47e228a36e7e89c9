from .access import user_memberships


def memberships(request):
    """The signed-in person's roles, for the navigation (one cached query per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_memberships": []}
    return {"my_memberships": user_memberships(user)}
