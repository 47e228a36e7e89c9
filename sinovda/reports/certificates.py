"""Award certificates (piagam penghargaan): one A4 landscape page per award, as one PDF.

Rendered by WeasyPrint from templates/awards/certificate.html (its CSS is included inline from
templates/awards/certificate.css). Nothing is fetched from the network or the disk: the URL fetcher
refuses every address except the region's emblem, which it reads from private storage. Fonts are
the system's (DejaVu / Liberation, through fontconfig). The QR code is inline SVG made by segno and
encodes `certificate_url(award)`, the public verification page.

Certificates are official Indonesian documents, so they are always rendered in Indonesian
(settings.LANGUAGE_CODE), whatever language the person who asked for them is using.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sinovda.awards.models import Award

from . import pdf

QR_ERROR = "m"  # error correction level M: survives a stamp or a fold over the code
QR_OPTIONS = {"border": 0, "omitsize": True, "dark": "#000"}
LONG_TEXT = 110  # characters of OPD name + award text above which the page uses smaller type


def certificate_url(award: Award) -> str:
    """The absolute address of the award's public verification page: what the QR code encodes."""
    path = reverse("award_verify", args=[award.verification_code])
    return settings.SITE_URL.rstrip("/") + path


def qr_svg(award: Award) -> str:
    """The QR code of `certificate_url(award)` as inline SVG (sized by the stylesheet)."""
    import segno

    return segno.make(certificate_url(award), error=QR_ERROR).svg_inline(**QR_OPTIONS)


def _page(award: Award) -> dict:
    issued = timezone.localtime(award.issued_at).date()
    return {
        "award": award,
        "agency_name": award.agency.name,
        "text": award.text,
        "number": award.number,
        "date": date_format(issued, "j F Y"),
        "qr": mark_safe(qr_svg(award)),  # noqa: S308 - segno's own SVG, no user text in it
        "url": certificate_url(award),
        "long": len(award.agency.name) + len(award.text) > LONG_TEXT,
    }


def certificate_html(cycle, awards) -> str:
    """The certificates' HTML (one page per award), in Indonesian."""
    region = cycle.region
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "cycle": cycle,
            "year": cycle.edition.year,
            "region": region,
            "has_emblem": bool(pdf.emblem_files(region)),
            "emblem_url": pdf.EMBLEM_URL,
            "pages": [_page(a) for a in awards],
        }
        return render_to_string("awards/certificate.html", context)


def render_pdf(cycle, awards, out) -> None:
    """Write the certificates of `awards` (all of `cycle`) as one PDF to the binary file `out`."""
    html = certificate_html(cycle, awards)
    pdf.render_pdf(html, out, files=pdf.emblem_files(cycle.region), stylesheet=False)


def cycle_awards(cycle):
    """The certificates to print for a cycle: every award not revoked, in number order."""
    return (
        Award.objects.active()
        .for_cycle(cycle)
        .select_related("agency", "cycle__edition", "cycle__region")
        .order_by("sequence")
    )


def write_certificates(cycle, out, progress) -> None:
    """Every certificate of the cycle (revoked ones left out) in one PDF; a page saying there are
    none when no award has been issued yet."""
    progress(5, _("Menyiapkan piagam"))
    awards = list(cycle_awards(cycle))
    progress(20, _("Menyusun %(count)s halaman piagam") % {"count": len(awards)})
    render_pdf(cycle, awards, out)
    progress(100, "")


def write_certificate(award: Award, out) -> None:
    """One award's certificate (one page)."""
    render_pdf(award.cycle, [award], out)
