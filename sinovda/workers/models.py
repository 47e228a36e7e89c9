"""What the workers write about themselves: who is alive, what happened to a task, which periodic run
was queued. The task rows themselves belong to django-tasks-db (`DBTaskResult`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker, rewritten every few seconds by a thread of the worker. A task
    RUNNING under a worker whose row is older than SINOVDA_WORKER_STALE_SECONDS goes back to the
    queue (recovery.py)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    current_task_id = models.UUIDField(null=True, blank=True)
    current_task_path = models.TextField(blank=True)
    rss_bytes = models.BigIntegerField(default=0)
    tasks_done = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("detak pekerja")
        verbose_name_plural = _("detak pekerja")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class TaskEvent(models.Model):
    """Something the worker decided about a task beyond "it ran": a retry, a recovery after a lost
    worker, a final failure. Kept by task id (not a foreign key) so it outlives pruned task rows
    until the cleanup removes it too."""

    class Kind(models.TextChoices):
        RETRY = "retry", _("Dicoba lagi")
        RECOVERED = "recovered", _("Diambil alih dari pekerja yang mati")
        INTERRUPTED = "interrupted", _("Dihentikan dan dikembalikan ke antrean")
        GAVE_UP = "gave_up", _("Gagal setelah percobaan terakhir")

    task_id = models.UUIDField(db_index=True)
    task_path = models.TextField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    attempt = models.PositiveIntegerField()
    worker_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)
    run_after = models.DateTimeField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("peristiwa tugas")
        verbose_name_plural = _("peristiwa tugas")

    def __str__(self):
        return f"{self.task_path} {self.kind} #{self.attempt}"


class PeriodicRun(models.Model):
    """One row per periodic task and due time. The unique key is what makes a due time run once
    however many workers see it come."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Dimasukkan ke antrean")
        COVERED = "covered", _("Sudah ada di antrean")
        FIRST = "first", _("Pertama terlihat; mulai dari jadwal berikutnya")

    task_path = models.TextField()
    due_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    task_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    worker_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["task_path", "due_at"], name="periodic_run_once")
        ]
        verbose_name = _("jadwal berkala")
        verbose_name_plural = _("jadwal berkala")

    def __str__(self):
        return f"{self.task_path} @ {self.due_at:%Y-%m-%d %H:%M}"
