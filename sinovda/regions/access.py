"""Tenancy: who may see or change what in a region.

Every region-scoped view gets its objects through these helpers, which combine the lookup with the
permission check: a person with no standing in the region gets 404 (we do not confirm the region or the
object exists), a person whose role is too low gets 403.
"""

from dataclasses import dataclass
from enum import IntEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from sinovda.lib.marks import public_view  # noqa: F401 - re-exported for the views

from .models import PROVINCE_ROLES, REGION_READERS, Agency, Membership, Region, Role


class Need(IntEnum):
    """What a view needs, from least to most."""

    MEMBER = 1  # any role in the region (operators included)
    READ = 2  # every submission and dashboard of the region, read-only
    MANAGE = 3  # the koordinator's powers


def user_memberships(user) -> list[Membership]:
    """Active memberships of the user, fetched once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_sinovda_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user)
            .select_related("region", "region__province", "agency")
        )
        user._sinovda_memberships = cached
    return cached


@dataclass(frozen=True)
class RegionAccess:
    """The signed-in person's standing in one region."""

    user: object
    region: Region
    membership: Membership | None  # their own membership in this region, if any
    via_province: Membership | None  # a province role over this region, if any
    is_national_admin: bool

    @property
    def level(self) -> int:
        if self.is_national_admin:
            return Need.MANAGE
        if self.membership is not None:
            if self.membership.role == Role.COORDINATOR:
                return Need.MANAGE
            if self.membership.role in REGION_READERS:
                return Need.READ
            if self.membership.role in PROVINCE_ROLES:
                return Need.READ  # a province role on the province itself
            return Need.MEMBER
        if self.via_province is not None:
            return Need.READ
        return 0

    @property
    def role_label(self) -> str:
        if self.membership is not None:
            return self.membership.get_role_display()
        if self.via_province is not None:
            return self.via_province.get_role_display()
        return str(_("Admin nasional")) if self.is_national_admin else ""

    @property
    def agency(self) -> Agency | None:
        """The operator's own OPD; None for every other role."""
        if self.membership is not None and self.membership.role == Role.OPERATOR:
            return self.membership.agency
        return None

    @property
    def is_reviewer(self) -> bool:
        """Verifikator and koordinator review claims (and a national admin may)."""
        if self.is_national_admin:
            return True
        return self.membership is not None and self.membership.role in {
            Role.VERIFIER,
            Role.COORDINATOR,
        }

    @property
    def is_province_reader(self) -> bool:
        """Reads this region only through a province role (never a role in the region itself)."""
        if self.is_national_admin:
            return False
        if self.membership is not None:
            return self.membership.role in PROVINCE_ROLES
        return self.via_province is not None

    @property
    def sees_drafts(self) -> bool:
        """Province roles see what a Pemda has sent and its scores; drafts only if it shares them."""
        return not self.is_province_reader or self.region.share_with_province

    @property
    def sees_evidence(self) -> bool:
        """Evidence files stay inside the Pemda unless it shares them with its province."""
        return not self.is_province_reader or self.region.share_with_province

    @property
    def can_manage(self) -> bool:
        return self.level >= Need.MANAGE

    @property
    def can_read(self) -> bool:
        return self.level >= Need.READ

    def can_see_agency(self, agency: Agency) -> bool:
        if agency.region_id != self.region.pk:
            return False
        return self.can_read or (self.agency is not None and self.agency.pk == agency.pk)


def access_for(user, region: Region) -> RegionAccess:
    own = via_province = None
    for membership in user_memberships(user):
        if membership.region_id == region.pk:
            own = membership
        elif membership.role in PROVINCE_ROLES and membership.region_id == region.province_id:
            via_province = membership
    return RegionAccess(user, region, own, via_province, bool(user.is_superuser))


def get_region_access(user, code: str, need: Need) -> RegionAccess:
    """The region with this code, if the user may use it as `need` says; else 404 or 403."""
    try:
        region = Region.objects.select_related("province").get(code=code)
    except Region.DoesNotExist:
        raise Http404 from None
    access = access_for(user, region)
    if access.level == 0:
        raise Http404
    if access.level < need:
        raise PermissionDenied
    return access


def get_agency_for_user(access: RegionAccess, pk: int) -> Agency:
    """An OPD of the accessed region that the user may see; 404 for any other."""
    try:
        agency = Agency.objects.get(pk=pk, region=access.region)
    except (Agency.DoesNotExist, ValueError):
        raise Http404 from None
    if not access.can_see_agency(agency):
        raise Http404
    return agency


def region_view(need: Need):
    """Decorate a view taking `region_code`: it is called with `access` instead, or refused."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, region_code, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = get_region_access(request.user, region_code, need)
            return view(request, access, *args, **kwargs)

        wrapped.sinovda_permission = f"region:{need.name.lower()}"
        return wrapped

    return decorator


def national_admin_view(view):
    """Only a national admin (superuser); everyone else signed in gets 404."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_superuser:
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.sinovda_permission = "national_admin"
    return wrapped


def login_view(view):
    """Any signed-in person; the view itself only shows the person's own data."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.sinovda_permission = "login"
    return wrapped
