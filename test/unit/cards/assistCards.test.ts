import { RequestCardView } from '../../../src/application/ports';
import { assistCardFor } from '../../../src/adapters/teams/assist/assistCardFor';
import { assistFormCard } from '../../../src/adapters/teams/assist/assistFormCard';
import { AssistRequest } from '../../../src/domain/assist';
import { assistNoticeCard } from '../../../src/adapters/teams/assist/assistNoticeCard';
import { assistPersonCard } from '../../../src/adapters/teams/assist/assistPersonCard';
import { assistQueueCard } from '../../../src/adapters/teams/assist/assistQueueCard';
import { ASSIST_NOW, ASSIST_VARIANTS, assistIn, assistView } from '../../support/assistCardFixtures';
import { allIds, findById, validateCard, visibleTexts } from '../../support/validateCard';

describe('assist cards', () => {
  it.each(ASSIST_VARIANTS.map((request) => [`${request.state}${request.helper ? '' : ' (no helper)'}`, request] as const))(
    'every card in %s parses and validates with the adaptivecards SDK',
    (_name, request) => {
      validateCard(assistQueueCard(assistView(request)));
      validateCard(assistPersonCard(assistView(request), 'requester'));
      validateCard(assistPersonCard(assistView(request), 'helper'));
      for (const about of ['accept', 'decline', 'expire', 'refuseControl', 'connect', 'close']) validateCard(assistNoticeCard({ request, about }));
    },
  );

  it('the queue card offers Accept and Decline only while nobody answered, and never a join link or device button', () => {
    expect(findById(assistQueueCard(assistView(assistIn('requested'))), 'accept')).toBeTruthy();
    for (const request of ASSIST_VARIANTS.filter((candidate) => candidate.state !== 'requested')) {
      const card = assistQueueCard(assistView(request));
      expect(allIds(card)).not.toContain('accept');
      expect(JSON.stringify(card)).not.toContain('/room');
      expect(JSON.stringify(card)).not.toContain('assist.restartDevice');
    }
  });

  it('the queue card says what is wrong, how urgent, which device and how long it has waited', () => {
    const facts = JSON.stringify(findById(assistQueueCard(assistView(assistIn('requested'))), 'facts'));
    for (const text of ['Outlook', 'High — I cannot work', 'LAPTOP-4711', '(25 min ago)', 'Expires unanswered']) expect(facts).toContain(text);
  });

  it('an expired unanswered request collapses to one line on the queue card', () => {
    const card = assistQueueCard(assistView(assistIn('expired', { helper: null, allowBy: null })));
    expect(card.body).toHaveLength(1);
    expect(String(findById(card, 'collapsed')?.text)).toMatch(/^Expired unanswered: Eve \\\*User\\\* asked for help/);
  });

  it('the user allows or refuses; the helper gets Restart PC and Sync behind a confirmation, absent without device actions', () => {
    const requester = assistPersonCard(assistView(assistIn('accepted')), 'requester');
    expect(findById(requester, 'allowControl')).toBeTruthy();
    expect(findById(requester, 'refuseControl')).toBeTruthy();
    expect(String(findById(requester, 'consent')?.text)).toBe('Bea Agent wants to connect to LAPTOP-4711 and may take control. Allow or refuse.');
    const helper = assistPersonCard(assistView(assistIn('connected')), 'helper');
    expect(findById(helper, 'restartDevice')?.type).toBe('Action.ShowCard');
    expect(findById(helper, 'restartDeviceConfirm')).toMatchObject({ verb: 'assist.restartDevice', data: { confirmed: true } });
    expect(findById(helper, 'join')).toMatchObject({ url: 'https://doorman.example/assist/as-1/room' });
    const without = assistPersonCard(assistView(assistIn('connected'), { devices: { source: 'intune', actions: false } }), 'helper');
    expect(allIds(without)).not.toContain('restartDevice');
    expect(allIds(without)).not.toContain('syncDevice');
    expect(allIds(assistPersonCard(assistView(assistIn('accepted')), 'helper'))).not.toContain('restartDevice');
  });

  it('the user’s card says what was done to their device and by whom; the stand-in is labelled on every card', () => {
    const card = assistPersonCard(assistView(assistIn('connected')), 'requester');
    expect(visibleTexts(card).join('\n')).toContain('Done to your device');
    expect(JSON.stringify(findById(card, 'deviceActions'))).toContain('pending, Mon 4 Mar, 11:00 — by Bea Agent');
    for (const request of ASSIST_VARIANTS.filter((candidate) => candidate.state !== 'expired' || candidate.helper)) {
      expect(findById(assistQueueCard(assistView(request)), 'standInNote')).toBeTruthy();
      expect(findById(assistPersonCard(assistView(request), 'requester'), 'standInNote')).toBeTruthy();
    }
  });

  it('a second agent is told who took the request', () => {
    const card = assistQueueCard(assistView(assistIn('accepted'), { notice: { code: 'REQUEST.STALE_VERSION' } }));
    expect(String(findById(card, 'notice')?.text)).toBe('Already taken by Bea Agent — this is the current state.');
  });

  it('the form lists the devices (labelled stand-in) or asks for a name, and answers problems by field', () => {
    const devices = [{ id: 'dev-1', name: 'LAPTOP-4711', operatingSystem: 'Windows 11', lastSyncAt: null }];
    const listed = assistFormCard({ devices, source: 'local', values: {}, problems: [] });
    validateCard(listed);
    expect(findById(listed, 'deviceId')?.type).toBe('Input.ChoiceSet');
    expect(findById(listed, 'standInNote')).toBeTruthy();
    const typed = assistFormCard({ devices: null, source: null, values: { problem: 'x' }, problems: [{ field: 'deviceId', problem: 'required' }, { field: 'phone', problem: 'phone' }] });
    validateCard(typed);
    expect(findById(typed, 'deviceId')?.type).toBe('Input.Text');
    expect(findById(typed, 'deviceIdError')).toBeTruthy();
    expect(String(findById(typed, 'phoneError')?.text)).toBe('This is not a phone number.');
    validateCard(assistFormCard({ devices: null, source: null, values: {}, problems: [{ field: 'form', problem: 'noAssistanceQueue' }] }));
  });
});

