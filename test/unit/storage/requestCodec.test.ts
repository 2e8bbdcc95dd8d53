import { decodeRequest, encodeRequest } from '../../../src/adapters/storage/requestCodec';
import { SessionRequest } from '../../../src/domain/session';
import { aSessionRequest } from '../../support/sessionBuilder';
import { invitationIn } from '../../support/invitationCardFixtures';

describe('stored problems', () => {
  it('reads the "CODE: detail" strings of rows written before problems were structured', () => {
    const request = aSessionRequest();
    const { data, personal } = encodeRequest(request);
    const old = {
      ...JSON.parse(data),
      mailProblem: 'GRAPH.FORBIDDEN: grant Mail.Send: to the sender',
      meeting: { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: 'GRAPH.FORBIDDEN' },
    };
    const read = decodeRequest(JSON.stringify(old), personal) as SessionRequest;
    expect(read.mailProblem).toEqual({ code: 'GRAPH.FORBIDDEN', detail: 'grant Mail.Send: to the sender' });
    expect(read.meeting?.problem).toEqual({ code: 'GRAPH.FORBIDDEN', detail: null });
  });

  it('keeps structured problems as they are', () => {
    const request = aSessionRequest({
      mailProblem: { code: 'GRAPH.FORBIDDEN', detail: 'grant Mail.Send' },
      meeting: { provider: 'local', status: 'ready', joinUrl: null, meetingId: null, problem: { code: 'GRAPH.FORBIDDEN', detail: 'policy' } },
    });
    const { data, personal } = encodeRequest(request);
    expect(decodeRequest(data, personal)).toEqual(request);
  });
});

describe('stored invitations', () => {
  it('round-trips with dates, keeps names and the summary out of the non-personal data, files under the parent', () => {
    const request = invitationIn('accepted');
    const { columns, data, personal } = encodeRequest(request);
    expect(columns).toMatchObject({ kind: 'invitation', createdBy: 'alex', assignee: 'bea', queueId: 'session-1', state: 'accepted' });
    expect(data).not.toContain('Alex Agent');
    expect(data).not.toContain('Bea Agent');
    expect(data).not.toContain('Printer on floor 3');
    expect(decodeRequest(data, personal)).toEqual(request);
  });
});
