import { CardRenderer } from '../../../src/adapters/teams/cardRenderer';
import { SESSION_STATES, SessionState } from '../../../src/domain/session';
import { requestIn } from '../../support/cardFixtures';
import { invitationNoticeCard, invitationSection, inviteeCard, inviterCard, timeLeftText } from '../../../src/adapters/teams/invitation/invitationCards';
import { adaptiveCard } from '../../../src/adapters/teams/cards/cardElements';
import { DEFAULT_PERMISSION_PROFILES } from '../../../src/domain/invitation';
import { INVITATION_NOW, INVITATION_VARIANTS, invitationIn, invitationView } from '../../support/invitationCardFixtures';
import { allIds, findById, validateCard, visibleTexts } from '../../support/validateCard';

const verbsOf = (card: unknown) => [...JSON.stringify(card).matchAll(/"verb":"([^"]+)"/g)].map((match) => match[1]);

describe('invitation cards', () => {
  it.each(INVITATION_VARIANTS.map((request) => [request.state, request] as const))('every card in %s parses and validates with the adaptivecards SDK', (_state, request) => {
    validateCard(inviteeCard(invitationView(request)));
    validateCard(inviterCard(invitationView(request, { notice: { code: 'REQUEST.STALE_VERSION' } })));
    for (const about of ['reject', 'expire', 'remove']) validateCard(invitationNoticeCard(request, about));
  });

  it('the invitee sees who invites them, the summary, the profile and Accept / Reject with the time left', () => {
    const card = inviteeCard(invitationView(invitationIn('pending')));
    const texts = visibleTexts(card).join('\n');
    expect(texts).toContain('Alex Agent invites you into a session');
    expect(texts).toContain('Printer on floor 3 jams \\*again\\*');
    expect(texts).toContain('Collaborate (presenter): Can talk, present and share their screen.');
    expect(texts).toContain('1 min 30 s left');
    expect(verbsOf(card)).toEqual(['invitation.accept', 'invitation.reject']);
    // The join link comes only once accepted, and only to the invitee.
    expect(JSON.stringify(card)).not.toContain('meetup-join');
    expect(findById(inviteeCard(invitationView(invitationIn('accepted'))), 'join')).toMatchObject({ type: 'Action.OpenUrl' });
    expect(JSON.stringify(inviterCard(invitationView(invitationIn('accepted'))))).not.toContain('meetup-join');
  });

  it('the inviter sees it pending with Edit and Cancel; joined with Change profile and Remove; nothing once it ended', () => {
    expect(verbsOf(inviterCard(invitationView(invitationIn('pending'))))).toEqual(['invitation.edit', 'invitation.cancel']);
    expect(verbsOf(inviterCard(invitationView(invitationIn('accepted'))))).toEqual(['invitation.changeProfile', 'invitation.remove']);
    for (const state of ['rejected', 'cancelled', 'expired', 'removed'] as const) {
      expect(verbsOf(inviterCard(invitationView(invitationIn(state))))).toEqual([]);
      expect(verbsOf(inviteeCard(invitationView(invitationIn(state))))).toEqual([]);
    }
    expect(visibleTexts(inviterCard(invitationView(invitationIn('expired')))).join('\n')).toContain('Expired — not answered in two minutes');
  });

  it('says the time left to the second under a minute, and never a negative time', () => {
    const answerBy = new Date(INVITATION_NOW.getTime() + 120_000);
    expect(timeLeftText(answerBy, INVITATION_NOW)).toBe('2 min left');
    expect(timeLeftText(answerBy, new Date(answerBy.getTime() - 45_000))).toBe('45 s left');
    expect(timeLeftText(answerBy, new Date(answerBy.getTime() + 5_000))).toBe('no time left');
  });

  it('the session card’s section lists colleagues and offers Invite a colleague, its picker searching the agents', () => {
    const section = invitationSection({
      parent: { requestId: 'session-1', version: 7 },
      invited: [{ invitationId: 'inv-1', version: 2, inviteeId: 'bea', name: 'Bea Agent', profile: 'Collaborate', state: 'accepted' }],
      agents: [
        { aadObjectId: 'alex', name: 'Alex Agent' },
        { aadObjectId: 'bea', name: 'Bea Agent' },
        { aadObjectId: 'cleo', name: 'Cleo Agent' },
      ],
      present: ['alex'],
      profiles: [...DEFAULT_PERMISSION_PROFILES],
      actions: true,
    });
    const card = adaptiveCard(section.body, section.actions);
    validateCard(card);
    expect(visibleTexts(card).join('\n')).toContain('Bea Agent — Collaborate (joined)');
    expect(verbsOf(card)).toEqual(['invitation.changeProfile', 'invitation.remove', 'invitation.create']);
    // Cleo is suggested (Alex runs it, Bea is in); every other agent is searched as the inviter types.
    expect(findById(card, 'invitee')).toMatchObject({ choices: [{ value: 'cleo' }], 'choices.data': { type: 'Data.Query', dataset: 'agents' }, style: 'filtered' });
    const shared = invitationSection({ ...{ parent: { requestId: 's', version: 1 }, invited: [], agents: [], present: [], profiles: [] }, actions: false });
    expect(shared).toEqual({ body: [], actions: [] });
    expect(allIds(card)).toContain('inviteColleague');
  });
});

