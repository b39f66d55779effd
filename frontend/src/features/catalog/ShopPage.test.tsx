import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockFetch, type Reply } from '../../testing/fetchMock';
import { books, demoConfig, storedCart } from '../../testing/fixtures';
import { renderApp } from '../../app/testing';
import { MAX_QUANTITY } from '../cart/cartReducer';

function serve(booksReply: Reply | ((request: unknown, call: number) => Reply | Promise<Reply>)) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: booksReply },
  ]);
}

describe('shop page', () => {
  it('lists every book with its author, format and price formatted in its currency', async () => {
    serve({ body: { books } });
    renderApp('/');

    const list = await screen.findByRole('list', { name: 'Books' });
    const cards = within(list).getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    expect(within(cards[0]!).getByText('M. Mitchell Waldrop')).toBeInTheDocument();
    expect(within(cards[0]!).getByText('Hardcover')).toBeInTheDocument();
    expect(within(cards[0]!).getByText('$30.00')).toBeInTheDocument();
    expect(within(cards[1]!).getByText('$20.00')).toBeInTheDocument();
    expect(within(cards[1]!).getByText('Paperback')).toBeInTheDocument();
  });

  it('updates the cart button count when books are added', async () => {
    serve({ body: { books } });
    const user = userEvent.setup();
    renderApp('/');

    expect(await screen.findByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Add to cart: The Dream Machine' }));
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add to cart: The Dream Machine' }));
    await user.click(screen.getByRole('button', { name: 'Add to cart: Stubborn Attachments' }));

    expect(screen.getByRole('button', { name: 'Cart (3 items)' })).toBeInTheDocument();
    expect(storedCart().items).toEqual([
      { id: 'the-dream-machine', quantity: 2 },
      { id: 'stubborn-attachments', quantity: 1 },
    ]);
  });

  it('says under each add button how many copies are in the cart, and stops at the limit', async () => {
    serve({ body: { books } });
    const user = userEvent.setup();
    renderApp('/');

    const add = await screen.findByRole('button', { name: 'Add to cart: The Dream Machine' });
    const card = add.closest('li')!;
    expect(within(card).getByRole('status')).toHaveTextContent('');
    await user.click(add);
    expect(within(card).getByRole('status')).toHaveTextContent('1 in your cart');
    for (let copies = 2; copies <= MAX_QUANTITY; copies += 1) await user.click(add);
    expect(within(card).getByRole('status')).toHaveTextContent(`${MAX_QUANTITY} in your cart`);
    expect(within(card).getByRole('button', { name: `Limit of ${MAX_QUANTITY} reached: The Dream Machine` })).toBeDisabled();
  });

  it('shows a loading skeleton, then an error with a working retry', async () => {
    let answerFirstCall: () => void = () => {};
    const firstCallAnswered = new Promise<void>((resolve) => (answerFirstCall = resolve));
    const network = serve(async (_request, call) => {
      if (call > 0) return { body: { books } };
      await firstCallAnswered;
      return apiError(503, 'unavailable', 'The shop is busy.');
    });
    const user = userEvent.setup();
    renderApp('/');

    expect(await screen.findByRole('status', { name: 'Loading books' })).toBeInTheDocument();
    answerFirstCall();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The shop is busy.');

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    expect(network.callsTo('/api/books')).toHaveLength(2);
  });

  it('says so when nothing is for sale', async () => {
    serve({ body: { books: [] } });
    renderApp('/');

    expect(await screen.findByText(/No books are for sale right now/)).toBeInTheDocument();
  });

  it('shows a book page with its description and an add button', async () => {
    serve({ body: { books } });
    const user = userEvent.setup();
    renderApp('/books/the-dream-machine');

    expect(await screen.findByRole('heading', { level: 1, name: 'The Dream Machine' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Cover of The Dream Machine by M. Mitchell Waldrop' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add to cart: The Dream Machine' }));
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
  });
});
