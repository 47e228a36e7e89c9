"""Generated files as background jobs: requested on a page, made by a worker, downloaded, expired.

The job row and its task are written in the same transaction (the database task backend stores the
task as a row too), so a worker never sees a task whose job does not exist yet. Progress is written
to the job row at most every half second, on its own, so the page can show it while the worker runs.
"""

import datetime
import logging
import os
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.lib.storage import StorageUnavailable
from sinovda.workers.retry import will_retry

from . import generators
from .models import OutputJob

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SINOVDA_OUTPUT_RETENTION_DAYS)


@transaction.atomic
def request_output(access, kind: str, *, cycle=None, submission=None) -> OutputJob:
    """Queue one output for the accessed region; the worker makes it."""
    job = OutputJob.objects.create(
        region=access.region,
        cycle=cycle if cycle is not None else getattr(submission, "cycle", None),
        submission=submission,
        kind=kind,
        requested_by=access.user,
    )
    record(
        "output.request",
        actor=access.user,
        obj=job,
        region=access.region,
        after={"kind": kind, "cycle": job.cycle_id, "submission": job.submission_id},
    )
    make_output.enqueue(str(job.pk))
    return job


def _progress_writer(job_id):
    last = [0.0]

    def progress(percent: int, step: str = "") -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY and percent < 100:
            return
        last[0] = now
        OutputJob.objects.filter(pk=job_id).update(
            progress=max(0, min(int(percent), 100)), step=step[:200]
        )

    return progress


def target_of(job):
    return job.submission if job.submission_id else job.cycle


def run(job: OutputJob) -> OutputJob:
    """Make the job's file now (the worker calls this; tests may too)."""
    target = target_of(job)
    OutputJob.objects.filter(pk=job.pk).update(
        status=OutputJob.Status.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    try:
        generator = generators.get(job.kind)
        with tempfile.TemporaryFile() as out:
            extra = {"job": job} if generator.takes_job else {}
            generator.write(target, out, _progress_writer(job.pk), **extra)
            size = out.seek(0, os.SEEK_END)
            out.seek(0)
            filename = generator.filename(target)
            # Streams from the temporary file: to disk, or to object storage in parts.
            job.file.save(filename, File(out), save=False)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a message on the page, with a retry
        log.exception("output %s (%s) failed", job.pk, job.kind)
        if will_retry():
            # The worker runs the task again after a pause (SINOVDA_TASK_RETRIES): until the last
            # attempt fails, the page says the file waits, not that it failed. An unreachable
            # storage is the typical case: it is usually back by the next attempt.
            OutputJob.objects.filter(pk=job.pk).update(
                status=OutputJob.Status.QUEUED, progress=0, step=""
            )
            raise
        if isinstance(exc, StorageUnavailable):
            error = _(
                "Penyimpanan berkas sedang tidak dapat dihubungi, jadi berkas ini belum dapat "
                "dibuat. Coba lagi beberapa saat lagi."
            )
        else:
            error = _(
                "Berkas tidak dapat dibuat karena kesalahan di server. Coba lagi; bila tetap gagal, "
                "hubungi admin dan sebutkan kode %(code)s."
            ) % {"code": str(job.pk)[:8]}
        OutputJob.objects.filter(pk=job.pk).update(
            status=OutputJob.Status.FAILED, finished_at=timezone.now(), error=error
        )
    else:
        now = timezone.now()
        OutputJob.objects.filter(pk=job.pk).update(
            status=OutputJob.Status.DONE,
            progress=100,
            step="",
            file=job.file.name,
            filename=filename,
            content_type=generator.content_type,
            size=size,
            finished_at=now,
            expires_at=now + retention(),
        )
    job.refresh_from_db()
    return job


@task()
def make_output(job_id: str) -> None:
    job = OutputJob.objects.select_related("cycle__edition", "cycle__region", "region").get(
        pk=job_id
    )
    if job.status == OutputJob.Status.DONE:
        return  # already made (a retried task after a worker was killed mid-way is harmless)
    if run(job).status == OutputJob.Status.FAILED:
        # The task fails too, so the worker counts the failure (failed_last_hour, /metrics).
        raise OutputFailed(f"output {job.pk} ({job.kind}) failed; see the log above")


class OutputFailed(Exception):
    pass


def worker_gave_up(job_id: str) -> None:
    """The workers gave the job's task up (its workers kept dying on it): say so on the page."""
    OutputJob.objects.filter(
        pk=job_id, status__in=[OutputJob.Status.QUEUED, OutputJob.Status.RUNNING]
    ).update(
        status=OutputJob.Status.FAILED,
        finished_at=timezone.now(),
        error=_(
            "Berkas tidak dapat dibuat karena proses pembuatnya berhenti berulang kali. Coba lagi; "
            "bila tetap gagal, hubungi admin dan sebutkan kode %(code)s."
        )
        % {"code": str(job_id)[:8]},
    )


def prune(now=None) -> int:
    """Delete the files of expired jobs (the rows stay, so the page can say the file expired)."""
    count = 0
    for job in OutputJob.objects.expired(now).exclude(file=""):
        job.file.delete(save=False)
        OutputJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count
