import { Clock } from '../../application/ports';

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };
