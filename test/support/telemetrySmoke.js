// Child process of test/integration/telemetryPipeline.test.ts: the real Azure Monitor pipeline with Doorman's options,
// the network sealed to loopback, an in-memory exporter after the redaction; prints what it would have exported.
const net = require('node:net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function sealed(...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (options.path === undefined && !['127.0.0.1', 'localhost', '::1', undefined].includes(options.host)) {
    process.nextTick(() => this.destroy(new Error(`network sealed: ${options.host}`)));
    return this;
  }
  return connect.apply(this, args);
};
require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });
const { azureMonitorOptions } = require('../../src/adapters/telemetry/applicationInsights.ts');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const monitor = require('@azure/monitor-opentelemetry');

const exporter = new InMemorySpanExporter();
// Every trace kept (production keeps the SDK's 5 per second), so the one request of this check is exported.
monitor.useAzureMonitor({ ...azureMonitorOptions('InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/', [new SimpleSpanProcessor(exporter)]), tracesPerSecond: 0 });
const http = require('node:http');
const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${server.address().port}${process.argv[2]}`;
  await new Promise((resolve) => http.get(url, { headers: { 'user-agent': 'Chris laptop' } }, (res) => res.resume().on('end', resolve)));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const spans = exporter.getFinishedSpans().filter((span) => span.kind === 1).map((span) => ({ name: span.name, attributes: span.attributes }));
  process.stdout.write(`SPANS ${JSON.stringify(spans)}\n`);
  server.close();
  process.exit(0);
});
