import { decodeRequest, encodeRequest } from '../../../src/adapters/storage/requestCodec';
import { SessionRequest } from '../../../src/domain/session';
import { aSessionRequest } from '../../support/sessionBuilder';

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
