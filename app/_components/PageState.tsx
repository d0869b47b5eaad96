/** Loading and error placeholders shared by the pages. */

export function Loading({ what }: { what: string }) {
  return (
    <p className="page-state" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error, what }: { error: Error; what: string }) {
  return (
    <div className="page-state page-state-error" role="alert">
      <strong>Could not load {what}.</strong> {error.message}
    </div>
  );
}
