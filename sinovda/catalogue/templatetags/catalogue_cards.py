"""{% cards items %}: the catalogue's innovation cards, written in Python.

Twenty cards as template includes cost more than the rest of a search page; here a card is one
string. Every value from the data is escaped (the standard library's `html.escape`, as Django's own
filter does); an excerpt that is already safe HTML (search.snippets: escaped, with <mark>) is kept.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

register = template.Library()
SUMMARY_CHARS = 240
_PLACEHOLDER = "__public_id__"


def _text(value) -> str:
    return str(value) if isinstance(value, SafeString) else escape(str(value))


@register.simple_tag
def cards(items) -> SafeString:
    if not items:
        return mark_safe("")  # noqa: S308 - empty
    # One reverse() for the whole list: the URL differs only in the public id.
    link = escape(reverse("catalogue_innovation", args=[_PLACEHOLDER]))
    out = ['<ul class="catalogue-cards">']
    for item in items:
        href = link.replace(_PLACEHOLDER, escape(item.innovation.public_id))
        meta = [escape(item.region.name), escape(item.agency.name), str(item.year)]
        form_label = getattr(item, "form_label", "")
        if form_label:
            meta.append(escape(str(form_label)))
        excerpt = getattr(item, "excerpt", None)
        if excerpt:
            body = _text(excerpt)
        elif item.summary:
            body = escape(Truncator(item.summary).chars(SUMMARY_CHARS))
        else:
            body = ""
        out.append(
            '<li><article class="card catalogue-card">\n'
            f'  <h3><a href="{href}">{escape(item.name)}</a></h3>\n'
            f'  <p class="catalogue-meta">{" · ".join(meta)}</p>\n'
            + (f'  <p class="catalogue-excerpt">{body}</p>\n' if body else "")
            + "</article></li>"
        )
    out.append("</ul>")
    return mark_safe("\n".join(out))  # noqa: S308 - every value from the data is escaped above
