import pytest

from .factories import published_decision


@pytest.fixture
def published(users):
    """One published decision: 市农业农村局 leads, 容城镇 co-operates, due 2025-09-30."""
    return published_decision(users, co=[users["unit_b"].member_unit])
