"""`manage.py check --deploy`: warn about a per-process cache in production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if getattr(settings, "PRODUCTION", False) and backend in PER_PROCESS:
        return [
            Warning(
                "The default cache is per process: API rate limits and cached pages are not "
                "shared between app processes or nodes.",
                hint="Set CACHE_URL to redis://… or db://sinovda_cache (docs/operations.md).",
                id="sinovda.W001",
            )
        ]
    return []
