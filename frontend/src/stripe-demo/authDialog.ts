/**
 * The demo's stand-in for a bank's 3D Secure page: a modal that asks the shopper to
 * complete or fail authentication, like Stripe's test-mode authentication page.
 */
import { formatMoney } from '../lib/money';

interface AuthRequest {
  amount: number;
  currency: string;
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const element = document.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Resolves true when the shopper completes authentication, false when they fail or dismiss it. */
export function askForAuthentication({ amount, currency }: AuthRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;

    const overlay = node('div', 'dx-auth');
    const panel = node('div', 'dx-auth__panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'true');
    panel.setAttribute('aria-labelledby', 'dx-auth-title');
    panel.setAttribute('aria-describedby', 'dx-auth-description');

    const bank = node('p', 'dx-auth__bank', 'Demo bank: authentication');
    const title = node('h2', 'dx-auth__title', 'Authenticate payment');
    title.id = 'dx-auth-title';
    const description = node(
      'p',
      'dx-auth__text',
      `Your bank asks you to confirm a payment of ${formatMoney(amount, currency)}. ` +
        'This test page stands in for it: choose how the check should end.',
    );
    description.id = 'dx-auth-description';
    const actions = node('div', 'dx-auth__actions');
    const approve = node('button', 'dx-auth__button dx-auth__button--approve', 'Complete authentication');
    const fail = node('button', 'dx-auth__button dx-auth__button--fail', 'Fail authentication');
    approve.type = 'button';
    fail.type = 'button';
    actions.append(approve, fail);
    panel.append(bank, title, description, actions);
    overlay.append(panel);

    const finish = (approved: boolean) => {
      overlay.removeEventListener('keydown', onKeyDown);
      overlay.remove();
      opener?.focus();
      resolve(approved);
    };

    function onKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        event.preventDefault();
        finish(false);
      } else if (event.key === 'Tab') {
        // Keep focus on the two choices while the dialog is open.
        event.preventDefault();
        (document.activeElement === approve ? fail : approve).focus();
      }
    }

    approve.addEventListener('click', () => finish(true));
    fail.addEventListener('click', () => finish(false));
    overlay.addEventListener('keydown', onKeyDown);
    document.body.append(overlay);
    approve.focus();
  });
}
