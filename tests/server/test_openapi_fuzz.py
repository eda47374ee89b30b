"""schemathesis against the served OpenAPI schema: no 5xx, no answer outside the schema.

Runs in-process (ASGI) with a real rep token, so push and pull get past authentication
and the fuzzed bodies reach the data functions. Bounded: a few dozen examples per call.
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fieldrep.sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.world import Api

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15


def test_fuzzed_requests_never_get_a_5xx_or_an_undocumented_answer(
    app_client: TestClient, api: Api
) -> None:
    device = api.login("rep1", "fuzz-device")
    headers = {"Authorization": f"Bearer {device.token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app_client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/auth/login", "/api/v1/sync/handshake", "/api/v1/sync/push", "/api/v1/sync/pull",
    }  # fmt: skip
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        run()
