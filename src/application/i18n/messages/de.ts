import type { Messages } from '../messages';

export const de: Messages = { ...(require('./en').en) };
