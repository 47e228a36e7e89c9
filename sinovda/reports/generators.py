"""What each kind of output is made of: one function per kind, writing to a binary file object.

Every generator takes the cycle (or, for one innovation, the submission), a writable binary file and
`progress(percent, step)`, and writes the whole file. The web (through a background job) and
`manage.py export` call the same functions, so both produce the same bytes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import OutputKind


@dataclass(frozen=True)
class Generator:
    write: Callable  # write(target, out, progress) where target is a Cycle or a Submission
    content_type: str
    filename: Callable  # filename(target) -> str
    takes_job: bool = False  # the writer records which job made it (the hand-off pack's history)


def _cycle_name(prefix, extension):
    def name(cycle):
        return f"{prefix}-{cycle.region.code}-{cycle.edition.year}.{extension}"

    return name


def registry() -> dict[str, Generator]:
    # Imported here so that loading the models never loads PDF and spreadsheet libraries.
    from . import certificates, handoff, innovation_pdf, rekap, results

    return {
        OutputKind.HANDOFF: Generator(
            handoff.write_handoff,
            "application/zip",
            _cycle_name("paket-aplikasi-nasional", "zip"),
            takes_job=True,
        ),
        OutputKind.REPORT: Generator(
            results.write_results_report, "application/pdf", _cycle_name("laporan-hasil-iid", "pdf")
        ),
        OutputKind.REKAP: Generator(
            rekap.write_rekap,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _cycle_name("rekap-inovasi", "xlsx"),
        ),
        OutputKind.CERTIFICATES: Generator(
            certificates.write_certificates, "application/pdf", _cycle_name("piagam", "pdf")
        ),
        OutputKind.INNOVATION: Generator(
            innovation_pdf.write_innovation_pdf,
            "application/pdf",
            lambda s: f"inovasi-{s.innovation.public_id}-{s.cycle.edition.year}.pdf",
        ),
    }


def get(kind: str) -> Generator:
    return registry()[kind]
