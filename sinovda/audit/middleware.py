from sinovda.lib.client_ip import client_ip

from .context import current_ip


class AuditContextMiddleware:
    """Makes the client address of the request available to `record()` (see context.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
