"""axe-core (the npm package in tests/peers/axe, installed by scripts/install-test-peers) run
inside a Playwright page: what it finds, summarised by impact, and written to
tests/artifacts/ so a change's before and after can be quoted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).parents[1] / "peers" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
IMPACTS = ("critical", "serious", "moderate", "minor")

# Every <details> open, so the rules see the forms and payloads a person can unfold; then
# wait (up to 10 s) until the page's script has fetched each folded form into its panel.
OPEN_PANELS = """async () => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  for (let waited = 0; waited < 10000; waited += 50) {
    if (!document.querySelector('details [data-form-slot]')) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('folded forms did not load: ' + document.querySelectorAll('[data-form-slot]').length);
}"""


async def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe's violations on `page` as it is now (its default rules: WCAG 2.x A/AA and best
    practice). The context must bypass the page's CSP: the dashboard runs only its own
    scripts, and axe is not one of them."""
    assert AXE.is_file(), f"{AXE} is missing: run scripts/install-test-peers"
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": len(v["nodes"]),
            "targets": [" ".join(map(str, n["target"])) for n in v["nodes"][:5]],
            # For contrast: the colours and ratio axe measured, once per distinct pair.
            "colours": sorted(
                {
                    f"{d['fgColor']} on {d['bgColor']}: {d['contrastRatio']}"
                    for n in v["nodes"]
                    for check in n["any"]
                    if isinstance(d := check.get("data"), dict) and "fgColor" in d
                }
            ),
        }
        for v in result["violations"]
    ]


def by_impact(violations: list[dict[str, Any]]) -> dict[str, int]:
    """Elements in violation per impact (a rule failing on 40 elements counts 40)."""
    counts = dict.fromkeys(IMPACTS, 0)
    for v in violations:
        counts[v["impact"] or "minor"] += v["nodes"]
    return counts


def write_findings(name: str, findings: dict[str, list[dict[str, Any]]], overflow: dict[str, int]) -> Path:
    """`findings` (page label -> violations) as tests/artifacts/axe-`name`.json, with the
    counts per impact in front for a closing note to quote, and how many pixels each page
    reaches past the viewport's width."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"axe-{name}.json"
    summary = {label: by_impact(found) for label, found in findings.items()}
    found = {"counts": summary, "overflow": overflow, "violations": findings}
    path.write_text(json.dumps(found, indent=2), "utf-8")
    return path
