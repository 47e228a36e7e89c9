"""Hostile and wrong files for the Excel import: each gets a clear Indonesian message, never a 500,
and nothing is written (issue 12 quality bar)."""

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinovda.innovations.imports import layout, reader, sheetxml, template
from sinovda.innovations.models import Innovation, Submission
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, YEAR)


@pytest.fixture
def agency(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def koordinator(region):
    return factories.member(region, Role.COORDINATOR)


@pytest.fixture
def signed_in(client, koordinator):
    client.force_login(koordinator)
    return client


def send(client, region, data, name="impor.xlsx"):
    """Upload; the answer must be the import page again with the message (no redirect, no 500)."""
    response = client.post(
        reverse("submission_import", args=[region.code, YEAR]),
        {"file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200, response.status_code
    assert not Innovation.objects.exists() and not Submission.objects.exists()
    return response.content.decode()


def filled(cycle, agency, rows=(("Aku Mandiri",),), edit=None) -> bytes:
    """The OPD template with rows of names, optionally edited further by `edit(book, sheet)`."""
    book = openpyxl.load_workbook(io.BytesIO(template.build(cycle, agency)))
    sheet = book[layout.DATA_SHEET]
    name_column = next(c.column for c in sheet[1] if c.value == "1.1 Nama Inovasi")
    for number, (name,) in enumerate(rows, start=2):
        sheet.cell(row=number, column=name_column, value=name)
    if edit:
        edit(book, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, member: str, change) -> bytes:
    """The same package with one part's bytes changed by `change(bytes) -> bytes`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def with_prolog(prolog: bytes):
    def change(content: bytes) -> bytes:
        if content.startswith(b"<?xml"):
            content = content.split(b"?>", 1)[1]
        return b'<?xml version="1.0" encoding="UTF-8"?>' + prolog + content

    return change


def set_info(key, value):
    def edit(book, _sheet):
        for row in book[layout.INFO_SHEET].iter_rows():
            if row[0].value == key:
                row[1].value = value

    return edit


# --- not an xlsx -------------------------------------------------------------------------------

NOT_XLSX = "bukan berkas Excel (.xlsx)"


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"%PDF-1.7\n%...\n", NOT_XLSX),
        (b"Nama Inovasi;Tahapan\nAku Mandiri;Penerapan\n", NOT_XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel lama (.xls)"),
        (b"PK\x03\x04 this is not really a zip", "tidak dapat dibaca sebagai berkas Excel"),
    ],
    ids=["pdf", "csv", "xls-or-encrypted", "broken-zip"],
)
def test_files_that_are_not_xlsx_are_refused_by_their_bytes(
    signed_in, region, cycle, data, expected
):
    assert expected in send(signed_in, region, data)


def test_an_empty_file_is_refused(signed_in, region, cycle):
    assert "Berkas ini kosong" in send(signed_in, region, b"")


def test_a_word_document_or_a_macro_workbook_is_refused(signed_in, region, cycle, agency):
    data = filled(cycle, agency)
    docx = rewrite(
        data,
        "[Content_Types].xml",
        lambda c: c.replace(b"spreadsheetml.sheet.main+xml", b"wordprocessingml.document.main+xml"),
    )
    assert "bukan buku kerja Excel (.xlsx)" in send(signed_in, region, docx)
    xlsm = rewrite(
        data,
        "[Content_Types].xml",
        lambda c: c.replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ),
    )
    assert "berisi makro (.xlsm)" in send(signed_in, region, xlsm)


def test_a_zip_without_a_workbook_is_refused(signed_in, region, cycle):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "halo")
    assert "tidak dapat dibaca sebagai berkas Excel" in send(signed_in, region, out.getvalue())


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(signed_in, region, cycle):
    data = os.urandom(reader.MAX_BYTES + 1)
    assert "lebih besar dari 5 MB" in send(signed_in, region, data)


def test_a_package_that_unpacks_too_large_is_refused(signed_in, region, cycle, agency, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED", 1024 * 1024)
    data = filled(cycle, agency)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))  # a zip bomb, small
    assert len(out.getvalue()) < 100_000
    assert "terlalu besar setelah dibuka" in send(signed_in, region, out.getvalue())


# --- XML tricks --------------------------------------------------------------------------------

ENTITY = "deklarasi XML (DOCTYPE/ENTITY)"
BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    "member,prolog",
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/workbook.xml", EXTERNAL),
        ("docProps/core.xml", EXTERNAL),
        ("xl/_rels/workbook.xml.rels", EXTERNAL),
        ("[Content_Types].xml", EXTERNAL),
        ("xl/worksheets/sheet1.xml", b"<!-- komentar --><?pi x?>\n" + EXTERNAL),
        ("xl/styles.xml", b'<!DOCTYPE x SYSTEM "http://example.org/x.dtd">'),
    ],
    ids=[
        "billion-laughs",
        "xxe-workbook",
        "xxe-properties",
        "xxe-relationships",
        "xxe-content-types",
        "after-comment",
        "dtd",
    ],
)
def test_xml_entity_tricks_are_refused(signed_in, region, cycle, agency, member, prolog):
    data = rewrite(filled(cycle, agency), member, with_prolog(prolog))
    html = send(signed_in, region, data)
    assert ENTITY in html and "root:" not in html


def test_an_entity_used_in_a_cell_is_refused(signed_in, region, cycle, agency):
    def change(content):
        return with_prolog(BILLION_LAUGHS)(content.replace(b"Aku Mandiri", b"&lol3;"))

    data = rewrite(filled(cycle, agency), "xl/worksheets/sheet1.xml", change)
    assert ENTITY in send(signed_in, region, data)


def test_xml_in_utf16_is_refused(signed_in, region, cycle, agency):
    data = rewrite(
        filled(cycle, agency),
        "xl/workbook.xml",
        lambda c: c.decode("utf-8").replace("UTF-8", "UTF-16").encode("utf-16"),
    )
    assert "tidak dapat dibaca sebagai berkas Excel" in send(signed_in, region, data)


@pytest.mark.parametrize(
    "head,declares",
    [
        (b'<?xml version="1.0"?><worksheet/>', False),
        (b"\xef\xbb\xbf<worksheet/>", False),
        (b"  <!-- a --> <?x?> <!DOCTYPE a>", True),
        (b"<!doctype a>", True),
        (b"<!-- never closed", None),
        (b"\xff\xfe<\x00", None),
        (b"", None),
    ],
)
def test_the_prolog_scan(head, declares):
    assert reader._declares_dtd(head) is declares


# --- formulas and sizes ------------------------------------------------------------------------


def test_formulas_are_refused_with_their_cells(signed_in, region, cycle, agency):
    def edit(_book, sheet):
        sheet["C2"] = '=HYPERLINK("http://evil.example","klik")'
        sheet["D3"] = "=1+1"

    html = send(signed_in, region, filled(cycle, agency, rows=[("A",), ("B",)], edit=edit))
    assert "Sel C2, D3 berisi rumus atau galat Excel." in html
    assert "Impor hanya menerima nilai, bukan rumus." in html


def test_an_excel_error_value_is_refused(signed_in, region, cycle, agency):
    def edit(_book, sheet):
        sheet["C2"] = "#REF!"

    assert "Sel C2 berisi rumus" in send(signed_in, region, filled(cycle, agency, edit=edit))


def test_a_formula_in_the_info_sheet_is_refused(signed_in, region, cycle, agency):
    html = send(signed_in, region, filled(cycle, agency, edit=set_info(layout.INFO_REGION, "=A1")))
    assert "berisi rumus" in html


def test_text_that_only_looks_like_a_formula_is_kept_as_text(client, region, cycle, agency):
    operator = factories.member(region, Role.OPERATOR, agency=agency)
    client.force_login(operator)

    def edit(_book, sheet):
        cell = sheet["C2"]
        cell.value, cell.data_type = "=bukan rumus", "s"

    response = client.post(
        reverse("submission_import", args=[region.code, YEAR]),
        {"file": SimpleUploadedFile("a.xlsx", filled(cycle, agency, edit=edit))},
    )
    assert response.status_code == 302


def test_more_rows_than_the_limit_are_refused(signed_in, region, cycle, agency, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 50)
    rows = [(f"Inovasi {n}",) for n in range(51)]
    assert "lebih dari 50 baris inovasi" in send(
        signed_in, region, filled(cycle, agency, rows=rows)
    )


def test_one_row_more_than_the_real_limit_is_refused(signed_in, region, cycle, agency):
    rows = [(f"Inovasi {n}",) for n in range(reader.MAX_ROWS + 1)]
    html = send(signed_in, region, filled(cycle, agency, rows=rows))
    assert "lebih dari 5.000 baris inovasi" in html


def test_a_value_far_below_the_data_is_refused_quickly(signed_in, region, cycle, agency):
    def edit(_book, sheet):
        sheet["B1048576"] = "jauh di bawah"

    assert "lebih dari 5.000 baris inovasi" in send(
        signed_in, region, filled(cycle, agency, edit=edit)
    )


# --- wrong templates ---------------------------------------------------------------------------


def test_a_workbook_that_is_not_our_template_is_refused(signed_in, region, cycle):
    book = openpyxl.Workbook()
    book.active.append(["Nama Inovasi", "Tahapan"])
    book.active.append(["Aku Mandiri", "Penerapan"])
    out = io.BytesIO()
    book.save(out)
    assert "bukan templat impor Sinovda" in send(signed_in, region, out.getvalue())


def test_another_format_version_is_refused(signed_in, region, cycle, agency):
    data = filled(cycle, agency, edit=set_info(layout.INFO_VERSION, layout.FORMAT_VERSION + 1))
    assert "format impor versi 2" in send(signed_in, region, data)


def test_a_template_made_before_the_edition_changed_is_refused(signed_in, region, cycle, agency):
    data = filled(cycle, agency)
    edition = cycle.edition
    edition.data = {**edition.data, "label": edition.data["label"] + " (ralat)"}
    edition.save()
    assert "Pedoman 2024 sudah diubah sejak templat ini diunduh" in send(signed_in, region, data)


def test_a_template_of_another_cycle_or_region_is_refused(signed_in, region, cycle, agency):
    other_year = factories.cycle(region, 2025)
    html = send(signed_in, region, filled(other_year, agency))
    assert "Templat ini untuk siklus 2025, bukan siklus 2024" in html
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    their_cycle = factories.cycle(elsewhere, YEAR)
    their_agency = factories.agency(elsewhere)
    html = send(signed_in, region, filled(their_cycle, their_agency))
    assert "Templat ini dibuat untuk Pemda lain (kode 16.11)" in html


def test_tampered_headers_are_refused_with_each_problem(signed_in, region, cycle, agency):
    def edit(_book, sheet):
        for cell in sheet[1]:
            if cell.value == "1.1 Nama Inovasi":
                cell.value = "Judul Karangan"
            elif cell.value == "1.3 Tahapan Inovasi":
                cell.value = "1.6 Jenis Inovasi"  # a second Jenis column

    html = send(signed_in, region, filled(cycle, agency, edit=edit))
    assert "Judul kolom di lembar Inovasi tidak sesuai dengan templat." in html
    assert "Judul kolom B “Judul Karangan” tidak dikenal." in html
    assert "mengulang kolom" in html
    assert "Kolom “1.1 Nama Inovasi” tidak ada." in html


def test_the_data_sheet_must_be_there(signed_in, region, cycle, agency):
    def edit(book, sheet):
        sheet.title = "Lembar1"

    assert "bukan templat impor Sinovda" in send(
        signed_in, region, filled(cycle, agency, edit=edit)
    )


# --- the data sheet's own reader ---------------------------------------------------------------

SHARED_STRINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>Bersama</t></si>"
    b"<si><r><t>Kaya </t></r><r><rPr><b/></rPr><t>teks</t></r></si>"
    b"</sst>"
)
SHEET = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Judul</t></is></c></row>'
    b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
    b'<c r="C2" t="inlineStr"><is><r><t>Sebar</t></r><r><t xml:space="preserve"> an</t></r>'
    b'<rPh sb="0" eb="2"><t>phonetic</t></rPh></is></c>'
    b'<c r="D2"><v>42</v></c><c r="E2"><v>2.5</v></c><c r="F2"><v>1E3</v></c>'
    b'<c r="G2" s="1"><v>45000</v></c><c r="H2" t="b"><v>1</v></c>'
    b'<c r="I2" t="str"><v>hasil</v></c><c r="J2" t="d"><v>2024-02-03T00:00:00</v></c>'
    b'<c r="K2" t="e"><v>#REF!</v></c><c r="L2"><f>1+1</f><v>2</v></c>'
    b'<c r="M2"><v></v></c><c r="N2" t="inlineStr"><is/></c><c r="O2" s="1"><v>9999999999</v></c>'
    b"</row>"
    b'<row><c><v>1</v></c><c><v>2</v></c><c r="E3" t="s"><v>0</v></c></row>'
    b'<row r="3"><c r="A3"><v>9</v></c></row>'  # not above the previous row: skipped
    b'<row r="7"><c r="B7" t="inlineStr"><is><t>&lt;tujuh&amp;&#10;baris&gt;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def crafted_book() -> bytes:
    """A workbook whose data sheet holds every kind of cell Excel and LibreOffice write, with a
    shared string table (which openpyxl itself never writes) and a date style at index 1."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet["A1"] = datetime.date(2024, 1, 1)  # makes cell style 1 a date format
    out = io.BytesIO()
    book.save(out)
    data = rewrite(out.getvalue(), "xl/worksheets/sheet1.xml", lambda _content: SHEET)
    return with_shared_strings(data, SHARED_STRINGS)


def with_shared_strings(data: bytes, table: bytes) -> bytes:
    """The package with `table` as its shared string table, as Excel saves a workbook."""
    data = rewrite(
        data,
        "[Content_Types].xml",
        lambda c: c.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    data = rewrite(
        data,
        "xl/_rels/workbook.xml.rels",
        lambda c: c.replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        ),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", table)
    return out.getvalue()


def test_a_file_saved_by_excel_with_shared_strings_is_read(client, region, cycle, agency):
    operator = factories.member(region, Role.OPERATOR, agency=agency)
    client.force_login(operator)
    data = rewrite(
        filled(cycle, agency),
        "xl/worksheets/sheet1.xml",
        lambda c: c.replace(b't="inlineStr"><is><t>Aku Mandiri</t></is>', b't="s"><v>0</v>'),
    )
    assert b"Aku Mandiri" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    data = with_shared_strings(
        data,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>Aku Mandiri</t></si></sst>",
    )
    response = client.post(
        reverse("submission_import", args=[region.code, YEAR]),
        {"file": SimpleUploadedFile("excel.xlsx", data)},
        follow=True,
    )
    assert "Aku Mandiri" in response.content.decode()


def seen(column, value, flagged):
    """A cell as the import sees it: a formula or error only counts as one, whatever its text."""
    return (column, "rumus/galat" if flagged else value, flagged)


def test_the_sheet_reader_reads_every_cell_as_openpyxl_does():
    """sheetxml replaces openpyxl's cell reader for the data sheet: the same values, and a
    formula or an Excel error flagged where openpyxl says data_type f or e."""
    with pytest.warns(UserWarning, match="outside the limits for dates"):
        book = openpyxl.load_workbook(io.BytesIO(crafted_book()), read_only=True)
        expected = [
            [
                seen(cell.column, cell.value, cell.data_type in ("f", "e"))
                for cell in row
                if cell.value is not None
            ]
            for row in book["Data"].iter_rows()
        ]
    found = {
        number: [seen(*c) for c in cells if c[1] is not None]
        for number, cells in sheetxml.rows(book["Data"])
    }
    assert [found.get(number, []) for number in range(1, len(expected) + 1)] == expected
    assert found[2][:3] == [(1, "Bersama", False), (2, "Kaya teks", False), (3, "Sebar an", False)]
    assert found[2][6] == (7, datetime.datetime(2023, 3, 15), False)
    assert found[3] == [(1, 1, False), (2, 2, False), (5, "Bersama", False)]
    assert found[7] == [(2, "<tujuh&\nbaris>", False)]
    book.close()


def test_the_sheet_reader_refuses_a_document_type_itself():
    """The second line behind the prolog check: a DTD reaching the parser raises defusedxml's
    own exception."""
    from defusedxml import DefusedXmlException

    book = openpyxl.load_workbook(io.BytesIO(crafted_book()), read_only=True)
    with pytest.raises(DefusedXmlException):
        list(
            sheetxml._parse(
                io.BytesIO(b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'),
                sheetxml.Book(book["Data"]),
            )
        )
    book.close()
