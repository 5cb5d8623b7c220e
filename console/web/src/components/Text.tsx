/** Text from alert annotations and findings, with `command` spans shown as code. */
export function WithCode({ text }: { text: string }) {
  const parts = text.split('`');
  return <>{parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : p))}</>;
}

export function Updated({ at, error }: { at: Date | undefined; error: string | undefined }) {
  return (
    <p class="updated">
      {at ? (
        <>
          Updated at <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>
        </>
      ) : (
        'Loading…'
      )}
      {error && at && (
        <span class="stale" role="status">
          {' '}
          — could not refresh: {error}
        </span>
      )}
    </p>
  );
}
