import copy

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinovda import methodology
from sinovda.regions.access import national_admin_view, public_view

from . import actions
from .forms import EditionRulesForm, IndicatorForm
from .models import Edition


def _edition_for(user, year) -> Edition:
    """Published editions are public knowledge; drafts exist only for national admins."""
    edition = Edition.objects.filter(year=year).first()
    if edition is None or (not edition.is_published and not user.is_superuser):
        raise Http404
    return edition


@public_view
def edition_list(request):
    editions = Edition.objects.all()
    if not request.user.is_superuser:
        editions = editions.published()
    return render(request, "editions/edition_list.html", {"editions": editions})


@public_view
def edition_detail(request, year):
    edition = _edition_for(request.user, year)
    doc = edition.data
    variables = {v["code"]: v for v in doc.get("variables", [])}
    groups = []
    for aspect in doc.get("aspects", []):
        for variable in [v for v in doc.get("variables", []) if v["aspect"] == aspect["code"]]:
            indicators = [i for i in doc["indicators"] if i["variable"] == variable["code"]]
            groups.append({"aspect": aspect, "variable": variable, "indicators": indicators})
    context = {
        "edition": edition,
        "doc": doc,
        "groups": groups,
        "profile_fields": _profile_fields(edition),
        "variables": variables,
        "clone_form": CloneForm() if request.user.is_superuser else None,
    }
    return render(request, "editions/edition_detail.html", context)


PROFILE_TYPE_LABELS = {
    "text": gettext_lazy("teks"),
    "longtext": gettext_lazy("teks panjang"),
    "choice": gettext_lazy("pilihan"),
    "date": gettext_lazy("tanggal"),
    "number": gettext_lazy("angka"),
    "url": gettext_lazy("tautan"),
    "document": gettext_lazy("dokumen"),
    "yesno": gettext_lazy("ya/tidak"),
    "urusan": gettext_lazy("urusan pemerintahan"),
    "agency": gettext_lazy("OPD pembuat (otomatis)"),
}


def _profile_fields(edition) -> list[dict]:
    """The edition's profile fields for the read-only list on its page."""
    rows = []
    for pf in edition.spec().profile_fields:
        options = ", ".join(o.label for o in pf.options)
        if pf.options_from == "tematik":
            options = _("daftar tematik edisi ini")
        rows.append(
            {
                "field": pf,
                "type": PROFILE_TYPE_LABELS.get(pf.type, pf.type),
                "options": options,
                "kinds": ", ".join(pf.kinds),
            }
        )
    return rows


class CloneForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Tahun edisi baru"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Isi tahun edisi baru, misalnya 2027."),
            "invalid": gettext_lazy("Tulis tahun dengan angka, misalnya 2027."),
            "min_value": gettext_lazy("Tahun paling awal 2000."),
            "max_value": gettext_lazy("Tahun paling akhir 2100."),
        },
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Edition.objects.filter(year=year).exists():
            raise forms.ValidationError(gettext_lazy("Edisi untuk tahun ini sudah ada."))
        return year


@national_admin_view
def edition_clone(request, year):
    source = _edition_for(request.user, year)
    form = CloneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        edition = actions.clone_edition(
            source, year=form.cleaned_data["year"], acting_user=request.user
        )
        messages.success(
            request,
            _("Edisi %(year)s dibuat sebagai draf dari edisi %(source)s.")
            % {"year": edition.year, "source": source.year},
        )
        return redirect("edition_detail", year=edition.year)
    return render(request, "editions/edition_clone.html", {"edition": source, "form": form})


def _draft_for(user, year) -> Edition:
    edition = _edition_for(user, year)
    if edition.is_published:
        raise Http404  # read-only: there is nothing to edit
    return edition


def _save(request, edition, form, doc, before, after, action):
    """Validate with the engine and save, or put every problem on the form."""
    try:
        actions.save_draft(
            edition,
            doc,
            action=action,
            acting_user=request.user,
            summary={"before": before, "after": after},
        )
    except methodology.EditionError as error:
        for problem in error.problems:
            form.add_error(None, str(problem))
        return False
    return True


@national_admin_view
def edition_rules(request, year):
    edition = _draft_for(request.user, year)
    form = EditionRulesForm(request.POST or None, data_doc=edition.data)
    if request.method == "POST" and form.is_valid():
        doc = copy.deepcopy(edition.data)
        key = actions.add_source(
            doc,
            ref=form.cleaned_data["source_ref"],
            confidence=form.cleaned_data["confidence"],
            acting_user=request.user,
        )
        form.doc = doc
        new_doc, before, after = form.apply(key)
        if not after:
            form.add_error(None, _("Tidak ada nilai yang berubah."))
        elif _save(request, edition, form, new_doc, before, after, "edition.edit_rules"):
            messages.success(request, _("Aturan edisi %(year)s disimpan.") % {"year": year})
            return redirect("edition_detail", year=year)
    return render(request, "editions/edition_rules.html", {"edition": edition, "form": form})


@national_admin_view
def indicator_edit(request, year, code):
    edition = _draft_for(request.user, year)
    indicator = next((i for i in edition.data["indicators"] if i["code"] == code), None)
    if indicator is None:
        raise Http404
    form = IndicatorForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        doc = copy.deepcopy(edition.data)
        key = actions.add_source(
            doc,
            ref=form.cleaned_data["source_ref"],
            confidence=form.cleaned_data["confidence"],
            acting_user=request.user,
        )
        new_doc, before, after = form.apply(doc, key)
        if _save(request, edition, form, new_doc, before, after, "edition.edit_indicator"):
            messages.success(request, _("Indikator %(code)s disimpan.") % {"code": code})
            return redirect("edition_detail", year=year)
    context = {"edition": edition, "indicator": indicator, "form": form}
    return render(request, "editions/indicator_form.html", context)


@national_admin_view
@require_POST
def edition_publish(request, year):
    edition = _draft_for(request.user, year)
    try:
        actions.publish_edition(edition, acting_user=request.user)
    except methodology.EditionError as error:
        for problem in error.problems:
            messages.error(request, str(problem))
        return redirect("edition_detail", year=year)
    messages.success(request, _("Edisi %(year)s diterbitkan dan kini hanya-baca.") % {"year": year})
    return redirect("edition_detail", year=year)
