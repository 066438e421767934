"""Steps registered in code (core.steps): their order, and mistakes that stop the start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from core import steps
from core.steps import StepRegistry, dashboard_panels, demo_steps, provisioning_steps

ROOT = Path(__file__).resolve().parents[2]

# The order the settings listed them in (SIMPUL_PROVISIONING_STEPS, SIMPUL_DEMO_STEPS,
# SIMPUL_DASHBOARD_PANELS) before the apps registered them.
SETTINGS_PROVISIONING_STEPS = [
    "tenants.provisioning.configure_site",
    "tenants.provisioning.create_default_groups",
    "cms.provisioning.build_site",
    "inbox.provisioning.create_inquiry_form_page",
    "evaluation.roles.create_evaluator_group",
    "tenants.registry.provisioning.grant_registry_permissions",
]
SETTINGS_DEMO_STEPS = [
    "cms.demo.create_demo_content",
    "inbox.provisioning.demo_form_page",
    "tenants.registry.demo.create_demo_registry",
    "sop.demo.create_demo_sop",
    "evaluation.demo.create_demo_evaluation",
]
SETTINGS_DASHBOARD_PANELS = [
    "inbox.dashboard.LateReferralsPanel",
    "evaluation.dashboard.ReportsToEvaluatePanel",
    "inbox.dashboard.InquiriesPanel",
    "inbox.dashboard.ReferralsPanel",
    "sop.dashboard.SopStepsPanel",
    "tenants.registry.dashboard.RegistryRemindersPanel",
    "evaluation.dashboard.AnnualReportPanel",
]


def test_registered_steps_keep_the_order_the_settings_gave():
    assert provisioning_steps.names() == SETTINGS_PROVISIONING_STEPS
    assert demo_steps.names() == SETTINGS_DEMO_STEPS
    assert dashboard_panels.names() == SETTINGS_DASHBOARD_PANELS


def test_each_registered_step_is_the_function_its_name_says():
    from django.utils.module_loading import import_string

    from cms.provisioning import build_site

    # Old dotted names stay importable for callers outside the registry.
    for step in (*provisioning_steps, *demo_steps, *dashboard_panels):
        assert callable(import_string(step.name)), step.name
    for step in (*demo_steps, *dashboard_panels):
        assert import_string(step.name) is step.run, step.name
    # A provisioning step is split in halves; together they do what its old function did.
    assert provisioning_steps.get("cms.provisioning.build_site").prepare is not None
    assert callable(build_site)


def test_only_steps_writing_for_their_own_instansi_are_marked_so():
    own = [step.name for step in demo_steps if step.own_instansi_only]
    assert own == ["cms.demo.create_demo_content", "tenants.registry.demo.create_demo_registry"]


def test_an_app_whose_needed_step_is_missing_fails_in_its_ready(monkeypatch):
    """inbox.pages needs cms's step: without it, the app's ready() (django.setup) raises."""
    monkeypatch.setattr(steps, "provisioning_steps", StepRegistry("provisioning"))
    with pytest.raises(ImproperlyConfigured, match="needs 'cms.provisioning.build_site'"):
        apps.get_app_config("inbox_pages").ready()


def test_start_up_stops_when_an_app_comes_before_the_step_it_needs(tmp_path):
    """A real start-up (django.setup in a new process) with cms listed after inbox.pages: the
    process fails before serving anything, naming the step, not at the first provisioning."""
    (tmp_path / "settings_cms_last.py").write_text(
        "from simpul.settings import *  # noqa: F403\n"
        "INSTALLED_APPS = [a for a in INSTALLED_APPS if a != 'cms'] + ['cms']  # noqa: F405\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "platform"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "settings_cms_last",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "needs 'cms.provisioning.build_site'" in result.stderr


def _noop(*args):
    return None


def test_the_registry_refuses_duplicates_bad_order_and_non_callables():
    registry = StepRegistry("uji")
    registry.register("a", order=10, run=_noop)
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.register("a", order=20, run=_noop)
    with pytest.raises(ImproperlyConfigured, match="both have order 10"):
        registry.register("b", order=10, run=_noop)
    with pytest.raises(ImproperlyConfigured, match="runs later"):
        registry.register("b", order=5, run=_noop, after=("a",))
    with pytest.raises(ImproperlyConfigured, match="not callable"):
        registry.register("b", order=20, run="tenants.provisioning.configure_site")
    with pytest.raises(ImproperlyConfigured, match="nothing to run"):
        registry.register("b", order=20)
    with pytest.raises(ImproperlyConfigured, match="No uji step 'c'"):
        registry.get("c")
    registry.register("c", order=30, prepare=_noop, after=("a",))
    registry.register("b", order=20, run=_noop)
    assert registry.names() == ["a", "b", "c"]  # by order, not by registration
