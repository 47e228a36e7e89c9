from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from sinovda.lib.downloads import private_file
from sinovda.regions.access import Need, region_view

from .actions import request_recheck
from .forms import DocumentUploadForm
from .models import Document
from .uploads import OVERSIZE_ATTRIBUTE, EvidenceSizeLimit

PAGE_SIZE = 25


@region_view(Need.MEMBER)
def document_list(request, access):
    documents = Document.objects.visible_to(access).select_related("agency", "uploaded_by")
    query = " ".join(request.GET.get("cari", "").split())[:100]
    if query:
        documents = documents.filter(
            Q(number__icontains=query)
            | Q(subject__icontains=query)
            | Q(original_name__icontains=query)
        )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("halaman"))
    can_upload = access.agency is not None or access.can_manage
    context = {
        "access": access,
        "page": page,
        "query": query,
        "filter_query": urlencode({"cari": query}),
        "can_upload": can_upload,
    }
    return render(request, "evidence/document_list.html", context)


@region_view(Need.MEMBER)
@csrf_exempt  # checked in _upload, once the size-limiting upload handler is in place
def document_upload(request, access):
    # Upload handlers can only be changed before the request body is read, and the CSRF check
    # reads it; hence the check runs inside (Django's documented pattern).
    request.upload_handlers.insert(0, EvidenceSizeLimit(request))
    return _upload(request, access)


@csrf_protect
def _upload(request, access):
    if access.agency is not None:
        agency = access.agency  # an operator uploads for its own OPD
    elif access.can_manage:
        agency = None  # the koordinator uploads for the region
    else:
        raise PermissionDenied
    kinds = [k for k in request.GET.get("jenis", "").split(",") if k.strip()]
    next_url = _safe_next(request)
    posted = request.method == "POST"
    form = DocumentUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        region=access.region,
        agency=agency,
        acting_user=request.user,
        allowed_kinds=kinds or None,
        oversize=getattr(request, OVERSIZE_ATTRIBUTE, False),
    )
    if posted and form.is_valid():
        document = form.document
        if form.created:
            messages.success(request, _("Bukti dukung %(name)s diunggah.") % {"name": document})
        else:
            messages.info(request, duplicate_message(document))
        if next_url:
            return redirect(_with_document(next_url, document))
        return redirect("document_list", region_code=access.region.code)
    cancel_url = next_url or reverse("document_list", args=[access.region.code])
    context = {"access": access, "form": form, "cancel_url": cancel_url}
    return render(request, "evidence/document_upload.html", context)


def duplicate_message(document) -> str:
    who = document.uploaded_by.display_name if document.uploaded_by else _("orang tak dikenal")
    return _(
        "Berkas yang sama sudah ada: %(subject)s, diunggah %(date)s oleh %(who)s. "
        "Dokumen itu yang dipakai; tidak ada berkas baru yang disimpan."
    ) % {
        "subject": document,
        "date": date_format(localtime(document.uploaded_at), "j F Y"),
        "who": who,
    }


def _safe_next(request) -> str:
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def _with_document(url: str, document) -> str:
    """The page to return to, told which document was uploaded (or found): ?dokumen=<pk>."""
    parts = urlsplit(url)
    extra = urlencode({"dokumen": document.pk})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


@region_view(Need.MEMBER)
@require_safe
def document_download(request, access, pk):
    document = get_object_or_404(Document.objects.visible_to(access), pk=pk)
    return private_file(
        document.file, content_type=document.content_type, filename=document.download_name
    )


@region_view(Need.MEMBER)
@require_POST
def document_recheck(request, access, pk):
    """Run the automatic checks of a document again (its uploader or the koordinator)."""
    document = get_object_or_404(Document.objects.visible_to(access), pk=pk)
    if request_recheck(access, document):
        messages.success(
            request,
            _("Pemeriksaan otomatis %(name)s diulang; hasilnya muncul dalam beberapa saat.")
            % {"name": document},
        )
    else:
        messages.info(request, _("Dokumen ini sedang diperiksa. Muat ulang halaman sebentar lagi."))
    next_url = _safe_post_next(request)
    return redirect(next_url or reverse("document_list", args=[access.region.code]))


def _safe_post_next(request) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""
