import io, openpyxl, pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from sinovda.innovations.imports import layout, template
from sinovda.regions.models import Role
from tests import factories
pytestmark = pytest.mark.django_db

def test_dump(client):
    region = factories.region(code="16.10")
    cycle = factories.cycle(region, 2024)
    agency = factories.agency(region, short_name="Dinkes")
    factories.submission(cycle, agency=agency, name="Lope Capil")
    k = factories.member(region, Role.COORDINATOR)
    client.force_login(k)
    open("/tmp/h6/import.html","w").write(client.get(reverse("submission_import", args=[region.code, 2024])).content.decode())
    book = openpyxl.load_workbook(io.BytesIO(template.build(cycle, agency)))
    sh = book[layout.DATA_SHEET]
    sh["E2"] = "Kepala Baru"; sh["C3"] = "Baru Sekali"; sh["D4"] = "rusak"; sh["C4"] = "Rusak"
    out = io.BytesIO(); book.save(out)
    r = client.post(reverse("submission_import", args=[region.code, 2024]), {"file": SimpleUploadedFile("x.xlsx", out.getvalue())})
    open("/tmp/h6/preview.html","w").write(client.get(r["Location"]).content.decode())
