"""Benchmark: the hand-off pack streams its evidence (memory does not grow with the evidence).

A throwaway SQLite database and private-storage folder in a temporary directory get the migrations,
the editions, the regions and a 2023 cycle of Kabupaten Ogan Ilir with N verified innovations (every
SID row answered and verified). Their evidence totals ~2 GB: a few large PDF-like files (sparse on
disk, so they are made in an instant) back many Document rows, each attached to one indicator, so
the pack copies every byte of the 2 GB.

Two kinds of run, each in a forked child so that its peak RSS (ru_maxrss) is its own (a child starts
with the parent's resident pages, so both include Django and the data); the fastest of --repeat runs
and the highest peak count:

  baseline   shutil.copyfileobj of the same files, in the same order, into a ZIP (ZIP_STORED)
  handoff    write_handoff(cycle, file, progress): the real pack (profiles, checklist, SPD, ...)

We print wall time, peak RSS and the ratio to the baseline. Target: peak RSS ≤ 150 MB.

    uv run python bench/outputs_handoff.py [--innovations 20] [--gb 2] [--file-mb 200] [--repeat 2]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
OGAN_ILIR = "16.10"
SOURCE_FILES = 3  # distinct large files on disk, reused by the Document rows


def setup_django(directory: str) -> None:
    os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(directory) / "private")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    # As in production: with DEBUG on, Django keeps every SQL statement (the pack's manifest too).
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        call_command("load_editions", verbosity=0, stdout=quiet)
        call_command("load_regions", verbosity=0, stdout=quiet)


def sparse_pdf(path: Path, size: int) -> None:
    """A PDF-like file of `size` bytes whose middle is a hole (no disk blocks, reads as zeros)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n% bench\n")
        fh.truncate(size - 6)
        fh.seek(size - 6)
        fh.write(b"%%EOF\n")


