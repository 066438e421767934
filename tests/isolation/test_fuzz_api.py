"""Schemathesis over the instansi API: generated requests, valid token, no 5xx, schema-conformant.

Every operation that `/api/schema/` publishes on an instansi host is exercised in-process
(WSGI) inside the test transaction, so nothing the generator makes is committed.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tenants.models import Instansi
from tenants.services import api_token_create

pytestmark = pytest.mark.django_db

HOST = "humas.localhost"
# Every check runs except "schema-valid data is accepted": rules the schema cannot state (a
# slug of an active instansi, the inquiry's current state) rightly answer 400 to data that is
# valid by the schema alone.
EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def api_schema():
    # In-process requests share the test's connection and transaction: like Django's test
    # client, keep the request signals from closing that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers={"Host": HOST}
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schema_has_every_operation_and_no_component_clash(api_schema):
    """The fuzzer sees exactly the API operations of the URL configuration (method, path)."""
    import re

    from tests.isolation import urlmatrix

    operations = {
        (result.ok().method.lower(), re.sub(r"\{[^}]+\}", "{}", result.ok().path))
        for result in api_schema.get_all_operations()
    }
    routes = {
        r.name: r
        for r in urlmatrix.iter_routes(urlmatrix.TENANT_URLCONF)
        if r.route.startswith("api/v1/") and r.methods is not None
    }
    expected = {
        (method, "/" + re.sub(r"<[^>]+>", "{}", route.route))
        for route in routes.values()
        for method in route.methods
    }
    assert operations == expected, {
        "only in the schema": sorted(operations - expected),
        "only in the URL conf": sorted(expected - operations),
    }


def test_api_operations_never_fail_and_match_their_schema(api_schema):
    _, key = api_token_create(instansi=Instansi.objects.get(schema_name="humas"), name="fuzz")
    headers = {"Host": HOST, "Authorization": f"Token {key}"}
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def exercise(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported below
            failures.append(f"{operation.label}: {str(exc).strip()[:1500]}")
    assert not failures, "\n\n".join(failures)
