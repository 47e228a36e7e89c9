"""A koordinator sets up an OPD and its operator; the operator signs in for the first time.

Everything is done through the Indonesian UI in a real browser, the way a Pemda's staff would do it.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from sinovda.regions.models import Agency, Membership, Role
from tests import factories

pytestmark = pytest.mark.browser

TEMPORARY_PASSWORD = "Sementara-Ogan-2024"
OWN_PASSWORD = "Inovasi-Sendiri-7731"


def test_coordinator_creates_opd_and_operator_who_sees_only_own_opd(page, new_page, log_in):
    region = factories.region(name="Kabupaten Uji Jalur")
    other_agency = factories.agency(region, name="Dinas Tetangga Uji", short_name="DTU")
    coordinator = factories.member(region, Role.COORDINATOR, username="koordinator.uji")
    other_region = factories.region(name="Kabupaten Lain")
    factories.agency(other_region, name="Dinas Daerah Lain", short_name="DDL")

    # --- The koordinator signs in and lands on the region's home page.
    log_in(page, coordinator.username, factories.PASSWORD)
    expect(page).to_have_url(re.compile(rf"/r/{re.escape(region.code)}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kabupaten Uji Jalur")
    region_menu = page.get_by_role("navigation", name="Menu Pemda")

    # --- "OPD" -> "Tambah OPD".
    region_menu.get_by_role("link", name="OPD", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perangkat daerah (OPD)")
    page.get_by_role("link", name="Tambah OPD").click()
    page.get_by_label("Nama perangkat daerah").fill("Dinas Komunikasi dan Informatika")
    page.get_by_label("Singkatan").fill("Diskominfo")
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(re.compile(rf"/r/{re.escape(region.code)}/opd/$"))
    expect(page.locator(".messages[role=status]")).to_contain_text(
        "OPD Dinas Komunikasi dan Informatika ditambahkan."
    )
    expect(page.get_by_role("row").filter(has_text="Diskominfo")).to_have_count(1)
    agency = Agency.objects.get(region=region, short_name="Diskominfo")

    # --- "Pengguna" -> "Tambah pengguna": an Operator OPD for the new OPD, temporary password.
    region_menu.get_by_role("link", name="Pengguna").click()
    page.get_by_role("link", name="Tambah pengguna").click()
    page.get_by_label("Nama lengkap").fill("Sari Operator Uji")
    page.get_by_label("Nama pengguna").fill("operator.diskominfo")
    page.get_by_label("Peran").select_option(label="Operator OPD")
    page.get_by_label("OPD").select_option(label=agency.short_name)
    page.get_by_label("Kata sandi sementara").fill(TEMPORARY_PASSWORD)
    page.get_by_role("button", name="Simpan").click()
    expect(page).to_have_url(re.compile(rf"/r/{re.escape(region.code)}/orang/$"))
    expect(page.locator(".messages[role=status]")).to_contain_text(
        "Akun operator.diskominfo dibuat."
    )
    row = page.get_by_role("row").filter(has_text="operator.diskominfo")
    expect(row).to_contain_text("Operator OPD")
    expect(row).to_contain_text("Diskominfo")

    operator = get_user_model().objects.get(username="operator.diskominfo")
    assert operator.must_change_password
    membership = Membership.objects.get(user=operator)
    assert (membership.region, membership.role, membership.agency) == (
        region,
        Role.OPERATOR,
        agency,
    )

    # --- The koordinator signs out.
    page.get_by_role("button", name=re.compile(r"^Keluar")).click()
    expect(page).to_have_url(re.compile(r"/masuk/$"))
    expect(page.get_by_role("button", name=re.compile(r"^Keluar"))).to_have_count(0)

    # --- The operator signs in (own browser) and must replace the temporary password first.
    op = new_page()
    log_in(op, "operator.diskominfo", TEMPORARY_PASSWORD)
    expect(op).to_have_url(re.compile(r"/sandi/ubah/$"))
    expect(op.get_by_role("heading", level=1)).to_have_text("Ganti kata sandi")
    expect(op.locator(".notice")).to_contain_text("Kata sandi Anda dibuat oleh orang lain.")
    # Any other page sends them back here until they do.
    op.goto(f"/r/{region.code}/")
    expect(op).to_have_url(re.compile(r"/sandi/ubah/$"))

    op.locator("#id_old_password").fill(TEMPORARY_PASSWORD)
    op.locator("#id_new_password1").fill(OWN_PASSWORD)
    op.locator("#id_new_password2").fill(OWN_PASSWORD)
    op.get_by_role("button", name="Simpan kata sandi baru").click()

    # --- Then the region home, showing their own OPD and nothing of the others.
    expect(op).to_have_url(re.compile(rf"/r/{re.escape(region.code)}/$"))
    expect(op.locator(".messages[role=status]")).to_contain_text("Kata sandi Anda sudah diganti.")
    own_card = op.locator("section.card").filter(
        has=op.get_by_role("heading", name="OPD Anda", level=2)
    )
    expect(own_card).to_contain_text("Dinas Komunikasi dan Informatika (Diskominfo)")
    main = op.get_by_role("main")
    expect(main).not_to_contain_text(other_agency.name)
    expect(main).not_to_contain_text("Dinas Daerah Lain")
    operator.refresh_from_db()
    assert not operator.must_change_password
    assert operator.check_password(OWN_PASSWORD)

    # The region menu offers an operator neither the OPD list nor the people pages...
    op_menu = op.get_by_role("navigation", name="Menu Pemda")
    expect(op_menu.get_by_role("link", name="Beranda")).to_be_visible()
    expect(op_menu.get_by_role("link", name="OPD", exact=True)).to_have_count(0)
    expect(op_menu.get_by_role("link", name="Pengguna")).to_have_count(0)

    # ...and typing their addresses is refused: 403 in the own region, 404 in another one.
    response = op.goto(f"/r/{region.code}/opd/")
    assert response.status == 403
    expect(op.get_by_role("heading", level=1)).to_have_text("Akses ditolak")
    response = op.goto(f"/r/{region.code}/orang/")
    assert response.status == 403
    response = op.goto(f"/r/{other_region.code}/")
    assert response.status == 404
    expect(op.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    expect(op.get_by_role("main")).not_to_contain_text("Kabupaten Lain")
    response = op.goto(f"/r/{other_region.code}/opd/")
    assert response.status == 404
