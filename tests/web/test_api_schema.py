"""schemathesis against the API's own OpenAPI schema, signed in as an editor: no operation answers
with a server error, and every response matches the schema's status codes, content types and
bodies. Appraisals asked for through the API are accepted but not run (a queue that only records
them), so the property test does not start dozens of 20-second jobs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.conftest import EDITOR, RecordingQueue, copy_workspace, make_app, sign_in


@pytest.fixture(scope="module")
def api(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    folder = tmp_path_factory.mktemp("api")
    db = copy_workspace(template_db, folder)
    app = make_app(db, folder, start_local_worker=False)
    app.state.services.queue = RecordingQueue()
    with TestClient(app) as client:
        sign_in(client, EDITOR)
        cookie = client.cookies["shareplan_session"]
    yield app, cookie
    db.dispose()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_api_matches_its_schema_and_never_fails_on_the_server(api: tuple[Any, str]) -> None:
    app, cookie = api
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            case.call_and_validate(
                headers={"Cookie": f"shareplan_session={cookie}"}, checks=CHECKS, timeout=120
            )

        check()
