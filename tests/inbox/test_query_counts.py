"""List endpoints and pages: the number of queries does not grow with the number of rows."""

import pytest

from inbox import services
from tenants.models import Instansi
from tests.conftest import login_client

from .helpers import api_client

pytestmark = pytest.mark.django_db


def _make(n: int, *, refer: bool = True):
    humas = Instansi.objects.get(schema_name="humas")
    for i in range(n):
        inquiry = services.inquiry_create(
            actor=None, instansi=humas, kind="pertanyaan", channel="email", body=f"Pertanyaan {i}"
        )
        if refer:
            services.inquiry_refer(
                actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="dinkes"
            )
            services.inquiry_refer(
                actor=None, instansi=humas, inquiry_id=inquiry.pk, to_instansi="disdik"
            )


def _count(client, path, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("slug", "path", "login"),
    [
        ("humas", "/api/v1/inquiries/", False),
        ("dinkes", "/api/v1/referrals/", False),
        ("humas", "/admin/kotak-masuk/", True),
        ("dinkes", "/admin/kotak-masuk/dirujuk/", True),
        (None, "/open311/v2/requests.json", False),
    ],
)
def test_list_query_count_is_constant(slug, path, login, django_assert_max_num_queries):
    from tests.conftest import tenant_client

    client = (login_client(slug) if login else api_client(slug)) if slug else tenant_client(None)
    _make(2)
    client.get(path)  # warm caches (site root, host lookup)
    few = _count(client, path, django_assert_max_num_queries, 40)
    _make(12)
    many = _count(client, path, django_assert_max_num_queries, 40)
    assert many == few, (path, few, many)
