export const SHOP_NAME = 'Stripe Press';

/**
 * The browser tab's title while the page that renders it is shown: "Checkout · Stripe Press".
 * React hoists the <title> into <head>.
 */
export function PageTitle({ title }: { title: string }) {
  return <title>{`${title} · ${SHOP_NAME}`}</title>;
}
