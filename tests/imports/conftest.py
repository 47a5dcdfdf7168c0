from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def release_text() -> str:
    return (DATA / "communique-assises-2026.txt").read_text(encoding="utf-8")
