import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { cachingFontkit, loadFonts } from './load-fonts.ts';
import { readDocumentView, type LabelledValue, type TableView } from './read-document-view.ts';

// pdf-lib compresses every stream (page content, embedded font subsets) with pako, a JavaScript
// deflate that took a third of the CPU of a PDF; Node's native zlib produces the same format several
// times faster. pdf-lib reads `deflate` off its own pako module at call time, so swapping that one
// function (on pdf-lib's instance, resolved from pdf-lib itself) is enough. If pdf-lib ever stops
// using pako, this does nothing and PDFs are only slower.
const pdfLibPako = createRequire(createRequire(import.meta.url).resolve('pdf-lib'))('pako') as { deflate: (input: Uint8Array, options?: { level?: number }) => Uint8Array };
// Level 1: a sandbox PDF a few percent larger is a better trade than compression time per request.
// The largest stream of most PDFs is the embedded font subset, which repeats from one document to the
// next (see load-fonts.ts); large inputs are remembered by hash so a repeated subset is deflated once.
const deflated = new Map<string, Uint8Array>();
const MIN_REMEMBERED_BYTES = 8 * 1024;
pdfLibPako.deflate = (input) => {
  if (input.byteLength < MIN_REMEMBERED_BYTES) return new Uint8Array(deflateSync(input, { level: 1 }));
  const key = createHash('sha1').update(input).digest('base64');
  let out = deflated.get(key);
  if (!out) {
    out = new Uint8Array(deflateSync(input, { level: 1 }));
    if (deflated.size >= 200) deflated.delete(deflated.keys().next().value as string);
    deflated.set(key, out);
  }
  // pdf-lib keeps the array it is given in the document; hand each document its own copy.
  return out.slice();
};

export type RenderDocumentPdfOptions = {
  /** Hex SHA-256 of the bytes the sandbox received; printed in the footer so a PDF can be traced to its input. */
  sha256: string;
  communicationId?: string | null;
  templateVersion?: string | null;
  generatedAt?: Date;
};

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 48;
const FOOTER_HEIGHT = 46;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const GREY = rgb(0.4, 0.4, 0.4);
const BLACK = rgb(0, 0, 0);
const RULE = rgb(0.8, 0.8, 0.8);

// Keyed by the font's real name (not the per-document PDFFont): building the set costs more than a page.
const supportedCodePoints = new Map<string, Set<number>>();
const baseFontName = (font: PDFFont): string => font.name.replace(/^[A-Z]{6}\+/, '');

/** What is drawn instead of a character the embedded font has no glyph for: visible, and plainly a stand-in. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * Replaces control characters with a space, and code points the embedded font cannot draw (which
 * would otherwise render as nothing or throw) with U+FFFD, noting each such code point in `missing`.
 */
function drawable(font: PDFFont, value: string, missing: Set<number>): string {
  const name = baseFontName(font);
  let set = supportedCodePoints.get(name);
  if (!set) {
    set = new Set(font.getCharacterSet());
    supportedCodePoints.set(name, set);
  }
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) out += ' ';
    else if (set.has(cp)) out += ch;
    else {
      missing.add(cp);
      out += REPLACEMENT_CHARACTER;
    }
  }
  return out;
}

type Layout = {
  doc: PDFDocument;
  page: PDFPage;
  y: number;
  fonts: Fonts;
};

type Fonts = { regular: PDFFont; bold: PDFFont; /** Code points of the data the font has no glyph for. */ missing: Set<number> };

function newPage(layout: Layout): void {
  layout.page = layout.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
  layout.y = PAGE_HEIGHT - MARGIN;
}

function ensureSpace(layout: Layout, height: number): boolean {
  if (layout.y - height < MARGIN + FOOTER_HEIGHT) {
    newPage(layout);
    return true;
  }
  return false;
}

// fontkit shapes text to measure it, which dominates rendering time for long tables; widths scale
// linearly with size, so one cache entry per (font, text) at size 1 serves every size.
const widthCache = new Map<string, number>();
function widthOf(font: PDFFont, value: string, size: number): number {
  // Subset fonts are named "ABCDEF+DejaVuSans" with a random tag per document; key on the real name.
  const key = `${baseFontName(font)}\u0000${value}`;
  let width = widthCache.get(key);
  if (width === undefined) {
    if (widthCache.size > 50_000) widthCache.clear();
    width = font.widthOfTextAtSize(value, 1);
    widthCache.set(key, width);
  }
  return width * size;
}

