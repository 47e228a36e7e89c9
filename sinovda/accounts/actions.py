"""A person's changes to their own password: atomic, audited (the password never is)."""

from django.db import transaction

from sinovda.audit.models import record


def _set_own_password(user, password):
    user.set_password(password)
    # The person chose it: a temporary password set by a koordinator is replaced.
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])


@transaction.atomic
def change_own_password(user, *, password: str):
    """A signed-in person replaces their password (knowing the current one)."""
    _set_own_password(user, password)
    record("auth.password_change", actor=user, obj=user)
    return user


@transaction.atomic
def reset_own_password(user, *, password: str):
    """A person sets a new password from an e-mailed reset link (proving they own the address)."""
    _set_own_password(user, password)
    record("auth.password_reset", actor=user, obj=user)
    return user
