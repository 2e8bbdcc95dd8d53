// The people of local mode: the Agents Playground's mock tenant (.m365agentsplayground.yml) with their roles from
// config/local-roles.json. `npm start -- --as <persona>` and the end-to-end tests start Playgrounds through this file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = join(__dirname, '..');

/** The committed Playground tenant (users, team, channels). */
export const PLAYGROUND_TENANT_PATH = join(ROOT, '.m365agentsplayground.yml');
/** The committed roles of the tenant's users. */
export const LOCAL_ROLES_PATH = join(ROOT, 'config', 'local-roles.json');

/** One user of the Playground's mock tenant (schema 0.1.1 really spells it `userPrincipleName`). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** The Playground's mock tenant as written in `.m365agentsplayground.yml` (schema 0.1.1). */
export interface PlaygroundTenant {
  version: string;
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

/** A person one can be in local mode: `alias` is the lower-case given name (`dana`). */
export interface Persona {
  alias: string;
  name: string;
  aadObjectId: string;
  roles: string[];
}

/** Reads the Playground tenant file. */
export function readPlaygroundTenant(path: string = PLAYGROUND_TENANT_PATH): PlaygroundTenant {
  return parseYaml(readFileSync(path, 'utf8')) as PlaygroundTenant;
}

/** Every user of the tenant as a persona with the roles the roles file gives them, the default one first. */
export function localPersonas(tenant: PlaygroundTenant, rolesPath: string = LOCAL_ROLES_PATH): Persona[] {
  const roles = JSON.parse(readFileSync(rolesPath, 'utf8')) as { users: Array<{ aadObjectId: string; roles: string[] }> };
  return [tenant.currentUser, ...tenant.users].map((user) => ({
    alias: user.givenName.toLowerCase(),
    name: user.name,
    aadObjectId: user.aadObjectId,
    roles: roles.users.find((entry) => entry.aadObjectId === user.aadObjectId)?.roles ?? [],
  }));
}

/** The persona called `who`: alias (`dana`), display name or object id. */
export function findPersona(personas: readonly Persona[], who: string): Persona {
  const wanted = who.trim().toLowerCase();
  const persona = personas.find((p) => p.alias === wanted || p.name.toLowerCase() === wanted || p.aadObjectId === wanted);
  if (!persona) throw new Error(`there is no persona "${who}"; choose from ${personas.map((p) => p.alias).join(', ')}`);
  return persona;
}

/**
 * The same tenant acting as `who` (alias, display name or object id): the Playground has no user switcher and only
 * ever types as `currentUser`, so each persona gets a Playground of its own.
 */
export function tenantActingAs(tenant: PlaygroundTenant, who: string): PlaygroundTenant {
  const everyone = [tenant.currentUser, ...tenant.users];
  const wanted = who.trim().toLowerCase();
  const acting = everyone.find(
    (u) => u.givenName.toLowerCase() === wanted || u.name.toLowerCase() === wanted || u.aadObjectId === wanted || u.id === who,
  );
  if (!acting) throw new Error(`No Playground user "${who}"; known: ${everyone.map((u) => u.name).join(', ')}`);
  if (acting.id === tenant.currentUser.id) return tenant;
  // The personal chat belongs to the acting user; a fresh id keeps it apart from the default user's chat.
  return {
    ...tenant,
    currentUser: acting,
    users: everyone.filter((u) => u.id !== acting.id),
    personalChat: { id: `a:personal-${acting.aadObjectId}` },
  };
}

/** What a persona can try first, in the words of the Playground's UI. */
export function whatToTry(persona: Persona, channelsPort: boolean): string[] {
  const tips: string[] = [];
  const has = (role: string) => persona.roles.includes(role);
  if (has('admin')) {
    tips.push('in the channel "Tier 1": @Doorman register queue Tier 1   (a queue for support sessions)');
    tips.push('in the channel "General": @Doorman register approvals   (where lockbox requests go)');
    tips.push('in the channel "General": @Doorman register assistance   (where requests for help go, instead of lockbox requests: a channel serves one purpose)');
  }
  if (has('agent')) {
    tips.push('in the personal chat: new session');
    tips.push(
      channelsPort
        ? 'in the assistance channel: on a "Help requested" card press Accept, then Restart PC from your own card in the personal chat'
        : 'requests for help reach the first Playground only: put this persona first, e.g. --as bea,eve',
    );
  }
  if (has('engineer')) tips.push('in the personal chat: lockbox   (ask for access to customer data)');
  if (has('approver')) {
    tips.push(
      channelsPort
        ? 'in the channel "General": press "Show my options" on an access request, then Approve or Deny'
        : 'access requests reach the first Playground only: put this persona first, e.g. --as carl,dana',
    );
  }
  if (has('admin')) tips.push('in the personal chat: settings, doctor');
  tips.push(persona.roles.length === 0 ? 'in the personal chat: help   (a person without a Doorman role)' : 'in the personal chat: help, whoami, requests');
  // Anyone may ask for help, no role needed (once an admin registered the assistance channel).
  tips.push('in the personal chat: help me   (ask support for help with your PC)');
  return tips;
}
