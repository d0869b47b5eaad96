import type { DatasetSummaryData } from './summary-types.ts';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

function Bar({ value, max }: { value: number; max: number }) {
  return <span aria-hidden="true" style={{ display: 'inline-block', height: 8, width: `${max > 0 ? (value / max) * 120 : 0}px`, background: '#7a5af8', marginRight: 6 }} />;
}

/** Encoding notes, class balance or target histogram, and per-feature statistics of an uploaded dataset. */
export function DatasetSummaryPanel({ summary }: { summary: DatasetSummaryData }) {
  const { notes } = summary;
  const maxClass = Math.max(...(summary.classBalance ?? []).map((entry) => entry.train + entry.test), 0);
  const maxBin = Math.max(...(summary.targetHistogram?.counts ?? [0]));
  return (
    <>
      <h2>Encoding</h2>
      <ul className="small">
        <li>Format: {notes.format}{notes.delimiter ? `, delimiter ${DELIMITER_NAMES[notes.delimiter] ?? notes.delimiter}, ${notes.hasHeader ? 'with' : 'without'} header` : ''}</li>
        {notes.targetColumn && <li>Target column: {notes.targetColumn}</li>}
        {notes.scaling && <li>Scaling: {notes.scaling}</li>}
        {notes.oneHotColumns && notes.oneHotColumns.length > 0 && <li>One-hot encoded: {notes.oneHotColumns.join(', ')}</li>}
        {notes.decimalCommaColumns && notes.decimalCommaColumns.length > 0 && <li>Read with decimal commas: {notes.decimalCommaColumns.join(', ')}</li>}
        <li>Constant columns dropped: {notes.droppedConstantColumns?.length ? notes.droppedConstantColumns.join(', ') : 'none'}</li>
        {notes.missingRule && <li>Missing values: {notes.missingRule} ({notes.imputedCells ?? 0} cells imputed, {notes.droppedRows ?? 0} rows dropped)</li>}
        <li>Split: {notes.testFraction == null ? 'separate test file' : `test fraction ${notes.testFraction}, seed ${notes.splitSeed}`}</li>
        {notes.unseenTestLabels && notes.unseenTestLabels.length > 0 && <li>Classes only in the test set (confirmed): {notes.unseenTestLabels.join(', ')}</li>}
      </ul>
      {summary.classBalance && (
        <>
          <h2>Class balance</h2>
          <table className="data-table" aria-label="Class balance">
            <thead>
              <tr><th>Class</th><th>Training pool</th><th>Test set</th><th /></tr>
            </thead>
            <tbody>
              {summary.classBalance.map((entry) => (
                <tr key={entry.className}>
                  <td>{entry.className}</td><td>{entry.train}</td><td>{entry.test}</td><td><Bar value={entry.train + entry.test} max={maxClass} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {summary.targetHistogram && (
        <>
          <h2>Target histogram (training pool)</h2>
          <table className="data-table" aria-label="Target histogram">
            <thead><tr><th>From</th><th>To</th><th>Samples</th><th /></tr></thead>
            <tbody>
              {summary.targetHistogram.counts.map((count, bin) => (
                <tr key={bin}>
                  <td>{summary.targetHistogram!.edges[bin].toPrecision(4)}</td><td>{summary.targetHistogram!.edges[bin + 1].toPrecision(4)}</td><td>{count}</td><td><Bar value={count} max={maxBin} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {summary.features && (
        <>
          <h2>Features (training pool, after encoding)</h2>
          <table className="data-table" aria-label="Feature statistics">
            <thead><tr><th>Feature</th><th>Mean</th><th>Std</th><th>Min</th><th>Max</th></tr></thead>
            <tbody>
              {summary.features.map((feature) => (
                <tr key={feature.name}>
                  <td>{feature.name}</td><td>{feature.mean.toFixed(3)}</td><td>{feature.std.toFixed(3)}</td><td>{feature.min.toFixed(3)}</td><td>{feature.max.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
