"""The open-data API, version 1: read-only, anonymous, rate-limited, cacheable (docs/api.md).

Everything here is GET. The schema (/api/v1/openapi.json) and the rendered docs (/api/v1/docs, Swagger
UI from the files shipped inside django-ninja, served as our own static files) come from the same code
as the answers, so they cannot drift apart.
"""

import hashlib
from functools import wraps
from pathlib import Path

from django.http import JsonResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError

from . import innovations, rankings, regions, results
from .conditional import CACHE_CONTROL
from .throttle import DEFAULT_RATE, ClientRateThrottle, configured_rate, describe_rate

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

DESCRIPTION = f"""
Data terbuka Sinovda: Pemda, hasil Indeks Inovasi Daerah (IID) yang tersimpan, peringkat per
klaster, dan inovasi yang sudah **diterbitkan** koordinator Pemda. Hanya baca (GET), tanpa akun.

Tidak pernah ada di sini: draf, laporan yang belum diterbitkan, bukti dukung, catatan verifikator,
atau data pribadi operator.

## Lisensi

Data dari API ini berlisensi **Creative Commons Attribution 4.0 International (CC BY 4.0)**
({LICENCE_URL}). Cantumkan atribusi: *"Sumber: Sinovda, diakses dari [alamat situs ini] pada
[tanggal]"*; untuk hasil bersumber `bskdn`, sebutkan juga sumber yang dikutip (`citation`).

Data wilayah (kode, nama, jenis Pemda dan daftar Papua) adalah turunan idn-area-data dan
berlisensi **Open Database License (ODbL) 1.0** (https://opendatacommons.org/licenses/odbl/1-0/):
*"Contains information from idn-area-data (https://github.com/fityannugroho/idn-area-data), which is
made available here under the Open Database License (ODbL)."*

Nilai yang bertanda `synthetic: true` (sumber `sintetis`) adalah **data sintetis untuk uji dan
tolok ukur, bukan hasil nyata**: jangan dikutip sebagai IID sebuah Pemda.

## Halaman

Daftar memakai kursor: ikuti URL `next` sampai kosong (`limit` 1–100, bawaan 50). Urutannya tetap,
sehingga tidak ada baris yang terlewat atau terulang meskipun data bertambah di tengah jalan.
Kursor tidak boleh diubah; kursor rusak dijawab 400.

## Format

JSON (bawaan) atau CSV dengan `format=csv` (UTF-8, baris judul, halaman berikutnya di header
`Link: <URL>; rel="next"`). Desimal ditulis sebagai teks (`"72.35"`).

## Batas dan cache

Setiap alamat klien boleh {describe_rate(configured_rate())} (diatur dengan
`SINOVDA_API_RATE`, bawaan {DEFAULT_RATE}); lebih dari itu dijawab 429 dengan `Retry-After` (detik).
Setiap jawaban membawa `ETag` dan `Last-Modified`: kirim kembali sebagai `If-None-Match` /
`If-Modified-Since` dan jawaban yang tidak berubah adalah 304 tanpa isi.
`Cache-Control: public, max-age=60`. CORS: GET dari origin mana pun.
"""


def public_answer(view):
    """Every answer in Indonesian (labels, messages), whatever the language cookie says: a public,
    cacheable answer must not depend on who asked. Also: no NUL byte reaches a query, and every
    answer links its licence."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override("id"):
            if any("\x00" in value for _name, values in request.GET.lists() for value in values):
                # PostgreSQL refuses NUL in text: without this check it would be a 500.
                response = JsonResponse(
                    {"detail": _("Parameter tidak boleh memuat karakter NUL.")}, status=400
                )
            else:
                response = view(request, *args, **kwargs)
        link = f'<{LICENCE_URL}>; rel="license"'
        response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
        return response

    return wrapped


_SOURCES = Path(__file__).parent
# The docs and the schema change only with the code: the code's age is their Last-Modified.
_CODE_MODIFIED = int(max(p.stat().st_mtime for p in _SOURCES.glob("*.py")))


def cached_docs(view):
    """The schema and the docs page: GET only, with an ETag (from the body), Last-Modified and
    Cache-Control like every other answer."""

    @require_GET
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        not_modified = get_conditional_response(request, etag=etag, last_modified=_CODE_MODIFIED)
        response = not_modified or response
        response["ETag"] = etag
        response["Last-Modified"] = http_date(_CODE_MODIFIED)
        response["Cache-Control"] = CACHE_CONTROL
        return response

    return wrapped


api = NinjaAPI(
    title="Sinovda Open Data API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    # The bundled Swagger UI files (ninja/static), never a CDN; no call to the online validator.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=cached_docs,
    throttle=ClientRateThrottle(),
    openapi_extra={
        "info": {
            "license": {"name": "CC BY 4.0", "url": LICENCE_URL},
        }
    },
)
api.add_decorator(public_answer, mode="view")


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    names = ", ".join(sorted({e["loc"][-1] for e in errors if e["loc"]}))
    detail = _(
        "Parameter tidak valid: %(names)s. Lihat /api/v1/docs untuk nilai yang diterima."
    ) % {"names": names}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


api.add_router("", regions.router)
api.add_router("", results.router)
api.add_router("", rankings.router)
api.add_router("", innovations.router)
