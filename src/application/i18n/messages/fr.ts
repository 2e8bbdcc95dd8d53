import type { Messages } from '../messages';

export const fr: Messages = { ...(require('./en').en) };
