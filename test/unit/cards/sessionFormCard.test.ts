import { sessionFormCard, SessionFormView } from '../../../src/adapters/teams/session/sessionFormCard';
import { ConfiguredDirectory } from '../../../src/adapters/directory/configuredDirectory';
import { sessionForm } from '../../../src/adapters/teams/session/sessionVerbs';
import { newSessionForm, submitSessionForm } from '../../../src/application/session/sessionViews';
import { FieldProblem } from '../../../src/domain/errors';
import { Actor } from '../../../src/domain/people';
import { BEA } from '../../support/cardFixtures';
import { useCaseDepsPerTest } from '../../support/testDeps';
import { allIds, elementAfter, findById, getById, problemNoticeOf, validateCard } from '../../support/validateCard';

function formView(overrides: Partial<SessionFormView> = {}): SessionFormView {
  return {
    chosenAgent: null,
    queues: [{ id: 'q-1', name: 'Tier 1' }],
    defaultQueue: { name: 'Tier 1', reason: 'only' },
    values: {},
    problems: [],
    timeZone: 'Europe/Berlin',
    defaultHours: 24,
    ...overrides,
  };
}

const withProblems = (problems: FieldProblem[], values: Record<string, string> = {}) =>
  sessionFormCard(formView({ problems, values }));

