"""axe-core in the browser tests: the npm package (``package.json``, installed by ``make test``
with ``npm ci`` into ``node_modules/``) evaluated in a Playwright page.

The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy
does not govern, so the pages are checked exactly as they are served.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that fail a page (axe also reports "moderate" and "minor").
FAILING = ("serious", "critical")

_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ')),
  }));
}
"""


def require_axe() -> str:
    """The axe-core script; skip the test when it is not installed (``make test`` installs
    it), fail instead with CI=true."""
    if not AXE_JS.exists():
        message = f"{AXE_JS.relative_to(ROOT)} is missing: run `npm ci` (make test does)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Page, script: str, impacts: tuple[str, ...] = FAILING) -> list[str]:
    """axe's violations of ``impacts`` on the current page, one line each: rule, impact,
    how many elements and the first few of them."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(script)
    found: list[dict[str, Any]] = page.evaluate(_RUN)
    lines = []
    for v in found:
        if v["impact"] not in impacts:
            continue
        nodes = v["nodes"]
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        lines.append(
            f"{v['id']} [{v['impact']}] {v['help']}: {len(nodes)} × {', '.join(nodes[:3])}{more}"
        )
    return lines
