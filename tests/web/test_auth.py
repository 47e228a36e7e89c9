import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_login_and_logout_are_audited(client):
    person = factories.member(factories.region(), Role.VERIFIER)
    response = client.post(
        reverse("login"), {"username": person.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "auth.login",
        "auth.logout",
    ]


def test_wrong_password_shows_an_indonesian_message(client):
    person = factories.user()
    response = client.post(reverse("login"), {"username": person.username, "password": "salah"})
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_repeated_failures_lock_the_login(client, settings):
    person = factories.user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": person.username, "password": "salah"})
    response = client.post(
        reverse("login"), {"username": person.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    call_command("axes_reset", verbosity=0)


def test_password_reset_sends_an_email(client):
    factories.user("budi", email="budi@example.org")
    response = client.post(reverse("password_reset"), {"email": "budi@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/sandi/atur/" in mail.outbox[0].body


def test_password_change_clears_the_forced_change(client):
    person = factories.user(must_change_password=True)
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "Ogan-Ilir-Baru-2024",
            "new_password2": "Ogan-Ilir-Baru-2024",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.must_change_password
    assert AuditEvent.objects.filter(action="auth.password_change").exists()


def test_home_sends_a_single_role_person_to_their_region(client):
    region = factories.region(code="16.10")
    client.force_login(factories.member(region, Role.LEADER))
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("region_home", args=["16.10"])


def test_home_sends_a_province_viewer_to_the_ranking(client):
    region = factories.region(code="16.10")
    client.force_login(factories.member(region.province, Role.PROVINCE_VIEWER))
    assert client.get(reverse("home"))["Location"] == reverse("province_ranking", args=["16"])


def test_forced_password_change_refuses_the_same_temporary_password(client):
    person = factories.user(must_change_password=True)
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": factories.PASSWORD,
            "new_password2": factories.PASSWORD,
        },
    )
    assert response.status_code == 200
    assert (
        "Kata sandi baru harus berbeda dari kata sandi lama atau sementara."
        in response.content.decode()
    )
    person.refresh_from_db()
    assert person.must_change_password
    assert not AuditEvent.objects.filter(action="auth.password_change").exists()


def reset_link(client, email):
    client.post(reverse("password_reset"), {"email": email})
    link = re.search(r"https?://[^/\s]+(/sandi/atur/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)  # Django swaps the token for a session key and redirects
    return response["Location"]


def test_password_reset_by_email_clears_the_forced_change_and_is_audited(client):
    person = factories.user("budi", email="budi@example.org", must_change_password=True)
    form = reset_link(client, "budi@example.org")
    response = client.post(
        form, {"new_password1": "Ogan-Ilir-Baru-2024", "new_password2": "Ogan-Ilir-Baru-2024"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Ogan-Ilir-Baru-2024")
    assert not person.must_change_password
    event = AuditEvent.objects.get(action="auth.password_reset")
    assert (event.object_type, event.object_id) == ("accounts.user", str(person.pk))


def test_password_reset_by_email_refuses_the_current_password(client):
    person = factories.user("budi", email="budi@example.org")
    form = reset_link(client, "budi@example.org")
    response = client.post(
        form, {"new_password1": factories.PASSWORD, "new_password2": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert (
        "Kata sandi baru harus berbeda dari kata sandi lama atau sementara."
        in response.content.decode()
    )
    assert not AuditEvent.objects.filter(action="auth.password_reset").exists()
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)
