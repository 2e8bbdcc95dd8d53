import { AssistAction, AssistSideCommand } from '../../domain/assist';
import { AuditEvent } from '../../domain/audit';
import { LockboxAction, LockboxRequest } from '../../domain/lockbox';
import { SessionAction } from '../../domain/session';
import { Directory, LockboxSettings } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** Audit actions outside a kind's transition table: the creation, and side events that change no state. */
type LockboxSideAction = 'create' | 'remind' | 'escalate' | 'reconcile' | 'delivery.failed' | 'delivery.reached' | 'erase';
type SessionSideAction = 'create' | 'lobby.close' | 'meeting.ready' | 'meeting.failed' | 'mail.failed' | 'delivery.failed' | 'delivery.reached' | 'erase';

/** How one action reads in a trail; `quotesReason` when the event's reason is what a person wrote. */
interface TrailPhrase {
  says(actor: string): string;
  quotesReason?: boolean;
}

// Records over the action unions: the compiler insists on a phrase for every action added to a transition table.
const LOCKBOX_PHRASES: Readonly<Record<LockboxAction | LockboxSideAction, TrailPhrase>> = {
  create: { says: (actor) => `${actor} asked for access` },
  passReview: { says: (actor) => `${actor} passed the review; approvers decide now`, quotesReason: true },
  approve: { says: (actor) => `${actor} approved`, quotesReason: true },
  // The reason of an automatic approval repeats the setting with a machine timestamp; the phrase says it all.
  autoApprove: { says: (actor) => `approved automatically by ${actor}` },
  deny: { says: (actor) => `${actor} denied`, quotesReason: true },
  cancel: { says: (actor) => `${actor} cancelled the request`, quotesReason: true },
  expire: { says: () => 'expired: nobody decided in time' },
  remind: { says: (actor) => `${actor} reminded the approvers: 1 hour left to decide` },
  escalate: { says: () => 'nobody decided in time: backup approvers added and told', quotesReason: true },
  'delivery.failed': { says: () => 'a card or message about this request could not be delivered' },
  'delivery.reached': { says: () => 'a card about this request reached someone who had not been told' },
  // The reasons of the grant, its end and a reconcile say who added and who removed the membership (the auditor asks).
  confirmGrant: { says: () => 'access granted, confirmed', quotesReason: true },
  failGrant: { says: () => 'the grant failed; access was not given', quotesReason: true },
  resolve: { says: (actor) => `${actor} marked the work done; access is being removed`, quotesReason: true },
  revoke: { says: (actor) => `${actor} revoked access; access is being removed`, quotesReason: true },
  elapse: { says: () => 'the access window ended; access is being removed' },
  end: { says: () => 'access ended, confirmed', quotesReason: true },
  reconcile: { says: () => 'the membership of the given-up grant was checked in the directory', quotesReason: true },
  erase: { says: (actor) => `${actor} erased the personal data; names read as a pseudonym` },
};

const SESSION_PHRASES: Readonly<Record<SessionAction | SessionSideAction, TrailPhrase>> = {
  create: { says: (actor) => `${actor} created the request and its link` },
  arrive: { says: () => 'the customer arrived and entered a name' },
  allow: { says: () => 'the customer allowed access' },
  refuse: { says: () => 'the customer refused access' },
  leave: { says: () => 'the customer left' },
  admit: { says: (actor) => `${actor} admitted the customer` },
  deny: { says: (actor) => `${actor} denied the customer`, quotesReason: true },
  close: { says: (actor) => `${actor} closed the request`, quotesReason: true },
  reopen: { says: (actor) => `${actor} reopened the request with a new link` },
  assign: { says: (actor) => `${actor} changed who has the request` },
  rebind: { says: (actor) => `${actor} released the link so the customer can switch device` },
  reach: { says: () => 'Doorman tried to reach the assignee', quotesReason: true },
  expire: { says: () => 'the link expired before anyone connected' },
  'lobby.close': { says: () => 'the meeting lobby closed again' },
  'meeting.ready': { says: () => 'the meeting is ready' },
  'meeting.failed': { says: () => "the Teams meeting could not be made; the portal's room is used instead" },
  'mail.failed': { says: () => 'the invitation mail was not sent' },
  'delivery.failed': { says: () => 'a card or message about this request could not be delivered' },
  'delivery.reached': { says: () => 'a card about this request reached someone who had not been told' },
  erase: { says: (actor) => `${actor} erased the personal data; names read as a pseudonym` },
};

