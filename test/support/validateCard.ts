import { AdaptiveCard } from '../../src/adapters/teams/cards/cardTypes';

// The package's main entry cannot be required in Node (it looks for lib/strings); the dist bundle can.
const sdk = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;

interface AdaptiveCardsSdk {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: Array<{ message: string }> };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(index: number): { message: string } };
}

/** Verbs of forms that create something: they carry the form's inputs, not a request pointer. */
const FORM_SUBMIT_VERBS = ['assist.create', 'session.create', 'lockbox.create', 'settings.save', 'settings.scope.add', 'settings.scope.remove', 'settings.profile.save', 'settings.profile.remove'];

/** A JSON object somewhere in a card. */
export type CardNode = Record<string, unknown>;

/**
 * Everything wrong with a card: SDK parse warnings and validation failures, a version other than 1.5,
 * a TextBlock that does not wrap, an Action.Execute (other than a form's submit) without verb or pointer.
 */
export function cardProblems(card: AdaptiveCard): string[] {
  const json = JSON.parse(JSON.stringify(card)) as CardNode;
  const problems: string[] = [];
  if (json.type !== 'AdaptiveCard') problems.push(`type is ${String(json.type)}`);
  if (json.version !== '1.5') problems.push(`version is ${String(json.version)}, not 1.5`);

  const parsed = new sdk.AdaptiveCard();
  const context = new sdk.SerializationContext();
  parsed.parse(json, context);
  for (let index = 0; index < context.eventCount; index += 1) problems.push(`parse: ${context.getEventAt(index).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);

  for (const node of allNodes(json)) {
    if (node.type === 'TextBlock' && node.wrap !== true) problems.push(`TextBlock ${describe(node)} does not wrap`);
    if (node.type === 'Action.Execute') {
      const data = node.data as CardNode | undefined;
      if (typeof node.verb !== 'string' || node.verb === '') problems.push(`Action.Execute ${describe(node)} has no verb`);
      else if (!FORM_SUBMIT_VERBS.includes(String(node.verb))) {
        if (typeof data?.requestId !== 'string' || typeof data?.version !== 'number') {
          problems.push(`Action.Execute ${describe(node)} lacks data.requestId and data.version`);
        }
      }
    }
  }
  return problems;
}

/** Throws, listing every problem, unless the SDK parses and validates the card without a single complaint. */
export function validateCard(card: AdaptiveCard): void {
  const problems = cardProblems(card);
  if (problems.length > 0) throw new Error(`invalid card:\n  ${problems.join('\n  ')}`);
}

/** The element or action with this id anywhere in the card (body, actions, ShowCard cards, columns). */
export function findById(card: unknown, id: string): CardNode | undefined {
  return allNodes(card).find((node) => node.id === id);
}

/** Like findById, but fails the test with the ids that do exist when the element is missing. */
export function getById(card: unknown, id: string): CardNode {
  const node = findById(card, id);
  if (!node) throw new Error(`no element with id "${id}"; ids: ${allIds(card).join(', ')}`);
  return node;
}

/** Every id in the card, in document order. */
export function allIds(card: unknown): string[] {
  return allNodes(card)
    .map((node) => node.id)
    .filter((id): id is string => typeof id === 'string');
}

/** The ids of the card's own buttons (top-level actions), in order. */
export function actionIds(card: AdaptiveCard): string[] {
  return ((card.actions ?? []) as CardNode[]).map((action) => String(action.id));
}

/** Every Action.Execute anywhere in the card, including ShowCard cards and the refresh. */
export function executeActions(card: unknown): CardNode[] {
  return allNodes(card).filter((node) => node.type === 'Action.Execute');
}

/** All text a person could read on the card: TextBlock texts, fact titles and values, action titles. */
export function visibleTexts(card: unknown): string[] {
  const texts: string[] = [];
  for (const node of allNodes(card)) {
    if (node.type === 'TextBlock' && typeof node.text === 'string') texts.push(node.text);
    if (node.type === 'FactSet') {
      for (const fact of node.facts as Array<{ title: string; value: string }>) texts.push(fact.title, fact.value);
    }
    if (typeof node.type === 'string' && node.type.startsWith('Action.') && typeof node.title === 'string') {
      texts.push(node.title);
    }
  }
  return texts;
}

/** Every JSON object in the card, depth first. */
export function allNodes(value: unknown): CardNode[] {
  const nodes: CardNode[] = [];
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) item.forEach(visit);
    else if (item !== null && typeof item === 'object') {
      nodes.push(item as CardNode);
      Object.values(item).forEach(visit);
    }
  };
  visit(value);
  return nodes;
}

function describe(node: CardNode): string {
  return typeof node.id === 'string' ? `"${node.id}"` : JSON.stringify(node).slice(0, 80);
}

/** The element right after the one with `id` in the same list (body, container items, column items). */
export function elementAfter(card: unknown, id: string): CardNode | undefined {
  let found: CardNode | undefined;
  const visit = (item: unknown): void => {
    if (found) return;
    if (Array.isArray(item)) {
      const index = item.findIndex((entry) => (entry as CardNode | null)?.id === id);
      if (index >= 0) found = item[index + 1] as CardNode | undefined;
      else item.forEach(visit);
    } else if (item !== null && typeof item === 'object') Object.values(item).forEach(visit);
  };
  visit(card);
  return found;
}

/**
 * How the problem notice `id` (see problemNotice) is shown: the style of its `${id}Alert` Container, the first text
 * in the box (the symbol), and the colour and words of the TextBlock `id`. Undefined when the card has no such box.
 */
export function problemNoticeOf(card: unknown, id: string): { style: unknown; symbol: unknown; color: unknown; text: unknown } | undefined {
  const box = findById(card, `${id}Alert`);
  if (!box) return undefined;
  const texts = allNodes(box).filter((node) => node.type === 'TextBlock');
  const words = getById(box, id);
  return { style: box.style, symbol: texts[0]?.text, color: words.color, text: words.text };
}
