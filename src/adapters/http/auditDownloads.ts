import { z } from 'zod';
import { AuditExport } from '../../application/oversight/auditExport';
import { StreamedTable } from './streamedExport';

/** The audit export's range: both ends required, ISO 8601 with an offset; events with `from <= at < to`. */
export const auditRangeQuery = z
  .object({ from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }) })
  .transform(({ from, to }) => ({ from: new Date(from), to: new Date(to) }));

/** An export as a download named after its range. */
export function auditDownload(found: AuditExport, extension: 'csv' | 'jsonl'): StreamedTable {
  const day = (date: Date) => date.toISOString().slice(0, 10);
  return { columns: found.columns, rows: found.rows, fileName: `doorman-audit-${day(found.range.from)}-${day(found.range.to)}.${extension}` };
}
