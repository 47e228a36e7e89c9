"""The awards page of a cycle, an OPD's awards over the years, and the public certificate check."""

import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sinovda.cycles.lookup import get_cycle
from sinovda.lib.downloads import as_attachment
from sinovda.regions.access import Need, get_agency_for_user, public_view, region_view
from sinovda.reports import certificates
from sinovda.reports.access import may_make
from sinovda.reports.models import OutputKind

from . import actions, rules
from .forms import ManualAwardForm, RevokeForm, RulesForm
from .models import RANKED_CATEGORIES, Award, Category


def _revoke_prefix(award) -> str:
    return f"cabut{award.pk}"


def _page(request, access, cycle, *, rules_form=None, rankings=None, manual_form=None, revoke=None):
    """The awards page; the forms given are shown bound (with their errors), the rest empty."""
    region = access.region
    awards = list(Award.objects.for_cycle(cycle).select_related("agency").order_by("sequence"))
    for award in awards:
        if revoke is not None and revoke.prefix == _revoke_prefix(award):
            award.revoke_form = revoke
        else:
            award.revoke_form = RevokeForm(prefix=_revoke_prefix(award))
    context = {
        "access": access,
        "cycle": cycle,
        "awards": awards,
        "rules_form": rules_form or RulesForm(),
        "rankings": rankings,
        "fingerprint": rules.fingerprint(rankings) if rankings else "",
        # Chosen categories that already have awards: the preview says so and offers no Tetapkan.
        "issued_categories": {r.category for r in rankings or []}
        & {a.category for a in awards if not a.is_revoked},
        "manual_form": manual_form or ManualAwardForm(region=region),
        "tie_rules": [(Category(c).label, rules.TIE_RULES[c]) for c in RANKED_CATEGORIES],
        "head_missing": not (region.head_name and region.head_title),
        "emblem_missing": not region.emblem,
        "can_make_all": may_make(access, OutputKind.CERTIFICATES),
        "certificates_kind": OutputKind.CERTIFICATES,
    }
    return render(request, "awards/award_list.html", context)


def _award_in(cycle, pk) -> Award:
    return get_object_or_404(Award.objects.select_related("agency", "cycle"), pk=pk, cycle=cycle)


@region_view(Need.READ)
@require_safe
def award_list(request, access, year):
    cycle = get_cycle(access, year)
    return _page(request, access, cycle)


@region_view(Need.MANAGE)
@require_safe
def award_preview(request, access, year):
    """The ranking each chosen rule gives, with the values, before anything is issued."""
    cycle = get_cycle(access, year)
    form = RulesForm(request.GET or None)
    rankings = rules.rank_all(cycle, form.selection()) if form.is_valid() else None
    return _page(request, access, cycle, rules_form=form, rankings=rankings)


@region_view(Need.MANAGE)
@require_POST
def award_issue(request, access, year):
    cycle = get_cycle(access, year)
    form = RulesForm(request.POST)
    if not form.is_valid():
        return _page(request, access, cycle, rules_form=form)
    try:
        awards = actions.issue_ranked_awards(
            access, cycle, form.selection(), expected=request.POST.get("fingerprint", "")
        )
    except actions.AwardRefused as refused:
        messages.error(request, refused.message)
        rankings = rules.rank_all(cycle, form.selection())
        return _page(request, access, cycle, rules_form=form, rankings=rankings)
    messages.success(
        request,
        _("%(count)s penghargaan ditetapkan dan diberi nomor piagam.") % {"count": len(awards)},
    )
    return redirect("award_list", access.region.code, cycle.year)


@region_view(Need.MANAGE)
@require_POST
def award_manual(request, access, year):
    cycle = get_cycle(access, year)
    form = ManualAwardForm(request.POST, region=access.region)
    if form.is_valid():
        try:
            award = actions.issue_manual_award(access, cycle, **form.cleaned_data)
        except actions.AwardRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Penghargaan khusus untuk %(agency)s ditetapkan dengan nomor %(number)s.")
                % {"agency": award.agency.name, "number": award.number},
            )
            return redirect("award_list", access.region.code, cycle.year)
    return _page(request, access, cycle, manual_form=form)


@region_view(Need.MANAGE)
@require_POST
def award_revoke(request, access, year, pk):
    cycle = get_cycle(access, year)
    award = _award_in(cycle, pk)
    form = RevokeForm(request.POST, prefix=_revoke_prefix(award))
    if not form.is_valid():
        return _page(request, access, cycle, revoke=form)
    try:
        actions.revoke_award(access, award, reason=form.cleaned_data["reason"])
    except actions.AwardRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Piagam %(number)s dicabut.") % {"number": award.number})
    return redirect("award_list", access.region.code, cycle.year)


@region_view(Need.MANAGE)
@require_safe
def award_certificate(request, access, year, pk):
    """One certificate as a PDF, made now (a single page takes well under a second)."""
    cycle = get_cycle(access, year)
    award = _award_in(cycle, pk)
    if award.is_revoked:
        messages.error(request, _("Piagam yang sudah dicabut tidak dapat diunduh."))
        return redirect("award_list", access.region.code, cycle.year)
    award.cycle = cycle  # with its region and edition already loaded
    out = io.BytesIO()
    certificates.write_certificate(award, out)
    response = HttpResponse(out.getvalue(), content_type="application/pdf")
    return as_attachment(response, "piagam-" + award.number.replace("/", "-") + ".pdf")


def with_repeats(awards: list[Award]) -> list[Award]:
    """Mark each award whose category the OPD already received (not revoked) in an earlier year."""
    for award in awards:
        award.is_repeat = award.is_ranked and any(
            earlier.category == award.category
            and not earlier.is_revoked
            and earlier.cycle.edition.year < award.cycle.edition.year
            for earlier in awards
        )
    return awards


@region_view(Need.MEMBER)
@require_safe
def agency_awards(request, access, pk):
    """An OPD's awards over the years (operators: only their own OPD)."""
    agency = get_agency_for_user(access, pk)
    awards = with_repeats(
        list(
            Award.objects.filter(agency=agency)
            .select_related("cycle__edition")
            .order_by("-cycle__edition__year", "sequence")
        )
    )
    context = {"access": access, "agency": agency, "awards": awards}
    return render(request, "awards/agency_awards.html", context)


@public_view
@require_safe
def award_verify(request, verification_code):
    """Anyone holding a certificate checks it here: valid, revoked (when and why), or unknown."""
    award = (
        Award.objects.select_related("agency", "cycle__edition", "cycle__region")
        .filter(verification_code=verification_code)
        .first()
    )
    if award is None:
        response = render(request, "awards/verify_not_found.html", status=404)
    else:
        response = render(request, "awards/verify.html", {"award": award})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-cache"
    return response
