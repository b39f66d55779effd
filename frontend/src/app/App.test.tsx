import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getStripe } from '../features/checkout/stripeLoader';
import { apiError, mockFetch, type Reply } from '../testing/fetchMock';
import { books, demoConfig, stripeConfig } from '../testing/fixtures';
import { renderApp } from './testing';

vi.mock('../features/checkout/stripeLoader', () => ({ getStripe: vi.fn() }));

function serve(config: Reply | ((request: unknown, call: number) => Reply)) {
  return mockFetch([
    { path: '/config', reply: config },
    { path: '/api/books', reply: { body: { books } } },
  ]);
}

beforeEach(() => {
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockReturnValue(new Promise(() => {}));
});

describe('app shell', () => {
  it('shows the demo notice with the test cards on every page in demo mode', async () => {
    serve({ body: demoConfig });
    const user = userEvent.setup();
    renderApp('/');

    const banner = await screen.findByRole('status', { name: 'Demo mode: no real payments' });
    for (const card of ['4242 4242 4242 4242', '4000 0000 0000 0002', '4000 0000 0000 9995', '4000 0025 0000 3155']) {
      expect(banner).toHaveTextContent(card);
    }
    expect(banner).toHaveTextContent(/any future expiry, any CVC/i);

    await user.click(await screen.findByRole('link', { name: 'The Dream Machine' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'The Dream Machine' })).toBeInTheDocument();
    expect(screen.getByRole('status', { name: 'Demo mode: no real payments' })).toBeInTheDocument();
  });

  it('shows no demo notice and starts loading Stripe.js early in Stripe mode', async () => {
    serve({ body: stripeConfig });
    renderApp('/');

    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    expect(screen.queryByText('Demo mode: no real payments')).not.toBeInTheDocument();
    await waitFor(() => expect(getStripe).toHaveBeenCalledWith(stripeConfig));
  });

  it('never loads a Stripe object on shop pages in demo mode', async () => {
    serve({ body: demoConfig });
    renderApp('/');

    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    // Stripe mode imports the loader, then calls it: once every import started has settled,
    // a call would have happened.
    await vi.dynamicImportSettled();
    expect(getStripe).not.toHaveBeenCalled();
  });

  it('shows a loading state, then an error with retry when /config fails', async () => {
    const network = serve((_request, call) =>
      call === 0 ? apiError(500, 'internal_error', 'Something went wrong.') : { body: demoConfig },
    );
    const user = userEvent.setup();
    renderApp('/');

    expect(screen.getByRole('status')).toHaveTextContent('Opening the shop…');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Something went wrong.');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    expect(network.callsTo('/config')).toHaveLength(2);
  });

  it('asks for /config and /api/books at once, not one after the other', async () => {
    const answers: (() => void)[] = [];
    const held = (reply: Reply) => () => new Promise<Reply>((resolve) => answers.push(() => resolve(reply)));
    const network = mockFetch([
      { path: '/config', reply: held({ body: demoConfig }) },
      { path: '/api/books', reply: held({ body: { books } }) },
    ]);
    renderApp('/');

    // Both requests are out while neither has been answered.
    await waitFor(() => expect(network.calls.map((call) => call.path).sort()).toEqual(['/api/books', '/config']));
    expect(answers).toHaveLength(2);
    for (const answer of answers) answer();
    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
  });

  it('has a header with the shop name and an empty cart button on every page', async () => {
    serve({ body: demoConfig });
    renderApp('/no-such-page');

    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Stripe Press' })).toHaveAttribute('href', '/');
    expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument();
  });
});
