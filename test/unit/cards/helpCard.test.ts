import { helpCard } from '../../../src/adapters/teams/cards/helpCard';
import { textCard } from '../../../src/adapters/teams/cards/textCard';
import { getById, validateCard } from '../../support/validateCard';

describe('helpCard', () => {
  const commands = [
    { title: 'help', description: 'What Doorman can do for you' },
    { title: 'new session', description: 'Create a one-time session link for a customer' },
    { title: 'register queue', description: 'Make this channel a queue: register queue <name>' },
  ];

  it('lists every command with what it does, shown literally', () => {
    const card = helpCard({ commands, roles: ['agent', 'admin'], greeting: false });
    validateCard(card);
    const facts = getById(card, 'commands').facts as Array<{ title: string; value: string }>;
    expect(facts.map((fact) => fact.title)).toEqual(commands.map((command) => command.title));
    expect(facts.find((fact) => fact.title === 'register queue')?.value).toBe(
      'Make this channel a queue: register queue \\<name\\>',
    );
    expect(getById(card, 'roles').text).toBe('Your roles: agent, admin.');
  });

  it('greets at install: what Doorman does and to say help, with the commands and roles', () => {
    const card = helpCard({ commands, roles: ['engineer'], greeting: true });
    validateCard(card);
    expect(getById(card, 'title').text).toBe('Welcome to Doorman');
    expect(getById(card, 'greeting').text).toMatch(/Say \*\*help\*\* any time/);
    expect(getById(card, 'roles').text).toBe('Your roles: engineer.');
    expect(JSON.stringify(card)).not.toMatch(/support session/i);
  });

  it('tells people without a role whom to ask', () => {
    const card = helpCard({ commands, roles: [], greeting: false });
    validateCard(card);
    expect(getById(card, 'roles').text).toMatch(/no Doorman role/);
  });
});

describe('textCard', () => {
  it('shows a title and a text under the given id', () => {
    const card = textCard({ title: 'Queue registered', text: 'This channel is now the queue **Tier 1**.', id: 'queueRegistered' });
    validateCard(card);
    expect(getById(card, 'title').text).toBe('Queue registered');
    expect(getById(card, 'queueRegistered').text).toBe('This channel is now the queue **Tier 1**.');
  });

  it('names the text "text" by default', () => {
    expect(getById(textCard({ title: 'Hi', text: 'there' }), 'text').text).toBe('there');
  });
});