const ASSIST_PHRASES: Readonly<Record<AssistAction | AssistSideCommand['action'] | 'create' | 'erase', TrailPhrase>> = {
  create: { says: (actor) => `${actor} asked for help` },
  accept: { says: (actor) => `${actor} accepted and wants to connect` },
  decline: { says: (actor) => `${actor} declined the request` },
  allowControl: { says: (actor) => `${actor} allowed the helper to connect and take control` },
  refuseControl: { says: (actor) => `${actor} refused control`, quotesReason: true },
  connect: { says: () => 'the meeting for the two of them is ready' },
  cancel: { says: (actor) => `${actor} cancelled the request` },
  close: { says: (actor) => `${actor} closed the request`, quotesReason: true },
  expire: { says: () => 'expired', quotesReason: true },
  restartDevice: { says: (actor) => `${actor} restarted the device`, quotesReason: true },
  syncDevice: { says: (actor) => `${actor} synced the device with Intune`, quotesReason: true },
  'device.started': { says: () => 'the device service took the action', quotesReason: true },
  'device.result': { says: () => 'the device action reported its status', quotesReason: true },
  'delivery.failed': { says: () => 'a card or message about this request could not be delivered' },
  'delivery.reached': { says: () => 'a card about this request reached someone who had not been told' },
  erase: { says: (actor) => `${actor} erased the personal data; names read as a pseudonym` },
};

/** The phrase table of each kind (tests check that every action of every kind reads as words). */
export const TRAIL_PHRASES: Readonly<Record<string, Readonly<Record<string, TrailPhrase>>>> = {
  lockbox: LOCKBOX_PHRASES,
  session: SESSION_PHRASES,
  assist: ASSIST_PHRASES,
};

/** Who a person the directory no longer knows is, in a trail: never their object id. */
export const UNKNOWN_PERSON = 'someone no longer in the directory';

/** One line of an audit trail as people read it. */
export interface TrailLine {
  at: Date;
  /** "Dana Engineer asked for access", "Access granted, confirmed"; plain text, not yet escaped for markdown. */
  text: string;
  /** What the person wrote with the action (an approver's comment), or null. */
  reason: string | null;
}

/**
 * How an audit event reads: a phrase per kind and action with the actor's display name. An action no table knows
 * (a future kind read by an older instance) reads as a change, never as its internal name.
 */
export function trailLine(event: AuditEvent, actorName: string): TrailLine {
  // Own keys only: an action named "toString" must not find Object.prototype's members.
  const table = Object.prototype.hasOwnProperty.call(TRAIL_PHRASES, event.kind) ? TRAIL_PHRASES[event.kind] : {};
  const phrase = Object.prototype.hasOwnProperty.call(table, event.action) ? table[event.action] : undefined;
  const text = phrase ? phrase.says(actorName) : `${actorName} changed the request`;
  return { at: event.at, text: sentence(text), reason: phrase?.quotesReason && event.reason ? event.reason : null };
}

/**
 * The name an actor is shown by: a person's display name from the directory, "the customer", Doorman itself for the
 * sweeper and the dispatcher, the approval setting, or a service's API key label. Never an object id.
 */
