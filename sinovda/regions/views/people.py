from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinovda.lib import paging

from .. import actions
from ..access import Need, region_view
from ..accounts import account_control, with_roles_elsewhere
from ..forms import PersonCreateForm, PersonForm, TemporaryPasswordForm
from ..models import Membership


def _membership_in(access, pk) -> Membership:
    try:
        return Membership.objects.select_related("user", "agency", "region").get(
            pk=pk, region=access.region
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None


def _refused(request, access, membership, control):
    """Say why instead of a bare 403: the person opened a link or sent a form they may not use."""
    context = {"access": access, "membership": membership, "control": control}
    return render(request, "regions/person_refused.html", context, status=403)


PEOPLE_PER_PAGE = 100


@region_view(Need.MANAGE)
def person_list(request, access):
    people = with_roles_elsewhere(
        Membership.objects.filter(region=access.region)
        .select_related("user", "agency", "region")
        .order_by("-is_active", "role", "user__full_name", "user__username")
    )
    # A province or the nation's admin region can hold thousands of people: one page at a time.
    page = paging.page_of(people, request, size=PEOPLE_PER_PAGE)
    rows = [
        (m, account_control(request.user, m, holds_role_elsewhere=m.holds_role_elsewhere))
        for m in page.object_list
    ]
    return render(
        request,
        "regions/person_list.html",
        {"access": access, "rows": rows, "page": page, "filter_query": ""},
    )


@region_view(Need.MANAGE)
def person_create(request, access):
    form = PersonCreateForm(request.POST or None, region=access.region)
    if request.method == "POST" and form.is_valid():
        membership = actions.create_person(
            access.region, acting_user=request.user, **form.cleaned_data
        )
        messages.success(
            request,
            _("Akun %(username)s dibuat. Berikan kata sandi sementara kepada pemiliknya.")
            % {"username": membership.user.username},
        )
        return redirect("person_list", region_code=access.region.code)
    return render(request, "regions/person_form.html", {"access": access, "form": form})


@region_view(Need.MANAGE)
def person_update(request, access, pk):
    membership = _membership_in(access, pk)
    control = account_control(request.user, membership)
    if not control.can_change_membership:
        return _refused(request, access, membership, control)
    user = membership.user
    initial = {
        "full_name": user.full_name,
        "email": user.email,
        "role": membership.role,
        "agency": membership.agency_id,
    }
    form = PersonForm(request.POST or None, region=access.region, initial=initial)
    if not control.can_edit_account:
        form.lock_account_fields()
    if request.method == "POST" and form.is_valid():
        changes = form.cleaned_data
        if not control.can_edit_account:
            changes = {**changes, "full_name": user.full_name, "email": user.email}
        actions.update_person(membership, acting_user=request.user, **changes)
        messages.success(request, _("Perubahan data %(name)s disimpan.") % {"name": user})
        return redirect("person_list", region_code=access.region.code)
    context = {"access": access, "form": form, "membership": membership, "control": control}
    return render(request, "regions/person_form.html", context)


@region_view(Need.MANAGE)
def person_reset_password(request, access, pk):
    membership = _membership_in(access, pk)
    control = account_control(request.user, membership)
    if not control.can_edit_account:
        return _refused(request, access, membership, control)
    form = TemporaryPasswordForm(request.POST or None, user=membership.user)
    if request.method == "POST" and form.is_valid():
        actions.reset_password(
            membership, password=form.cleaned_data["password"], acting_user=request.user
        )
        messages.success(
            request,
            _("Kata sandi %(name)s diganti. Ia wajib membuat kata sandi baru saat masuk.")
            % {"name": membership.user},
        )
        return redirect("person_list", region_code=access.region.code)
    context = {"access": access, "form": form, "membership": membership}
    return render(request, "regions/person_password.html", context)


@region_view(Need.MANAGE)
@require_POST
def person_toggle_active(request, access, pk):
    membership = _membership_in(access, pk)
    control = account_control(request.user, membership)
    if not control.can_change_membership:
        return _refused(request, access, membership, control)
    actions.set_person_active(membership, active=not membership.is_active, acting_user=request.user)
    name = {"name": membership.user}
    if not control.can_edit_account:
        # Only the role changed; say so, and why the account itself was left alone.
        if membership.is_active:
            done = _("Peran %(name)s di Pemda ini diaktifkan kembali.") % name
        else:
            done = _("Peran %(name)s di Pemda ini dinonaktifkan; akunnya tidak diubah.") % name
        messages.success(request, done)
        messages.info(request, control.reason)
    elif membership.is_active:
        messages.success(request, _("%(name)s diaktifkan kembali.") % name)
    else:
        messages.success(request, _("%(name)s dinonaktifkan.") % name)
    return redirect("person_list", region_code=access.region.code)
