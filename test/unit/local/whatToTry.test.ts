import { Persona, whatToTry } from '../../../scripts/localPersonas';

// What `npm start` tells each persona to try first: issue 12 asks that the walkthrough of a request for help works
// from `npm start` alone, so the admin, the user without a role and the helper are each told their part.

const persona = (alias: string, roles: string[]): Persona => ({ alias, name: alias, aadObjectId: `id-${alias}`, roles });

describe('npm start tips for remote assistance', () => {
  it('tells the admin how to register the assistance channel (a channel serves one purpose)', () => {
    expect(whatToTry(persona('alex', ['admin', 'agent']), true)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^in the channel "General": @Doorman register assistance\b.*one purpose/)]),
    );
  });

  it('tells a person without a role to ask for help with `help me`', () => {
    expect(whatToTry(persona('eve', []), false)).toEqual(expect.arrayContaining([expect.stringMatching(/^in the personal chat: help me\b/)]));
  });

  it('tells an agent where requests for help arrive, or to come first when the channels are in another Playground', () => {
    expect(whatToTry(persona('bea', ['agent']), true)).toEqual(expect.arrayContaining([expect.stringMatching(/Help requested.*Accept/)]));
    expect(whatToTry(persona('bea', ['agent']), false)).toEqual(expect.arrayContaining([expect.stringMatching(/requests for help reach the first Playground only: .*--as bea,eve/)]));
  });
});
