"""`make test` runs `-n 2 --dist loadgroup`: tests marked `xdist_group` must share a
worker (the desktop bundle is built once; the four-server tests run alone). A pytest
that pytest-xdist cannot rename tests in (9.2 with xdist 3.8) silently splits them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.xdist_group("grouping-self-check")


def test_a_grouped_test_carries_its_group_under_loadgroup(request: pytest.FixtureRequest) -> None:
    if not getattr(request.config.option, "loadgroup", False):
        assert "@" not in request.node.nodeid  # run without xdist: nothing to group
        return
    assert request.node.nodeid.endswith("@grouping-self-check"), request.node.nodeid
