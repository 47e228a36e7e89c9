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
