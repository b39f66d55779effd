import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { HeaderActions, HeaderLink } from '../components/HeaderActions';
import { SHOP_NAME } from '../components/PageTitle';
import { CartButton } from '../features/cart/CartButton';
import { CartDrawer } from '../features/cart/CartDrawer';
import { useCatalogue } from '../features/catalog/CatalogueContext';

/** "Find your order": the order number and email, never in the address. */
export const ORDER_LOOKUP_PATH = '/orders/find';

export function Header() {
  const [pathname] = useLocation();
  // The page the cart was opened on: moving to another page (a link, Back) closes it.
  const [cartOpenOn, setCartOpenOn] = useState<string | null>(null);
  const cartOpen = cartOpenOn === pathname;
  const { booksById } = useCatalogue();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-header__name">
          {SHOP_NAME}
        </Link>
        <HeaderActions>
          <HeaderLink to={ORDER_LOOKUP_PATH}>Find your order</HeaderLink>
          <CartButton expanded={cartOpen} onClick={() => setCartOpenOn(pathname)} />
        </HeaderActions>
      </div>
      <CartDrawer open={cartOpen} onClose={() => setCartOpenOn(null)} booksById={booksById} />
    </header>
  );
}
