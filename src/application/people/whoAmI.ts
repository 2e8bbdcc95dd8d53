import { Actor, Role } from '../../domain/people';
import { rolesOf } from '../../domain/policy';
import { RoleSource } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';

/** What `whoami` shows: the person, and each role with what gave it. */
export interface WhoAmIView {
  name: string | null;
  aadObjectId: string | null;
  roles: { role: Role; sources: RoleSource['via'][] }[];
}

/** `whoami`: the roles the actor holds now, each with the list entries or Entra groups that gave it. */
export async function whoAmI(deps: Pick<UseCaseDeps, 'directory'>, actor: Actor): Promise<WhoAmIView> {
  if (actor.type !== 'person') return { name: null, aadObjectId: null, roles: [] };
  const sources = await deps.directory.roleSources(actor.person.aadObjectId);
  return {
    name: actor.person.name,
    aadObjectId: actor.person.aadObjectId,
    roles: rolesOf(actor).map((role) => ({ role, sources: sources.filter((source) => source.role === role).map((source) => source.via) })),
  };
}
