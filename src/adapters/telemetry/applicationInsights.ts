import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Logger } from '../../application/ports';
import { RedactingSpanProcessor } from './telemetryRedaction';

let exceptionSink: ((error: unknown) => void) | null = null;

/** Records an unexpected failure on the active span (sent as an exception); nothing while telemetry is off. */
export function reportException(error: unknown): void {
  exceptionSink?.(error);
}

/** A started telemetry pipeline: flushes and stops on shutdown. */
export interface Telemetry {
  stop(): Promise<void>;
}

/**
 * The Azure Monitor options Doorman runs with: the redaction before every exporter, no live metrics (they read spans
 * before any processor of ours), no log collection (pino's lines stay on stdout), and the instrumentations of what
 * Doorman uses (HTTP in and out, PostgreSQL).
 */
export function azureMonitorOptions(connectionString: string, extraProcessors: readonly SpanProcessor[] = []): AzureMonitorOpenTelemetryOptions {
  return {
    azureMonitorExporterOptions: { connectionString },
    enableLiveMetrics: false,
    enableStandardMetrics: true,
    spanProcessors: [new RedactingSpanProcessor(), ...extraProcessors],
    instrumentationOptions: {
      http: { enabled: true },
      postgreSql: { enabled: true },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
  };
}

/**
 * Starts sending traces, request metrics and exceptions to Application Insights. The SDK is required here, lazily:
 * without a connection string (local mode) it is never loaded, so start-up costs nothing more.
 */
export function startApplicationInsights(connectionString: string, logger: Logger): Telemetry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  monitor.useAzureMonitor(azureMonitorOptions(connectionString));
  // Instrumentations patch a module when it is next required; main.ts loaded http and pg before this ran, so they are
  // required once more here (the server and the pool are created after this).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('node:http');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('pg');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  exceptionSink = (error) => {
    const span = api.trace.getActiveSpan();
    if (!span) return;
    // The message may quote what a person typed; the redaction scrubs it like every other text before export.
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: api.SpanStatusCode.ERROR });
  };
  logger.info({ feature: 'telemetry' }, 'Application Insights telemetry on (personal data and link codes removed)');
  return {
    stop: async () => {
      exceptionSink = null;
      await monitor.shutdownAzureMonitor();
    },
  };
}
