import { RequestChanges } from '../ports';

/** In-process change notifications: the portal's live pages listen here for their request. */
export class InProcessRequestChanges implements RequestChanges {
  private readonly listeners = new Map<string, Set<() => void>>();

  /** Tells every listener of `requestId` that it changed. */
  publish(requestId: string): void {
    for (const listener of this.listeners.get(requestId) ?? []) listener();
  }

  /** Listens for changes of `requestId`; returns the function that stops listening. */
  subscribe(requestId: string, listener: () => void): () => void {
    const set = this.listeners.get(requestId) ?? new Set();
    set.add(listener);
    this.listeners.set(requestId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(requestId);
    };
  }
}
