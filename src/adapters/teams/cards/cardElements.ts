import { ADAPTIVE_CARD_SCHEMA, AdaptiveCard, CardElement } from './cardTypes';

/** Options of a TextBlock; text always wraps so that long names are never cut off. */
export interface TextOptions {
  id?: string;
  size?: 'small' | 'default' | 'medium' | 'large' | 'extraLarge';
  weight?: 'lighter' | 'default' | 'bolder';
  /**
   * Only colours that reach 4.5:1 in both Teams themes (see STATUS_TONES): `good` and `warning` fail on white,
   * `attention` on dark, `light` on white and `dark` on dark. Statuses use statusBadge, problems use problemNotice.
   */
  color?: 'default' | 'accent';
  isSubtle?: boolean;
  spacing?: 'none' | 'small' | 'default' | 'medium' | 'large' | 'extraLarge' | 'padding';
  separator?: boolean;
  horizontalAlignment?: 'left' | 'center' | 'right';
  fontType?: 'default' | 'monospace';
  /** `heading` marks titles for screen readers (schema 1.5). */
  style?: 'default' | 'heading';
}

/** A card with Doorman's schema and version; `actions` is left out when empty. */
export function adaptiveCard(
  body: unknown[],
  actions: unknown[] = [],
  extras: Pick<AdaptiveCard, 'refresh' | 'msteams'> = {},
): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: '1.5',
    body,
    ...(actions.length > 0 ? { actions } : {}),
    ...extras,
  };
}

/** A wrapping TextBlock. The caller escapes any text people typed (see escapeMarkdown). */
export function textBlock(text: string, options: TextOptions = {}): CardElement {
  return { type: 'TextBlock', text, wrap: true, ...options };
}

/** A title TextBlock: large, bold, marked as a heading. */
export function heading(text: string, id?: string): CardElement {
  return textBlock(text, { id, size: 'large', weight: 'bolder', style: 'heading' });
}

/** A FactSet; facts whose value is null are left out. Values are markdown, so the caller escapes them. */
export function factSet(facts: ReadonlyArray<readonly [title: string, value: string | null]>, id?: string): CardElement {
  return {
    type: 'FactSet',
    ...(id ? { id } : {}),
    facts: facts.filter((fact) => fact[1] !== null).map(([title, value]) => ({ title, value })),
  };
}

