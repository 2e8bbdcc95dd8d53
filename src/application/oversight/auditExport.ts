import { AuditEvent } from '../../domain/audit';
import { DoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { mayOverseeAll } from '../../domain/policy';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { ApiCaller } from './apiAccess';
import { TabViewer, viewerActor } from './viewers';

/** Events read from the store per page: the most an export ever holds in memory at once. */
export const AUDIT_EXPORT_PAGE_SIZE = 500;

/** The columns of the audit export, in order (README "Audit export" documents each). */
export const AUDIT_EXPORT_COLUMNS = ['at', 'requestId', 'kind', 'action', 'fromState', 'toState', 'actorType', 'actorId', 'source', 'reason', 'version'] as const;

/** One exported event: ids, codes and times, no display names (an erased request's reasons read "(erased)"). */
export type AuditExportRow = Record<(typeof AUDIT_EXPORT_COLUMNS)[number], string | number | null>;

/** The time range of an export: events with `from <= at < to`. */
export interface AuditRange {
  from: Date;
  to: Date;
}

/** An export ready to stream: the columns, and the rows, read page by page only as they are consumed. */
export interface AuditExport {
  columns: readonly string[];
  range: AuditRange;
  rows: AsyncIterable<AuditExportRow>;
}

/**
 * The audit events of a time range, for admins (and systems that act for anyone). Checked before the first row, so
 * a refusal is an answer and not a broken download; the rows are read from the store a page at a time, so a year of
 * events never sits in memory.
 */
export async function exportAuditEvents(deps: UseCaseDeps, actor: Actor, actsForAnyone: boolean, range: AuditRange): Promise<AuditExport> {
  if (!mayOverseeAll(actor, actsForAnyone)) throw new DoormanError('AUTH.NOT_PERMITTED', 'audit export');
  if (!(range.from.getTime() < range.to.getTime())) {
    throw new DoormanError('INPUT.INVALID', 'audit range', [{ field: 'to', problem: 'notAfterFrom' }]);
  }
  return { columns: AUDIT_EXPORT_COLUMNS, range, rows: eventPages(deps, range) };
}

async function* eventPages(deps: UseCaseDeps, range: AuditRange): AsyncGenerator<AuditExportRow> {
  let cursor: string | null = null;
  do {
    const page: { events: AuditEvent[]; next: string | null } = await deps.requests.auditEventsPage(range, cursor, AUDIT_EXPORT_PAGE_SIZE);
    for (const event of page.events) yield exportRow(event);
    cursor = page.next;
  } while (cursor !== null);
}

function exportRow(event: AuditEvent): AuditExportRow {
  return {
    at: event.at.toISOString(),
    requestId: event.requestId,
    kind: event.kind,
    action: event.action,
    fromState: event.fromState,
    toState: event.toState,
    actorType: event.actorType,
    actorId: event.actorId,
    source: event.source,
    reason: event.reason,
    version: event.version,
  };
}

/** The export for a REST API caller: admins' systems only (a `*` key or an Entra app). */
export function auditExportForSystem(deps: UseCaseDeps, caller: ApiCaller, range: AuditRange): Promise<AuditExport> {
  return exportAuditEvents(deps, caller.actor, caller.scope.everyone, range);
}

/** The export for a person signed in to the tab: admins only, by the roles the directory gives them. */
export async function auditExportForViewer(deps: UseCaseDeps, viewer: TabViewer, range: AuditRange): Promise<AuditExport> {
  return exportAuditEvents(deps, viewerActor(viewer, await deps.directory.rolesOf(viewer.oid)), false, range);
}
