"""axe-core on the pages people meet first, at desktop and phone width, plus no sideways scrolling on a phone.

A "serious" or "critical" axe violation fails the test with the rule, its help text and the offending nodes.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sinovda.regions.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def blocking_violations(page) -> list[dict]:
    results = AXE.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


# axe only "asks for review" when aria-describedby names a missing id, and lets a repeated id pass; either
# way a hint or error message is not announced with its field, so both are checked here.
MISSING_IDREFS = """() => {
  const missing = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby], label[for]')) {
    const refs = [el.getAttribute('aria-describedby'), el.getAttribute('aria-labelledby'),
                  el.getAttribute('for')].filter(Boolean).join(' ').split(/\\s+/).filter(Boolean);
    for (const id of refs) {
      if (!document.getElementById(id)) missing.push(`${el.tagName.toLowerCase()}#${el.id} -> ${id}`);
    }
  }
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) missing.push(`duplicate id ${el.id}`);
    seen.add(el.id);
  }
  return missing;
}"""


def assert_accessible(page):
    violations = blocking_violations(page)
    assert not violations, f"axe found problems on {page.url}:\n{describe(violations)}"
    missing = page.evaluate(MISSING_IDREFS)
    assert not missing, f"{page.url} has broken id references: {missing}"


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if width > viewport + 1:
        wide = page.evaluate(
            """(limit) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > limit)
                .slice(0, 8)
                .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                     + (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                     + ' right=' + Math.round(el.getBoundingClientRect().right))""",
            viewport + 1,
        )
        pytest.fail(
            f"{page.url} scrolls sideways at {viewport}px: scrollWidth={width}. Widest: {wide}"
        )


@pytest.fixture
def region_with_people():
    region = factories.region(name="Kabupaten Uji Aksesibel")
    for name, short in [
        ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
        ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
        ("Badan Penelitian dan Pengembangan Daerah", "Balitbangda"),
    ]:
        factories.agency(region, name=name, short_name=short)
    coordinator = factories.member(region, Role.COORDINATOR, username="koordinator.aksesibel")
    factories.member(region, Role.OPERATOR, username="operator.aksesibel")
    return region, coordinator


def open_login(page, region, coordinator, log_in):
    page.goto("/masuk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke Sinovda")


def open_landing(page, region, coordinator, log_in):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sistem Inovasi Daerah")


def open_region_home(page, region, coordinator, log_in):
    log_in(page, coordinator.username, factories.PASSWORD)
    expect(page).to_have_url(re.compile(rf"/r/{re.escape(region.code)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(region.name)


def open_agency_list(page, region, coordinator, log_in):
    log_in(page, coordinator.username, factories.PASSWORD)
    page.goto(f"/r/{region.code}/opd/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Perangkat daerah (OPD)")


def open_person_form_with_errors(page, region, coordinator, log_in):
    log_in(page, coordinator.username, factories.PASSWORD)
    page.goto(f"/r/{region.code}/orang/baru/")
    page.get_by_label("Nama pengguna").fill("nama dengan spasi")
    page.get_by_label("Peran").select_option(label="Operator OPD")
    page.get_by_label("Kata sandi sementara").fill("12345")  # several errors on one field
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("alert")).to_contain_text("Ada masalah")
    expect(page.locator(".error-message").first).to_be_visible()


def open_person_list_with_reasons(page, region, coordinator, log_in):
    # A person who also works in another Pemda: the row says why only the role can be changed.
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    shared = factories.member(region, Role.VERIFIER, username="verifikator.bersama")
    Membership.objects.create(user=shared, region=elsewhere, role=Role.VERIFIER)
    log_in(page, coordinator.username, factories.PASSWORD)
    page.goto(f"/r/{region.code}/orang/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pengguna")
    expect(page.get_by_text("Akun ini juga memegang peran di Pemda lain")).to_be_visible()


def open_region_policy(page, region, coordinator, log_in):
    log_in(page, coordinator.username, factories.PASSWORD)
    page.goto(f"/r/{region.code}/pengaturan/")
    page.get_by_label("Satu orang boleh mengisi dan memeriksa").check()
    page.get_by_role("button", name="Simpan").click()  # no reason: an error at the field
    expect(page.get_by_role("alert")).to_contain_text("Ada masalah")


PAGES = {
    "login": open_login,
    "landing": open_landing,
    "region-home-koordinator": open_region_home,
    "agency-list": open_agency_list,
    "person-form-errors": open_person_form_with_errors,
    "person-list-reasons": open_person_list_with_reasons,
    "region-policy-errors": open_region_policy,
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_axe_violations_on_desktop(name, new_page, log_in, region_with_people):
    page = new_page(DESKTOP)
    PAGES[name](page, *region_with_people, log_in)
    assert_accessible(page)


@pytest.mark.parametrize("name", PAGES)
def test_phone_width_no_sideways_scroll_and_no_serious_axe_violations(
    name, new_page, log_in, region_with_people
):
    page = new_page(PHONE)
    PAGES[name](page, *region_with_people, log_in)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
