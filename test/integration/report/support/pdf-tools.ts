import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The text of a PDF (poppler's pdftotext, layout kept), one string per page. */
export async function pdfPages(file: string): Promise<string[]> {
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const pages = stdout.split('\f');
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

export interface PngPage {
  file: string;
  bytes: number;
  width: number;
  height: number;
}

/** Renders every page to PNG with pdftoppm and reads each file's size and dimensions. */
export async function pdfToPngs(file: string, outDir: string, dpi = 60): Promise<PngPage[]> {
  await run('pdftoppm', ['-png', '-r', String(dpi), file, path.join(outDir, 'page')]);
  const names = (await readdir(outDir)).filter((n) => /^page-\d+\.png$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => {
      const data = await readFile(path.join(outDir, name));
      if (data.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n')
        throw new Error(`${name} is not a PNG`);
      // IHDR is the first chunk: width and height are its first two 32-bit fields.
      return {
        file: path.join(outDir, name),
        bytes: data.length,
        width: data.readUInt32BE(16),
        height: data.readUInt32BE(20),
      };
    }),
  );
}

/**
 * Reads the text off a rendered page image with Tesseract OCR (Debian's tesseract-ocr, English model):
 * proof that the PNG pages carry the report's words as pixels, not only the PDF's text layer.
 * Whitespace is collapsed so that checks do not depend on the OCR's line breaking.
 */
export async function ocrPng(file: string): Promise<string> {
  const { stdout } = await run('tesseract', [file, 'stdout', '-l', 'eng', '--psm', '3'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.replace(/\s+/g, ' ').trim();
}

/**
 * Share of dark pixels on each page (rendered in grey by pdftoppm as PGM): a page with text has ink,
 * a blank page has none. Independent of the PNG files so that their encoding needs no decoder here.
 */
export async function inkPerPage(file: string, outDir: string): Promise<number[]> {
  await run('pdftoppm', ['-gray', '-r', '30', file, path.join(outDir, 'ink')]);
  const names = (await readdir(outDir)).filter((n) => /^ink-\d+\.pgm$/.test(n)).sort();
  const shares: number[] = [];
  for (const name of names) {
    const data = await readFile(path.join(outDir, name));
    // P5 header: magic, width, height, maxval, each followed by whitespace.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(data.subarray(0, 64).toString('latin1'));
    if (!header) throw new Error(`${name} is not a binary PGM`);
    const pixels = data.subarray(header[0].length);
    let dark = 0;
    for (const p of pixels) if (p < 128) dark++;
    shares.push(dark / pixels.length);
  }
  return shares;
}
