'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { previewCsv, sendUpload, type CsvPreview } from './upload-request.ts';

type Format = 'csv' | 'npy' | 'npz';

function formatOf(file: File | null): Format | null {
  const name = file?.name.toLowerCase() ?? '';
  if (name.endsWith('.npz')) return 'npz';
  if (name.endsWith('.npy')) return 'npy';
  if (name.endsWith('.csv') || name.endsWith('.tsv') || name.endsWith('.txt')) return 'csv';
  return null;
}

/** Error shown for an empty file, before anything is sent. */
function emptyFileError(file: File): { code: string; message: string } {
  return { code: 'EMPTY_FILE', message: `Invalid file ${file.name}: it is empty; choose a file with data.` };
}

/**
 * Form that uploads a CSV table or NumPy image tensors to a study. A CSV file
 * is previewed first, so the user confirms the detected delimiter and header
 * and picks the target column.
 */
export function UploadDatasetForm({ studyId }: { studyId: string }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [labels, setLabels] = useState<File | null>(null);
  const [testFile, setTestFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [name, setName] = useState('');
  const [task, setTask] = useState<'classification' | 'regression'>('classification');
  const [target, setTarget] = useState('');
  const [missing, setMissing] = useState('reject');
  const [testFraction, setTestFraction] = useState('0.2');
  const [seed, setSeed] = useState('0');
  const [confirmUnseen, setConfirmUnseen] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const abort = useRef<AbortController | null>(null);
  const format = formatOf(file);

  async function chooseFile(next: File | null) {
    setFile(next);
    setPreview(null);
    setError(null);
    if (next && !name) setName(next.name.replace(/\.[^.]+$/, ''));
    if (next && next.size === 0) {
      setError(emptyFileError(next));
      return;
    }
    if (next && formatOf(next) === 'csv') {
      try {
        const detected = await previewCsv(next);
        setPreview(detected);
        setTarget(detected.columns[detected.columns.length - 1] ?? '');
      } catch (caught) {
        setError({ code: 'PREVIEW_FAILED', message: (caught as Error).message });
      }
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !format) return;
    if (file.size === 0) return setError(emptyFileError(file));
    // Without a preview there is no target column; the preview's error stays on screen.
    if (format === 'csv' && !preview) return;
    const query: Record<string, string> = { studyId, name: name || file.name, format, task, testFraction, seed, missing, confirmUnseenLabels: String(confirmUnseen) };
    const files: Blob[] = [file];
    if (format === 'csv' && preview) Object.assign(query, { target, delimiter: preview.delimiter, header: String(preview.hasHeader) });
    if (format === 'csv' && testFile) {
      files.push(testFile);
      query.testBytes = String(testFile.size);
    }
    if (format === 'npy') {
      if (!labels) return setError({ code: 'MISSING_LABELS', message: 'Choose the labels file (.npy or .csv) of the inputs.' });
      files.push(labels);
      query.inputBytes = String(file.size);
      query.labelsFormat = labels.name.toLowerCase().endsWith('.csv') ? 'csv' : 'npy';
    }
    setError(null);
    setProgress(0);
    abort.current = new AbortController();
    const outcome = await sendUpload(query, files, setProgress, abort.current.signal);
    abort.current = null;
    if (outcome.ok) {
      router.push(`/datasets/${outcome.datasetId}`);
      return;
    }
    setProgress(null);
    setError({ code: outcome.code, message: outcome.message });
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  return (
    <form className="form-stack" onSubmit={submit} aria-label="Upload dataset">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/studies/${studyId}`}>Study</Link> <span aria-hidden="true">/</span> Upload dataset
      </nav>
      <h1>Upload dataset</h1>
      <p className="muted">CSV for tabular classification or regression, NumPy .npy inputs (N×H×W or N×H×W×C, float32 or uint8) with labels, or an .npz with both.</p>
      <label className="field">
        <span>File</span>
        <input type="file" accept=".csv,.tsv,.txt,.npy,.npz" onChange={(event) => void chooseFile(event.target.files?.[0] ?? null)} />
      </label>
      {file && !format && <p className="error-text" role="alert">Unsupported file {file.name}: expected .csv, .npy or .npz.</p>}
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(event) => setName(event.target.value)} maxLength={200} />
      </label>
      <label className="field">
        <span>Task</span>
        <select value={task} onChange={(event) => setTask(event.target.value as typeof task)}>
          <option value="classification">Classification</option>
          <option value="regression">Regression</option>
        </select>
      </label>
      {format === 'csv' && preview && <CsvOptions preview={preview} onChange={setPreview} target={target} onTarget={setTarget} missing={missing} onMissing={setMissing} />}
      {format === 'csv' && (
        <label className="field">
          <span>Separate test file (optional)</span>
          <input type="file" accept=".csv,.tsv,.txt" onChange={(event) => setTestFile(event.target.files?.[0] ?? null)} />
        </label>
      )}
      {format === 'npy' && (
        <label className="field">
          <span>Labels file (.npy or .csv)</span>
          <input type="file" accept=".npy,.csv" onChange={(event) => setLabels(event.target.files?.[0] ?? null)} />
        </label>
      )}
      <div className="field-grid">
        <label className="field">
          <span>Test fraction</span>
          <input type="number" min="0.01" max="0.99" step="0.01" value={testFraction} onChange={(event) => setTestFraction(event.target.value)} disabled={Boolean(testFile)} />
        </label>
        <label className="field">
          <span>Split seed</span>
          <input type="number" min="0" step="1" value={seed} onChange={(event) => setSeed(event.target.value)} disabled={Boolean(testFile)} />
        </label>
      </div>
      <label className="checkbox-row">
        <input type="checkbox" checked={confirmUnseen} onChange={(event) => setConfirmUnseen(event.target.checked)} /> Keep class labels that occur only in the test set
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error.message} <span className="muted small">({error.code})</span>
        </p>
      )}
      {progress !== null && (
        <div className="progress">
          <div className="progress-label">
            <span id="upload-progress-label">Upload progress</span>
            <span className="progress-figures">{percent}%{percent === 100 ? ' · validating and storing' : ''}</span>
          </div>
          <div className="progress-track" role="progressbar" aria-labelledby="upload-progress-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <div className="progress-fill progress-running" style={{ width: `${percent}%` }} />
          </div>
        </div>
      )}
      <div className="form-actions">
        <button className="button button-primary" type="submit" disabled={!file || !format || progress !== null}>
          Upload
        </button>
        {progress !== null && (
          <button className="button" type="button" onClick={() => abort.current?.abort()}>
            Cancel upload
          </button>
        )}
      </div>
    </form>
  );
}

function CsvOptions(props: {
  preview: CsvPreview;
  onChange: (preview: CsvPreview) => void;
  target: string;
  onTarget: (target: string) => void;
  missing: string;
  onMissing: (missing: string) => void;
}) {
  const { preview } = props;
  return (
    <section className="form-section" aria-label="CSV format">
      <p className="muted small">Detected from the first bytes of the file; correct them if they are wrong.</p>
      <div className="field-grid">
        <label className="field">
          <span>Delimiter</span>
          <select value={preview.delimiter} onChange={(event) => props.onChange({ ...preview, delimiter: event.target.value as CsvPreview['delimiter'] })}>
            <option value="comma">Comma</option>
            <option value="semicolon">Semicolon</option>
            <option value="tab">Tab</option>
          </select>
        </label>
        <label className="checkbox-row">
          <input type="checkbox" checked={preview.hasHeader} onChange={(event) => props.onChange({ ...preview, hasHeader: event.target.checked })} /> First row is a header
        </label>
        <label className="field">
          <span>Target column</span>
          <select value={props.target} onChange={(event) => props.onTarget(event.target.value)}>
            {preview.columns.map((column) => (
              <option key={column} value={column}>
                {column}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Missing values</span>
          <select value={props.missing} onChange={(event) => props.onMissing(event.target.value)}>
            <option value="reject">Reject the file</option>
            <option value="drop">Drop rows with a missing value</option>
            <option value="mean">Impute the mean (mode for text)</option>
            <option value="median">Impute the median (mode for text)</option>
            <option value="mode">Impute the most frequent value</option>
          </select>
        </label>
      </div>
      {preview.delimiter === 'semicolon' && preview.decimalCommaColumns.length > 0 && (
        <p className="notice" role="status">
          Decimal commas detected: {preview.decimalCommaColumns.join(', ')} will be read as numbers (&quot;1,5&quot; is 1.5).
        </p>
      )}
      <table className="data-table" aria-label="CSV preview">
        <thead>
          <tr>
            {preview.columns.map((column) => (
              <th key={column}>{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.slice(0, 5).map((row, index) => (
            <tr key={index}>
              {row.map((cell, column) => (
                <td key={column}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
