"""Bad input to Open311 is a 400 in GeoReport's error shape, never a 500: the three inputs of
the review, then random parameters and bodies (hypothesis) so the class of bug is covered."""

import json
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import tenant_client
from tests.inbox.helpers import random_ip

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _client():
    client = tenant_client(None)
    client.defaults["REMOTE_ADDR"] = random_ip()  # no example is refused for the rate alone
    return client


def _assert_open311_error(response, status: int = 400) -> None:
    assert response.status_code == status, response.content[:300]
    [error] = response.json()
    assert error["code"] == status and isinstance(error["description"], str)
    assert error["description"]


@pytest.mark.parametrize(
    "start_date",
    [
        "2026-13-45T99:00:00Z",
        "0001-01-01T00:00:00+23:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-23:00",  # after year 9999 in UTC
        "2026-02-30T10:00:00",
        "2026-01-01T24:00:00+07:00",
    ],
)
def test_impossible_dates_are_a_400(start_date):
    for name in ("start_date", "end_date"):
        response = _client().get(f"/open311/v2/requests.json?{urlencode({name: start_date})}")
        _assert_open311_error(response)
        assert name in response.json()[0]["description"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00-23:00", "2026-01-01T00:00:00+23:59"])
def test_offsets_postgresql_does_not_take_are_read_in_utc(when):
    for name in ("start_date", "end_date"):
        response = _client().get(f"/open311/v2/requests.json?{urlencode({name: when})}")
        assert response.status_code == 200 and isinstance(response.json(), list)


@pytest.mark.parametrize(
    "body",
    [
        {"service_code": ["a"], "description": 5},
        {"service_code": "dinkes.saran", "description": 5},
        {"service_code": "dinkes.saran", "description": ["x"]},
        {"service_code": {"a": 1}, "description": "x"},
        {"service_code": "dinkes.saran", "description": "x", "first_name": 7},
        {"service_code": "dinkes.saran", "description": "x", "email": True},
        {"service_code": "dinkes.saran", "description": "x", "address_string": {"k": "v"}},
    ],
)
def test_json_fields_of_the_wrong_type_are_a_400(body):
    response = _client().post(
        "/open311/v2/requests.json", json.dumps(body), content_type="application/json"
    )
    _assert_open311_error(response)


PARAMS = st.dictionaries(
    st.sampled_from(
        ["start_date", "end_date", "status", "service_code", "service_request_id", "page"]
    ),
    st.one_of(
        st.text(max_size=40),
        st.datetimes().map(lambda d: d.isoformat()),
        st.builds(
            lambda y, mo, d, h, mi, off: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:00{off}",
            st.integers(0, 9999),
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 99),
            st.integers(0, 99),
            st.sampled_from(["", "Z", "+07:00", "-23:00", "+23:59", "-00:00", "+99:99"]),
        ),
        st.sampled_from(["open", "closed", "dinkes.saran", "tidak-tahu.kritik", "humas."]),
    ),
    max_size=4,
)


@FUZZ
@given(params=PARAMS)
def test_any_listing_query_is_answered_without_a_server_error(params):
    params = {k: v.replace("\x00", "") for k, v in params.items()}
    response = _client().get(f"/open311/v2/requests.json?{urlencode(params)}")
    assert response.status_code in (200, 400), (params, response.content[:300])
    if response.status_code == 400:
        _assert_open311_error(response)
    else:
        assert isinstance(response.json(), list)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
BODIES = st.dictionaries(
    st.sampled_from(
        [
            "service_code",
            "description",
            "first_name",
            "last_name",
            "email",
            "phone",
            "address_string",
            "lat",
        ]
    ),
    JSON_VALUES | st.sampled_from(["dinkes.saran", "tidak-tahu.kritik", "x" * 6000]),
    max_size=5,
)


@FUZZ
@given(body=BODIES | JSON_VALUES)
def test_any_json_post_is_answered_without_a_server_error(body):
    response = _client().post(
        "/open311/v2/requests.json", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (201, 400), (body, response.content[:300])
    if response.status_code == 400:
        _assert_open311_error(response)


@FUZZ
@given(
    raw=st.binary(max_size=200),
    content_type=st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "multipart/form-data",
        ]
    ),
)
def test_any_raw_post_is_answered_without_a_server_error(raw, content_type):
    response = _client().post("/open311/v2/requests.json", raw, content_type=content_type)
    assert response.status_code in (201, 400), (raw, response.content[:300])
    if response.status_code == 400:
        _assert_open311_error(response)


@FUZZ
@given(
    segment=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/?#"),
        min_size=1,
        max_size=40,
    ),
    kind=st.sampled_from(["services", "requests"]),
)
def test_any_id_in_the_path_is_answered_without_a_server_error(segment, kind):
    from urllib.parse import quote

    response = _client().get(f"/open311/v2/{kind}/{quote(segment)}.json")
    assert response.status_code in (200, 404), (segment, response.content[:300])
    if response.status_code == 404 and response["Content-Type"].startswith("application/json"):
        _assert_open311_error(response, 404)
