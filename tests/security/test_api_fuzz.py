"""Schema fuzzing (issue 11, checks in CI): generated requests to every API operation, as three roles.

Seeded and bounded (about 500 cases per role on PostgreSQL, fewer on SQLite: EXAMPLES): no answer is a 5xx,
and every answer conforms to the schema: its status is one the operation documents, its content type and headers are
the documented ones, and its body validates against the documented response schema (schemathesis's response
checks). Writes run inside the test's transaction and are rolled back.
"""

import os
import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ["ward_officer_hb", "khoi_member_hb_k1", "upper_level"]
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Cases per operation: six on PostgreSQL, production's database; CI's SQLite pass draws a smaller sample of
# the same seeded generator (two), so every operation still meets SQLite too (README, "Tests").
# FUZZ_EXAMPLES sets any number on either.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (6 if connection.vendor == "postgresql" else 2))


@pytest.fixture
def raw_schema(client, world):
    client.force_login(world.users["ward_officer_hb"])
    return client.get("/api/v1/schema/", {"format": "json"}).json()


@pytest.fixture
def connections_kept():
    """The requests go to the WSGI application itself, whose request signals close "old" connections: on
    PostgreSQL that closed the test's own connection, inside its transaction, and every later request was a
    503. Django's test client keeps them apart the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_generated_requests_get_documented_answers(raw_schema, world, role, connections_kept):
    household = HouseholdFactory(khoi=world.hb_k1)
    MemberFactory(household=household, id_number="040190001234", gender="female")
    token = Token.objects.create(user=world.users[role])
    schema = schemathesis.openapi.from_dict(raw_schema)
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Token {token.key}"}
    failures, counts = {}, {}
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/token/":
            continue  # a POST would count failed logins and lock the account out
        fuzz(operation, headers, failures, counts)
    print(role, connection.vendor, sum(counts.values()), "cases", round(time.monotonic() - started, 1), "s")
    assert not failures, "\n\n".join(f"{where} — {what}\n{example}" for (where, what), example in failures.items())


def fuzz(operation, headers, failures, counts):
    key = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        counts[key] = counts.get(key, 0) + 1
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as error:  # every failure is collected, reported together
            for failure in getattr(error, "exceptions", [error]):
                title = getattr(failure, "title", type(failure).__name__)
                example = f"{case.path_parameters} {case.query} {case.body!r:.200} → {response.status_code}: {failure}"
                failures.setdefault((key, title), example[:900])

    run()
