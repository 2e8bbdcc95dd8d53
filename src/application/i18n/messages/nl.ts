import type { Messages } from '../messages';

export const nl: Messages = { ...(require('./en').en) };
