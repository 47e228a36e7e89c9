"""HTML to PDF with WeasyPrint, fetching nothing but the files it is given.

WeasyPrint's URL fetcher here serves only the files it is handed (the region's emblem from private
storage, checked to be a PNG or JPG of at most 5 MB) and refuses every other URL: no http(s), no
file:, no data:. So a name typed by an operator can never make the server open a web address or a
local file. Fonts are Debian's (Liberation Sans, DejaVu Sans), found through fontconfig. Used by the
results report, the per-innovation PDF and the certificates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

STYLESHEET = Path(__file__).with_name("pdf.css")
EMBLEM_URL = "sinovda-private:emblem"  # the only URL the fetcher answers, when there is an emblem
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # an emblem larger than this is left out (empty slot)

Progress = Callable[[int, str], None]


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def private_fetcher(files: dict | None = None):
    """A WeasyPrint URL fetcher that serves only `files` ({url: FieldFile in private storage},
    PNG or JPG) and refuses everything else: no http(s), no file:, no data:."""
    from urllib.request import OpenerDirector

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrivateFetcher(URLFetcher):
        def __init__(self):
            # Not URLFetcher.__init__: it installs HTTP, HTTPS, FTP and file handlers (and loads the
            # system's certificates, ~0.1 s) that this fetcher must never use. No handler at all.
            OpenerDirector.__init__(self)
            self._allowed_protocols = frozenset()
            self._fail_on_errors = False
            self._timeout = 1
            self._http_headers = {}
            self._request = None
            self.files = dict(files or {})

        def fetch(self, url, headers=None):
            field = self.files.get(url)
            if field is None:
                raise ValueError(f"refused to fetch {url!r}: reports load no outside resource")
            with field.open("rb") as handle:
                data = handle.read(MAX_IMAGE_BYTES + 1)
            if len(data) > MAX_IMAGE_BYTES:
                raise ValueError(f"refused {url!r}: larger than {MAX_IMAGE_BYTES} bytes")
            content_type = _image_type(data)
            if content_type is None:
                raise ValueError(f"refused {url!r}: not a PNG or JPG image")
            return URLFetcherResponse(url, data, {"Content-Type": content_type})

    return PrivateFetcher()


def render_pdf(
    html: str,
    out,
    *,
    files: dict | None = None,
    progress: Progress | None = None,
    stylesheet: bool = True,
):
    """Write the PDF of `html` (styled by pdf.css unless `stylesheet` is False: the page carries
    its own styles) to the binary file object `out`."""
    from weasyprint import CSS, HTML

    fetcher = private_fetcher(files)
    sheets = []
    if stylesheet:
        sheets = [CSS(string=STYLESHEET.read_text(encoding="utf-8"), url_fetcher=fetcher)]
    document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=sheets)
    if progress is not None:
        progress(80, _("Menulis berkas PDF"))
    document.write_pdf(out)


def emblem_files(region) -> dict:
    """{EMBLEM_URL: the emblem file} when the region has one on disk; {} draws an empty slot."""
    emblem = region.emblem
    if not emblem or not emblem.storage.exists(emblem.name):
        return {}
    if emblem.storage.size(emblem.name) > MAX_IMAGE_BYTES:
        return {}
    return {EMBLEM_URL: emblem}