def build(innovations: int, total_bytes: int, file_bytes: int):
    """The cycle, and the Document rows in the order the pack copies them."""
    import datetime

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from sinovda.cycles.models import Cycle
    from sinovda.editions.models import Edition
    from sinovda.evidence.models import Document
    from sinovda.innovations.models import Answer, Innovation, ReviewState, State, Submission
    from sinovda.regions.models import Agency, Region

    region = Region.objects.get(code=OGAN_ILIR)
    agency = Agency.objects.create(region=region, name="Dinas Kesehatan", short_name="Dinkes")
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        region=region,
        edition=Edition.objects.get(year=2023),
        opens_on=today - datetime.timedelta(days=30),
        submit_deadline=today + datetime.timedelta(days=30),
        review_deadline=today + datetime.timedelta(days=60),
    )
    spec = cycle.edition.spec()
    names = [f"bench/sumber-{k}.pdf" for k in range(SOURCE_FILES)]
    for name in names:
        sparse_pdf(Path(settings.PRIVATE_MEDIA_ROOT) / name, file_bytes)

    count = max(1, total_bytes // file_bytes)
    with transaction.atomic():
        reports = []
        for k in range(innovations):
            name = f"Inovasi bench {k + 1:03d}"
            innovation = Innovation.objects.create(region=region, agency=agency, name=name)
            report = Submission.objects.create(
                innovation=innovation,
                cycle=cycle,
                name=name,
                state=State.VERIFIED,
                stage="penerapan",
                initiator_kind="opd",
                initiator_name="Kepala Dinas",
                kind="digital",
                form="pelayanan_publik",
                main_affair="Kesehatan",
                implementation_date=datetime.date(2022, 3, 1),
                design="rancang " * 320,
                goal="Tujuan",
                benefit="Manfaat",
                result="Hasil",
            )
            Answer.objects.bulk_create(
                Answer(
                    submission=report,
                    indicator_code=row.code,
                    claimed_level=2,
                    verified_level=2,
                    review_state=ReviewState.ACCEPTED,
                )
                for row in spec.sid_rows
            )
            reports.append(report)
        answers = {
            (a.submission_id, a.indicator_code): a
            for a in Answer.objects.filter(submission__cycle=cycle)
        }
        codes = [row.code for row in spec.sid_rows]
        documents = []
        for k in range(count):
            document = Document.objects.create(
                region=region,
                agency=agency,
                file=names[k % SOURCE_FILES],
                sha256=f"{k:064x}",
                size=file_bytes,
                kind="pdf",
                original_name=f"bukti-{k}.pdf",
                number=f"{k}/2022",
            )
            report = reports[k % len(reports)]
            code = codes[(k // len(reports)) % len(codes)]
            answers[(report.pk, code)].documents.add(document)
            documents.append(document)
    return Cycle.objects.select_related("edition", "region").get(pk=cycle.pk), documents


def in_child(work) -> tuple[float, int, int]:
    """Run `work()` (returns the bytes written) in a forked child: (seconds, peak RSS KB, bytes)."""
    from django.db import connections

    connections.close_all()  # the child opens its own
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        code = 0
        try:
            start = time.perf_counter()
            written = work()
            elapsed = time.perf_counter() - start
            os.write(write, f"{elapsed} {written}".encode())
        except BaseException:  # noqa: BLE001 - report and leave
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as fh:
        message = fh.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0 or not message:
        raise SystemExit("the child failed")
    elapsed, written = message.split()
    return float(elapsed), usage.ru_maxrss, int(written)


def baseline(documents, target: Path) -> int:
    with open(target, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for k, document in enumerate(documents):
            info = zipfile.ZipInfo(f"{k:04d}.pdf", date_time=(2024, 1, 1, 0, 0, 0))
            info.file_size = document.size
            with document.file.open("rb") as src, zf.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, MB)
    return target.stat().st_size


def handoff(cycle, target: Path) -> int:
    from sinovda.reports.handoff import write_handoff

    with open(target, "wb") as out:
        write_handoff(cycle, out, lambda percent, step="": None)
    with zipfile.ZipFile(target) as zf:
        copied = sum(i.file_size for i in zf.infolist() if i.filename.endswith(".pdf"))
    assert copied >= sum(d.size for d in documents_of(cycle)), "the pack missed evidence"
    return target.stat().st_size


def documents_of(cycle):
    from sinovda.evidence.models import Document

    return Document.objects.filter(region=cycle.region)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations", type=int, default=20)
    parser.add_argument("--gb", type=float, default=2.0, help="evidence bytes the pack copies")
    parser.add_argument("--file-mb", type=int, default=200, help="size of each evidence file")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sinovda-bench-") as directory:
        setup_django(directory)
        cycle, documents = build(args.innovations, int(args.gb * 1024 * MB), args.file_mb * MB)
        evidence = sum(d.size for d in documents)
        here = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{args.innovations} inovasi terverifikasi, {len(documents)} dokumen × "
            f"{args.file_mb} MB = {evidence / MB:,.0f} MB bukti dukung"
        )
        print(f"proses induk (Django + data): puncak RSS {here / 1024:.0f} MB\n")
        out = Path(directory) / "out.zip"
        kinds = {
            "baseline (copyfileobj → ZIP_STORED)": lambda: baseline(documents, out),
            "write_handoff": lambda: handoff(cycle, out),
        }
        runs = {label: [] for label in kinds}
        for _ in range(args.repeat):  # interleaved, so the disk's write-back hits both alike
            for label, work in kinds.items():
                runs[label].append(in_child(work))
                out.unlink(missing_ok=True)
        results = {}
        for label, measured in runs.items():
            seconds = min(r[0] for r in measured)
            rss = max(r[1] for r in measured)
            size = measured[0][2]
            results[label] = (seconds, rss)
            print(
                f"  {label:<38}{seconds:>7.1f} s  puncak RSS {rss / 1024:>6.0f} MB  "
                f"ZIP {size / MB:,.0f} MB  {evidence / MB / seconds:,.0f} MB/s"
            )
        (base_s, base_rss), (pack_s, pack_rss) = results.values()
        print(
            f"\nrasio write_handoff / baseline: waktu {pack_s / base_s:.2f}×, "
            f"RSS {pack_rss / base_rss:.2f}× (+{(pack_rss - base_rss) / 1024:.0f} MB)"
        )
        verdict = "OK" if pack_rss / 1024 <= 150 else "MELEBIHI"
        print(f"target puncak RSS ≤ 150 MB: {pack_rss / 1024:.0f} MB ({verdict})")


if __name__ == "__main__":
    main()
