"""Benchmark: the results report PDF of the demo cycle, at 1× and 10× innovations.

A throwaway SQLite database in a temporary directory gets the migrations, the editions and the demo
(`load_demo`: Kabupaten Ogan Ilir, 90 innovations reported in 2023, a 2022 cycle). For each size we
time, in the same process:

* the baseline: the same report rendered to an HTML string (dashboard numbers, province rank and
  charts included) without the PDF conversion (`results.render_html`);
* the report: `write_results_report` into memory (HTML, then WeasyPrint), and the PDF's size.

The dashboard's in-process memo is cleared before every run, so each one scores the cycle afresh as
the worker does. WeasyPrint's import (~2.5 s, once per worker process) is timed on its own. Then the
demo's 2023 reports and their answers are cloned in the same cycle (bulk_create) until there are 10×
as many, and everything is measured again. One innovation's PDF (`write_innovation_pdf`) is timed
at 1× as well. Targets: ≤ 5 s and ≤ 2 MB for the demo.

    uv run python bench/outputs_report.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OGAN_ILIR = "16.10"
YEAR = 2023


def setup_django(directory: str) -> None:
    os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(directory) / "private")
    os.environ["DEBUG"] = "false"  # as on the worker: no query log kept in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        call_command("load_editions", verbosity=0, stdout=quiet)
        call_command("load_demo", verbosity=0, stdout=quiet)


def demo_cycle():
    from sinovda.cycles.models import Cycle

    return Cycle.objects.select_related("edition", "region").get(
        region__code=OGAN_ILIR, edition__year=YEAR
    )


def clone_submissions(cycle, copies: int) -> int:
    """Add `copies` copies of each of the cycle's reports (same OPD, state, profile, answers)."""
    from django.db import transaction

    from sinovda.innovations.models import Answer, Innovation, Submission

    originals = list(Submission.objects.filter(cycle=cycle).select_related("innovation"))
    answers = {}
    for answer in Answer.objects.filter(submission__cycle=cycle):
        answers.setdefault(answer.submission_id, []).append(answer)
    fields = [
        f.attname
        for f in Submission._meta.concrete_fields
        if f.name not in {"id", "innovation", "previous", "name"}
    ]
    answer_fields = [
        f.attname for f in Answer._meta.concrete_fields if f.name not in {"id", "submission"}
    ]
    with transaction.atomic():
        for copy in range(1, copies + 1):
            innovations = Innovation.objects.bulk_create(
                Innovation(
                    region_id=s.innovation.region_id,
                    agency_id=s.innovation.agency_id,
                    name=f"{s.name} ({copy + 1})",
                )
                for s in originals
            )
            clones = Submission.objects.bulk_create(
                Submission(
                    innovation=innovation,
                    name=innovation.name,
                    **{name: getattr(s, name) for name in fields},
                )
                for s, innovation in zip(originals, innovations, strict=True)
            )
            Answer.objects.bulk_create(
                Answer(submission=clone, **{name: getattr(a, name) for name in answer_fields})
                for s, clone in zip(originals, clones, strict=True)
                for a in answers.get(s.pk, [])
            )
    return Submission.objects.filter(cycle=cycle).count()


def timed(function, repeat: int) -> tuple[float, object]:
    """(median seconds, last result) of `repeat` runs, the dashboard memo cleared before each."""
    from sinovda.scores import dashboard

    times, result = [], None
    for _ in range(repeat):
        dashboard.clear_memo()
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sinovda-bench-") as directory:
        setup_django(directory)
        from django.conf import settings
        from django.utils import translation
        from pypdf import PdfReader

        from sinovda.innovations.models import Submission
        from sinovda.reports import innovation_pdf, results

        translation.activate(settings.LANGUAGE_CODE)
        start = time.perf_counter()
        import weasyprint  # noqa: F401 - timed: what a worker pays once

        print(f"impor WeasyPrint (sekali per proses worker): {time.perf_counter() - start:.2f} s")
        cycle = demo_cycle()

        def pdf():
            out = io.BytesIO()
            results.write_results_report(cycle, out, lambda percent, step="": None)
            return out.getvalue()

        def html():
            return results.render_html(cycle)

        pdf()  # warm-up: fonts, templates, the edition's tables
        print(
            f"\n{'data':<12}{'laporan':>8}{'HTML s':>9}{'PDF s':>8}{'× HTML':>8}"
            f"{'halaman':>9}{'ukuran':>11}"
        )

        def line(label, reports, html_s, pdf_s, data):
            pages = len(PdfReader(io.BytesIO(data)).pages)
            print(
                f"{label:<12}{reports:>8}{html_s:>9.2f}{pdf_s:>8.2f}{pdf_s / html_s:>8.1f}"
                f"{pages:>9}{len(data) / 1024:>8.0f} KB"
            )

        submission = Submission.objects.get(cycle=cycle, name="Aku Mandiri")

        def one():
            out = io.BytesIO()
            innovation_pdf.write_innovation_pdf(submission, out, lambda p, s="": None)
            return out.getvalue()

        one_html_s, _page = timed(lambda: innovation_pdf.render_html(submission), args.repeat)
        one_s, one_data = timed(one, args.repeat)
        line("1 inovasi", 1, one_html_s, one_s, one_data)
        for scale in (1, 10):
            if scale > 1:
                clone_submissions(cycle, scale - 1)
            reports = Submission.objects.filter(cycle=cycle).count()
            html_s, _page = timed(html, args.repeat)
            pdf_s, data = timed(pdf, args.repeat)
            line(f"{scale}×", reports, html_s, pdf_s, data)
        print("\nTarget: laporan hasil demo ≤ 5 s dan ≤ 2 MB.")


if __name__ == "__main__":
    main()
