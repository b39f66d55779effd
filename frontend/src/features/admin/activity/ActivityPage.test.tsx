import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, type RecordedRequest } from '../../../testing/fetchMock';
import type { ActivityEntry } from '../api';
import { OWNER, renderAdmin, serveAdmin } from '../testing';

const ACTIVITY = '/api/admin/activity';

function entry(id: number, overrides: Partial<ActivityEntry> = {}): ActivityEntry {
  return {
    id,
    at: '2026-12-02T09:00:00Z',
    action: 'sign_in',
    email: OWNER,
    clientAddress: '203.0.113.7',
    detail: '',
    ...overrides,
  };
}

const newest = {
  entries: [
    entry(3, { action: 'order_shipped', at: '2026-12-02T10:15:00Z', detail: 'SP-7K3M9Q: UPS 1Z999AA1' }),
    entry(2, { action: 'sign_in_failed', email: 'someone@example.com', clientAddress: '198.51.100.4' }),
  ],
  nextBefore: 2,
};
const older = { entries: [entry(1, { action: 'owner_added', clientAddress: null, detail: OWNER })], nextBefore: null };

function serve() {
  return serveAdmin([
    { path: ACTIVITY, reply: (request: RecordedRequest) => ({ body: request.query.get('before') === '2' ? older : newest }) },
  ]);
}

describe('the activity page', () => {
  it('lists who did what, when and from where, newest first, failed sign-ins too', async () => {
    serve();
    renderAdmin('/admin/activity');

    const table = await screen.findByRole('table', { name: 'Activity, newest first' });
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'When',
      'What',
      'Who',
      'From',
      'Detail',
    ]);
    const [, shipped, failed] = within(table).getAllByRole('row');
    expect(shipped).toHaveTextContent('Dec 2, 2026, 10:15 UTCMarked an order shipped');
    expect(shipped).toHaveTextContent('SP-7K3M9Q: UPS 1Z999AA1');
    expect(failed).toHaveTextContent('Sign-in failed');
    expect(failed).toHaveTextContent('someone@example.com');
    expect(failed).toHaveTextContent('198.51.100.4');
    await expectNoAxeViolations('the activity page');
  });

  it('adds older entries below when asked, until there are none', async () => {
    const network = serve();
    renderAdmin('/admin/activity');
    const user = userEvent.setup();
    const more = await screen.findByRole('button', { name: 'Show older entries' });

    await user.click(more);

    expect(await screen.findByRole('rowheader', { name: 'Owner added' })).toBeInTheDocument();
    expect(screen.getAllByRole('row')).toHaveLength(4);
    expect(screen.getByRole('row', { name: /Owner added/ })).toHaveTextContent('Command line');
    expect(network.callsTo(ACTIVITY).map((call) => call.query.get('before'))).toEqual([null, '2']);
    expect(more).toHaveTextContent('No older entries');
    expect(more).toHaveAttribute('aria-disabled', 'true');
    expect(more).toHaveFocus();
  });

  it('says when the activity could not be loaded', async () => {
    serveAdmin([{ path: ACTIVITY, reply: apiError(500, 'internal_error', 'Something went wrong on our side.') }]);
    renderAdmin('/admin/activity');

    expect(await screen.findByRole('alert')).toHaveTextContent("We couldn't load the activity");
  });
});
