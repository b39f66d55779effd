/** Leaves the shop for `url` (a bank's page, or the return_url), as Stripe.js does. */
export function leavePage(url: string): void {
  window.location.assign(url);
}
