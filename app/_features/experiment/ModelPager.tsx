type ModelPagerProps = {
  /** Rank of the first model on the page, 0-based. */
  offset: number;
  /** Number of models on the page. */
  pageCount: number;
  total: number;
  loading: boolean;
  /** Null when there is no page in that direction. */
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
};

/** Position of the models table's page in the ranking, with buttons to the previous and next page. */
export function ModelPager({ offset, pageCount, total, loading, onPrevious, onNext }: ModelPagerProps) {
  if (!onPrevious && !onNext) return null;

  return (
    <nav className="pager" aria-label="Model pages">
      <p className="muted small">
        Showing models {pageCount === 0 ? 0 : offset + 1}-{offset + pageCount} of {total}.
      </p>
      <button type="button" disabled={!onPrevious || loading} onClick={() => onPrevious?.()}>
        Previous
      </button>{' '}
      <button type="button" disabled={!onNext || loading} onClick={() => onNext?.()}>
        Next
      </button>
    </nav>
  );
}
