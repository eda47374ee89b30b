"""NBA tests run on today's date (the demo history ends today), so a calendar quiet period
must not decide them: the demo workspace here has none unless a test sets one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fieldrep.nba.config import NbaConfig
from fieldrep.workspace import Workspace


@pytest.fixture
def demo_workspace(demo_workspace: Workspace) -> Workspace:
    demo_workspace.suggestions.config = replace(NbaConfig(), quiet_periods=())
    return demo_workspace
