import { UseCaseDeps } from '../shared/useCaseDeps';

/**
 * The zone to tell a person times in by mail: their mailbox's (Entra, where Outlook shows them the mail), else the
 * one Teams reported on their last message, else the service's default.
 */
export async function mailTimeZoneOf(deps: Pick<UseCaseDeps, 'directory' | 'conversations' | 'settings'>, aadObjectId: string): Promise<string> {
  const profile = await deps.directory.profileOf(aadObjectId);
  if (profile?.timeZone) return profile.timeZone;
  const chat = await deps.conversations.getPersonalConversation(aadObjectId);
  return chat?.timeZone ?? deps.settings.defaultTimeZone;
}
