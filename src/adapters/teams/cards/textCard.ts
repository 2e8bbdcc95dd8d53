import { adaptiveCard, heading, textBlock } from './cardElements';
import { AdaptiveCard } from './cardTypes';

/** A title and a text; `id` names the text block (default `text`) so tests can find it. */
export interface TextView {
  title: string;
  text: string;
  id?: string;
}

/** A simple answer (whoami, register queue, errors). `text` is markdown: the caller escapes anything people typed. */
export function textCard(view: TextView): AdaptiveCard {
  return adaptiveCard([heading(view.title, 'title'), textBlock(view.text, { id: view.id ?? 'text', spacing: 'small' })]);
}
