/** Sends a dataset upload with XMLHttpRequest, so the form can show upload progress. */

/** Outcome of an upload: the stored dataset, or the server's error code and message. */
export type UploadOutcome =
  | { ok: true; datasetId: string; existing: boolean }
  | { ok: false; code: string; message: string };

/** Posts `files` back to back to /api/datasets/upload; `onProgress` gets the sent fraction in [0, 1]. */
export function sendUpload(
  query: Record<string, string>,
  files: Blob[],
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<UploadOutcome> {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/datasets/upload?${new URLSearchParams(query)}`);
    request.withCredentials = true;
    // The server rejects cookie-authenticated uploads without this header (cross-site request forgery check).
    request.setRequestHeader('Robustlab-Require-Preflight', '1');
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      try {
        const body = JSON.parse(request.responseText) as { dataset?: { id: string }; existing?: boolean; error?: { code: string; message: string } };
        if (body.dataset) resolve({ ok: true, datasetId: body.dataset.id, existing: body.existing === true });
        else resolve({ ok: false, code: body.error?.code ?? `HTTP_${request.status}`, message: body.error?.message ?? `Upload failed with HTTP ${request.status}.` });
      } catch {
        resolve({ ok: false, code: `HTTP_${request.status}`, message: `Upload failed with HTTP ${request.status}.` });
      }
    };
    request.onerror = () => resolve({ ok: false, code: 'NETWORK_ERROR', message: 'The upload was interrupted: the server closed the connection or is unreachable.' });
    request.onabort = () => resolve({ ok: false, code: 'CANCELLED', message: 'Upload cancelled; nothing was stored.' });
    signal?.addEventListener('abort', () => request.abort());
    request.send(new Blob(files));
  });
}

/** CSV delimiter and header detected from the first bytes of a file. */
export interface CsvPreview {
  delimiter: 'comma' | 'semicolon' | 'tab';
  hasHeader: boolean;
  columns: string[];
  rows: string[][];
  /** Numeric columns written with decimal commas ("1,5"); the server reads them as numbers in semicolon files. */
  decimalCommaColumns: string[];
}

/** Sends the first 64 KiB of a CSV file to /api/datasets/preview. */
export async function previewCsv(file: Blob): Promise<CsvPreview> {
  const response = await fetch('/api/datasets/preview', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Robustlab-Require-Preflight': '1' },
    body: file.slice(0, 64 * 1024),
  });
  const body = (await response.json()) as CsvPreview & { error?: { message: string } };
  if (!response.ok) throw new Error(body.error?.message ?? `Preview failed with HTTP ${response.status}.`);
  return body;
}
