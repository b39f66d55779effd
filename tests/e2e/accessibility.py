"""axe-core in the browser: WCAG 2.0-2.2 A and AA checks of whatever the page shows now."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Stripe's own frames (the real Payment Element, 3-D Secure) are outside the shop's control.
# Only they are excluded: every element of the shop itself is checked.
STRIPE_FRAMES = 'iframe[src*="js.stripe.com"]'

RUN_AXE = """
async ([exclude, tags]) => {
  const results = await axe.run(
    { exclude: [[exclude]] },
    { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] },
  );
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => ({
      target: node.target,
      summary: node.failureSummary,
    })),
  }));
}
"""


@cache
def axe_source() -> str:
    """axe-core's browser build, read once."""
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core over the page as it is now and return its violations."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run npm ci in frontend/")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # (no inline scripts on the server's own pages) does not apply to.
        page.evaluate(f"{axe_source()}\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, [STRIPE_FRAMES, WCAG_TAGS])
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule, impact, help, then each offending element."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " >> ".join(
                part if isinstance(part, str) else " ".join(part) for part in node["target"]
            )
            lines.append(f"    {target}")
            summary = (node.get("summary") or "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def expect_no_axe_violations(page: Page, state: str) -> None:
    """Fail, listing every violation, unless axe finds none in this state of the page."""
    violations = axe_violations(page)
    if violations:
        count = sum(len(violation["nodes"]) for violation in violations)
        pytest.fail(
            f"axe found {len(violations)} rule(s) violated on {count} element(s)"
            f" in {state} ({page.url}):\n{describe(violations)}"
        )