function fit(font: PDFFont, value: string, size: number, maxWidth: number, missing: Set<number>): string {
  const safe = drawable(font, value, missing);
  if (widthOf(font, safe, size) <= maxWidth) return safe;
  const chars = [...safe];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (widthOf(font, chars.slice(0, mid).join('') + '…', size) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('') + '…';
}

function drawText(layout: Layout, value: string, x: number, opts: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; maxWidth?: number; align?: 'left' | 'right' } = {}): void {
  const size = opts.size ?? 10;
  const { fonts } = layout;
  const font = opts.bold ? fonts.bold : fonts.regular;
  const content = fit(font, value, size, opts.maxWidth ?? CONTENT_WIDTH, fonts.missing);
  const width = widthOf(font, content, size);
  const drawX = opts.align === 'right' ? x - width : x;
  layout.page.drawText(content, { x: drawX, y: layout.y, size, font, color: opts.color ?? BLACK });
}

function heading(layout: Layout, value: string): void {
  ensureSpace(layout, 40);
  layout.y -= 22;
  drawText(layout, value, MARGIN, { size: 12, bold: true });
  layout.y -= 6;
  layout.page.drawLine({ start: { x: MARGIN, y: layout.y }, end: { x: PAGE_WIDTH - MARGIN, y: layout.y }, thickness: 0.5, color: RULE });
}

// Five column slots: two left-aligned text columns, three right-aligned number columns.
const COLUMNS: Array<{ x: number; width: number; align: 'left' | 'right' }> = [
  { x: MARGIN, width: 74, align: 'left' },
  { x: MARGIN + 78, width: 210, align: 'left' },
  { x: MARGIN + 330, width: 40, align: 'right' },
  { x: MARGIN + 415, width: 80, align: 'right' },
  { x: PAGE_WIDTH - MARGIN, width: 80, align: 'right' },
];

// Six slots for a ledger (statement lines): date, description, type, then debit, credit and balance.
const LEDGER_COLUMNS: Array<{ x: number; width: number; align: 'left' | 'right' }> = [
  { x: MARGIN, width: 56, align: 'left' },
  { x: MARGIN + 60, width: 192, align: 'left' },
  { x: MARGIN + 256, width: 56, align: 'left' },
  { x: MARGIN + 370, width: 56, align: 'right' },
  { x: MARGIN + 434, width: 56, align: 'right' },
  { x: PAGE_WIDTH - MARGIN, width: 60, align: 'right' },
];

const slotsFor = (columns: string[]) => (columns.length === LEDGER_COLUMNS.length ? LEDGER_COLUMNS : COLUMNS);

function tableHeader(layout: Layout, columns: string[]): void {
  layout.y -= 14;
  const slots = slotsFor(columns);
  columns.forEach((label, i) => {
    const column = slots[i];
    if (column && label) drawText(layout, label, column.x, { size: 8, bold: true, color: GREY, align: column.align, maxWidth: column.width });
  });
}

function table(layout: Layout, view: TableView): void {
  heading(layout, view.title);
  if (view.rows.length > 0) tableHeader(layout, view.columns);
  for (const row of view.rows) {
    if (ensureSpace(layout, 16)) tableHeader(layout, view.columns);
    layout.y -= 14;
    const slots = slotsFor(view.columns);
    row.forEach((cell, i) => {
      const column = slots[i];
      if (column && cell) drawText(layout, cell, column.x, { size: 9, align: column.align, maxWidth: column.width });
    });
  }
  if (view.totals.length > 0) amounts(layout, view.totals);
}

function amounts(layout: Layout, rows: LabelledValue[]): void {
  layout.y -= 4;
  for (const row of rows) {
    ensureSpace(layout, 16);
    layout.y -= 14;
    drawText(layout, row.label, PAGE_WIDTH - MARGIN - 200, { size: 10, bold: row.emphasis, maxWidth: 110 });
    drawText(layout, row.value, PAGE_WIDTH - MARGIN, { size: 10, bold: row.emphasis, align: 'right', maxWidth: 90 });
  }
}

