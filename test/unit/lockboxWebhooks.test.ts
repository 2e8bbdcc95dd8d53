import { auditEvent } from '../../src/domain/audit';
import { LOCKBOX_SIDE_TRANSITIONS, LOCKBOX_TRANSITIONS } from '../../src/domain/lockbox';
import { lockboxEffects } from '../../src/application/lockbox/lockboxEffects';
import { aLockboxRequest } from '../support/lockboxBuilder';

// Issue 15: every decision path has a webhook. Over the tables, so an action added later is covered too.
describe('lockbox webhooks: one per decision, over the transition tables', () => {
  const deps = { settings: { webhookUrls: ['https://hooks.example.com/doorman'] } } as Parameters<typeof lockboxEffects>[0];
  const before = aLockboxRequest();
  const after = { ...before, version: before.version + 1 };
  const webhookTypes = (action: string) =>
    lockboxEffects(deps, before, after, [auditEvent(after, action, 'pending', 'pending', { actor: { type: 'system', name: 'sweeper' }, now: after.updatedAt, source: 'timer' })])
      .filter((message) => message.type === 'webhook')
      .map((message) => (message.type === 'webhook' ? (JSON.parse(message.body) as { type: string }).type : ''));

  const decisions = [...Object.keys(LOCKBOX_TRANSITIONS), 'escalate', 'reconcile'];
  it.each(decisions)('%s is a webhook lockbox.<action> to every configured URL', (action) => {
    expect(webhookTypes(action)).toEqual([`lockbox.${action}`]);
  });

  it('the side events that are no decision send none: the reminder, and what only the cards show', () => {
    const silent = Object.keys(LOCKBOX_SIDE_TRANSITIONS).filter((action) => !decisions.includes(action));
    expect(silent.sort()).toEqual(['delivery.failed', 'delivery.reached', 'remind']);
    for (const action of silent) expect(webhookTypes(action)).toEqual([]);
  });
});
