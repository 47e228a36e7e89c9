"""`manage.py check` (and every start) refuses a schedule or retry policy that cannot be right, and
a periodic entry that names nothing."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from . import config


@checks.register()
def workers_settings(app_configs=None, **kwargs):
    errors = []
    try:
        config.retry_policies()
        entries = config.periodic_tasks()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="workers.E001")]
    for path in entries:
        try:
            target = import_string(path)
        except ImportError:
            errors.append(
                checks.Error(
                    f"SINOVDA_PERIODIC_TASKS names {path!r}, which does not exist",
                    id="workers.E002",
                )
            )
            continue
        if not callable(target) and not hasattr(target, "enqueue"):
            errors.append(
                checks.Error(
                    f"SINOVDA_PERIODIC_TASKS: {path!r} is neither a task nor a function",
                    id="workers.E003",
                )
            )
    return errors
