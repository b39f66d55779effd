import { useState } from 'react';
import { Link } from 'wouter';
import { HeaderActions, HeaderLink } from '../components/HeaderActions';
import { CartButton } from '../features/cart/CartButton';
import { CartDrawer } from '../features/cart/CartDrawer';
import { useCatalogue } from '../features/catalog/CatalogueContext';

export const SHOP_NAME = 'Stripe Press';

/** "Find your order": the order number and email, never in the address. */
export const ORDER_LOOKUP_PATH = '/orders/find';

export function Header() {
  const [cartOpen, setCartOpen] = useState(false);
  const { booksById } = useCatalogue();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-header__name">
          {SHOP_NAME}
        </Link>
        <HeaderActions>
          <HeaderLink to={ORDER_LOOKUP_PATH}>Find your order</HeaderLink>
          <CartButton expanded={cartOpen} onClick={() => setCartOpen(true)} />
        </HeaderActions>
      </div>
      <CartDrawer open={cartOpen} onClose={() => setCartOpen(false)} booksById={booksById} />
    </header>
  );
}
