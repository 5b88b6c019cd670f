/** One line for logs and dead-letter headers: the error's name, its code when it has one, and its message. */
export function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error) return `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${error.message}`;
  return String(error);
}
