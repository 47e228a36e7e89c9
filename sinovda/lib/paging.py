"""One page of a long list, and the filters to keep on its page links.

Lists that grow with the region (the review queue, the report list) show PAGE_SIZE rows at a time,
so a page costs the same with 90 reports or 9,000, and its links (templates/_pagination.html) keep
the filters the person chose.
"""

from django.core.paginator import Page, Paginator
from django.utils.http import urlencode

PAGE_SIZE = 50


def page_of(rows, request, size: int = PAGE_SIZE) -> Page:
    """The page asked for with ?halaman= (the last page when past the end, the first when not a
    number)."""
    return Paginator(rows, size).get_page(request.GET.get("halaman"))


def filter_query(values: dict[str, str], always: tuple[str, ...] = ()) -> str:
    """The query string of the filters in use: empty ones dropped unless listed in `always`."""
    return urlencode({k: v for k, v in values.items() if v or k in always})