export function actorDisplayName(event: Pick<AuditEvent, 'actorId' | 'actorType'>, people: ReadonlyMap<string, string | null>): string {
  switch (event.actorType) {
    case 'person':
      return people.get(event.actorId) ?? UNKNOWN_PERSON;
    case 'customer':
      return 'the customer';
    case 'system':
      return SYSTEM_NAMES[event.actorId] ?? 'Doorman';
    case 'service': {
      // API keys act as `key:<id>` and are shown by their admin-chosen label (looked up like a person's name).
      const label = people.get(event.actorId);
      return label ?? serviceName(event.actorId.replace(/^service:/, ''), null);
    }
  }
}

/**
 * How people know a system that called the REST API (`key:<id>` or `app:<Entra client id>`): an API key by its
 * label; an Entra app by what it is, since its client id is a GUID nobody reads and Doorman may not read app names.
 * Older rows carry a label itself, shown as is.
 */
export function serviceName(client: string, keyLabel: string | null): string {
  if (keyLabel) return keyLabel;
  if (client.startsWith('key:')) return 'a system with an API key';
  return client.startsWith('app:') || client === '' ? 'an app with API access' : client;
}

const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  'system:sweeper': 'Doorman (timer)',
  'system:dispatcher': 'Doorman',
  'system:settings': 'the approval setting',
  'system:retention': 'Doorman (retention setting)',
};

/** Looks up the display name of each person id, each once; null for people the directory does not know. */
export async function displayNames(directory: Directory, personIds: Iterable<string>): Promise<Map<string, string | null>> {
  const unique = [...new Set(personIds)];
  const names = await Promise.all(unique.map((id) => directory.displayName(id)));
  return new Map(unique.map((id, index) => [id, names[index]]));
}

/**
 * The names of people in one request: the directory's, or once the request is erased its pseudonym for every one of
 * them (the directory would give the real name back for the same object id).
 */
export async function namesInRequest(directory: Directory, request: { erasedAs?: string }, personIds: Iterable<string>): Promise<Map<string, string | null>> {
  const { erasedAs } = request;
  if (erasedAs !== undefined) return new Map([...new Set(personIds)].map((id) => [id, erasedAs]));
  return displayNames(directory, personIds);
}

/** The trail of each lockbox request, newest events last, with actors named (the `requests` command). */
export async function lockboxTrails(
  deps: UseCaseDeps,
  requests: readonly LockboxRequest[],
): Promise<{ request: LockboxRequest; trail: TrailLine[] }[]> {
  const eventsOf = await Promise.all(requests.map((request) => deps.requests.eventsOf(request.id)));
  const people = await displayNames(deps.directory, eventsOf.flat().filter((event) => event.actorType === 'person').map((event) => event.actorId));
  if (eventsOf.flat().some((event) => event.actorId.startsWith('service:key:'))) {
    for (const [client, label] of await apiKeyLabels(deps)) people.set(`service:${client}`, label);
  }
  return requests.map((request, index) => ({
    request,
    trail: eventsOf[index].map((event) => trailLine(event, actorDisplayName(event, people))),
  }));
}

/** The trail of each request of any kind, actors named (the `requests` command's assistance list). */
export async function requestTrails<R extends { id: string }>(deps: UseCaseDeps, requests: readonly R[]): Promise<{ request: R; trail: TrailLine[] }[]> {
  const eventsOf = await Promise.all(requests.map((request) => deps.requests.eventsOf(request.id)));
  const people = await displayNames(deps.directory, eventsOf.flat().filter((event) => event.actorType === 'person').map((event) => event.actorId));
  return requests.map((request, index) => ({ request, trail: eventsOf[index].map((event) => trailLine(event, actorDisplayName(event, people))) }));
}

/** Each API key's admin-chosen label, by the client id it acts as (`key:<id>`): how people know the system that asked. */
export async function apiKeyLabels(deps: Pick<UseCaseDeps, 'apiKeys'>): Promise<Map<string, string>> {
  return new Map((await deps.apiKeys.listApiKeys()).map((key) => [`key:${key.id}`, key.name]));
}

/** The lockbox settings people can change, as stored in the settings history. */
type SettingKey = keyof Omit<LockboxSettings, 'updatedBy' | 'updatedAt' | 'permissionProfiles' | 'scopes' | 'backupApproverIds'>;

