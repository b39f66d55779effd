import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { HeaderActions, HeaderLink } from '../components/HeaderActions';
import { SHOP_NAME } from '../components/PageTitle';
import { CartButton } from '../features/cart/CartButton';
import type { CartDrawer as CartDrawerComponent } from '../features/cart/CartDrawer';
import { useCatalogue } from '../features/catalog/CatalogueContext';

/** "Find your order": the order number and email, never in the address. */
export const ORDER_LOOKUP_PATH = '/orders/find';

/**
 * The cart drawer, loaded from its own chunk once the page is up: it is opened later if at
 * all, so its code stays out of the JavaScript the shop needs to render. `CartDrawer` is null
 * until loaded; `retry` asks again if the last load failed, and does nothing otherwise.
 */
function useCartDrawer() {
  const [loaded, setLoaded] = useState<{ CartDrawer: typeof CartDrawerComponent } | 'failed' | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let active = true;
    import('../features/cart/CartDrawer').then(
      ({ CartDrawer }) => {
        if (active) setLoaded({ CartDrawer });
      },
      () => {
        if (active) setLoaded('failed');
      },
    );
    return () => {
      active = false;
    };
  }, [attempt]);
  const failed = loaded === 'failed';
  return {
    CartDrawer: loaded && !failed ? loaded.CartDrawer : null,
    retry: () => {
      if (!failed) return;
      setLoaded(null);
      setAttempt((n) => n + 1);
    },
  };
}

export function Header() {
  const [pathname] = useLocation();
  // The page the cart was opened on: moving to another page (a link, Back) closes it.
  const [cartOpenOn, setCartOpenOn] = useState<string | null>(null);
  const cartOpen = cartOpenOn === pathname;
  const { booksById } = useCatalogue();
  const { CartDrawer, retry } = useCartDrawer();
  const openCart = () => {
    setCartOpenOn(pathname);
    retry();
  };
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="site-header__name">
          {SHOP_NAME}
        </Link>
        <HeaderActions>
          <HeaderLink to={ORDER_LOOKUP_PATH}>Find your order</HeaderLink>
          <CartButton expanded={cartOpen} onClick={openCart} />
        </HeaderActions>
      </div>
      {CartDrawer && <CartDrawer open={cartOpen} onClose={() => setCartOpenOn(null)} booksById={booksById} />}
    </header>
  );
}
