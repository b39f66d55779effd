import { useState } from 'react';
import { Link } from 'wouter';
import { CartButton } from '../features/cart/CartButton';
import { CartDrawer } from '../features/cart/CartDrawer';
import { useCatalogue } from '../features/catalog/CatalogueContext';

export const SHOP_NAME = 'Stripe Press';

export function Header() {
  const [cartOpen, setCartOpen] = useState(false);
  const { booksById } = useCatalogue();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-header__name">
          {SHOP_NAME}
        </Link>
        <CartButton expanded={cartOpen} onClick={() => setCartOpen(true)} />
      </div>
      <CartDrawer open={cartOpen} onClose={() => setCartOpen(false)} booksById={booksById} />
    </header>
  );
}