/** One changed setting: which, from what, to what. */
export interface SettingChange {
  key: SettingKey;
  from: boolean | number;
  to: boolean | number;
}

const SETTING_PHRASES: Readonly<Record<SettingKey, (change: SettingChange) => string>> = {
  approvalRequired: (change) => (change.to ? 'approval turned on' : 'approval turned off: requests are approved automatically'),
  leadReview: (change) => (change.to ? 'lead review turned on' : 'lead review turned off'),
  defaultDurationMinutes: (change) => `default access ${durationText(Number(change.from))} → ${durationText(Number(change.to))}`,
  maxDurationMinutes: (change) => `longest access ${durationText(Number(change.from))} → ${durationText(Number(change.to))}`,
  decisionHours: (change) => `decision time ${change.from} h → ${change.to} h`,
  assistUnansweredHours: (change) => `assistance unanswered after ${change.from} h → ${change.to} h`,
  assistAllowMinutes: (change) => `time to allow control ${durationText(Number(change.from))} → ${durationText(Number(change.to))}`,
  escalationHours: (change) => (Number(change.to) === 0 ? 'escalation turned off' : `escalation to backup approvers after ${change.to} h`),
  retentionDays: (change) => `personal data kept ${change.from} → ${change.to} days after a request ended`,
};

const SETTING_KEYS = Object.keys(SETTING_PHRASES) as SettingKey[];

/** Backup approvers added to or removed from the settings list, named as they were when saved. */
export interface BackupApproversChange {
  added: string[];
  removed: string[];
}

/** How a settings change is stored: JSON with the changed keys and their old and new values (and backup approvers). */
export function encodeSettingChanges(changes: readonly SettingChange[], backupApprovers?: BackupApproversChange): string {
  return JSON.stringify(backupApprovers ? { changes, backupApprovers } : { changes });
}

function backupApproversText(stored: string): string | null {
  if (!stored.trimStart().startsWith('{')) return null;
  try {
    const change = (JSON.parse(stored) as { backupApprovers?: Partial<BackupApproversChange> }).backupApprovers;
    const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter((name): name is string => typeof name === 'string') : []);
    if (!change) return null;
    const parts = [
      ...(names(change.added).length > 0 ? [`added ${names(change.added).join(', ')}`] : []),
      ...(names(change.removed).length > 0 ? [`removed ${names(change.removed).join(', ')}`] : []),
    ];
    return parts.length > 0 ? `backup approvers: ${parts.join(', ')}` : null;
  } catch {
    return null;
  }
}

/**
 * Reads a stored settings change: the JSON of encodeSettingChanges, or an older row's "key: a → b; …" text.
 * Whatever cannot be read as a known setting is left out (null when nothing could be read).
 */
export function decodeSettingChanges(stored: string): SettingChange[] | null {
  const changes = stored.trimStart().startsWith('{') ? fromJson(stored) : fromLegacyText(stored);
  return changes.length > 0 ? changes : null;
}

function fromJson(stored: string): SettingChange[] {
  try {
    const parsed = JSON.parse(stored) as { changes?: unknown };
    if (!Array.isArray(parsed.changes)) return [];
    return parsed.changes.flatMap((item: unknown) => {
      const change = item as Partial<SettingChange>;
      return isSettingKey(change.key) && isSettingValue(change.from) && isSettingValue(change.to)
        ? [{ key: change.key, from: change.from, to: change.to }]
        : [];
    });
  } catch {
    return [];
  }
}

// Rows written before structured changes: "defaultDurationMinutes: 240 → 1440; approvalRequired: true → false".
function fromLegacyText(stored: string): SettingChange[] {
  return stored.split(';').flatMap((part) => {
    const match = /^\s*(\w+):\s*(\S+)\s*→\s*(\S+)\s*$/.exec(part);
    if (!match || !isSettingKey(match[1])) return [];
    const from = legacyValue(match[2]);
    const to = legacyValue(match[3]);
    return from === null || to === null ? [] : [{ key: match[1], from, to }];
  });
}