describe('assist cards drawn from the request’s card view', () => {
  const viewOf = (request: AssistRequest, extra: Partial<Omit<RequestCardView, 'request'>> = {}) => ({ request, queueName: 'Assistance', agents: [], deciderIds: [], ...extra });

  it('name a requester and helper who left as former members on every card, never the recorded name alone', () => {
    const request = assistIn('connected');
    const shownNames = { eve: 'Eve User (former member)', bea: 'Bea Agent (former member)' };
    for (const role of ['queue', 'requester', 'agent'] as const) {
      const text = visibleTexts(assistCardFor(viewOf(request, { shownNames }), role, null, ASSIST_NOW, 'Europe/Berlin')).join('\n');
      expect(text).toContain('Bea Agent \\(former member\\)');
      if (role !== 'requester') expect(text).toContain('Eve User \\(former member\\)');
    }
    const accepted = assistCardFor(viewOf(assistIn('accepted'), { shownNames }), 'requester', null, ASSIST_NOW, 'Europe/Berlin');
    expect(String(findById(accepted, 'consent')?.text)).toMatch(/^Bea Agent \\\(former member\\\) wants to connect/);
  });

  it('refresh automatically for the people who can act on that card now, and for nobody else', () => {
    const refreshUserIdsByRole = { queue: ['29:alex', '8:orgid:bea'], requester: [], agent: ['29:bea'] };
    const queue = assistCardFor(viewOf(assistIn('requested'), { refreshUserIdsByRole }), 'queue', null, ASSIST_NOW, 'Europe/Berlin');
    expect(queue.refresh).toEqual({ action: expect.objectContaining({ verb: 'card.refresh' }), userIds: ['29:alex', '8:orgid:bea'] });
    expect(assistCardFor(viewOf(assistIn('requested'), { refreshUserIdsByRole }), 'requester', null, ASSIST_NOW, 'Europe/Berlin').refresh).toBeUndefined();
    expect(assistCardFor(viewOf(assistIn('accepted'), { refreshUserIdsByRole }), 'agent', null, ASSIST_NOW, 'Europe/Berlin').refresh).toMatchObject({ userIds: ['29:bea'] });
    validateCard(queue);
  });

  it('a form-wide problem and field problems share one notice at the top, so the card keeps unique ids', () => {
    const problems = [
      { field: 'form', problem: 'noAssistanceQueue' },
      { field: 'form', problem: 'notPermitted' },
      { field: 'phone', problem: 'phone' },
    ];
    const card = assistFormCard({ devices: null, source: null, values: {}, problems });
    validateCard(card);
    const notice = visibleTexts(findById(card, 'formError') as never).join(' ');
    expect(notice).toContain('No channel is registered for assistance');
    expect(notice).toContain('Only people of this organization');
    expect(notice).toContain('Phone');
  });
});