function keyValues(layout: Layout, rows: LabelledValue[]): void {
  for (const row of rows) {
    ensureSpace(layout, 16);
    layout.y -= 14;
    drawText(layout, row.label, MARGIN, { size: 9, color: GREY, maxWidth: 130 });
    drawText(layout, row.value, MARGIN + 140, { size: 9, maxWidth: CONTENT_WIDTH - 140 });
  }
}

/**
 * DejaVu Sans (regular and bold), embedded as a subset of the glyphs the document uses, for all text:
 * every PDF carries its font, so it looks the same in every viewer, and Latin-1, Latin Extended-A,
 * Greek and Cyrillic render as sent. (An earlier version drew Latin-1 text in the standard, non-embedded
 * Helvetica to save ~2 ms per PDF; the README has the measured cost of embedding everywhere.)
 */
async function embedFonts(doc: PDFDocument): Promise<Fonts> {
  const fonts = await loadFonts();
  doc.registerFontkit(cachingFontkit);
  const regular = await doc.embedFont(fonts.regular, { subset: true });
  const bold = await doc.embedFont(fonts.bold, { subset: true });
  // Subset glyph ids follow the order glyphs are first used, and an encoded subset is reused only for the
  // same order (load-fonts.ts). Taking printable ASCII first fixes the order of the common glyphs, so most
  // documents share a subset instead of each digit order making a new one; it costs ~8 KB per PDF.
  regular.encodeText(PRINTABLE_ASCII);
  bold.encodeText(PRINTABLE_ASCII);
  return { regular, bold, missing: new Set() };
}

const PRINTABLE_ASCII = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)).join('');

