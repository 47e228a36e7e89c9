"""Marks that say how a view is guarded; tests/web/test_url_permissions.py reads them on every URL.

Here, below every app, so a view outside the tenancy app (ops: probes) marks itself the same way."""


def public_view(view):
    """Mark a view as intentionally open to everyone (the URL-walk test checks for a mark)."""
    view.sinovda_permission = "public"
    return view
