/** What a page section says while its data loads or when it could not be loaded (the section itself carries aria-busy). */
export function QueryStatus({ query, what }: { query: { isLoading: boolean; error: Error | null }; what: string }) {
  if (query.isLoading) return <p>Loading {what}…</p>;
  if (!query.error) return null;
  return (
    <p className="error" role="alert">
      {what[0]!.toUpperCase() + what.slice(1)} could not be loaded: {query.error.message}
    </p>
  );
}
