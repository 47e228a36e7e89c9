"""The address of the client, for the audit log and login throttling alike.

Each reverse proxy appends the address it saw to X-Forwarded-For; whatever stands to the left of those
came from the client and can say anything. So with TRUSTED_PROXY_COUNT = N the client is the N-th
entry from the right, and with 0 the header is ignored (a client talking to us directly could forge it).

django-ipware counts differently: its proxy_count=N returns the (N+1)-th entry from the right, as if
each proxy appended its own address. Real proxies (nginx, HAProxy, load balancers) do not, hence N-1
below (tests/web/test_client_ip.py pins ipware's behaviour). Not strict: a malformed entry on the
client's side of the header is skipped rather than making the whole header unusable.
"""

from django.conf import settings
from ipware import get_client_ip


def client_ip(request) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote_addr
    ip, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
        algorithm="modern",
    )
    # No usable header (or fewer entries than proxies): the request did not come through the
    # proxies as configured, so the only address we know is the one that connected.
    return ip or remote_addr
