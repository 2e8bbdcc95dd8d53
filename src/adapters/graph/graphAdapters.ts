import { GraphConfig, GraphConnection, GraphConnectionOptions, createGraphClient } from './graphClient';
import * as adapters from './graphAdapterClasses';

/** Graph's adapters, and the connection they share. */
export type GraphStack = GraphConnection & { adapters: typeof adapters };

/**
 * The Graph connection and every Graph adapter main.ts builds, in one module main.ts loads only when Graph is
 * configured: local mode never loads the Graph SDK (start-up time and idle memory, issue 14).
 */
export function openGraph(graph: GraphConfig, options: GraphConnectionOptions = {}): GraphStack {
  return { ...createGraphClient(graph, options), adapters };
}
