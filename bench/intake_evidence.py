"""Benchmark: the automatic evidence checks of one document, against merely opening it.

Two generated documents (tools/build_evidence_set.py, in a temporary folder):

* a 20-page text PDF (an SK Bupati with its pasal and lampiran): all checks as the background task
  runs them (pypdf text layer of every page, readable/text, then date, name and signer against
  indicator 16 tingkat 2 of the 2023 edition). Baseline: pypdf opening the file and reading page 1.
  Target ≤ 1 s.
* a scanned page (image-only PDF): reading it by OCR (pypdfium2 at 200 dpi, Tesseract `ind`) and
  the same checks. Baseline: rendering the page at 200 dpi without OCR. Target ≤ 10 s.

Each is the median of `--repeat` runs, in the same process. No database is needed.

    uv run python bench/intake_evidence.py [--repeat 3]

`run()` returns the measurements (for bench/intake.py, which combines the intake benchmarks).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXT_TARGET = 1.0
OCR_TARGET = 10.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _documents(folder: Path) -> tuple[Path, Path, int]:
    from pypdf import PdfReader

    from tools.build_evidence_set import Decree, pdf_of, scan_of

    name = "SIPANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)"
    long_pdf = pdf_of(Decree("bupati", name, "27 Juli 2022", 2022, extra_pages=16, team_pages=3))
    text_path = folder / "sk-20-halaman.pdf"
    text_path.write_bytes(long_pdf)
    short = Decree("bupati", name, "27 Juli 2022", 2022, team_pages=0, copy_note=False)
    scan_path = folder / "sk-pindaian.pdf"
    scan_path.write_bytes(scan_of(pdf_of(short), seed=1))
    return text_path, scan_path, len(PdfReader(str(text_path)).pages)


def run(repeat: int = 3, *, quiet: bool = False) -> dict:
    _setup()
    import pypdfium2
    from pypdf import PdfReader

    from sinovda.evidence.checks import extract, runner
    from sinovda.methodology import load_editions

    edition = load_editions()[2023]
    context = runner.Context(
        edition=edition,
        indicator_code="16",
        level=2,
        innovation_name="SIPANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)",
        uploaded_on=datetime.date(2023, 6, 15),
    )

    def checks(path):
        extracted = extract.extract(path, "pdf")
        results = runner.file_results(extracted) + runner.answer_results(extracted, context)
        return extracted, results

    with tempfile.TemporaryDirectory() as directory:
        text_path, scan_path, pages = _documents(Path(directory))

        def open_first_page():
            PdfReader(str(text_path)).pages[0].extract_text()

        def render_scan():
            document = pypdfium2.PdfDocument(str(scan_path))
            document[0].render(scale=extract.OCR_DPI / 72, grayscale=True).to_pil()
            document.close()

        checks(text_path)  # warm up imports and the rapidfuzz/regex caches
        baseline_text = _median(open_first_page, repeat)
        text_checks = _median(lambda: checks(text_path), repeat)
        baseline_scan = _median(render_scan, repeat)
        ocr_checks = _median(lambda: checks(scan_path), max(1, min(repeat, 2)))
        extracted, results = checks(scan_path)
        statuses = {r.code: str(r.status) for r in results}

    out = {
        "pages": pages,
        "baseline_text_s": baseline_text,
        "text_checks_s": text_checks,
        "text_ratio": text_checks / baseline_text,
        "text_ok": text_checks <= TEXT_TARGET,
        "baseline_scan_s": baseline_scan,
        "ocr_checks_s": ocr_checks,
        "ocr_ratio": ocr_checks / baseline_scan,
        "ocr_ok": ocr_checks <= OCR_TARGET,
        "ocr_words": extracted.ocr_words,
        "ocr_statuses": statuses,
    }
    if not quiet:
        print("Evidence checks (bench/intake_evidence.py), median of", repeat, "runs")
        print(
            f"  {pages}-page text PDF: baseline (pypdf open + page 1) {baseline_text * 1000:.0f} ms;"
            f" all checks {text_checks * 1000:.0f} ms = {out['text_ratio']:.1f}x baseline"
            f" (target ≤ {TEXT_TARGET:.0f} s: {'ok' if out['text_ok'] else 'MISSED'})"
        )
        print(
            f"  scanned page: baseline (render at {extract.OCR_DPI} dpi) {baseline_scan * 1000:.0f} ms;"
            f" OCR + checks {ocr_checks:.2f} s = {out['ocr_ratio']:.1f}x baseline"
            f" (target ≤ {OCR_TARGET:.0f} s: {'ok' if out['ocr_ok'] else 'MISSED'});"
            f" {extracted.ocr_words} words read; {statuses}"
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    out = run(args.repeat)
    return 0 if out["text_ok"] and out["ocr_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
