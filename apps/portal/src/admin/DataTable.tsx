import type { ReactNode } from 'react';

/** A table with column headings (and a caption for screen readers); the caller gives the body's rows. */
export function DataTable({ caption, columns, testId, children }: { caption?: string; columns: string[]; testId?: string; children: ReactNode }) {
  return (
    <table className="data-table" data-testid={testId}>
      {caption && <caption className="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
