"""Walk every URL pattern: each view must declare its permission, and an outsider must be turned away.

A new view without a permission check fails here before it can leak another region's data.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from sinovda.regions.models import Role
from sinovda.reports.models import OutputJob, OutputKind
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = {
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "edition_list",
    "edition_detail",
    "award_verify",
    # The public side (sinovda/catalogue): published data only, tested in tests/web/test_catalogue*.py.
    "catalogue",
    "catalogue_innovation",
    "catalogue_region",
    "catalogue_agency",
    "sitemap",
    "robots_txt",
    "ranking_national",
    "ranking_province",
    # Probes for the proxy and monitoring (sinovda/ops): no data, tested in tests/web/test_ops.py.
    "healthz",
    "readyz",
}
# Behind a bearer token (METRICS_TOKEN), not a login: while no token is configured the endpoint does
# not exist, so everyone gets 404 (tests/web/test_ops.py covers the token cases).
TOKEN_ONLY = {"metrics"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue  # Django admin guards itself (staff only)
            if p.namespace == "api-v1":
                # The open-data API: django-ninja's views, all public and GET-only by design;
                # tests/web/test_api.py (every route anonymous, other methods 405) and
                # tests/web/test_api_privacy.py (published data only) cover them.
                continue
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


ALL = list(walk(get_resolver().url_patterns))


def fill(route, target):
    """A concrete path for the route, pointing at objects of `target` (a region the caller is not in)."""
    path = route.replace("<region:region_code>", target["region"].code)
    path = path.replace("<int:pk>", str(target["pk"])).replace("<uuid:pk>", str(target["job"]))
    path = path.replace("<str:kind>", "report")
    path = path.replace("<int:year>", "2023").replace("<str:code>", "16")
    path = path.replace("<str:public_id>", target["public_id"])
    path = path.replace("<uidb64>", "MQ").replace("<token>", "x-y")
    return "/" + path


@pytest.fixture
def target():
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    factories.cycle(region, 2023)
    coordinator = factories.member(region, Role.COORDINATOR)
    membership = coordinator.memberships.get()
    submission = factories.submission(factories.cycle_of(region, 2023))
    job = OutputJob.objects.create(
        region=region, cycle=submission.cycle, kind=OutputKind.REPORT, status="done"
    )
    return {
        "region": region,
        "pk": membership.pk,
        "public_id": submission.innovation.public_id,
        "job": job.pk,
    }


@pytest.mark.parametrize("route,pattern", ALL, ids=[r for r, _ in ALL])
def test_every_view_declares_its_permission(route, pattern):
    declared = getattr(pattern.callback, "sinovda_permission", None)
    assert declared, f"{route} has no permission decorator (region_view, national_admin_view, ...)"
    if declared == "public":
        assert pattern.name in PUBLIC, f"{route} is public but not in the reviewed PUBLIC list"


@pytest.mark.parametrize("route,pattern", ALL, ids=[r for r, _ in ALL])
def test_anonymous_visitors_only_reach_public_views(client, target, route, pattern):
    response = client.get(fill(route, target))
    if pattern.name in PUBLIC:
        return
    if pattern.name in TOKEN_ONLY:
        assert response.status_code == 404, route
        return
    assert response.status_code in {302, 405}, route
    if response.status_code == 302:
        assert response["Location"].startswith("/masuk/"), route


@pytest.mark.parametrize("route,pattern", ALL, ids=[r for r, _ in ALL])
def test_people_of_another_region_get_404(client, target, route, pattern):
    if pattern.name in PUBLIC or pattern.callback.sinovda_permission == "login":
        return  # public, or only ever about the signed-in person's own account
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    outsider = factories.member(elsewhere, Role.COORDINATOR)
    client.force_login(outsider)
    path = fill(route, target)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404, (
            f"{route} answered {response.status_code} to an outsider"
        )
