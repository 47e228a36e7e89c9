import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="id">' in html
    assert "Masuk ke Sinovda" in html


def test_english_is_selectable_and_translated(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to Sinovda" in html


def test_catalogue_translates_whole_sentences():
    with translation.override("en"):
        assert translation.gettext("Nama pengguna ini sudah dipakai. Pilih nama lain.") == (
            "This username is taken. Choose another one."
        )


def test_an_english_browser_still_gets_indonesian(client):
    """Anonymous visitors and new users get Indonesian whatever Accept-Language says."""
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html
    assert "Masuk ke Sinovda" in html


def test_the_english_choice_is_remembered_for_a_year(client):
    response = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("login")},
        HTTP_ACCEPT_LANGUAGE="id",
    )
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 300 * 24 * 60 * 60  # survives closing the browser
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in html
