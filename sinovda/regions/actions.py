"""Every change to OPDs and people is one of these functions: atomic, audited, given the acting user."""

from django.contrib.auth import get_user_model
from django.db import transaction

from sinovda.audit.models import record, snapshot

from .accounts import AccountProtected, account_control
from .models import Agency, Membership, Region

AGENCY_FIELDS = ("name", "short_name", "is_active")
MEMBERSHIP_FIELDS = ("role", "agency", "is_active")
USER_FIELDS = ("username", "full_name", "email", "is_active")


@transaction.atomic
def create_agency(region: Region, *, name: str, short_name: str, acting_user) -> Agency:
    agency = Agency.objects.create(region=region, name=name, short_name=short_name)
    record(
        "agency.create",
        actor=acting_user,
        obj=agency,
        region=region,
        after=snapshot(agency, AGENCY_FIELDS),
    )
    return agency


@transaction.atomic
def update_agency(agency: Agency, *, acting_user, **changes) -> Agency:
    before = snapshot(agency, AGENCY_FIELDS)
    for name, value in changes.items():
        setattr(agency, name, value)
    agency.save(update_fields=list(changes))
    action = "agency.update"
    if changes.keys() == {"is_active"}:
        action = "agency.activate" if agency.is_active else "agency.deactivate"
    record(
        action,
        actor=acting_user,
        obj=agency,
        region=agency.region,
        before=before,
        after=snapshot(agency, AGENCY_FIELDS),
    )
    return agency


@transaction.atomic
def create_person(
    region: Region,
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    agency: Agency | None,
    password: str,
    acting_user,
) -> Membership:
    """A new account with a temporary password the person must replace at first sign-in."""
    user = get_user_model().objects.create_user(
        username=username, email=email, password=password, full_name=full_name
    )
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    membership = Membership.objects.create(user=user, region=region, role=role, agency=agency)
    record(
        "person.create",
        actor=acting_user,
        obj=membership,
        region=region,
        after={**snapshot(user, USER_FIELDS), **snapshot(membership, MEMBERSHIP_FIELDS)},
    )
    return membership


@transaction.atomic
def update_person(
    membership: Membership, *, full_name: str, email: str, role: str, agency, acting_user
) -> Membership:
    """Change a person's role (and OPD) here and, when the acting user manages it, their account.

    Name and email belong to the account: for an account the acting user may not manage they must
    stay as they are, or nothing changes at all.
    """
    control = account_control(acting_user, membership)
    if not control.can_change_membership:
        raise AccountProtected(control.reason)
    user = membership.user
    account_changes = (user.full_name, user.email) != (full_name, email)
    if account_changes and not control.can_edit_account:
        raise AccountProtected(control.reason)
    before = {**snapshot(user, USER_FIELDS), **snapshot(membership, MEMBERSHIP_FIELDS)}
    old_email = user.email
    if account_changes:
        user.full_name, user.email = full_name, email
        user.save(update_fields=["full_name", "email"])
    membership.role, membership.agency = role, agency
    membership.save(update_fields=["role", "agency"])
    after = {**snapshot(user, USER_FIELDS), **snapshot(membership, MEMBERSHIP_FIELDS)}
    action = "person.change_role" if before["role"] != after["role"] else "person.update"
    record(
        action,
        actor=acting_user,
        obj=membership,
        region=membership.region,
        before=before,
        after=after,
    )
    if old_email != user.email:
        # Email is how a password is reset, so its change is findable on its own, per account (the
        # account is not one region's: region=None, object = the user).
        record(
            "account.email_change",
            actor=acting_user,
            obj=user,
            before={"email": old_email},
            after={"email": user.email},
        )
    return membership


@transaction.atomic
def set_person_active(membership: Membership, *, active: bool, acting_user) -> Membership:
    """Deactivate (or reactivate) a person's role in the region.

    When the acting user manages the account, it is closed too once it has no other active role
    anywhere, so a deactivated person cannot sign in at all, and reopened with the role. An account
    the acting user may not manage is never opened or closed here. Neither is a platform admin's: their
    sign-in does not depend on a regional role.
    """
    control = account_control(acting_user, membership)
    if not control.can_change_membership:
        raise AccountProtected(control.reason)
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    user = membership.user
    if control.can_edit_account and not (user.is_staff or user.is_superuser):
        other_roles = user.memberships.filter(is_active=True).exclude(pk=membership.pk).exists()
        if active and not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        elif not active and not other_roles and user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
    record(
        "person.activate" if active else "person.deactivate",
        actor=acting_user,
        obj=membership,
        region=membership.region,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def reset_password(membership: Membership, *, password: str, acting_user) -> None:
    """Set a temporary password chosen by the koordinator; the person must change it."""
    control = account_control(acting_user, membership)
    if not control.can_edit_account:
        raise AccountProtected(control.reason)
    user = membership.user
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    # The password itself never enters the audit trail.
    record("person.reset_password", actor=acting_user, obj=membership, region=membership.region)
