"""The region's identity for its reports and certificates: head of region and emblem."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.regions.models import Role
from tests import factories
from tests.web.test_evidence import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def test_koordinator_sets_the_head_of_region_and_the_emblem(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    page = reverse("region_identity", args=[region.code])
    response = client.post(
        page,
        {
            "head_name": "Panca Wijaya Akbar",
            "head_title": "Bupati Ogan Ilir",
            "emblem": SimpleUploadedFile("lambang.png", png_bytes()),
        },
    )
    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.head_name, region.head_title) == ("Panca Wijaya Akbar", "Bupati Ogan Ilir")
    assert region.emblem
    event = AuditEvent.objects.get(action="region.change_identity")
    assert event.after["emblem"] is True and event.before["emblem"] is False
    emblem = client.get(reverse("region_emblem", args=[region.code]))
    assert emblem["Content-Type"] == "image/png"
    assert b"".join(emblem.streaming_content) == png_bytes()


def test_an_emblem_that_is_not_an_image_is_refused_at_the_field(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(
        reverse("region_identity", args=[region.code]),
        {"head_name": "Nama", "emblem": SimpleUploadedFile("lambang.png", pdf_bytes())},
    )
    assert response.status_code == 200
    assert "hanya menerima" in response.content.decode()
    region.refresh_from_db()
    assert not region.emblem and region.head_name == ""


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER, Role.OPERATOR])
def test_only_the_koordinator_changes_the_identity(client, region, role):
    client.force_login(factories.member(region, role))
    response = client.post(reverse("region_identity", args=[region.code]), {"head_name": "X"})
    assert response.status_code == 403
    region.refresh_from_db()
    assert region.head_name == ""


def test_the_emblem_is_not_shown_outside_the_region(client, region):
    region.emblem.save("x.png", SimpleUploadedFile("x.png", png_bytes()))
    client.force_login(factories.member(factories.region(code="16.11"), Role.COORDINATOR))
    assert client.get(reverse("region_emblem", args=[region.code])).status_code == 404


def test_a_stored_emblem_that_is_not_an_image_is_never_served(client, region):
    region.emblem.save("x.png", SimpleUploadedFile("x.png", pdf_bytes()))
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert client.get(reverse("region_emblem", args=[region.code])).status_code == 404
