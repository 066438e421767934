"""axe-core (the npm package, pinned, installed into var/node) finds no serious or critical
violation on any public page type, at phone size, with a form's errors shown too."""

import pytest

from tests.conftest import url_for
from tests.e2e import public_pages as shared

# The shared fixtures, bound to names here so pytest finds them for this module.
axe_script, axe_phone, public_data = shared.axe_script, shared.axe_phone, shared.public_data
public_pages, screenshot = shared.public_pages, shared.screenshot

pytestmark = pytest.mark.e2e


def _violations(page, axe_script: str) -> list[dict]:
    page.add_script_tag(content=axe_script)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return {passes: r.passes.length, violations: r.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))};
        }"""
    )
    assert result["passes"] > 10  # axe ran its rules on a real page
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_public_pages_have_no_serious_violations(
    public_data, live_server_url, axe_phone, axe_script
):
    found = {}
    for name, slug, path in public_pages(public_data):
        axe_phone.goto(url_for(live_server_url, slug, path))
        violations = _violations(axe_phone, axe_script)
        if violations:
            found[name] = violations
    assert found == {}


def test_forms_with_errors_have_no_serious_violations(
    public_data, live_server_url, axe_phone, axe_script
):
    axe_phone.goto(url_for(live_server_url, None, "/tanya/"))
    axe_phone.get_by_role("button", name="Kirim pesan").click()
    axe_phone.wait_for_load_state()
    assert _violations(axe_phone, axe_script) == []
    axe_phone.goto(url_for(live_server_url, None, "/lacak/?code="))
    assert _violations(axe_phone, axe_script) == []
    axe_phone.goto(url_for(live_server_url, None, "/verifikasi-akun/?platform=tiktok&handle="))
    assert _violations(axe_phone, axe_script) == []
