import nock from 'nock';
import { GraphForbiddenError } from '../../../src/adapters/graph/graphClient';
import { GraphMailer } from '../../../src/adapters/graph/graphMailer';
import { OutgoingMail, RetryableError } from '../../../src/application/ports';
import { FakeClock } from '../../support/fakeClock';
import { GRAPH, decodeMime, mimePart, nockedGraphClient, recordingLogger } from './graphTestKit';

const clock = new FakeClock('2030-03-04T09:00:00.000Z');

const GERMAN_MAIL: OutgoingMail = {
  to: { name: 'Jürgen Müller', address: 'juergen@example.com' },
  subject: 'Ihre Support-Sitzung',
  text: 'Guten Tag, öffnen Sie https://doorman.example/j/abc bis 5. März 2030, 09:00.',
  html: '<p>Guten Tag, öffnen Sie <a href="https://doorman.example/j/abc">den Link</a> bis 5. März 2030, 09:00.</p>',
  language: 'de',
};

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

test('sendMail 202: MIME (base64, text/plain) with a plain-text and an HTML part in the chosen language', async () => {
  const logger = recordingLogger();
  const mailer = new GraphMailer(nockedGraphClient(), 'support@contoso.example', clock, logger);
  let body = '';
  let contentType: string | undefined;
  nock(GRAPH)
    .post('/v1.0/users/support%40contoso.example/sendMail', (sent) => ((body = String(sent)), true))
    .reply(function () {
      contentType = this.req.headers['content-type'] as string | undefined;
      return [202, ''];
    });

  await mailer.send(GERMAN_MAIL);

  expect(contentType).toBe('text/plain');
  expect(body).toMatch(/^[A-Za-z0-9+/=]+$/);
  const mime = decodeMime(body);
  expect(mime).toContain('Content-Language: de');
  expect(mime).toContain('From: <support@contoso.example>');
  expect(mime).toContain(`To: =?UTF-8?B?${Buffer.from('Jürgen Müller').toString('base64')}?= <juergen@example.com>`);
  expect(mime).toContain(`Subject: =?UTF-8?B?${Buffer.from('Ihre Support-Sitzung').toString('base64')}?=`);
  expect(mime).toMatch(/Content-Type: multipart\/alternative; boundary="doorman-[0-9a-f]+"/);
  expect(mimePart(mime, 'text/plain')).toBe(GERMAN_MAIL.text);
  // The HTML goes out exactly as rendered: nothing added (no tracking pixel, no rewritten links).
  expect(mimePart(mime, 'text/html')).toBe(GERMAN_MAIL.html);
  expect(JSON.stringify(logger.lines)).not.toMatch(/juergen|Sitzung|doorman\.example/);
});

test('the same mail renders the same MIME, so a retried send is byte-identical', async () => {
  const mailer = new GraphMailer(nockedGraphClient(), 'support@contoso.example', clock);
  const bodies: string[] = [];
  nock(GRAPH)
    .post('/v1.0/users/support%40contoso.example/sendMail', (sent) => (bodies.push(String(sent)), true))
    .twice()
    .reply(202);

  await mailer.send(GERMAN_MAIL);
  await mailer.send(GERMAN_MAIL);

  expect(bodies[0]).toBe(bodies[1]);
});

test('403 on sendMail → GRAPH.FORBIDDEN naming Mail.Send and the sender mailbox', async () => {
  const mailer = new GraphMailer(nockedGraphClient(), 'support@contoso.example', clock);
  nock(GRAPH)
    .post('/v1.0/users/support%40contoso.example/sendMail')
    .reply(403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } });

  const error = (await mailer.send(GERMAN_MAIL).catch((e: unknown) => e)) as GraphForbiddenError;

  expect(error).toBeInstanceOf(GraphForbiddenError);
  expect(error.code).toBe('GRAPH.FORBIDDEN');
  expect(error.requirement.permission).toBe('Mail.Send');
  expect(error.requirement.policy).toBe('exchangeMailboxScope');
  expect(error.message).toContain('support@contoso.example');
  expect(error.message).not.toContain('juergen');
});

test('429 / 503 on sendMail → RetryableError honouring Retry-After', async () => {
  const mailer = new GraphMailer(nockedGraphClient(), 'support@contoso.example', clock);
  nock(GRAPH)
    .post('/v1.0/users/support%40contoso.example/sendMail')
    .reply(429, { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } }, { 'Retry-After': '2' })
    .post('/v1.0/users/support%40contoso.example/sendMail')
    .reply(503, { error: { code: 'ServiceUnavailable', message: '' } });

  const throttled = (await mailer.send(GERMAN_MAIL).catch((e: unknown) => e)) as RetryableError;
  const unavailable = (await mailer.send(GERMAN_MAIL).catch((e: unknown) => e)) as RetryableError;

  expect(throttled).toBeInstanceOf(RetryableError);
  expect(throttled.retryAfterMs).toBe(2000);
  expect(unavailable).toBeInstanceOf(RetryableError);
  expect(unavailable.retryAfterMs).toBeNull();
});
