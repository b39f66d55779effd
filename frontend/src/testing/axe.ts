/**
 * axe-core over what the page shows now, in jsdom: the same WCAG 2.0–2.2 A and AA rules as the
 * browser tests (tests/e2e/accessibility.py), less the checks jsdom cannot make (it lays nothing
 * out, so colour contrast is left to the browser tests).
 */
import axe from 'axe-core';
import { expect } from 'vitest';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function expectNoAxeViolations(state: string, root: Element = document.body): Promise<void> {
  const results = await axe.run(root, {
    runOnly: { type: 'tag', values: WCAG_TAGS },
    resultTypes: ['violations'],
    rules: { 'color-contrast': { enabled: false } },
  });
  const found = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`,
  );
  expect(found, `axe in ${state}`).toEqual([]);
}
