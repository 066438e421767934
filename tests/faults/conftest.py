"""Options of the fault and soak tests: the soak runs only with `--run-soak` (`make soak`)."""

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("simpul-soak")
    group.addoption("--run-soak", action="store_true", default=False, help="run the long soak test")
    group.addoption(
        "--soak-seconds",
        type=int,
        default=600,
        help="how long the soak test runs (default 600 s)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-soak", default=False):
        return
    skip = pytest.mark.skip(reason="soak test: run it with `make soak` (--run-soak)")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
