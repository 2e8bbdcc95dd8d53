import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activityNotificationOf } from '../../../src/application/delivery/activityNotifications';
import { ACTIVITY_KINDS, ActivityKind } from '../../../src/application/ports';
import { REPO_ROOT, fillPlaceholders, schemaProblems, templateWithGeneratedCommands } from '../../../scripts/packageApp';
import { aLockboxRequest } from '../../support/lockboxBuilder';
import { aSessionRequest } from '../../support/sessionBuilder';
import { assistIn } from '../../support/assistCardFixtures';
import { invitationIn } from '../../support/invitationCardFixtures';

// Graph refuses an activityType the manifest does not declare, and Teams fills templateText's {…} only from the
// templateParameters sent: the manifest and the notifications must agree, type by type and parameter by parameter.

const templateText = readFileSync(join(REPO_ROOT, 'appPackage', 'manifest.json'), 'utf8');
const manifest = JSON.parse(templateText) as { activities?: { activityTypes: { type: string; description: string; templateText: string }[] } };

/** A request in the state where each activity is due, and who it is for. */
function dueFor(activity: ActivityKind) {
  const agent = { aadObjectId: 'alex', name: 'Alex Agent' };
  switch (activity) {
    case 'customerWaiting':
      return activityNotificationOf(aSessionRequest({ state: 'waiting', assignee: agent, customerName: 'Chloé' }), activity, 'alex');
    case 'customerReady':
      return activityNotificationOf(aSessionRequest({ state: 'ready', assignee: agent, customerName: 'Chloé' }), activity, 'alex');
    case 'requestAssigned':
      return activityNotificationOf(aSessionRequest({ state: 'open', assignee: agent }), activity, 'alex');
    case 'approvalNeeded':
    case 'approvalReminder':
      return activityNotificationOf(aLockboxRequest({ state: 'pending' }), activity, 'carl');
    case 'assistRequested':
      return activityNotificationOf(assistIn('requested'), activity, 'alex');
    case 'helperWantsToConnect':
      return activityNotificationOf(assistIn('accepted'), activity, 'eve');
    case 'invitationReceived':
      return activityNotificationOf(invitationIn('pending'), activity, invitationIn('pending').invitee.aadObjectId);
  }
}

describe('the manifest’s activity types', () => {
  it('declare every activity Doorman sends, and nothing else', () => {
    expect(manifest.activities?.activityTypes.map((entry) => entry.type)).toEqual([...ACTIVITY_KINDS]);
  });

  it('are exactly what the packager generates', () => {
    expect(templateWithGeneratedCommands(templateText).changed).toBe(false);
  });

  it.each([...ACTIVITY_KINDS])('%s: the template names exactly the parameters the notification sends', (activity) => {
    const declared = manifest.activities?.activityTypes.find((entry) => entry.type === activity);
    const notification = dueFor(activity);
    expect(notification).not.toBeNull();
    const placeholders = [...(declared?.templateText ?? '').matchAll(/\{(\w+)\}/g)].map((match) => match[1]).filter((name) => name !== 'actor');
    expect(placeholders.sort()).toEqual(Object.keys(notification?.templateParameters ?? {}).sort());
  });

  it('validate against the official schema', () => {
    const values = Object.fromEntries([...templateText.matchAll(/\$\{\{\s*(\w+)\s*\}\}/g)].map((match) => [match[1], '6f1c2b1e-3a52-4c3e-9a0e-8f5d2c7b9a10']));
    const filled = JSON.parse(fillPlaceholders(templateText, { ...values, APP_VERSION: '1.0.0', APP_NAME_SUFFIX: '', BOT_DOMAIN: 'doorman.contoso.example', DEVELOPER_NAME: 'Contoso', DEVELOPER_WEBSITE_URL: 'https://contoso.example', DEVELOPER_PRIVACY_URL: 'https://contoso.example/p', DEVELOPER_TERMS_URL: 'https://contoso.example/t' }).text) as Record<string, unknown>;
    expect(schemaProblems(filled)).toEqual([]);
  });
});
