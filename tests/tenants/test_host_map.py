"""The host map (tenants.hosts): one query gives a process every served host, so a worker's
first request for any instansi costs no query of its own; unknown hosts are looked up once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import hosts
from tenants.hosts import forget_hosts, instansi_for_host
from tenants.models import Domain, Instansi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_map():
    forget_hosts()
    yield
    forget_hosts()


def _queries(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured.captured_queries)


def _served_hosts() -> list[str]:
    return list(Domain.objects.filter(tenant__is_template=False).values_list("domain", flat=True))


def test_every_served_host_comes_from_one_query():
    served = _served_hosts()
    assert len(served) >= 3
    first, count = _queries(lambda: instansi_for_host(served[0]))
    assert first.schema_name == Domain.objects.get(domain=served[0]).tenant.schema_name
    assert count == 1
    for host in served[1:]:
        found, count = _queries(lambda host=host: instansi_for_host(host))
        assert count == 0, host
        assert found == Domain.objects.get(domain=host).tenant


def test_each_lookup_is_a_copy_of_its_own():
    host = _served_hosts()[0]
    one, two = instansi_for_host(host), instansi_for_host(host)
    assert one == two and one is not two
    one.domain_url = "diubah"
    assert getattr(instansi_for_host(host), "domain_url", None) != "diubah"


def test_unknown_host_is_queried_once_then_kept():
    instansi_for_host(_served_hosts()[0])  # the map is loaded
    missing, count = _queries(lambda: instansi_for_host("tidakada.localhost"))
    assert missing is None and count == 1
    again, count = _queries(lambda: instansi_for_host("tidakada.localhost"))
    assert again is None and count == 0


def test_template_is_never_in_the_map():
    instansi_for_host(_served_hosts()[0])
    assert all(not i.is_template for i in hosts._map[1].values())
    assert instansi_for_host("simpul_template.localhost") is None


def test_a_host_made_after_the_map_is_found_alone_then_with_the_map():
    instansi_for_host(_served_hosts()[0])
    humas = Instansi.objects.get(schema_name="humas")
    Domain.objects.create(domain="humas-kedua.localhost", tenant=humas, is_primary=False)
    found, count = _queries(lambda: instansi_for_host("humas-kedua.localhost"))
    assert found == humas and count == 1
    forget_hosts()
    instansi_for_host(_served_hosts()[0])
    found, count = _queries(lambda: instansi_for_host("humas-kedua.localhost"))
    assert found == humas and count == 0


def test_an_expired_map_is_read_again(monkeypatch):
    host = _served_hosts()[0]
    instansi_for_host(host)
    now = hosts.time.monotonic()
    monkeypatch.setattr(hosts.time, "monotonic", lambda: now + hosts.TTL_SECONDS + 1)
    _, count = _queries(lambda: instansi_for_host(host))
    assert count == 1


def test_archived_instansi_stays_in_the_map_for_the_middleware_to_refuse():
    from tenants.services import instansi_archive

    instansi_archive(slug="dinkes")
    found = instansi_for_host("dinkes.localhost")
    assert found is not None and not found.is_active
