import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import fontkit from '@pdf-lib/fontkit';

export type FontBytes = { regular: Uint8Array; bold: Uint8Array };

// pdf-lib calls `fontkit.create(bytes)` for every embed, which re-parses the 700 KB TTF each time
// (about 40 ms). Handing it a fontkit whose `create` memoises by buffer identity makes a PDF ~3x faster.
const parsedFonts = new Map<Uint8Array, ReturnType<typeof fontkit.create>>();
export const cachingFontkit: typeof fontkit = {
  ...fontkit,
  create(buffer: Uint8Array, postscriptName?: string) {
    let font = parsedFonts.get(buffer);
    if (!font) {
      font = memoiseSubsets(memoiseLayout(fontkit.create(buffer, postscriptName)));
      parsedFonts.set(buffer, font);
    }
    return font;
  },
};

/**
 * pdf-lib shapes every string it draws or measures with `font.layout` (OpenType lookups: the
 * costliest step of a PDF after subsetting). The same names, addresses and labels come back
 * document after document, and a layout depends only on the text and the features, so the
 * parsed font (shared by every document, see above) keeps the recent ones. pdf-lib only reads
 * the result.
 */
function memoiseLayout(font: ReturnType<typeof fontkit.create>): ReturnType<typeof fontkit.create> {
  const layout = font.layout.bind(font) as (text: string, features?: unknown) => unknown;
  const recent = new Map<string, unknown>();
  (font as { layout: unknown }).layout = (text: unknown, features?: unknown) => {
    if (typeof text !== 'string') return layout(text as string, features);
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let run = recent.get(key);
    if (run === undefined) {
      if (recent.size >= 5_000) recent.clear();
      run = layout(text, features);
      recent.set(key, run);
    }
    return run;
  };
  return font;
}

type EncodeStream = { on(event: string, listener: (value?: unknown) => void): EncodeStream };
type Subset = { glyphs: number[]; encodeStream(): EncodeStream };

/** Most encoded subsets kept per font; a Latin subset of DejaVu Sans is ~30 KB. */
const MAX_CACHED_SUBSETS = 200;

/**
 * Every PDF embeds a subset of DejaVu, and writing a subset (copying and re-encoding the glyph, metric
 * and hinting tables) costs about as much as laying out a whole page. Documents of one kind mostly
 * use the same glyphs, and the bytes depend only on the glyph ids included (in order), so the font
 * keeps recent encodings by that list and hands pdf-lib a stream of the stored bytes.
 */
function memoiseSubsets(font: ReturnType<typeof fontkit.create>): ReturnType<typeof fontkit.create> {
  const target = font as unknown as { createSubset(): Subset };
  const createSubset = target.createSubset.bind(target);
  const encoded = new Map<string, Uint8Array>();
  target.createSubset = () => {
    const subset = createSubset();
    const encodeStream = subset.encodeStream.bind(subset);
    subset.encodeStream = () => {
      const key = subset.glyphs.join(',');
      const out = new PassThrough();
      const known = encoded.get(key);
      if (known) {
        out.end(known);
        return out as unknown as EncodeStream;
      }
      const parts: Uint8Array[] = [];
      encodeStream()
        .on('data', (chunk) => parts.push(chunk as Uint8Array))
        .on('error', (error) => out.destroy(error as Error))
        .on('end', () => {
          const bytes = Buffer.concat(parts);
          if (encoded.size >= MAX_CACHED_SUBSETS) encoded.delete(encoded.keys().next().value as string);
          encoded.set(key, bytes);
          out.end(bytes);
        });
      return out as unknown as EncodeStream;
    };
    return subset;
  };
  return font;
}

let fontBytes: Promise<FontBytes> | undefined;

/** DejaVu Sans covers Latin-1, Latin Extended-A, Greek and Cyrillic, so customer names render as sent. */
export function loadFonts(): Promise<FontBytes> {
  fontBytes ??= (async () => {
    const require = createRequire(import.meta.url);
    const regularPath = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
    const boldPath = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
    const [regular, bold] = await Promise.all([readFile(regularPath), readFile(boldPath)]);
    return { regular: new Uint8Array(regular), bold: new Uint8Array(bold) };
  })();
  return fontBytes;
}
