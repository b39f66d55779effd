import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../testing/fetchMock';
import { books, demoConfig, storeCart, storedCart } from '../../testing/fixtures';
import { renderApp } from '../../app/testing';

function serveShop() {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
  ]);
}

async function openCart(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: /^Cart \(/ }));
  return screen.getByRole('dialog', { name: 'Your cart' });
}

describe('cart drawer', () => {
  it('changes quantities, removes lines and keeps the subtotal in step', async () => {
    serveShop();
    storeCart([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'stubborn-attachments', quantity: 2 },
    ]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });

    const drawer = await openCart(user);
    const subtotal = () => within(drawer).getByText('Subtotal').nextElementSibling;
    expect(subtotal()).toHaveTextContent('$70.00');

    await user.click(within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    expect(subtotal()).toHaveTextContent('$100.00');
    expect(screen.getByRole('button', { name: 'Cart (4 items)' })).toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: 'Decrease quantity of Stubborn Attachments' }));
    expect(subtotal()).toHaveTextContent('$80.00');

    await user.click(within(drawer).getByRole('button', { name: 'Remove The Dream Machine' }));
    expect(within(drawer).queryByText('The Dream Machine')).not.toBeInTheDocument();
    expect(subtotal()).toHaveTextContent('$20.00');
    expect(storedCart().items).toEqual([{ id: 'stubborn-attachments', quantity: 1 }]);
  });

  it('caps a line at 10 and does not go below 1', async () => {
    serveShop();
    storeCart([{ id: 'the-dream-machine', quantity: 9 }]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });
    const drawer = await openCart(user);

    const increase = within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' });
    await user.click(increase);
    expect(increase).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cart (10 items)' })).toBeInTheDocument();

    const decrease = within(drawer).getByRole('button', { name: 'Decrease quantity of The Dream Machine' });
    for (let i = 0; i < 9; i += 1) await user.click(decrease);
    expect(decrease).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
  });

  it('closes on Escape and gives focus back to the cart button', async () => {
    serveShop();
    const user = userEvent.setup();
    renderApp('/');

    const drawer = await openCart(user);
    expect(drawer).toHaveFocus();
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toHaveFocus();
  });

  it('offers checkout only when the cart has books', async () => {
    serveShop();
    const user = userEvent.setup();
    renderApp('/');

    let drawer = await openCart(user);
    expect(within(drawer).getByText('Your cart is empty')).toBeInTheDocument();
    expect(within(drawer).queryByRole('link', { name: 'Checkout' })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');

    await user.click(await screen.findByRole('button', { name: 'Add to cart: The Dream Machine' }));
    drawer = await openCart(user);
    await user.click(within(drawer).getByRole('link', { name: 'Checkout' }));

    // The checkout route is lazily loaded, so the navigation lands once its chunk is in.
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/checkout'));
    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
  });

  it('drops books the shop no longer sells and tells the shopper', async () => {
    serveShop();
    storeCart([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'withdrawn-title', quantity: 2 },
    ]);
    renderApp('/');

    expect(await screen.findByText(/no longer sold here/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
    await waitFor(() => expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 1 }]));
  });
});
