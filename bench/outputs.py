"""The year's outputs against their targets (issue 9), each with its own baseline in the same run:

- results report for the demo (90 innovations) and ×10: ≤ 5 s and ≤ 2 MB (bench/outputs_report.py)
- hand-off pack with 2 GB of evidence: peak RSS ≤ 150 MB whatever the volume (bench/outputs_handoff.py)
- national rekap of 40,000 innovations: ≤ 15 s (bench/outputs_rekap.py)

Each part runs in its own process (its own throwaway database and its own peak memory).

    uv run python bench/outputs.py [--quick]
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script, *args):
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    result = subprocess.run([sys.executable, str(HERE / script), *args], check=False)
    return result.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes, to check the scripts run (not targets)"
    )
    options = parser.parse_args()
    if options.quick:
        parts = [
            ("outputs_report.py", "--repeat", "1"),
            ("outputs_handoff.py", "--gb", "0.2", "--file-mb", "20", "--repeat", "1"),
            ("outputs_rekap.py", "--innovations", "2000"),
        ]
    else:
        parts = [
            ("outputs_report.py",),
            ("outputs_handoff.py",),
            ("outputs_rekap.py",),
        ]
    failed = [part[0] for part in parts if run(*part) != 0]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