/** A Container around elements. */
export function container(items: unknown[], options: { id?: string; spacing?: TextOptions['spacing']; separator?: boolean; style?: 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent' } = {}): CardElement {
  return { type: 'Container', ...options, items };
}

/** A ColumnSet of columns, each a list of elements with its width (`auto`, `stretch` or a relative weight). */
export function columnSet(
  columns: ReadonlyArray<{ items: unknown[]; width?: 'auto' | 'stretch' | number; verticalContentAlignment?: 'top' | 'center' | 'bottom' }>,
  options: { id?: string; spacing?: TextOptions['spacing']; separator?: boolean } = {},
): CardElement {
  return {
    type: 'ColumnSet',
    ...options,
    columns: columns.map((column) => ({ type: 'Column', width: column.width ?? 'stretch', ...column })),
  };
}

/** What a status means to the reader, not its colour: someone must act, wait, all is well, stopped, or over. */
export type StatusTone = 'action' | 'pending' | 'good' | 'stopped' | 'done';

/**
 * How each status tone is shown. Teams decides what TextBlock colours look like, and its published host configs
 * (microsoft/AdaptiveCards samples/HostConfig/microsoft-teams-light.json and -dark.json) give these WCAG contrast
 * ratios against the card background (light #ffffff, dark #2d2c2c), AA needing 4.5:1 for normal text:
 *   warning #f8d22a: light 1.47 (fails), dark 9.44   good #92c353: light 2.07 (fails), dark 6.73
 *   attention #c4314b / #d74654: light 5.40, dark 3.24 (fails)   accent #6264a7 / #a6a7dc: light 5.38, dark 6.09
 *   default #252424 / #ffffff: light 15.48, dark 13.92
 * So a status is never coloured text: it is default-colour bold text on a Container `style` background, where the
 * host draws its own default foreground (light theme #252424 on warning #ffe2b2 12.37, attention #ffc5b2 10.23,
 * good #ccffcc 13.82, accent #c7def9 11.24, emphasis #f9f8f7 14.60; the dark theme's styled containers keep light
 * backgrounds with #201f1f text, 10.87 or more). A symbol before the words carries the meaning without colour too;
 * the symbols are plain text characters every Teams font has (a rarer one, ⧗, showed as an empty box in Chromium).
 * The ratios are recomputed from those colours in test/unit/cards/statusContrast.test.ts; textContrast.test.ts checks
 * every text of every card the same way.
 */
export const STATUS_TONES: Readonly<Record<StatusTone, { symbol: string; style: 'warning' | 'accent' | 'good' | 'attention' | 'emphasis' }>> = {
  action: { symbol: '●', style: 'warning' },
  pending: { symbol: '►', style: 'accent' },
  good: { symbol: '✓', style: 'good' },
  stopped: { symbol: '✕', style: 'attention' },
  done: { symbol: '○', style: 'emphasis' },
};

/**
 * A status line: a styled Container (`${id}Badge`) holding a symbol and the status words in a TextBlock `id`, both
 * in the host's default colour, bold. The words stay exactly the status text, so they can be read and tested alone.
 */
export function statusBadge(text: string, tone: StatusTone, id: string, options: { spacing?: TextOptions['spacing']; weight?: TextOptions['weight'] } = {}): CardElement {
  const weight = options.weight ?? 'bolder';
  return container(
    [
      columnSet([
        { items: [textBlock(STATUS_TONES[tone].symbol, { weight, color: 'default' })], width: 'auto' },
        { items: [textBlock(text, { id, weight, color: 'default' })], width: 'stretch' },
      ]),
    ],
    { id: `${id}Badge`, style: STATUS_TONES[tone].style, spacing: options.spacing ?? 'small' },
  );
}

/** The symbol before every problem notice: a plain text character (U+26A0) of the common symbol fonts. */
export const PROBLEM_SYMBOL = '⚠';

/**
 * A problem (a refusal, a form error, a mail or meeting that failed): an `attention` Container (`${id}Alert`) holding
 * PROBLEM_SYMBOL and the words in a TextBlock `id`, both in the host's default colour. Red text would read 3.24:1 on
 * Teams' dark theme (see STATUS_TONES); the symbol says "problem" without colour. The words stay exactly the text.
 */
export function problemNotice(text: string, id: string, options: { spacing?: TextOptions['spacing']; weight?: TextOptions['weight'] } = {}): CardElement {
  const weight = options.weight ?? 'default';
  return container(
    [
      columnSet([
        { items: [textBlock(PROBLEM_SYMBOL, { weight, color: 'default' })], width: 'auto' },
        { items: [textBlock(text, { id, weight, color: 'default' })], width: 'stretch' },
      ]),
    ],
    { id: `${id}Alert`, style: 'attention', ...(options.spacing ? { spacing: options.spacing } : {}) },
  );
}

/** An Action.Execute (Universal Actions): Teams sends `verb` and `data` plus the card's inputs to the bot. */
export function executeAction(
  title: string,
  verb: string,
  data: Record<string, unknown>,
  id: string,
  style?: 'positive' | 'destructive',
): CardElement {
  return { type: 'Action.Execute', id, title, verb, data, ...(style ? { style } : {}) };
}

/** An Action.OpenUrl. */
export function openUrlAction(title: string, url: string, id: string, style?: 'positive'): CardElement {
  return { type: 'Action.OpenUrl', id, title, url, ...(style ? { style } : {}) };
}

/** An ActionSet: buttons inside the body, next to what they belong to. */
export function actionSet(actions: unknown[], id?: string): CardElement {
  return { type: 'ActionSet', ...(id ? { id } : {}), actions };
}

/** An Action.ShowCard that unfolds a small card (body and actions) below the buttons. */
export function showCardAction(title: string, id: string, body: unknown[], actions: unknown[]): CardElement {
  return { type: 'Action.ShowCard', id, title, card: { type: 'AdaptiveCard', body, actions } };
}

/** Common options of inputs; a required input always gets a label and an error message (the SDK insists). */
export interface InputOptions {
  label: string;
  value?: string;
  placeholder?: string;
  isRequired?: boolean;
  errorMessage?: string;
  spacing?: TextOptions['spacing'];
}

/** An Input.Text. */
export function inputText(
  id: string,
  options: InputOptions & { maxLength?: number; isMultiline?: boolean; style?: 'text' | 'tel' | 'url' | 'email' | 'password' },
): CardElement {
  return { type: 'Input.Text', id, ...withoutUndefined(options) };
}

/** An Input.ChoiceSet. */
export function inputChoiceSet(
  id: string,
  choices: ReadonlyArray<{ title: string; value: string }>,
  options: InputOptions & { style?: 'compact' | 'expanded' | 'filtered' },
): CardElement {
  return { type: 'Input.ChoiceSet', id, choices: choices.map((choice) => ({ ...choice })), ...withoutUndefined(options) };
}

/**
 * An Input.ChoiceSet whose further choices Teams asks the bot for as the person types (`choices.data`, Data.Query;
 * the bot answers the `application/search` invoke for `dataset`): the card stays small however long the list is.
 */
export function inputSearchChoiceSet(
  id: string,
  fixedChoices: ReadonlyArray<{ title: string; value: string }>,
  dataset: string,
  options: InputOptions & { placeholder?: string },
): CardElement {
  return {
    type: 'Input.ChoiceSet',
    id,
    style: 'filtered',
    choices: fixedChoices.map((choice) => ({ ...choice })),
    'choices.data': { type: 'Data.Query', dataset },
    ...withoutUndefined(options),
  };
}

/** An Input.Date; `value` is YYYY-MM-DD. */
export function inputDate(id: string, options: InputOptions): CardElement {
  return { type: 'Input.Date', id, ...withoutUndefined(options) };
}

/** An Input.Time; `value` is HH:MM. */
export function inputTime(id: string, options: InputOptions): CardElement {
  return { type: 'Input.Time', id, ...withoutUndefined(options) };
}

/** An Input.Toggle whose value is the string "true" or "false"; its title already labels it. */
export function inputToggle(id: string, title: string, options: Partial<InputOptions>): CardElement {
  return { type: 'Input.Toggle', id, title, valueOn: 'true', valueOff: 'false', ...withoutUndefined(options) };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
