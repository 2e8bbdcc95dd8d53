import { lockboxCard, REFRESH_USER_LIMIT } from '../../../src/adapters/teams/lockbox/lockboxCard';
import { noticeText } from '../../../src/adapters/teams/cards/cardTexts';
import { STATUS_TONES } from '../../../src/adapters/teams/cards/cardElements';
import { ErrorCode } from '../../../src/domain/errors';
import {
  ADA,
  decisionBy,
  ERIN,
  HOSTILE,
  LEO,
  lockboxIn,
  lockboxView,
  LockboxVariant,
  NOW,
  renderLockbox,
  STATES,
  TERMINAL_STATES,
  VIEWERS,
} from '../../support/lockboxCardFixtures';
import { actionIds, allIds, CardNode, executeActions, findById, getById, problemNoticeOf, validateCard, visibleTexts } from '../../support/validateCard';

const VARIANTS: LockboxVariant[] = [...STATES, 'granting', 'ending'];
const APPROVER_ONLY = ['approve', 'deny', 'revoke', 'passReview', 'comment'];

const facts = (card: unknown): Record<string, string> =>
  Object.fromEntries((getById(card, 'facts').facts as Array<{ title: string; value: string }>).map((f) => [f.title, f.value]));

describe('lockboxCard', () => {
  describe.each(VIEWERS)('for viewer %s', (viewer) => {
    it.each(VARIANTS)('is a valid 1.5 card in %s', (variant) => {
      validateCard(renderLockbox(variant, viewer));
    });
  });

  it.each([
    ['review', 'approver', []],
    ['pending', 'approver', ['approve', 'deny']],
    ['granting', 'approver', ['revoke']],
    ['approved', 'approver', ['revoke']],
    ['ending', 'approver', []],
    ['review', 'reviewer', ['passReview', 'deny']],
    ['pending', 'reviewer', []],
    ['approved', 'reviewer', []],
    ['review', 'requester', ['cancel']],
    ['pending', 'requester', ['cancel']],
    ['granting', 'requester', ['resolve']],
    ['approved', 'requester', ['resolve']],
    ['ending', 'requester', []],
    ['review', 'readOnly', ['showOptions']],
    ['pending', 'readOnly', ['showOptions']],
    ['approved', 'readOnly', ['showOptions']],
  ] as const)('offers in %s to the %s: %j', (variant, viewer, ids) => {
    expect(actionIds(renderLockbox(variant, viewer))).toEqual(ids);
  });

  it.each(TERMINAL_STATES.flatMap((state) => VIEWERS.map((viewer) => [state, viewer] as const)))(
    'offers nothing at all in %s (%s), and carries no refresh',
    (state, viewer) => {
      const card = renderLockbox(state, viewer);
      expect(card.actions).toBeUndefined();
      expect(executeActions(card)).toEqual([]);
      expect(findById(card, 'comment')).toBeUndefined();
    },
  );

  it('never shows approver buttons or the comment to the requester or a read-only viewer', () => {
    for (const viewer of ['requester', 'readOnly'] as const) {
      for (const variant of VARIANTS) {
        const ids = allIds(renderLockbox(variant, viewer));
        expect([viewer, variant, ids.filter((id) => APPROVER_ONLY.includes(id))]).toEqual([viewer, variant, []]);
      }
    }
  });

  it('sends every action with its verb and only the request pointer', () => {
    const verbs: Record<string, string> = {};
    for (const viewer of VIEWERS) {
      for (const variant of VARIANTS) {
        const request = lockboxIn(variant, { version: 9 });
        for (const action of executeActions(lockboxCard(lockboxView(request, viewer)))) {
          verbs[String(action.id)] = String(action.verb);
          const extra = action.id === 'passReview' ? { stage: 'review' } : {};
          expect(action.data).toEqual({ requestId: request.id, version: 9, ...extra });
        }
      }
    }
    expect(verbs).toEqual({
      refresh: 'card.refresh',
      showOptions: 'card.refresh',
      approve: 'lockbox.approve',
      deny: 'lockbox.deny',
      revoke: 'lockbox.revoke',
      passReview: 'lockbox.approve',
      cancel: 'lockbox.cancel',
      resolve: 'lockbox.resolve',
    });
  });

  it('styles Approve positive, Deny and Revoke destructive, and names the buttons plainly', () => {
    const pending = renderLockbox('pending', 'approver');
    expect(getById(pending, 'approve')).toMatchObject({ title: 'Approve', style: 'positive' });
    expect(getById(pending, 'deny')).toMatchObject({ title: 'Deny', style: 'destructive' });
    expect(getById(renderLockbox('approved', 'approver'), 'revoke')).toMatchObject({ style: 'destructive' });
    expect(getById(renderLockbox('review', 'reviewer'), 'passReview').title).toBe('Pass to approvers');
    expect(getById(renderLockbox('approved', 'requester'), 'resolve').title).toBe("I'm done — end access");
  });

  it('offers an optional comment with the decision buttons', () => {
    for (const [variant, viewer] of [['pending', 'approver'], ['review', 'reviewer']] as const) {
      const comment = getById(renderLockbox(variant, viewer), 'comment');
      expect(comment).toMatchObject({ type: 'Input.Text', maxLength: 1000 });
      expect(comment.isRequired).toBeUndefined();
    }
    expect(findById(renderLockbox('approved', 'approver'), 'comment')).toBeUndefined();
  });

  it('offers no decision once the deadline has passed, even before the sweeper expires the request', () => {
    const overdue = { decideBy: new Date(NOW.getTime() - 60_000) };
    expect(actionIds(renderLockbox('pending', 'approver', overdue))).toEqual([]);
    expect(actionIds(renderLockbox('pending', 'requester', overdue))).toEqual([]);
    expect(actionIds(renderLockbox('review', 'reviewer', overdue))).toEqual([]);
    expect(getById(renderLockbox('pending', 'approver', overdue), 'hint').text).toMatch(/deadline has passed/);
  });

  it.each([
    ['review', 'Awaiting review', 'action'],
    ['pending', 'Awaiting approval', 'action'],
    ['granting', 'Approved — access being granted', 'pending'],
    ['approved', 'Access granted until Mon 4 Mar, 14:35', 'good'],
    ['ending', 'Access ending…', 'pending'],
    ['denied', 'Denied', 'stopped'],
    ['expired', 'Expired', 'stopped'],
    ['cancelled', 'Cancelled', 'done'],
    ['ended', 'Ended — revoked by an approver', 'done'],
  ] as const)('badges %s as "%s" (%s), in default-colour text with a symbol', (variant, text, tone) => {
    const card = renderLockbox(variant, 'readOnly');
    expect(getById(card, 'state')).toMatchObject({ text, color: 'default' });
    expect(getById(card, 'stateBadge').style).toBe(STATUS_TONES[tone].style);
    expect(JSON.stringify(getById(card, 'stateBadge'))).toContain(STATUS_TONES[tone].symbol);
  });

  it.each([
    ['window elapsed', 'Ended — access window elapsed'],
    ['resolved', 'Ended — ended early by the requester'],
    ['revoked', 'Ended — revoked by an approver'],
  ] as const)('says why access ended: %s', (reason, text) => {
    const card = renderLockbox('ended', 'requester', { ending: { reason, byId: 'x', at: NOW } });
    expect(getById(card, 'state').text).toBe(text);
  });

  it('titles the card with the resource', () => {
    expect(getById(renderLockbox('pending', 'readOnly'), 'title')).toMatchObject({
      text: 'Access request · Contoso tenant — mailbox export',
      style: 'heading',
    });
  });

  it('shows the request facts, the deadline with its distance, and no decision yet', () => {
    expect(facts(renderLockbox('pending', 'readOnly'))).toEqual({
      Requester: 'Erin Engineer',
      Access: 'Customer content: the access the lockbox access group grants, for 4 h',
      Resource: 'Contoso tenant — mailbox export',
      Reason: 'Customer reported missing mail; need to check the export logs.',
      Ticket: 'INC-4711',
      Duration: '4 h',
      'Decide by': 'Mon 4 Mar, 22:00 (in 11 h)',
    });
  });

  it('names the API client that asked on the requester’s behalf, and leaves out an empty ticket', () => {
    const card = renderLockbox('pending', 'readOnly', { requestedVia: 'ops-portal', ticket: '', durationMinutes: 90 });
    expect(facts(card)).toMatchObject({ 'Requested via': 'ops-portal', Duration: '1 h 30 min' });
    expect(facts(card).Ticket).toBeUndefined();
  });

  it('lists the decisions with who, when and comment, and the access window once granted', () => {
    const card = renderLockbox('approved', 'readOnly', {
      decisions: [decisionBy(LEO, 'passReview', 'looks fine', 90), decisionBy(ADA, 'approve', null, 30)],
    });
    expect(facts(card)).toMatchObject({
      'Passed review': 'Leo Lead, Mon 4 Mar, 09:30 — “looks fine”',
      Approved: 'Ada Approver, Mon 4 Mar, 10:30',
      'Access window': 'Mon 4 Mar, 10:35 → Mon 4 Mar, 14:35',
    });
    expect(facts(card)['Decide by']).toBeUndefined();
  });

  it('shows when access was removed, and the deadline that passed on an expired request', () => {
    expect(facts(renderLockbox('ended', 'readOnly'))['Access removed']).toBe('Mon 4 Mar, 10:58');
    expect(facts(renderLockbox('expired', 'readOnly'))['Decide by']).toBe('Mon 4 Mar, 10:50');
  });

  it('names the setting behind an automatic approval', () => {
    const auto = { action: 'autoApprove' as const, byId: 'system:settings', byName: 'system:settings', at: NOW, comment: 'approval turned off by Sam Admin' };
    const card = renderLockbox('approved', 'readOnly', { decisions: [auto] });
    expect(facts(card)['Approved automatically']).toBe('approval turned off by Sam Admin, Mon 4 Mar, 11:00');
  });

  it("names the API key by its label, escaped, and falls back to the stored client id when the label is unknown", () => {
    const request = lockboxIn('pending', { requestedVia: 'key:key-1' });
    expect(facts(lockboxCard(lockboxView(request, 'readOnly', { requestedViaLabel: 'Ticketing *system*' })))['Requested via']).toBe('Ticketing \\*system\\*');
    expect(facts(lockboxCard(lockboxView(request, 'readOnly')))['Requested via']).toBe('key:key-1');
  });

  it('says plainly, on a valid card, who or what was not reached, and nothing when all was delivered', () => {
    const request = lockboxIn('pending');
    const notReached = [
      { type: 'card.post' as const, target: { kind: 'channel' as const }, code: 'RetryableError', detail: null, name: null },
      { type: 'chat.notify' as const, target: { kind: 'person' as const, aadObjectId: 'aad-erin' }, code: 'RetryableError', detail: null, name: HOSTILE },
    ];
    const card = lockboxCard(lockboxView(request, 'requester', { notReached }));
    validateCard(card);
    const text = String(getById(card, 'notReached').text);
    expect(text).toContain("The approvers' channel card could not be posted, so approvers may not know of this request. An admin should run doctor.");
    expect(text).toContain('was not told about this request: Doorman could not deliver to their chat. An admin should run doctor.');
    expect(text).not.toContain('**x**');
    expect(findById(lockboxCard(lockboxView(request, 'requester')), 'notReached')).toBeUndefined();
  });

  it('says why a person could not be reached in Teams, the fix, and when a mail told them instead', () => {
    const request = lockboxIn('pending');
    const person = { kind: 'person' as const, aadObjectId: 'aad-ada' };
    const forbidden = { code: 'GRAPH.FORBIDDEN', detail: 'Grant the application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent. [HTTP 403 Forbidden]' };
    const notReached = [
      { type: 'chat.notify' as const, target: person, ...forbidden, fallback: 'mail' as const, name: 'Ada Approver' },
      { type: 'card.post' as const, target: { kind: 'person' as const, aadObjectId: 'aad-erin' }, code: 'REACH.NO_APP_ID', detail: null, name: 'Erin Engineer' },
    ];
    const card = lockboxCard(lockboxView(request, 'readOnly', { notReached }));
    validateCard(card);
    const text = String(getById(card, 'notReached').text);
    expect(text).toContain('Ada Approver could not be reached in Teams, so they were told by mail. Doorman is not allowed to do what reaching them needs. Grant the application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent. An admin should run doctor.');
    expect(text).not.toContain('HTTP 403');
    expect(text).toContain('Erin Engineer was not told about this request. Doorman cannot install itself for them: TEAMS_APP_ID');
  });

  it('escapes resource, reason, ticket, requester, API client and comments', () => {
    const card = renderLockbox('denied', 'readOnly', {
      resource: HOSTILE,
      reason: HOSTILE,
      ticket: HOSTILE,
      requestedVia: HOSTILE,
      requester: { aadObjectId: 'aad-erin', name: HOSTILE },
      decisions: [{ ...decisionBy(ADA, 'deny', HOSTILE), byName: HOSTILE }],
    });
    for (const text of visibleTexts(card)) {
      expect(text).not.toContain('**x**');
      expect(text).not.toContain('[y](http');
      expect(text).not.toContain('{{DATE');
      expect(text).not.toContain('<b>');
    }
    expect(getById(card, 'title').text).toContain('\\*\\*x\\*\\*');
    expect(facts(card).Denied).toContain('— “\\*\\*x\\*\\*');
  });

  it('tells read-only viewers why they cannot decide, while a decision is awaited', () => {
    for (const variant of ['review', 'pending'] as const) {
      expect(getById(renderLockbox(variant, 'readOnly'), 'readOnlyNote').text).toBe(
        "Only approvers can decide; you can't approve your own request.",
      );
    }
    expect(findById(renderLockbox('approved', 'readOnly'), 'readOnlyNote')).toBeUndefined();
    expect(findById(renderLockbox('pending', 'approver'), 'readOnlyNote')).toBeUndefined();
  });

  it('says which time zone the times are in', () => {
    expect(getById(renderLockbox('pending', 'readOnly'), 'timeZoneNote').text).toBe('Times in Europe/Berlin.');
  });

  describe('refresh', () => {
    const refreshOf = (card: { refresh?: unknown }) => card.refresh as { action: CardNode; userIds: string[] } | undefined;

    it('lets Teams ask for each approver’s own view, through the read-only card.refresh verb', () => {
      const request = lockboxIn('pending');
      const card = lockboxCard(lockboxView(request, 'readOnly'));
      expect(refreshOf(card)).toEqual({
        action: { type: 'Action.Execute', id: 'refresh', title: 'Refresh', verb: 'card.refresh', data: { requestId: request.id, version: 4 } },
        userIds: ['8:orgid:aad-ada', '8:orgid:aad-bob'],
      });
    });

    it('carries the same block on the approver’s and the reviewer’s own render', () => {
      const request = lockboxIn('review');
      const base = refreshOf(lockboxCard(lockboxView(request, 'readOnly')));
      expect(refreshOf(lockboxCard(lockboxView(request, 'approver')))).toEqual(base);
      expect(refreshOf(lockboxCard(lockboxView(request, 'reviewer')))).toEqual(base);
    });

    it('is left off the requester’s chat render', () => {
      expect(renderLockbox('pending', 'requester').refresh).toBeUndefined();
    });

    it('is kept while access runs and dropped once nobody can act', () => {
      expect(renderLockbox('approved', 'readOnly').refresh).toBeDefined();
      for (const state of TERMINAL_STATES) expect(renderLockbox(state, 'readOnly').refresh).toBeUndefined();
    });

    it('lists at most 60 users, never the requester, each once', () => {
      const many = Array.from({ length: 100 }, (_, index) => `aad-approver-${index}`);
      const request = lockboxIn('pending');
      const card = lockboxCard(lockboxView(request, 'readOnly', { approverIds: [ERIN.aadObjectId, ADA.aadObjectId, ADA.aadObjectId, ...many] }));
      const userIds = refreshOf(card)?.userIds ?? [];
      expect(REFRESH_USER_LIMIT).toBe(60);
      expect(userIds).toHaveLength(60);
      expect(new Set(userIds).size).toBe(60);
      expect(userIds).not.toContain('8:orgid:aad-erin');
      expect(userIds[0]).toBe('8:orgid:aad-ada');
    });

    it('keeps ids that already are Teams user MRIs', () => {
      const card = lockboxCard(lockboxView(lockboxIn('pending'), 'readOnly', { approverIds: ['29:1abc', '8:orgid:aad-x'] }));
      expect(refreshOf(card)?.userIds).toEqual(['29:1abc', '8:orgid:aad-x']);
    });
  });

  describe('notice', () => {
    const withNotice = (code: ErrorCode) => lockboxCard(lockboxView(lockboxIn('approved'), 'approver', { notice: { code } }));

    it('answers a failed action at the top of the card', () => {
      const card = withNotice('REQUEST.STALE_VERSION');
      // Was red text (color: 'attention'), 3.24:1 on Teams' dark theme: now default-colour words with ⚠ in an attention box.
      expect(card.body[0]).toMatchObject({ id: 'noticeAlert' });
      expect(problemNoticeOf(card, 'notice')).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text: noticeText('REQUEST.STALE_VERSION') });
      validateCard(card);
    });

    it('speaks of approvers and requesters, not agents', () => {
      expect(getById(withNotice('AUTH.SELF_APPROVAL'), 'notice').text).toBe("You can't decide on your own request.");
      expect(getById(withNotice('AUTH.NOT_PERMITTED'), 'notice').text).not.toMatch(/agent/);
    });

    it('is absent without one', () => {
      expect(findById(renderLockbox('pending', 'approver'), 'notice')).toBeUndefined();
    });
  });
});
