import { lockboxFormCard, LockboxFormView } from '../../../src/adapters/teams/lockbox/lockboxFormCard';
import { FieldProblem } from '../../../src/domain/errors';
import { HOSTILE } from '../../support/lockboxCardFixtures';
import { allIds, cardProblems, elementAfter, findById, getById, problemNoticeOf, validateCard } from '../../support/validateCard';

function formView(overrides: Partial<LockboxFormView> = {}): LockboxFormView {
  return { values: {}, problems: [], defaultDurationMinutes: 240, maxDurationMinutes: 480, ...overrides };
}

const withProblems = (problems: FieldProblem[], values: Record<string, string> = {}) => lockboxFormCard(formView({ problems, values }));

describe('lockboxFormCard', () => {
  it('is a valid 1.5 card, with and without problems', () => {
    validateCard(lockboxFormCard(formView()));
    validateCard(
      withProblems([
        { field: 'resource', problem: 'required' },
        { field: 'reason', problem: 'tooLong' },
        { field: 'ticket', problem: 'tooLong' },
        { field: 'durationMinutes', problem: 'range' },
        { field: 'form', problem: 'malformed' },
        { field: 'somethingElse', problem: 'odd' },
      ]),
    );
  });

  it('is clean for the SDK; its submit carries the inputs, not a request pointer', () => {
    expect(cardProblems(lockboxFormCard(formView()))).toEqual([]);
  });

  it('has the contract inputs with their types and limits', () => {
    const card = lockboxFormCard(formView());
    expect(getById(card, 'resource')).toMatchObject({ type: 'Input.Text', isRequired: true, maxLength: 200 });
    expect(getById(card, 'reason')).toMatchObject({ type: 'Input.Text', isRequired: true, isMultiline: true, maxLength: 1000 });
    expect(getById(card, 'ticket')).toMatchObject({ type: 'Input.Text', maxLength: 100 });
    expect(getById(card, 'ticket').isRequired).toBeUndefined();
    expect(getById(card, 'durationMinutes')).toMatchObject({ type: 'Input.Number', min: 15, max: 480, value: 240 });
  });

  it('never offers more than the 24 h hard cap, whatever the setting says', () => {
    expect(getById(lockboxFormCard(formView({ maxDurationMinutes: 5000 })), 'durationMinutes').max).toBe(1440);
  });

  it('submits with lockbox.create and no data of its own', () => {
    expect(lockboxFormCard(formView()).actions).toEqual([
      { type: 'Action.Execute', id: 'create', title: 'Request access', verb: 'lockbox.create', data: {}, style: 'positive' },
    ]);
  });

  it('shows no problem texts when there are none', () => {
    expect(allIds(lockboxFormCard(formView())).filter((id) => id.endsWith('Error'))).toEqual([]);
  });

  it.each([
    ['resource', 'required', 'This field is required.'],
    ['resource', 'tooLong', 'This is too long: use at most 200 characters.'],
    ['reason', 'required', 'This field is required.'],
    ['reason', 'tooLong', 'This is too long: use at most 1000 characters.'],
    ['ticket', 'tooLong', 'This is too long: use at most 100 characters.'],
    ['durationMinutes', 'range', 'Choose between 15 and 480 minutes (8 h).'],
  ])('answers %s/%s right after its field', (field, problem, text) => {
    // Was red text (color: 'attention'), 3.24:1 on Teams' dark theme: now default-colour words with ⚠ in an attention box.
    const card = withProblems([{ field, problem }]);
    expect(elementAfter(card, field)?.id).toBe(`${field}ErrorAlert`);
    expect(problemNoticeOf(card, `${field}Error`)).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text });
  });

  it('sums the problems up at the top', () => {
    const card = withProblems([
      { field: 'resource', problem: 'required' },
      { field: 'durationMinutes', problem: 'range' },
    ]);
    expect(card.body[1]).toMatchObject({ id: 'formErrorAlert' });
    expect(problemNoticeOf(card, 'formError')).toEqual({ style: 'attention', symbol: '⚠', color: 'default', text: 'Nothing was requested. Please check: Resource, Duration.' });
  });

  it('answers a problem with the whole form in the summary only', () => {
    const card = withProblems([{ field: 'form', problem: 'malformed' }]);
    expect(getById(card, 'formError').text).toBe('Nothing was requested. The form could not be read. Please fill it in again.');
    expect(allIds(card).filter((id) => id.endsWith('Error'))).toEqual(['formError']);
  });

  it('answers a problem with a field the form does not have at the top, naming the field', () => {
    const card = withProblems([{ field: 'onBehalfOf', problem: 'required' }]);
    expect(elementAfter(card, 'formErrorAlert')?.id).toBe('onBehalfOfErrorAlert');
    expect(getById(card, 'onBehalfOfError').text).toBe('onBehalfOf: This field is required.');
  });

  it('keeps everything typed after a failed submit', () => {
    const values = { resource: HOSTILE, reason: 'line one\nline two', ticket: 'INC-1', durationMinutes: '90' };
    const card = withProblems([{ field: 'ticket', problem: 'tooLong' }], values);
    expect(getById(card, 'resource').value).toBe(HOSTILE);
    expect(getById(card, 'reason').value).toBe('line one\nline two');
    expect(getById(card, 'ticket').value).toBe('INC-1');
    expect(getById(card, 'durationMinutes').value).toBe(90);
  });

  it('keeps an emptied duration empty instead of springing back to the default', () => {
    const card = withProblems([{ field: 'durationMinutes', problem: 'required' }], { durationMinutes: '' });
    expect(findById(card, 'durationMinutes')?.value).toBeUndefined();
  });
});

describe('lockboxFormCard access scopes (issue 15)', () => {
  const base = { values: {}, problems: [], defaultDurationMinutes: 240, maxDurationMinutes: 1440 };
  const mailboxes = { id: 'mailboxes', name: 'Mailboxes', description: 'read case mailboxes' };
  const standard = { id: 'default', name: 'Customer content', description: 'the access group' };

  it('with several scopes, offers input `scope` with each scope in words, the first preselected; with one, says it', () => {
    const several = lockboxFormCard({ ...base, scopes: [standard, mailboxes] });
    validateCard(several);
    const choice = getById(several, 'scope') as { value?: string; choices?: { title: string; value: string }[] };
    expect(choice.value).toBe('default');
    expect(choice.choices?.map((option) => option.value)).toEqual(['default', 'mailboxes']);
    expect(choice.choices?.[1].title).toBe('Mailboxes — read case mailboxes');
    const one = lockboxFormCard({ ...base, scopes: [standard] });
    validateCard(one);
    expect(findById(one, 'scope')).toBeUndefined();
    expect(String(getById(one, 'scopeText').text)).toBe('Access: Customer content — the access group');
  });
});
