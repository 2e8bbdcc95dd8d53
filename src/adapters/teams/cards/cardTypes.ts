/** The Adaptive Card schema URL every Doorman card declares. */
export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** One element or action of a card; kept loose because cards are plain JSON the SDK validates in tests. */
export type CardElement = { type: string; id?: string } & Record<string, unknown>;

/** An Adaptive Card (schema 1.5, the highest Teams renders everywhere) as Doorman sends it. */
export type AdaptiveCard = {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: unknown[];
  actions?: unknown[];
  refresh?: unknown;
  msteams?: unknown;
};

/** Data every action on a request carries: a pointer only; state and actor never travel in the card. */
export type RequestPointer = {
  requestId: string;
  version: number;
};
