"""Shared across the suite. Django-specific fixtures live in tests/web and tests/browser, so the
methodology tests also run without Django (`pytest tests/methodology -p no:django`)."""
