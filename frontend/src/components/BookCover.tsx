import type { Book } from '../lib/api';

type CoverBook = Pick<Book, 'id' | 'title' | 'author' | 'color' | 'inkColor'>;

interface BookCoverProps {
  book: CoverBook;
  /** When the title is printed next to the cover, hide the cover from screen readers. */
  decorative?: boolean;
  /** Thumbnails are too small to read: colour, rules and motif only, no lettering. */
  thumbnail?: boolean;
  className?: string;
}

const WIDTH = 200;
const HEIGHT = 300;
const MARGIN = 18;

/** Greedy word wrap; good enough for book titles, which are short. */
export function wrapWords(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length > maxChars && line) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Picks the largest title size whose wrapped lines fit the cover. */
function titleLayout(title: string): { size: number; lines: string[] } {
  for (const [size, maxChars] of [
    [22, 13],
    [19, 15],
    [16, 18],
  ] as const) {
    const lines = wrapWords(title, maxChars);
    if (lines.length <= 4) return { size, lines };
  }
  return { size: 14, lines: wrapWords(title, 21) };
}

/** A small stable number from the book id (FNV-1a), so each cover gets its own motif. */
function seedOf(id: string): number {
  let hash = 0x811c9dc5;
  for (const char of id) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function Motif({ seed, ink }: { seed: number; ink: string }) {
  const cx = WIDTH / 2;
  const cy = 196;
  switch (seed % 6) {
    case 0:
      return (
        <g fill="none" stroke={ink} strokeWidth="0.8" opacity="0.55">
          {[14, 26, 38, 50].map((r) => (
            <circle key={r} cx={cx} cy={cy} r={r} />
          ))}
        </g>
      );
    case 1:
      return (
        <g stroke={ink} strokeWidth="0.8" opacity="0.55">
          {Array.from({ length: 9 }, (_, i) => (
            <line key={i} x1={MARGIN + i * 18} y1={150} x2={MARGIN + 30 + i * 18} y2={240} />
          ))}
        </g>
      );
    case 2:
      return (
        <g fill={ink} opacity="0.5">
          {Array.from({ length: 35 }, (_, i) => (
            <circle key={i} cx={52 + (i % 7) * 16} cy={160 + Math.floor(i / 7) * 16} r={1.6} />
          ))}
        </g>
      );
    case 3:
      return (
        <g stroke={ink} strokeWidth="0.8" opacity="0.55">
          {Array.from({ length: 8 }, (_, i) => (
            <line key={i} x1={MARGIN} y1={156 + i * 11} x2={WIDTH - MARGIN - i * 14} y2={156 + i * 11} />
          ))}
        </g>
      );
    case 4:
      return (
        <g fill="none" stroke={ink} strokeWidth="0.8" opacity="0.6">
          <rect x={cx - 44} y={cy - 44} width={88} height={88} transform={`rotate(45 ${cx} ${cy})`} />
          <rect x={cx - 26} y={cy - 26} width={52} height={52} transform={`rotate(45 ${cx} ${cy})`} />
          <circle cx={cx} cy={cy} r={4} fill={ink} />
        </g>
      );
    default:
      return (
        <g fill="none" stroke={ink} strokeWidth="0.8" opacity="0.6">
          <path d={`M ${cx - 48} ${cy + 30} A 48 48 0 0 1 ${cx + 48} ${cy + 30} Z`} />
          <line x1={MARGIN} y1={cy + 30} x2={WIDTH - MARGIN} y2={cy + 30} />
        </g>
      );
  }
}

/**
 * A cover drawn from the book's data: its own colour, the title in a strong serif,
 * the author, a thin rule and a simple geometric motif.
 */
export function BookCover({ book, decorative = false, thumbnail = false, className }: BookCoverProps) {
  const { size, lines } = titleLayout(book.title);
  const authorLines = wrapWords(book.author.toUpperCase(), 24);
  const authorTop = HEIGHT - MARGIN - 8 - (authorLines.length - 1) * 13;
  const a11y = decorative
    ? { 'aria-hidden': true as const }
    : { role: 'img', 'aria-label': `Cover of ${book.title} by ${book.author}` };

  return (
    <svg
      className={className}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      xmlns="http://www.w3.org/2000/svg"
      focusable="false"
      {...a11y}
    >
      <rect width={WIDTH} height={HEIGHT} fill={book.color} />
      <line
        x1={MARGIN}
        y1={MARGIN + 4}
        x2={WIDTH - MARGIN}
        y2={MARGIN + 4}
        stroke={book.inkColor}
        strokeWidth="0.8"
      />
      {!thumbnail && (
        <text
          x={MARGIN}
          y={MARGIN + 14 + size}
          fill={book.inkColor}
          fontFamily="Georgia, 'Iowan Old Style', 'Times New Roman', serif"
          fontWeight="700"
          fontSize={size}
        >
          {lines.map((line, index) => (
            <tspan key={index} x={MARGIN} dy={index === 0 ? 0 : size * 1.15}>
              {line}
            </tspan>
          ))}
        </text>
      )}
      <Motif seed={seedOf(book.id)} ink={book.inkColor} />
      <line
        x1={MARGIN}
        y1={authorTop - 20}
        x2={MARGIN + 28}
        y2={authorTop - 20}
        stroke={book.inkColor}
        strokeWidth="0.8"
      />
      {!thumbnail && (
        <text
          x={MARGIN}
          y={authorTop}
          fill={book.inkColor}
          fontFamily="system-ui, -apple-system, 'Segoe UI', sans-serif"
          fontSize="10"
          letterSpacing="1.2"
        >
          {authorLines.map((line, index) => (
            <tspan key={index} x={MARGIN} dy={index === 0 ? 0 : 13}>
              {line}
            </tspan>
          ))}
        </text>
      )}
    </svg>
  );
}
