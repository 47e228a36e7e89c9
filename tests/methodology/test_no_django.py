import subprocess
import sys


def test_the_methodology_package_imports_no_django():
    code = (
        "import sys; import sinovda.methodology, sinovda.methodology.cli, "
        "sinovda.methodology.advisor, sinovda.methodology.workbook; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
