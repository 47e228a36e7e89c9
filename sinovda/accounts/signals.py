"""Sign-in events go to the audit trail: who came in, from where, failed attempts and lockouts.

They are no region's (region=None) but name the account as their object, so a region's audit page
can show the events of its own people, and the platform audit page shows them all.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sinovda.audit.models import record


def _account_named(username):
    """The account a failed attempt was aimed at, if that username exists (never shown to them)."""
    if not username:
        return None
    User = get_user_model()
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record("auth.login", actor=user, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record("auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    record("auth.login_failed", obj=_account_named(username), after={"username": username})


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = username or ""
    record("auth.lockout", obj=_account_named(username), after={"username": username})
