from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions
from ..access import Need, region_view
from ..forms import PersonCreateForm, PersonForm, TemporaryPasswordForm
from ..models import Membership


def _membership_in(access, pk) -> Membership:
    try:
        return Membership.objects.select_related("user", "agency", "region").get(
            pk=pk, region=access.region
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404 from None


def _not_self(request, membership):
    # A koordinator changing or closing their own account could lock the region out of its tools.
    if membership.user_id == request.user.pk:
        raise PermissionDenied


@region_view(Need.MANAGE)
def person_list(request, access):
    people = (
        Membership.objects.filter(region=access.region)
        .select_related("user", "agency")
        .order_by("-is_active", "role", "user__full_name", "user__username")
    )
    return render(request, "regions/person_list.html", {"access": access, "people": people})


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
    _not_self(request, membership)
    initial = {
        "full_name": membership.user.full_name,
        "email": membership.user.email,
        "role": membership.role,
        "agency": membership.agency_id,
    }
    form = PersonForm(request.POST or None, region=access.region, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_person(membership, acting_user=request.user, **form.cleaned_data)
        messages.success(
            request, _("Perubahan data %(name)s disimpan.") % {"name": membership.user}
        )
        return redirect("person_list", region_code=access.region.code)
    context = {"access": access, "form": form, "membership": membership}
    return render(request, "regions/person_form.html", context)


@region_view(Need.MANAGE)
def person_reset_password(request, access, pk):
    membership = _membership_in(access, pk)
    _not_self(request, membership)
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
    _not_self(request, membership)
    actions.set_person_active(membership, active=not membership.is_active, acting_user=request.user)
    if membership.is_active:
        messages.success(request, _("%(name)s diaktifkan kembali.") % {"name": membership.user})
    else:
        messages.success(request, _("%(name)s dinonaktifkan.") % {"name": membership.user})
    return redirect("person_list", region_code=access.region.code)
