"""Fixtures of the WordPress import tests: the real WordPress export and its uploads folder."""

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

FIXTURES = Path(__file__).parent / "fixtures"
EXPORT = FIXTURES / "dinkes.xml"
UPLOADS = FIXTURES / "uploads"


def run_import(**options):
    from cms.wordpress.services import wordpress_import_file

    options.setdefault("export_path", str(EXPORT))
    options.setdefault("media_dir", str(UPLOADS))
    options.setdefault("fetch_remote", False)
    with schema_context("dinkes"):
        return wordpress_import_file(**options)


@pytest.fixture
def imported(db):
    """The fixture site imported into Dinkes (rolled back after the test)."""
    return run_import()