describe('Invite a colleague on the parent cards (through the CardRenderer)', () => {
  const renderer = new CardRenderer({ now: () => INVITATION_NOW }, 'UTC');
  const agents = [
    { aadObjectId: 'alex', name: 'Alex Agent' },
    { aadObjectId: 'cleo', name: 'Cleo Agent' },
    { aadObjectId: 'dan', name: 'Dan Agent' },
  ];
  const invited = [{ invitationId: 'inv-1', version: 2, inviteeId: 'cleo', name: 'Cleo Agent', profile: 'Full control', state: 'accepted' as const }];
  const viewOf = (state: SessionState) => ({
    request: requestIn(state, { createdBy: { aadObjectId: 'alex', name: 'Alex Agent' } }),
    queueName: 'Tier 1',
    agents,
    deciderIds: [],
    profiles: [...DEFAULT_PERMISSION_PROFILES],
    invited: state === 'connected' ? invited : [],
  });

  it('the connected session’s agent card offers it and lists who joined, and stays a valid card (no duplicate input ids)', () => {
    const card = renderer.render(viewOf('connected'), 'agent');
    validateCard(card);
    expect(allIds(card)).toContain('inviteColleague');
    expect(visibleTexts(card).join('\n')).toContain('Cleo Agent — Full control (joined)');
    // Alex runs it and Cleo is in it: only Dan is suggested, the others are searched.
    expect(findById(card, 'invitee')).toMatchObject({ choices: [{ value: 'dan' }], 'choices.data': { type: 'Data.Query', dataset: 'agents' } });
  });

  it('stays small with 1,000 agents in the directory: the picker suggests five and searches the rest', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ aadObjectId: `10000000-0000-0000-0000-${String(i).padStart(12, '0')}`, name: `Agent Number ${i}` }));
    const card = renderer.render({ ...viewOf('connected'), agents: many }, 'agent');
    validateCard(card);
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(8192);
    expect((findById(card, 'invitee') as { choices: unknown[] }).choices).toHaveLength(5);
  });

  it.each(SESSION_STATES.filter((state) => state !== 'connected'))('a %s session’s card does not offer it', (state) => {
    expect(allIds(renderer.render(viewOf(state), 'agent'))).not.toContain('inviteColleague');
  });

  it('the channel’s card lists who joined, without buttons', () => {
    const card = renderer.render(viewOf('connected'), 'queue');
    validateCard(card);
    expect(visibleTexts(card).join('\n')).toContain('Cleo Agent — Full control (joined)');
    expect(verbsOf(card).filter((verb) => verb.startsWith('invitation.'))).toEqual([]);
  });
});
