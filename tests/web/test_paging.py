"""Long lists come a page at a time, keep their filters on the page links, and cost the same number
of queries with 10 or 100 reports."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sinovda.innovations.models import State, Submission
from sinovda.lib.paging import PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


def reports(cycle, n, agency=None, state=State.SUBMITTED, prefix="Laporan"):
    made = [
        factories.submission(
            cycle, agency=agency, name=f"{prefix} {k:03d}", state=state, levels={"16": 2}
        )
        for k in range(n)
    ]
    Submission.objects.filter(pk__in=[s.pk for s in made]).update(submitted_at=timezone.now())
    return made


def rows(html: str) -> int:
    """Report rows in the list's table (each has a status badge)."""
    return html.count('class="badge state state-')


def queue(region, **params):
    return reverse("review_queue", args=[region.code, 2023]), params


def listing(region):
    return reverse("submission_list", args=[region.code, 2023])


def page_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


# --- the review queue -----------------------------------------------------------------------------


def test_the_review_queue_shows_one_page_at_a_time(client, region, cycle, coordinator):
    reports(cycle, PAGE_SIZE + 20)
    client.force_login(coordinator)
    path, _ = queue(region)
    first = client.get(path).content.decode()
    assert rows(first) == PAGE_SIZE
    assert "Halaman 1 dari 2" in first
    assert f"Menampilkan laporan 1–{PAGE_SIZE} dari {PAGE_SIZE + 20}." in first
    second = client.get(path, {"halaman": 2}).content.decode()
    assert rows(second) == 20 and "Halaman 2 dari 2" in second


def test_the_queues_page_links_keep_the_filters(client, region, cycle, agency, coordinator):
    reports(cycle, PAGE_SIZE + 5, agency=agency)
    reports(cycle, 3, prefix="OPD lain")
    old = timezone.now() - datetime.timedelta(days=10)
    Submission.objects.filter(innovation__agency=agency).update(submitted_at=old)
    client.force_login(coordinator)
    path, _ = queue(region)
    html = client.get(path, {"opd": agency.pk, "menunggu": "7"}).content.decode()
    (next_link,) = page_links(html)
    assert f"opd={agency.pk}" in next_link and "menunggu=7" in next_link
    assert "status=submitted" in next_link and "halaman=2" in next_link
    following = client.get(path + next_link.replace("&amp;", "&")).content.decode()
    assert rows(following) == 5 and "OPD lain" not in following


def test_every_status_stays_chosen_on_the_next_page(client, region, cycle, coordinator):
    reports(cycle, PAGE_SIZE, state=State.SUBMITTED)
    reports(cycle, 5, state=State.DRAFT, prefix="Draf")
    client.force_login(coordinator)
    path, _ = queue(region)
    html = client.get(path, {"status": ""}).content.decode()
    (next_link,) = page_links(html)
    assert "status=&amp;" in next_link  # "Semua", not the default (sent reports only)
    following = client.get(path, {"status": "", "halaman": 2}).content.decode()
    assert rows(following) == 5


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", ""])
def test_a_bad_page_number_shows_a_page_not_an_error(client, region, cycle, coordinator, page):
    reports(cycle, 3)
    client.force_login(coordinator)
    path, _ = queue(region)
    response = client.get(path, {"halaman": page})
    assert response.status_code == 200 and rows(response.content.decode()) == 3
    response = client.get(listing(region), {"halaman": page})
    assert response.status_code == 200 and rows(response.content.decode()) == 3


# --- the report list ------------------------------------------------------------------------------


def test_the_report_list_pages_keep_the_search_and_status(client, region, cycle, coordinator):
    reports(cycle, PAGE_SIZE + 2, prefix="Cari")
    reports(cycle, 4, prefix="Lain")
    client.force_login(coordinator)
    html = client.get(listing(region), {"q": "Cari", "status": "submitted"}).content.decode()
    assert rows(html) == PAGE_SIZE
    (next_link,) = page_links(html)
    assert "q=Cari" in next_link and "status=submitted" in next_link
    following = client.get(listing(region) + next_link.replace("&amp;", "&")).content.decode()
    assert rows(following) == 2 and "Lain 0" not in following


def test_an_unknown_status_filters_nothing(client, region, cycle, coordinator):
    reports(cycle, 2)
    client.force_login(coordinator)
    html = client.get(listing(region), {"status": "bogus"}).content.decode()
    assert rows(html) == 2


def test_an_operator_pages_through_its_own_opd_only(
    client, region, cycle, agency, operator, coordinator
):
    reports(cycle, PAGE_SIZE + 1, agency=agency, state=State.DRAFT, prefix="Milik")
    reports(cycle, 5, state=State.DRAFT, prefix="Bukan")
    client.force_login(operator)
    first = client.get(listing(region)).content.decode()
    second = client.get(listing(region), {"halaman": 2}).content.decode()
    assert rows(first) == PAGE_SIZE and rows(second) == 1
    assert "Bukan" not in first + second
    assert client.get(queue(region)[0]).status_code == 403


def test_a_short_list_has_no_page_links(client, region, cycle, coordinator):
    reports(cycle, 3)
    client.force_login(coordinator)
    html = client.get(listing(region)).content.decode()
    assert 'class="pagination"' not in html and "Menampilkan laporan" not in html


# --- the cost does not grow with the data ---------------------------------------------------------


def queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "who,page",
    [
        ("coordinator", "queue"),
        ("coordinator", "list"),
        ("coordinator", "list-page-2"),
        ("operator", "list"),
    ],
)
def test_a_list_page_costs_the_same_queries_at_ten_times_the_data(
    client, region, cycle, agency, coordinator, operator, who, page, django_assert_max_num_queries
):
    client.force_login(coordinator if who == "coordinator" else operator)
    path = queue(region)[0] if page == "queue" else listing(region)
    params = {"halaman": 2} if page.endswith("page-2") else {}
    reports(cycle, 10, agency=agency)
    queries(client, path, params)  # warm-up (session, content types)
    small = queries(client, path, params)
    reports(cycle, 90, agency=agency)
    reports(cycle, 10)  # another OPD's
    with django_assert_max_num_queries(small):
        response = client.get(path, params)
    assert rows(response.content.decode()) == PAGE_SIZE
