import {
  fieldLabel,
  isKnownErrorCode,
  noticeText,
  problemText,
  sessionStateText,
} from '../../../src/adapters/teams/cards/cardTexts';
import { ErrorCode } from '../../../src/domain/errors';

const CODES: ErrorCode[] = [
  'REQUEST.NOT_FOUND',
  'REQUEST.STALE_VERSION',
  'REQUEST.ILLEGAL_TRANSITION',
  'REQUEST.EXPIRED',
  'AUTH.NOT_PERMITTED',
  'AUTH.SELF_APPROVAL',
  'AUTH.SAME_REVIEWER',
  'AUTH.WRONG_TENANT',
  'INPUT.INVALID',
  'LINK.IN_USE',
  'LINK.EXPIRED',
  'LINK.CLOSED',
  'LINK.NOT_YET',
  'RATE.LIMITED',
  'GRAPH.THROTTLED',
  'GRAPH.FORBIDDEN',
  'INTERNAL',
];

describe('noticeText', () => {
  it.each(CODES)('has a human text for %s, never the code itself', (code) => {
    expect(noticeText(code)).toMatch(/^[A-Z].+\.$/);
    expect(noticeText(code)).not.toContain(code);
    expect(isKnownErrorCode(code)).toBe(true);
  });

  it('says plainly that someone else was faster', () => {
    expect(noticeText('REQUEST.STALE_VERSION')).toBe('Someone else acted first — this is the current state.');
    expect(noticeText('AUTH.NOT_PERMITTED')).toBe("You don't have the agent role.");
  });

  it('answers an unknown code like an internal error', () => {
    expect(noticeText('NOPE' as ErrorCode)).toBe(noticeText('INTERNAL'));
    expect(isKnownErrorCode('NOPE')).toBe(false);
    expect(isKnownErrorCode(null)).toBe(false);
  });
});

describe('sessionStateText', () => {
  it.each([
    ['open', null, 'Open'],
    ['waiting', null, 'Customer waiting'],
    ['ready', null, 'Ready to admit'],
    ['connected', null, 'Connected'],
    ['expired', null, 'Expired'],
    ['closed', 'denied', 'Closed — denied by the agent'],
    ['closed', 'cancelled', 'Closed — cancelled'],
    ['closed', 'refused', 'Closed — the customer refused access'],
    ['closed', 'left', 'Closed — the customer left'],
    ['closed', 'ended', 'Closed — session ended'],
    ['closed', null, 'Closed'],
  ] as const)('%s (%s) reads "%s"', (state, closedReason, text) => {
    expect(sessionStateText({ state, closedReason })).toBe(text);
  });
});

describe('form problems', () => {
  it.each([
    'required',
    'tooLong',
    'invalid',
    'email',
    'requiredForMail',
    'past',
    'beforeSchedule',
    'unknownAgent',
    'unknownQueue',
    'badDate',
    'malformed',
    'notPermitted',
  ])('%s has its own text', (code) => {
    expect(problemText(code)).not.toBe(problemText('somethingNew'));
  });

  it('says how long a name may be', () => {
    expect(problemText('tooLong', 'recipientName')).toContain('80 characters');
  });

  it('labels fields the way the form does, and keeps unknown ones', () => {
    expect(fieldLabel('expiresAtTime')).toBe('Link expires');
    expect(fieldLabel('ticket')).toBe('ticket');
  });
});
