"""A push over the server's body cap (413) is split, not final: the queue keeps moving."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
import requests

from fieldrep.store import outbox
from fieldrep.sync.errors import PayloadTooLargeError
from tests.sync.conftest import Device
from tests.sync.helpers import first_hcp, log_note, notes_of, sync
from tests.sync.servers import ServerProcess

_numbers = itertools.count(1)

BODY_CAP = 30_000  # bytes: three 6 kB notes fit, six do not; one 38 kB note never does


class CappedServer(ServerProcess):
    def env(self) -> dict[str, str]:
        return {**super().env(), "FIELDREP_MAX_BODY_BYTES": str(BODY_CAP)}


# Its module fixture starts a server of its own: one worker runs the module, so the
# server is set up once (split over both workers it was set up twice, ~8 s each).
pytestmark = pytest.mark.xdist_group("capped-server")


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CappedServer]:
    """Its own server (the body cap is read at start-up), with a two-HCP territory."""
    workdir = tmp_path_factory.mktemp("capped")
    server = CappedServer(workdir)
    server.admin("init-db")
    server.admin("create-territory", "BOS-NORTH")
    csv = workdir / "hcps.csv"
    csv.write_text(
        "external_id,name,territory_id\ncap-1,Dr One,BOS-NORTH\ncap-2,Dr Two,BOS-NORTH\n"
    )
    server.admin("import-hcps", str(csv))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rep(capped_server: CappedServer) -> str:
    username = f"rep-cap-{next(_numbers)}"
    capped_server.admin("create-user", "--username", username, "--role", "rep",
                        "--territory", "BOS-NORTH")  # fmt: skip
    return username


def test_the_capped_server_really_refuses_a_large_body(capped_server: CappedServer) -> None:
    answer = requests.post(f"{capped_server.url}/api/v1/auth/login", data=b"x" * (BODY_CAP + 1),
                           headers={"Content-Type": "application/json"}, timeout=10)  # fmt: skip
    assert answer.status_code == 413


def test_an_oversized_batch_is_halved_until_it_fits(
    capped_server: CappedServer, device: Device, rep: str
) -> None:
    ws = device(rep, server_url=capped_server.url)
    sync(ws)
    hcp = first_hcp(ws)
    ids = [log_note(ws, hcp, f"note {i} " + "x" * 6_000) for i in range(12)]
    report = sync(ws)
    assert (report.applied, report.rejected) == (12, 0)
    fresh = device(rep, server_url=capped_server.url)
    sync(fresh)
    assert set(notes_of(fresh, rep)) == set(ids)


def test_a_change_too_large_alone_is_rejected_locally_and_the_rest_goes_up(
    capped_server: CappedServer, device: Device, rep: str
) -> None:
    ws = device(rep, server_url=capped_server.url)
    sync(ws)
    hcp = first_hcp(ws)
    before = log_note(ws, hcp, "small before")
    huge = log_note(ws, hcp, "HUGE " + "\u00e9" * 19_000)  # 38 kB of UTF-8 alone
    after = log_note(ws, hcp, "small after")
    report = sync(ws)
    assert report.rejected == 1 and report.applied == 2
    assert any(huge in r and "too large" in r for r in report.rejections)
    with ws.store.read() as conn:
        rejected = outbox.rejected(conn)
        assert outbox.pending(conn) == []
    assert [r.entity_id for r in rejected] == [huge]
    assert "too large" in (rejected[0].reason or "")
    assert sync(ws).rejected == 0  # not resent, and sync is not wedged
    fresh = device(rep, server_url=capped_server.url)
    sync(fresh)
    assert set(notes_of(fresh, rep)) == {before, after}


def test_a_413_is_its_own_error_kind() -> None:
    from fieldrep.sync.client import _refusal

    error = _refusal(413, b'{"code": "invalid", "message": "too large"}')
    assert isinstance(error, PayloadTooLargeError)
