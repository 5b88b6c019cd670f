// The printed report: one table of rows { phase, name, measured, target, met } with the columns
// measured / target / met (met: yes, NO, or blank where there is no target or nothing was measured).

const metText = (met) => (met === true ? 'yes' : met === false ? 'NO' : '');

export function renderTable(rows) {
  const header = { phase: 'phase', name: 'measurement', measured: 'measured', target: 'target', met: 'met' };
  const cells = [header, ...rows.map((r) => ({ ...r, met: metText(r.met), target: r.target ?? '' }))];
  const columns = ['phase', 'name', 'measured', 'target', 'met'];
  const width = Object.fromEntries(columns.map((c) => [c, Math.max(...cells.map((r) => String(r[c]).length))]));
  const line = (r) => columns.map((c) => String(r[c]).padEnd(width[c])).join(' │ ');
  const rule = columns.map((c) => '─'.repeat(width[c])).join('─┼─');
  const out = [line(header), rule];
  let previousPhase;
  for (const row of cells.slice(1)) {
    if (previousPhase !== undefined && row.phase !== previousPhase) out.push(rule);
    out.push(line({ ...row, phase: row.phase === previousPhase ? '' : row.phase }));
    previousPhase = row.phase;
  }
  return out.join('\n');
}

/** "201 ×12, 409 SLOT_UNAVAILABLE ×3" */
export const countsText = (counts) =>
  Object.entries(counts)
    .map(([key, n]) => `${key} ×${n}`)
    .join(', ') || 'none';
