/**
 * Hands bytes made in the page to the browser as a download (a Blob URL on a temporary link): the same
 * in Electron and in browser mode, and allowed by the CSP (no data: URLs).
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
