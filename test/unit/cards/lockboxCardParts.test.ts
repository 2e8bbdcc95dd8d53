import { getById } from '../../support/validateCard';
import { durationText, formProblems, inputNumber } from '../../../src/adapters/teams/lockbox/lockboxCardParts';

describe('lockboxCardParts', () => {
  it.each([
    [15, '15 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [240, '4 h'],
    [1440, '24 h'],
  ])('durationText(%d) is "%s"', (minutes, text) => {
    expect(durationText(minutes)).toBe(text);
  });

  it('keeps a Number input empty unless the value is a number', () => {
    expect(inputNumber('n', { label: 'N', value: '42' }).value).toBe(42);
    expect(inputNumber('n', { label: 'N', value: 'abc' }).value).toBeUndefined();
    expect(inputNumber('n', { label: 'N', value: ' ' }).value).toBeUndefined();
    expect(inputNumber('n', { label: 'N', min: 1 })).toEqual({ type: 'Input.Number', id: 'n', label: 'N', min: 1 });
  });

  it('treats field names and problem codes as data, never as properties of Object', () => {
    const answers = formProblems([{ field: 'constructor', problem: 'toString' }, { field: 'a', problem: 'constructor' }], { a: { label: 'A' } }, 'Nothing.');
    expect(answers.unplaced.map((block) => block.id)).toEqual(['constructorErrorAlert']);
    expect(getById(answers.unplaced, 'constructorError').text).toBe('constructor: Please check this field.');
    expect(typeof getById(answers.after('a'), 'aError').text).toBe('string');
  });
});
