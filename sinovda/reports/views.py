"""The outputs page of a cycle: request a file, watch its progress, download it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sinovda.cycles.lookup import get_cycle
from sinovda.innovations.lookup import get_submission, visible_submissions
from sinovda.lib.downloads import private_file
from sinovda.regions.access import Need, region_view

from . import jobs
from .access import may_get, may_make
from .models import OutputJob, OutputKind

CYCLE_KINDS = [OutputKind.REPORT, OutputKind.REKAP, OutputKind.HANDOFF, OutputKind.CERTIFICATES]


@region_view(Need.READ)
def outputs(request, access, year):
    cycle = get_cycle(access, year)
    kinds = [k for k in CYCLE_KINDS if may_make(access, k)]
    if not kinds:
        raise PermissionDenied
    recent = (
        OutputJob.objects.for_cycle(cycle)
        .filter(kind__in=kinds, submission=None)
        .select_related("requested_by")[:30]
    )
    context = {
        "access": access,
        "cycle": cycle,
        "kinds": [(k, OutputKind(k).label) for k in kinds],
        "can_csv": may_make(access, OutputKind.REKAP),
        "jobs": recent,
    }
    return render(request, "reports/outputs.html", context)


@region_view(Need.READ)
@require_POST
def output_request(request, access, year, kind):
    cycle = get_cycle(access, year)
    if kind not in CYCLE_KINDS:
        raise Http404
    if not may_make(access, kind):
        raise PermissionDenied
    job = jobs.request_output(access, kind, cycle=cycle)
    return redirect("output_detail", access.region.code, job.pk)


@region_view(Need.MEMBER)
@require_POST
def innovation_output(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    if not access.sees_evidence:
        raise PermissionDenied  # the PDF lists the evidence; a province sees it only if shared
    job = jobs.request_output(access, OutputKind.INNOVATION, submission=submission)
    return redirect("output_detail", access.region.code, job.pk)


def _job_for(access, pk) -> OutputJob:
    """The job if this person may have its file; 404 for anyone else (never confirm it exists)."""
    job = get_object_or_404(OutputJob.objects.select_related("cycle__edition"), pk=pk)
    visible = False
    if job.submission_id and job.region_id == access.region.pk:
        visible = (
            visible_submissions(access, job.cycle).filter(pk=job.submission_id).exists()
            if job.cycle_id
            else False
        )
    if not may_get(access, job, submission_visible=visible):
        raise Http404
    return job


@region_view(Need.MEMBER)
def output_detail(request, access, pk):
    job = _job_for(access, pk)
    context = {"access": access, "job": job, "cycle": job.cycle}
    return render(request, "reports/output_detail.html", context)


@region_view(Need.MEMBER)
@require_POST
def output_retry(request, access, pk):
    job = _job_for(access, pk)
    again = jobs.request_output(access, job.kind, cycle=job.cycle, submission=job.submission)
    messages.info(request, _("Berkas sedang dibuat ulang."))
    return redirect("output_detail", access.region.code, again.pk)


@region_view(Need.MEMBER)
@require_safe
def output_download(request, access, pk):
    job = _job_for(access, pk)
    if job.status != OutputJob.Status.DONE:
        raise Http404
    if job.is_expired or not job.file:
        response = render(
            request, "reports/output_expired.html", {"access": access, "job": job}, status=410
        )
        return response
    return private_file(job.file, content_type=job.content_type, filename=job.filename)
