import { adaptiveCard, executeAction, textBlock } from '../../../src/adapters/teams/cards/cardElements';
import { AdaptiveCard } from '../../../src/adapters/teams/cards/cardTypes';
import { cardProblems, validateCard } from '../../support/validateCard';

// The card tests lean on this helper, so it must itself catch what it promises to catch.
describe('validateCard', () => {
  it('accepts a small valid card', () => {
    expect(cardProblems(adaptiveCard([textBlock('Hello', { id: 'hello' })]))).toEqual([]);
  });

  it('reports a card other than 1.5', () => {
    const card = { ...adaptiveCard([textBlock('x')]), version: '1.6' } as unknown as AdaptiveCard;
    expect(cardProblems(card)).toEqual(['version is 1.6, not 1.5']);
  });

  it('reports SDK validation failures: duplicate ids, bad enum values, inputs without labels', () => {
    const card = adaptiveCard([
      textBlock('a', { id: 'same' }),
      { type: 'TextBlock', id: 'same', text: 'b', wrap: true, color: 'purple' },
      { type: 'Input.Text', id: 'name', isRequired: true },
    ]);
    expect(cardProblems(card)).toEqual(
      expect.arrayContaining([
        'validate: Duplicate Id "same".',
        'parse: Invalid value "purple" for property "color".',
        'validate: Required inputs should have a label',
      ]),
    );
  });

  it('reports unknown element types and TextBlocks that do not wrap', () => {
    const card = adaptiveCard([{ type: 'Media.Gif' }, { type: 'TextBlock', id: 'cut', text: 'x' }]);
    expect(cardProblems(card)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^parse: Unknown element type "Media.Gif"/), 'TextBlock "cut" does not wrap']),
    );
  });

  it('reports an Action.Execute without verb or pointer, except session.create', () => {
    const card = adaptiveCard(
      [textBlock('x')],
      [
        executeAction('Create', 'session.create', {}, 'create'),
        executeAction('Admit', 'session.admit', { requestId: 'r1' }, 'admit'),
        { type: 'Action.Execute', id: 'noVerb', title: 'x', data: { requestId: 'r1', version: 1 } },
      ],
    );
    expect(cardProblems(card)).toEqual([
      'Action.Execute "admit" lacks data.requestId and data.version',
      'Action.Execute "noVerb" has no verb',
    ]);
    expect(() => validateCard(card)).toThrow(/admit/);
  });
});
