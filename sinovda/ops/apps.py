from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the service: health and readiness, request ids and access logs, the outage page,
    metrics, optional error reporting, the shared cache's table. No domain app imports it."""

    name = "sinovda.ops"
    label = "ops"

    def ready(self):
        from django.core.signals import request_finished

        from . import checks  # noqa: F401  (registers the deploy checks)
        from .middleware import forget_request_id
        from .sentry import init_sentry

        request_finished.connect(forget_request_id, dispatch_uid="sinovda.ops.forget_request_id")
        init_sentry()