describe('sessionFormCard', () => {
  it('is a valid 1.5 card, with and without problems', () => {
    validateCard(sessionFormCard(formView()));
    validateCard(
      withProblems([
        { field: 'recipientName', problem: 'required' },
        { field: 'recipientEmail', problem: 'email' },
        { field: 'assignTo', problem: 'unknownAgent' },
        { field: 'comments', problem: 'tooLong' },
        { field: 'scheduledFor', problem: 'past' },
        { field: 'expiresAt', problem: 'beforeSchedule' },
        { field: 'emailLanguage', problem: 'invalid' },
        { field: 'form', problem: 'notPermitted' },
        { field: 'somethingElse', problem: 'odd' },
      ]),
    );
  });

  it('has every input of the contract with the right type', () => {
    const card = sessionFormCard(formView());
    const types = Object.fromEntries(
      ['recipientName', 'recipientEmail', 'assignTo', 'comments', 'scheduledFor', 'scheduledForTime', 'expiresAt', 'expiresAtTime', 'sendEmail', 'emailLanguage'].map(
        (id) => [id, getById(card, id).type],
      ),
    );
    expect(types).toEqual({
      recipientName: 'Input.Text',
      recipientEmail: 'Input.Text',
      assignTo: 'Input.ChoiceSet',
      comments: 'Input.Text',
      scheduledFor: 'Input.Date',
      scheduledForTime: 'Input.Time',
      expiresAt: 'Input.Date',
      expiresAtTime: 'Input.Time',
      sendEmail: 'Input.Toggle',
      emailLanguage: 'Input.ChoiceSet',
    });
  });

  it('requires a name of at most 80 characters and takes an optional e-mail', () => {
    const card = sessionFormCard(formView());
    expect(getById(card, 'recipientName')).toMatchObject({ isRequired: true, maxLength: 80 });
    expect(getById(card, 'recipientEmail')).toMatchObject({ style: 'email' });
    expect(getById(card, 'recipientEmail').isRequired).toBeUndefined();
  });

  it('offers me, unassigned and every queue, defaulting to me, and searches the agents (Data.Query, dataset agents)', () => {
    const assignTo = getById(sessionFormCard(formView()), 'assignTo');
    expect(assignTo.value).toBe('me');
    expect(assignTo.style).toBe('filtered');
    expect(assignTo['choices.data']).toEqual({ type: 'Data.Query', dataset: 'agents' });
    expect(assignTo.choices).toEqual([
      { title: 'Me', value: 'me' },
      { title: 'Unassigned', value: 'unassigned' },
      { title: 'Queue: Tier 1', value: 'queue:q-1' },
    ]);
  });

  it('offers the agent picked before a failed submit again by name', () => {
    const card = sessionFormCard(formView({ chosenAgent: BEA, values: { assignTo: 'user:aad-bea' }, problems: [{ field: 'recipientName', problem: 'required' }] }));
    expect(getById(card, 'assignTo')).toMatchObject({ value: 'user:aad-bea', choices: expect.arrayContaining([{ title: 'Bea Backup', value: 'user:aad-bea' }]) });
  });

  it('says the comments are internal', () => {
    const comments = getById(sessionFormCard(formView()), 'comments');
    expect(comments.isMultiline).toBe(true);
    expect(String(comments.placeholder)).toMatch(/internal/i);
    expect(String(comments.placeholder)).toMatch(/never shown to the customer/);
  });

  // Issue 9: a prefilled deadline counted from when the form was opened, not from Create.
  it('leaves the deadline empty and says it counts from Create', () => {
    const card = sessionFormCard(formView());
    expect(getById(card, 'expiresAt')).toMatchObject({ label: 'Link expires (optional)' });
    expect(getById(card, 'expiresAt').value).toBeUndefined();
    expect(getById(card, 'expiresAtTime').value).toBeUndefined();
    expect(getById(card, 'expiryNote').text).toBe('Left empty, the link expires 24 h after you press Create (after the start when scheduled).');
    expect(getById(card, 'scheduledFor').value).toBeUndefined();
  });

  it.each([
    [{ name: 'Tier 1', reason: 'default' as const }, 'Unless you pick a queue, the request also goes to **Tier 1** (the default queue).'],
    [{ name: 'Tier 1', reason: 'only' as const }, 'Unless you pick a queue, the request also goes to **Tier 1** (the only queue).'],
    [null, expect.stringMatching(/^No default queue is set/)],
  ])('says which queue a request goes to when the agent picks none (%j)', (defaultQueue, text) => {
    expect(getById(sessionFormCard(formView({ defaultQueue })), 'queueNote').text).toEqual(text);
  });

  it('says when no queue is registered for sessions', () => {
    const card = sessionFormCard(formView({ queues: [], defaultQueue: null }));
    expect(getById(card, 'queueNote').text).toMatch(/^No queue is registered for sessions/);
  });

  it('says which time zone the times are in', () => {
    expect(getById(sessionFormCard(formView()), 'timeZoneNote').text).toBe('Times are in Europe/Berlin.');
  });

  it('sends mail only when switched on, as "true"/"false"', () => {
    const toggle = getById(sessionFormCard(formView()), 'sendEmail');
    expect(toggle).toMatchObject({ valueOn: 'true', valueOff: 'false', value: 'false' });
  });

  // Issue 9: English was always set, so the customer's Accept-Language was never used.
  it("offers the customer's browser language first and by default, then the five languages", () => {
    const card = sessionFormCard(formView());
    const language = getById(card, 'emailLanguage');
    expect(language.value).toBe('auto');
    expect(getById(card, 'languageNote').text).toMatch(/mail and the text you copy are in English/);
    expect(language.choices).toEqual([
      { title: "The customer's browser language", value: 'auto' },
      { title: 'English', value: 'en' },
      { title: 'Deutsch', value: 'de' },
      { title: 'Français', value: 'fr' },
      { title: 'Nederlands', value: 'nl' },
      { title: 'Magyar', value: 'hu' },
    ]);
  });

  it('submits with session.create and no data of its own', () => {
    const card = sessionFormCard(formView());
    expect(card.actions).toEqual([
      { type: 'Action.Execute', id: 'create', title: 'Create request', verb: 'session.create', data: {}, style: 'positive' },
    ]);
  });

  it('shows no problem texts when there are none', () => {
    const ids = allIds(sessionFormCard(formView()));
    expect(ids.filter((id) => id.endsWith('Error'))).toEqual([]);
  });

  it.each([
    ['recipientName', 'required', 'recipientName', 'This field is required.'],
    ['recipientName', 'tooLong', 'recipientName', 'This is too long: use at most 80 characters.'],
    ['recipientEmail', 'email', 'recipientEmail', 'This is not a valid e-mail address.'],
    ['recipientEmail', 'requiredForMail', 'recipientEmail', 'An e-mail address is needed to send the invitation by e-mail.'],
    ['assignTo', 'unknownAgent', 'assignTo', 'No agent with this name is known to Doorman.'],
    ['assignTo', 'unknownQueue', 'assignTo', 'This queue is not registered (any more).'],
    ['comments', 'tooLong', 'comments', 'This is too long: use at most 2000 characters.'],
    ['scheduledFor', 'past', 'schedule', 'This time is in the past.'],
    ['scheduledForTime', 'badDate', 'schedule', 'This is not a valid date or time.'],
    ['expiresAt', 'beforeSchedule', 'expiry', 'The link must expire after the scheduled start.'],
    ['expiresAt', 'past', 'expiry', 'This time is in the past.'],
    ['emailLanguage', 'invalid', 'emailLanguage', 'This value cannot be used.'],
  ])('answers %s/%s right after its field', (field, problem, anchor, text) => {
    const card = withProblems([{ field, problem }]);
    // Was red text (color: 'attention'), 3.24:1 on Teams' dark theme: now default-colour words with ⚠ in an attention box.
    expect(elementAfter(card, anchor)?.id).toBe(`${field}ErrorAlert`);
    expect(problemNoticeOf(card, `${field}Error`)).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text });
  });

  it('sums the problems up at the top', () => {
    const card = withProblems([
      { field: 'recipientName', problem: 'required' },
      { field: 'expiresAt', problem: 'past' },
      { field: 'expiresAtTime', problem: 'badDate' },
    ]);
    expect(card.body[1]).toMatchObject({ id: 'formErrorAlert' });
    expect(problemNoticeOf(card, 'formError')).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text: 'Nothing was created. Please check: Customer name, Link expires.' });
  });

  it('answers a problem with the whole form in the summary, without a second formError', () => {
    const card = withProblems([{ field: 'form', problem: 'notPermitted' }]);
    expect(allIds(card).filter((id) => id === 'formError')).toHaveLength(1);
    expect(getById(card, 'formError').text).toBe("Nothing was created. You don't have the agent role.");
  });

  it('answers a problem with a field the form does not have at the top, naming the field', () => {
    const card = withProblems([{ field: 'ticket', problem: 'required' }]);
    expect(elementAfter(card, 'formErrorAlert')?.id).toBe('ticketErrorAlert');
    expect(getById(card, 'ticketError').text).toBe('ticket: This field is required.');
  });

  it('joins two problems of one field in one text', () => {
    const card = withProblems([
      { field: 'recipientEmail', problem: 'email' },
      { field: 'recipientEmail', problem: 'requiredForMail' },
    ]);
    expect(getById(card, 'recipientEmailError').text).toBe(
      'This is not a valid e-mail address. An e-mail address is needed to send the invitation by e-mail.',
    );
  });

  it('keeps everything typed after a failed submit', () => {
    const values = {
      recipientName: '**x** [y](http://e)',
      recipientEmail: 'not-an-address',
      assignTo: 'queue:q-1',
      comments: 'line one\nline two',
      scheduledFor: '2030-03-06',
      scheduledForTime: '09:30',
      expiresAt: '2030-03-05',
      expiresAtTime: '08:00',
      sendEmail: 'true',
      emailLanguage: 'hu',
    };
    const card = withProblems([{ field: 'recipientEmail', problem: 'email' }], values);
    for (const [id, value] of Object.entries(values)) expect([id, getById(card, id).value]).toEqual([id, value]);
  });

  it('keeps an emptied field empty and an untouched deadline empty (it still counts from Create)', () => {
    const card = withProblems([{ field: 'recipientName', problem: 'required' }], { recipientName: '', scheduledFor: '', expiresAt: '' });
    expect(findById(card, 'recipientName')?.value).toBe('');
    expect(findById(card, 'scheduledFor')?.value).toBe('');
    expect(getById(card, 'expiresAt').value).toBe('');
  });
});

describe('the session form with 1,000 agents (drawn from the use case)', () => {
  const t = useCaseDepsPerTest();
  const bea: Actor = { type: 'person', person: { aadObjectId: 'aad-agent-0', name: 'Agent 0' }, roles: ['agent'] };
  const manyAgents = () =>
    new ConfiguredDirectory(Array.from({ length: 1000 }, (_, i) => ({ aadObjectId: `aad-agent-${i}`, name: `Agent number ${i} of the service desk`, roles: ['agent' as const] })));

  it('stays at most 8 KB, empty and after a failed submit that picked an agent', async () => {
    const deps = { ...t.deps, directory: manyAgents() };
    const empty = sessionForm(await newSessionForm(deps, bea), 'UTC');
    const answer = await submitSessionForm(deps, bea, { recipientName: '', assignTo: 'user:aad-agent-999' }, null, 'UTC');
    if (answer.kind !== 'form') throw new Error('expected the form again');
    const again = sessionForm(answer.form, 'UTC', answer.typed, answer.problems);
    expect(getById(again, 'assignTo').choices).toContainEqual({ title: 'Agent number 999 of the service desk', value: 'user:aad-agent-999' });
    for (const card of [empty, again]) expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(8192);
  });
});
