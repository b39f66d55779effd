/**
 * Whether a button can be pressed. The pay button stays focusable while it cannot be
 * (aria-disabled, so keyboard users do not lose their place), which jest-dom's toBeDisabled
 * does not see.
 */
export function payable(button: HTMLElement): boolean {
  return !(button as HTMLButtonElement).disabled && button.getAttribute('aria-disabled') !== 'true';
}
