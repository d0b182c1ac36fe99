// Summaries of PHI findings for the chart and the per-column table. They keep types,
// locations and counts, never the found text.

/**
 * Returns the column a finding belongs to: the CSV column, or the JSON Pointer with array
 * indexes replaced by `*` (`/turns/3/text` becomes `/turns/*\/text`), or `text`.
 */
export function normalizeLocation(location = {}) {
  if (location.column !== undefined) return location.column;
  if (location.pointer !== undefined) return location.pointer.replace(/\/\d+(?=\/|$)/g, "/*") || "/";
  return "text";
}

/** Counts findings per type, largest count first. */
export function countByType(findings) {
  const counts = new Map();
  for (const finding of findings) counts.set(finding.type, (counts.get(finding.type) ?? 0) + 1);
  return [...counts.entries()].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

/** Returns `{ columns: [{ column, counts: { TYPE: n }, total }], types: [...] }`. */
export function columnTable(findings) {
  const byColumn = new Map();
  const types = new Set();
  for (const finding of findings) {
    types.add(finding.type);
    const row = byColumn.get(finding.location) ?? { column: finding.location, counts: {}, total: 0 };
    row.counts[finding.type] = (row.counts[finding.type] ?? 0) + 1;
    row.total += 1;
    byColumn.set(finding.location, row);
  }
  return { columns: [...byColumn.values()].sort((a, b) => b.total - a.total), types: [...types].sort() };
}