/** `U+5C71 山`: the code point (readable anywhere, e.g. an HTTP header) and the character itself. */
export function describeCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${String.fromCodePoint(cp)}`;
}

/** A readable warning for characters drawn as U+FFFD: for logs and JSON answers. */
export function missingGlyphWarning(missingCharacters: string[]): string {
  return `The embedded font (DejaVu Sans) has no glyph for ${missingCharacters.join(', ')}: drawn as U+FFFD`;
}

/** The same warning in ASCII (code points only, at most 40), fit for an HTTP header. */
export function missingGlyphHeader(missingCharacters: string[]): string {
  const codes = missingCharacters.map((c) => c.split(' ')[0] ?? c);
  const shown = codes.slice(0, 40).join(' ');
  return `missing glyphs drawn as U+FFFD: ${shown}${codes.length > 40 ? ` and ${codes.length - 40} more` : ''}`;
}

export type RenderedDocumentPdf = {
  pdf: Uint8Array;
  /**
   * Characters of the data the embedded font has no glyph for, each drawn as U+FFFD, in order of code
   * point and described as `U+5C71 山`. Empty when everything rendered as sent.
   */
  missingCharacters: string[];
};

/**
 * Renders received document data as a readable PDF: what a real Exstream template would lay out,
 * minus the design. Unknown shapes degrade to fewer sections, never to an error.
 */
export async function renderDocumentPdf(data: unknown, options: RenderDocumentPdfOptions): Promise<Uint8Array> {
  return (await renderDocumentPdfWithReport(data, options)).pdf;
}

/** `renderDocumentPdf`, also saying which characters could not be drawn (see `RenderedDocumentPdf`). */
export async function renderDocumentPdfWithReport(data: unknown, options: RenderDocumentPdfOptions): Promise<RenderedDocumentPdf> {
  const view = readDocumentView(data);
  const doc = await PDFDocument.create();
  const fonts = await embedFonts(doc);
  const generatedAt = options.generatedAt ?? new Date();
  doc.setTitle(view.reference ? `${view.title} ${view.reference}` : view.title);
  doc.setAuthor(view.brand ?? 'Exstream sandbox');
  doc.setProducer('exstream-sandbox (pdf-lib)');
  doc.setCreator('exstream-sandbox');
  doc.setCreationDate(generatedAt);
  doc.setModificationDate(generatedAt);

  const layout: Layout = { doc, page: doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]), y: PAGE_HEIGHT - MARGIN, fonts };

  // Header: brand, title, reference and date.
  layout.y -= 10;
  drawText(layout, view.brand ?? '', MARGIN, { size: 11, bold: true, color: GREY, maxWidth: CONTENT_WIDTH / 2 });
  if (view.date) drawText(layout, view.date, PAGE_WIDTH - MARGIN, { size: 9, color: GREY, align: 'right', maxWidth: CONTENT_WIDTH / 2 });
  layout.y -= 28;
  drawText(layout, view.title, MARGIN, { size: 22, bold: true, maxWidth: CONTENT_WIDTH * 0.62 });
  if (view.reference) drawText(layout, `#${view.reference.replace(/^#/, '')}`, PAGE_WIDTH - MARGIN, { size: 14, bold: true, align: 'right', maxWidth: CONTENT_WIDTH * 0.36 });

  if (view.recipient) {
    heading(layout, 'Recipient');
    const rows = [view.recipient.name, view.recipient.email, view.recipient.phone].filter((v): v is string => v !== null);
    for (const row of rows) {
      layout.y -= 14;
      drawText(layout, row, MARGIN, { size: 10 });
    }
  }

  if (view.addresses.length > 0) {
    const height = 22 + 14 * Math.max(...view.addresses.map((a) => a.lines.length + 1));
    ensureSpace(layout, height + 10);
    layout.y -= 22;
    const top = layout.y;
    let bottom = top;
    view.addresses.forEach((address, i) => {
      const x = MARGIN + i * (CONTENT_WIDTH / 2);
      layout.y = top;
      drawText(layout, address.label, x, { size: 11, bold: true, maxWidth: CONTENT_WIDTH / 2 - 10 });
      for (const line of address.lines) {
        layout.y -= 13;
        drawText(layout, line, x, { size: 9.5, maxWidth: CONTENT_WIDTH / 2 - 10 });
      }
      bottom = Math.min(bottom, layout.y);
    });
    layout.y = bottom;
  }

  if (view.items) table(layout, view.items);

  if (view.shippingMethod || view.tracking.length > 0) {
    heading(layout, 'Shipping');
    if (view.shippingMethod) keyValues(layout, [{ label: 'Method', value: view.shippingMethod }]);
    for (const t of view.tracking) {
      keyValues(layout, [
        { label: 'Carrier', value: t.carrier || '—' },
        { label: 'Tracking number', value: t.number || '—' },
        ...(t.url ? [{ label: 'Tracking URL', value: t.url }] : []),
      ]);
    }
  }

  for (const t of view.tables) table(layout, t);

  for (const section of view.sections) {
    heading(layout, section.title);
    keyValues(layout, section.rows);
  }

  const pages = doc.getPages();
  const communicationId = options.communicationId ?? view.communicationId ?? '—';
  const templateVersion = options.templateVersion ?? view.templateVersion ?? '—';
  pages.forEach((page, i) => {
    const footer: Layout = { ...layout, page, y: MARGIN + 26 };
    page.drawLine({ start: { x: MARGIN, y: MARGIN + 38 }, end: { x: PAGE_WIDTH - MARGIN, y: MARGIN + 38 }, thickness: 0.5, color: RULE });
    drawText(footer, `Communication ${communicationId} · Template version ${templateVersion}`, MARGIN, { size: 7.5, color: GREY, maxWidth: CONTENT_WIDTH - 70 });
    drawText(footer, `Page ${i + 1} of ${pages.length}`, PAGE_WIDTH - MARGIN, { size: 7.5, color: GREY, align: 'right', maxWidth: 70 });
    footer.y -= 11;
    drawText(footer, `Data SHA-256 ${options.sha256}`, MARGIN, { size: 7.5, color: GREY });
    footer.y -= 11;
    drawText(footer, `Generated by the Exstream sandbox on ${generatedAt.toISOString()}`, MARGIN, { size: 7, color: GREY });
  });

  // objectsPerTick: pdf-lib otherwise yields with a timer every 50 objects, adding milliseconds of wall time per PDF.
  const pdf = await doc.save({ useObjectStreams: true, objectsPerTick: Number.POSITIVE_INFINITY });
  return { pdf, missingCharacters: [...fonts.missing].sort((a, b) => a - b).map(describeCodePoint) };
}
