import re
from tests.web.test_evidence_checks import *  # noqa


def test_render(client, region, checked, draft, operator, immediate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bad = upload(client, region, "signer_kadis_for_kd.pdf", subject="SK Kadis")
        claim(client, draft, "16", 2, [checked[0], bad])
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    start = page.index('<section class="card" aria-labelledby="pemeriksaan-otomatis">')
    print(page[start:page.index("</section>", start) + 10])
    detail = client.get(url("submission_detail", draft)).content.decode()
    start = detail.index('id="indikator-16"')
    print(detail[start:start + 3000])
    assert 0
