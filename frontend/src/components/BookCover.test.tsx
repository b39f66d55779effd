import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { book } from '../testing/fixtures';
import { BookCover, wrapWords } from './BookCover';

const longTitle = book({
  id: 'art-of-doing-science',
  title: 'The Art of Doing Science and Engineering',
  author: 'Richard W. Hamming',
  color: '#e8e1cf',
  inkColor: '#1b1b1b',
});

describe('BookCover', () => {
  it('wraps words into lines no longer than asked, unless a single word is longer', () => {
    expect(wrapWords('Where Is My Flying Car?', 13)).toEqual(['Where Is My', 'Flying Car?']);
    expect(wrapWords('Antidisestablishmentarianism now', 10)).toEqual(['Antidisestablishmentarianism', 'now']);
  });

  it("draws the book's colours, title and author, and names itself for screen readers", () => {
    const { container } = render(<BookCover book={longTitle} />);

    const cover = screen.getByRole('img', { name: 'Cover of The Art of Doing Science and Engineering by Richard W. Hamming' });
    expect(container.querySelector('rect')).toHaveAttribute('fill', '#e8e1cf');
    const text = Array.from(cover.querySelectorAll('tspan'), (node) => node.textContent).join(' ');
    expect(text).toBe('The Art of Doing Science and Engineering RICHARD W. HAMMING');
    expect(cover.querySelector('text')).toHaveAttribute('fill', '#1b1b1b');
  });

  it('leaves the lettering off thumbnails and hides decorative covers', () => {
    const { container } = render(<BookCover book={longTitle} decorative thumbnail />);

    expect(container.querySelector('svg')).toHaveAttribute('aria-hidden', 'true');
    expect(container.querySelector('text')).toBeNull();
  });
});
