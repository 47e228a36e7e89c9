"""Fixtures for the methodology tests (no Django needed)."""

import pytest

from sinovda.methodology import load_editions


@pytest.fixture(scope="session")
def editions():
    return load_editions()
