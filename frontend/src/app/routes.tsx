import { lazy } from 'react';
import { Link, Route, Routes } from 'react-router-dom';
import { BookPage } from '../features/catalog/BookPage';
import { ShopPage } from '../features/catalog/ShopPage';
import { AppShell } from './AppShell';

// Checkout and success pull in Stripe's libraries; they load only when visited.
const CheckoutPage = lazy(() => import('../features/checkout/CheckoutPage'));
const SuccessPage = lazy(() => import('../features/success/SuccessPage'));

function NotFoundPage() {
  return (
    <section className="page state">
      <h1 className="page__title">Page not found</h1>
      <Link to="/" className="button button--secondary">
        Back to the shop
      </Link>
    </section>
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<ShopPage />} />
        <Route path="books/:id" element={<BookPage />} />
        <Route path="checkout" element={<CheckoutPage />} />
        <Route path="success" element={<SuccessPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
