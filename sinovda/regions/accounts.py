"""Whose account a koordinator may manage: the one rule, used by the people pages and their actions.

A person's account (password, name, email, whether they can sign in at all) is shared by every Pemda
they work in, while a membership (role, OPD, active in this Pemda) belongs to one Pemda. So a
regional koordinator manages the account only of someone who works in its region alone and is no
platform admin; for anyone else it may change or end the role in its own region, and a national admin
looks after the account. Nobody changes their own account through these pages: a koordinator who
closed or demoted themselves could lock the region out of its tools.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .access import access_for
from .models import Membership


@dataclass(frozen=True)
class AccountControl:
    """What the acting user may change about one membership and the account behind it."""

    can_edit_account: bool  # password, full name, email, user.is_active
    can_change_membership: bool  # role, OPD, membership.is_active in this region
    reason: str = ""  # why something is unavailable, in Indonesian; empty when everything is


class AccountProtected(PermissionDenied):
    """An action was asked to change what the acting user may not; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def with_roles_elsewhere(memberships):
    """Annotate `holds_role_elsewhere` so a list of people needs no query per row."""
    elsewhere = Membership.objects.filter(user=OuterRef("user_id")).exclude(
        region=OuterRef("region_id")
    )
    return memberships.annotate(holds_role_elsewhere=Exists(elsewhere))


def account_control(
    acting_user, membership: Membership, *, holds_role_elsewhere: bool | None = None
) -> AccountControl:
    """What `acting_user` may change about `membership` and its user's account.

    `holds_role_elsewhere` may be passed from `with_roles_elsewhere`; otherwise it is looked up.
    Every membership counts, active or not: an inactive role elsewhere can be reactivated there.
    """
    target = membership.user
    if target.pk == acting_user.pk:
        reason = _(
            "Anda tidak dapat mengubah akun Anda sendiri di sini; gunakan halaman Ganti kata sandi."
        )
        return AccountControl(False, False, reason)
    if acting_user.is_superuser:
        return AccountControl(True, True)
    if not access_for(acting_user, membership.region).can_manage:
        reason = _("Hanya koordinator Pemda ini yang dapat mengubah pengguna.")
        return AccountControl(False, False, reason)
    if target.is_staff or target.is_superuser:
        reason = _("Akun admin platform hanya dapat diubah admin nasional.")
        return AccountControl(False, True, reason)
    if holds_role_elsewhere is None:
        holds_role_elsewhere = (
            Membership.objects.filter(user=target).exclude(region=membership.region_id).exists()
        )
    if holds_role_elsewhere:
        reason = _(
            "Akun ini juga memegang peran di Pemda lain; Anda hanya dapat mengubah perannya di "
            "Pemda ini. Kata sandi, nama dan email diatur admin nasional."
        )
        return AccountControl(False, True, reason)
    return AccountControl(True, True)
