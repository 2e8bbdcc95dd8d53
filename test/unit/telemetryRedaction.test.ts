import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { azureMonitorOptions } from '../../src/adapters/telemetry/applicationInsights';
import { RedactingSpanProcessor, redactUrl } from '../../src/adapters/telemetry/telemetryRedaction';

const LINK_CODE = 'Zq3kP9vXw2LmN8rT5yB1cD4fG7hJ0aSe';
const OBJECT_ID = '0b6f3c2e-5d4a-4e1b-9f8c-7a6b5c4d3e2f';

/** A tracer whose spans pass the redaction, then an in-memory exporter: what Application Insights would receive. */
function exportedThroughRedaction() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor(exporter)] });
  return { tracer: provider.getTracer('doorman-test'), exporter };
}

describe('telemetry redaction (what would be exported; no network)', () => {
  it('exports portal requests without the link code, the query, the address or the browser', () => {
    const { tracer, exporter } = exportedThroughRedaction();
    const span = tracer.startSpan(`GET /j/${LINK_CODE}/state`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.target': `/j/${LINK_CODE}/state?lang=de`,
        'url.path': `/j/${LINK_CODE}/arrive`,
        'url.query': 'lang=de&email=chris@contoso.com',
        'url.full': `https://doorman.example/j/${LINK_CODE}?x=1`,
        'http.client_ip': '203.0.113.7',
        'client.address': '203.0.113.7',
        'net.sock.peer.addr': '203.0.113.7',
        'user_agent.original': 'Mozilla/5.0 (Chris’s laptop)',
        'http.user_agent': 'Mozilla/5.0',
        'http.request.header.cookie': ['__Host-doorman=secret'],
        'enduser.id': 'chris@contoso.com',
        'http.status_code': 200,
        'http.method': 'GET',
      },
    });
    span.end();

    const [exported] = exporter.getFinishedSpans();
    expect(exported.name).toBe('GET /j/:code/state');
    expect(exported.attributes).toEqual({
      'http.target': '/j/:code/state',
      'url.path': '/j/:code/arrive',
      'url.full': 'https://doorman.example/j/:code',
      'http.status_code': 200,
      'http.method': 'GET',
    });
    expect(JSON.stringify(exported.attributes)).not.toContain(LINK_CODE);
  });

  it("exports Graph calls without the person's object id or address, and exceptions without what people typed", () => {
    const { tracer, exporter } = exportedThroughRedaction();
    const span = tracer.startSpan('POST', {
      kind: SpanKind.CLIENT,
      attributes: { 'http.url': `https://graph.microsoft.com/v1.0/users/${OBJECT_ID}/sendMail?$filter=mail eq 'dana@fabrikam.com'`, 'peer.service': 'graph' },
    });
    span.recordException(new Error(`mail to dana@fabrikam.com failed; link https://doorman.example/j/${LINK_CODE}`));
    span.setAttribute('db.query.parameter.0', 'chris@contoso.com');
    span.end();

    const [exported] = exporter.getFinishedSpans();
    expect(exported.attributes).toEqual({ 'http.url': 'https://graph.microsoft.com/v1.0/users/:id/sendMail', 'peer.service': 'graph' });
    const exception = JSON.stringify(exported.events);
    expect(exception).toContain('mail to [email] failed; link https://doorman.example/j/:code');
    expect(exception).not.toMatch(/fabrikam|contoso/);
    expect(exception).not.toContain(LINK_CODE);
  });

  it('strips every query and fragment from URLs and keeps harmless paths as they are', () => {
    expect(redactUrl('/api/v1/requests/req-1?from=2026-01-01')).toBe('/api/v1/requests/req-1');
    expect(redactUrl('/tab#token=abc')).toBe('/tab');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('puts the redaction before every exporter, with live metrics and log collection off', () => {
    const extra = new SimpleSpanProcessor(new InMemorySpanExporter());
    const options = azureMonitorOptions('InstrumentationKey=00000000-0000-0000-0000-000000000000', [extra]);
    expect(options.spanProcessors?.[0]).toBeInstanceOf(RedactingSpanProcessor);
    expect(options.spanProcessors?.[1]).toBe(extra);
    expect(options.enableLiveMetrics).toBe(false);
    expect(options.instrumentationOptions?.winston?.enabled).toBe(false);
    expect(options.instrumentationOptions?.http?.enabled).toBe(true);
  });

  it('loads no Azure Monitor or OpenTelemetry SDK module when Doorman starts without a connection string', () => {
    // A fresh process: Jest's own registry would not show what Node loaded.
    const script = `
      require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });
      require('./src/main.ts');
      const loaded = Object.keys(require.cache).filter((file) => /@azure[\\\\/]monitor-opentelemetry|@opentelemetry[\\\\/](sdk-|instrumentation)/.test(file));
      process.stdout.write(JSON.stringify(loaded));`;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  }, 130_000);
});
