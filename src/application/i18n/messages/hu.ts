import type { Messages } from '../messages';

export const hu: Messages = { ...(require('./en').en) };
