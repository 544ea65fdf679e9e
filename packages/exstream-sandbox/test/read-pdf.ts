import { PDFArray, PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { OPS } from 'unpdf/pdfjs';

export async function pdfText(bytes: Uint8Array): Promise<{ text: string; totalPages: number }> {
  const { text, totalPages } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  return { text, totalPages };
}

export type PdfFontInfo = { name: string; embedded: boolean };

/** Every font pdf.js selects while drawing the pages, and whether it found the font's program in the file. */
export async function pdfJsFonts(bytes: Uint8Array): Promise<PdfFontInfo[]> {
  const doc = await getDocumentProxy(new Uint8Array(bytes));
  const fonts = new Map<string, PdfFontInfo>();
  for (let n = 1; n <= doc.numPages; n += 1) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    ops.fnArray.forEach((fn, i) => {
      if (fn !== OPS.setFont) return;
      const id = (ops.argsArray[i] as [string])[0];
      const font = page.commonObjs.get(id) as { name: string; missingFile: boolean };
      fonts.set(font.name, { name: font.name, embedded: !font.missingFile });
    });
  }
  return [...fonts.values()];
}

/** The font dictionaries of every page, read with pdf-lib: base font, subtype, and the embedded font file kind. */
export async function pdfFontDictionaries(bytes: Uint8Array): Promise<Array<{ baseFont: string; subtype: string; fontFile: string | null }>> {
  const doc = await PDFDocument.load(bytes);
  const out = new Map<string, { baseFont: string; subtype: string; fontFile: string | null }>();
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
    if (!fonts) continue;
    for (const key of fonts.keys()) {
      const font = fonts.lookup(key, PDFDict);
      const baseFont = font.lookup(PDFName.of('BaseFont'), PDFName).decodeText();
      const subtype = font.lookup(PDFName.of('Subtype'), PDFName).decodeText();
      // A composite (Type0) font keeps its descriptor on the descendant CID font.
      const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
      const holder = descendants ? descendants.lookup(0, PDFDict) : font;
      const descriptor = holder.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
      const fontFile = descriptor ? (['FontFile', 'FontFile2', 'FontFile3'].find((k) => descriptor.has(PDFName.of(k))) ?? null) : null;
      out.set(baseFont, { baseFont, subtype, fontFile });
    }
  }
  return [...out.values()];
}
