"""Read-only views of the pool for the national admin: who is alive, what was retried or recovered,
which periodic runs were queued. The task rows themselves are in django-tasks-db's own admin."""

from django.contrib import admin

from .models import PeriodicRun, TaskEvent, WorkerHeartbeat


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnly):
    list_display = (
        "worker_id",
        "hostname",
        "pid",
        "started_at",
        "seen_at",
        "current_task_path",
        "rss_bytes",
        "tasks_done",
    )


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnly):
    list_display = ("at", "task_path", "kind", "attempt", "worker_id", "run_after", "detail")
    list_filter = ("kind",)
    search_fields = ("task_id", "task_path")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnly):
    list_display = ("due_at", "task_path", "outcome", "task_id", "worker_id")
    list_filter = ("outcome", "task_path")
