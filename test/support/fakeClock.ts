import { Clock } from '../../src/application/ports';

/** A clock tests move by hand: deadlines are reached by advancing it, never by sleeping. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2030-03-04T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  /** The fake now. */
  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Jumps to an instant. */
  set(instant: Date | string): void {
    this.current = new Date(instant).getTime();
  }
}
