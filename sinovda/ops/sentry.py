"""Error reporting to Sentry (or a compatible service such as GlitchTip), only when SENTRY_DSN is
set: nothing leaves the server otherwise.

No personal data: no user details, cookies, Authorization headers or request bodies (form posts
carry names, answers, passwords). Each event is tagged with the request id shown on the error page.
"""

from django.conf import settings

from sinovda.lib.request_id import current_request_id

SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-csrftoken"}


def scrub_event(event, hint=None):
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
            }
    request_id = current_request_id.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init_sentry() -> bool:
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration()],
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )
    return True
