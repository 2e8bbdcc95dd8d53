import {
  TRAIL_PHRASES,
  UNKNOWN_PERSON,
  actorDisplayName,
  decodeSettingChanges,
  encodeSettingChanges,
  settingChangesText,
  trailLine,
} from '../../src/application/people/auditTrail';
import { AuditEvent } from '../../src/domain/audit';
import { LOCKBOX_TRANSITIONS } from '../../src/domain/lockbox';
import { SESSION_TRANSITIONS } from '../../src/domain/session';

const AT = new Date('2030-03-04T10:00:00Z');
const DANA = '00000000-0000-0000-0000-00000000d004';
const GONE = '3f2b9c1e-0000-4000-8000-00000000beef';
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function event(kind: string, action: string, actor: Pick<AuditEvent, 'actorId' | 'actorType'>, reason: string | null = null): AuditEvent {
  return { requestId: 'r1', kind, action, fromState: 'pending', toState: 'approved', ...actor, source: 'card', reason, at: AT, version: 2 };
}

const person = (id: string) => ({ actorId: id, actorType: 'person' as const });
const NAMES = new Map<string, string | null>([[DANA, 'Dana Engineer'], [GONE, null]]);
const line = (e: AuditEvent) => trailLine(e, actorDisplayName(e, NAMES)).text;

describe('trail lines', () => {
  // The side actions written outside the transition tables (grep auditEvent( in src/application).
  const sideActions = { lockbox: ['create', 'remind'], session: ['create', 'lobby.close', 'meeting.ready', 'meeting.failed', 'mail.failed'] };
  const actionsOf = {
    lockbox: [...Object.keys(LOCKBOX_TRANSITIONS), ...sideActions.lockbox],
    session: [...Object.keys(SESSION_TRANSITIONS), ...sideActions.session],
  };

  it.each(Object.entries(actionsOf))('every %s action reads as words, never as its internal name', (kind, actions) => {
    for (const action of actions) {
      expect(TRAIL_PHRASES[kind][action]).toBeDefined();
      const text = line(event(kind, action, person(DANA)));
      // camelCase and dotted names are internal; plain words ("approve") may well appear in a sentence.
      if (/[A-Z.]/.test(action)) expect(text).not.toContain(action);
      expect(text).toMatch(/^[A-Z][a-z' ]/);
    }
  });

  it('reads the examples people complained about in plain words', () => {
    expect(line(event('lockbox', 'create', person(DANA)))).toBe('Dana Engineer asked for access');
    expect(line(event('lockbox', 'confirmGrant', { actorId: 'system:dispatcher', actorType: 'system' }))).toBe('Access granted, confirmed');
    expect(line(event('lockbox', 'remind', { actorId: 'system:sweeper', actorType: 'system' }, '1 hour left'))).toBe(
      'Doorman (timer) reminded the approvers: 1 hour left to decide',
    );
    expect(line(event('lockbox', 'autoApprove', { actorId: 'system:settings', actorType: 'system' }, 'approval turned off by setting (set by Sam at 2030-03-01T08:00:00.000Z)'))).toBe(
      'Approved automatically by the approval setting',
    );
  });

  it('names a person the directory no longer knows without their object id', () => {
    const text = line(event('lockbox', 'approve', person(GONE)));
    expect(text).toBe(`${UNKNOWN_PERSON.charAt(0).toUpperCase()}${UNKNOWN_PERSON.slice(1)} approved`);
    expect(text).not.toMatch(GUID);
    // Not even looked up: still no id.
    expect(trailLine(event('lockbox', 'deny', person(GONE)), actorDisplayName(event('lockbox', 'deny', person(GONE)), new Map())).text).not.toMatch(GUID);
  });

  it('names services by their key label, and an Entra app without its id', () => {
    expect(line(event('lockbox', 'create', { actorId: 'service:Ticketing', actorType: 'service' }))).toBe('Ticketing asked for access');
    const app = line(event('lockbox', 'create', { actorId: `service:app:${GONE}`, actorType: 'service' }));
    expect(app).toBe('An app with API access asked for access');
    const key = event('lockbox', 'create', { actorId: 'service:key:4f1c', actorType: 'service' });
    expect(trailLine(key, actorDisplayName(key, new Map([['service:key:4f1c', 'Ticketing']]))).text).toBe('Ticketing asked for access');
    expect(trailLine(key, actorDisplayName(key, new Map())).text).toBe('A system with an API key asked for access');
  });

  it('quotes what a person wrote, and leaves machine reasons out', () => {
    expect(trailLine(event('lockbox', 'approve', person(DANA), 'go ahead'), 'Carl Approver').reason).toBe('go ahead');
    const setting = 'approval turned off by setting (set by Alex Admin at 2026-01-01T00:00:00.000Z)';
    expect(trailLine(event('lockbox', 'autoApprove', { actorId: 'system:settings', actorType: 'system' }, setting), 'the approval setting').reason).toBeNull();
  });

  it('quotes who added and who removed a lockbox membership: the auditor reads it in the timeline (issue 15)', () => {
    const dispatcher = { actorId: 'system:dispatcher', actorType: 'system' as const };
    expect(trailLine(event('lockbox', 'confirmGrant', dispatcher, 'membership added by Doorman'), 'Doorman').reason).toBe('membership added by Doorman');
    expect(trailLine(event('lockbox', 'end', dispatcher, 'window elapsed; membership removed by Doorman'), 'Doorman').reason).toBe('window elapsed; membership removed by Doorman');
    expect(trailLine(event('lockbox', 'reconcile', dispatcher, 'grant given up: not a member, so Doorman has nothing to remove'), 'Doorman').text).toBe(
      'The membership of the given-up grant was checked in the directory',
    );
  });

  it('reads an action no table knows as a change, not as its name', () => {
    expect(line(event('lockbox', 'teleport', person(DANA)))).toBe('Dana Engineer changed the request');
    expect(line(event('invitation', 'accept', person(DANA)))).toBe('Dana Engineer changed the request');
    expect(line(event('lockbox', 'toString', person(DANA)))).toBe('Dana Engineer changed the request');
    expect(line(event('constructor', 'create', person(DANA)))).toBe('Dana Engineer changed the request');
  });
});

describe('settings changes in words', () => {
  it('stores changes as structured JSON and reads them back', () => {
    const changes = [
      { key: 'decisionHours' as const, from: 12, to: 72 },
      { key: 'approvalRequired' as const, from: true, to: false },
    ];
    expect(decodeSettingChanges(encodeSettingChanges(changes))).toEqual(changes);
    expect(settingChangesText(encodeSettingChanges(changes))).toBe('decision time 12 h → 72 h; approval turned off: requests are approved automatically');
  });

  it('reads rows stored before structured changes ("key: a → b; …") in plain words', () => {
    expect(settingChangesText('defaultDurationMinutes: 240 → 1440')).toBe('default access 4 h → 24 h');
    expect(settingChangesText('maxDurationMinutes: 1440 → 90; leadReview: false → true; decisionHours: 12 → 72')).toBe(
      'longest access 24 h → 1 h 30 min; lead review turned on; decision time 12 h → 72 h',
    );
    expect(settingChangesText('approvalRequired: false → true')).toBe('approval turned on');
  });

  it('never shows what it cannot read as a known setting', () => {
    for (const stored of ['first', 'secretKey: a → b', '{"changes":[{"key":"constructor","from":1,"to":2}]}', '{not json', '']) {
      expect(settingChangesText(stored)).toBe('settings changed');
    }
  });
});
