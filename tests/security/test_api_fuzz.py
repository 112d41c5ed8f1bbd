"""Schema fuzzing (issue 11, checks in CI): generated requests to every API operation, as three roles.

Seeded and bounded (a few cases per operation and role, well under two
minutes): no answer is a 5xx, and every answer's status is one the schema
documents. Writes run inside the test's transaction and are rolled back.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db(transaction=False)

ROLES = ["ward_officer_hb", "khoi_member_hb_k1", "upper_level"]
EXAMPLES = 6


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
def test_no_5xx_for_generated_requests(raw_schema, world, role, connections_kept):
    household = HouseholdFactory(khoi=world.hb_k1)
    MemberFactory(household=household, id_number="040190001234", gender="female")
    token = Token.objects.create(user=world.users[role])
    schema = schemathesis.openapi.from_dict(raw_schema)
    schema.app = get_wsgi_application()
    headers = {"Authorization": f"Token {token.key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/token/":
            continue  # a POST would count failed logins and lock the account out
        fuzz(operation, headers, failures)
    assert not failures, failures[:10]


def fuzz(operation, headers, failures):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append((operation.method, operation.path, case.path_parameters, case.query, response.status_code))

    run()