function legacyValue(text: string): boolean | number | null {
  if (text === 'true' || text === 'false') return text === 'true';
  return /^-?\d+$/.test(text) ? Number(text) : null;
}

function isSettingKey(value: unknown): value is SettingKey {
  return typeof value === 'string' && (SETTING_KEYS as string[]).includes(value);
}

function isSettingValue(value: unknown): value is boolean | number {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** An access scope added or removed in `settings`, as the history names it. */
export interface ScopeChange {
  scope: 'added' | 'removed';
  id: string;
  name: string;
}

/** How a scope change is stored in the settings history. */
export function encodeScopeChange(change: ScopeChange): string {
  return JSON.stringify({ scopeChange: change });
}

function scopeChangeText(stored: string): string | null {
  if (!stored.trimStart().startsWith('{')) return null;
  try {
    const change = (JSON.parse(stored) as { scopeChange?: Partial<ScopeChange> }).scopeChange;
    if (!change || (change.scope !== 'added' && change.scope !== 'removed') || typeof change.id !== 'string' || typeof change.name !== 'string') return null;
    return `access scope ${change.name} (${change.id}) ${change.scope}`;
  } catch {
    return null;
  }
}

/** A stored settings change in plain words: "decision time 12 h → 72 h; approval turned off: …". */
export function settingChangesText(stored: string): string {
  const scope = scopeChangeText(stored) ?? profileChangeText(stored);
  if (scope !== null) return scope;
  const changes = decodeSettingChanges(stored);
  const backups = backupApproversText(stored);
  const phrases = [...(changes ?? []).map((change) => SETTING_PHRASES[change.key](change)), ...(backups ? [backups] : [])];
  return phrases.length > 0 ? phrases.join('; ') : 'settings changed';
}

/** One line of the settings history as people read it. */
export interface SettingsHistoryLine {
  at: Date;
  /** Who changed it: a display name, never an object id. */
  actor: string;
  /** What changed, in plain words. */
  change: string;
}

/** How many recent changes the settings card lists. */
export const SETTINGS_HISTORY_LENGTH = 5;

/** The newest settings changes, newest first, with the admin's display name and plain phrases. */
export async function settingsHistory(deps: UseCaseDeps): Promise<SettingsHistoryLine[]> {
  const recent = (await deps.lockboxSettings.settingsEvents())
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, SETTINGS_HISTORY_LENGTH);
  // Settings are changed by admins only, so every actor id is a person's.
  const people = await displayNames(deps.directory, recent.map((event) => event.actorId));
  return recent.map((event) => ({
    at: event.at,
    actor: people.get(event.actorId) ?? UNKNOWN_PERSON,
    change: settingChangesText(event.change),
  }));
}

/** A duration as people say it: "45 min", "4 h", "1 h 30 min". */
export function durationText(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A permission profile (invitations) added, changed or removed in `settings`, as the history names it. */
export interface ProfileChange {
  profile: 'added' | 'changed' | 'removed';
  name: string;
  /** The name before a change (a change may rename it). */
  from?: string;
}

/** How a permission profile change is stored in the settings history. */
export function encodeProfileChange(change: ProfileChange): string {
  return JSON.stringify({ profileChange: change });
}

function profileChangeText(stored: string): string | null {
  if (!stored.trimStart().startsWith('{')) return null;
  try {
    const change = (JSON.parse(stored) as { profileChange?: Partial<ProfileChange> }).profileChange;
    if (!change || !['added', 'changed', 'removed'].includes(String(change.profile)) || typeof change.name !== 'string') return null;
    if (change.profile === 'changed' && typeof change.from === 'string' && change.from !== change.name) return `permission profile ${change.from} changed, renamed ${change.name}`;
    return `permission profile ${change.name} ${change.profile}`;
  } catch {
    return null;
  }
}
