/*
 * What leaves Doorman for Application Insights carries no personal data and no link codes. Spans pass through
 * RedactingSpanProcessor before the exporter sees them: attributes that name a person or their device are dropped,
 * URLs lose their query and have link codes, object ids and e-mail addresses replaced, and every other text (span
 * names, exception messages and stacks) has link paths and e-mail addresses replaced.
 *
 * Types only from OpenTelemetry here: this file is loaded in every mode, the SDK only with a connection string.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

type AttributeValue = string | number | boolean | (string | number | boolean | null | undefined)[] | null | undefined;
type MutableAttributes = Record<string, AttributeValue>;

/** Attributes that identify a person or their device (addresses, agents, headers, end-user ids): never exported. */
const DROPPED = [
  /^enduser\./,
  /^user\./,
  /^user_agent\./,
  /^http\.user_agent$/,
  /^http\.client_ip$/,
  /^client\./,
  /^net\.peer\.ip$/,
  /^net\.sock\.peer\./,
  /^network\.peer\./,
  /^http\.request\.header\./,
  /^http\.response\.header\./,
  /^http\.request\.body/,
  /^http\.response\.body/,
  /^db\.query\.parameter\./,
];

/** Attributes holding a URL or a path (old and new semantic conventions). */
const URL_KEYS = new Set(['http.url', 'http.target', 'http.route', 'url.full', 'url.path', 'url.original', 'url.template']);
/** Query strings can carry anything (a Graph `$filter` on a mail address): dropped whole. */
const QUERY_KEYS = new Set(['url.query']);

const LINK_PATH = /\/j\/[^/?#\s"']+/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const GUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;

/** Any exported text: link paths read `/j/:code`, e-mail addresses `[email]`. */
export function redactText(text: string): string {
  return text.replace(LINK_PATH, '/j/:code').replace(EMAIL, '[email]');
}

/** A URL or path: no query or fragment; link codes, e-mail addresses and object ids (Graph's /users/{id}) replaced. */
export function redactUrl(url: string): string {
  const withoutQuery = url.replace(/[?#].*$/s, '');
  return redactText(withoutQuery).replace(GUID, ':id');
}

/** The attributes as they may be exported (a new object; the input is left as it is). */
export function redactAttributes(attributes: Readonly<MutableAttributes>): MutableAttributes {
  const kept: MutableAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED.some((pattern) => pattern.test(key)) || QUERY_KEYS.has(key)) continue;
    const redact = URL_KEYS.has(key) ? redactUrl : redactText;
    kept[key] = typeof value === 'string' ? redact(value) : Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? redact(item) : item)) : value;
  }
  return kept;
}

/** Replaces an attributes object's contents in place (spans hand out their own object; exporters read it later). */
function redactInPlace(attributes: MutableAttributes | undefined): void {
  if (!attributes) return;
  const kept = redactAttributes(attributes);
  for (const key of Object.keys(attributes)) delete attributes[key];
  Object.assign(attributes, kept);
}

/**
 * Registered before the exporter's processor, so the exporter (and anything after) only ever sees redacted spans.
 * Redacts at start too: processors that read a span as it starts see no more than the exporter.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    redactSpan(span as unknown as ReadableSpan);
  }

  onEnd(span: ReadableSpan): void {
    redactSpan(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function redactSpan(span: ReadableSpan): void {
  const writable = span as unknown as { name: string; attributes: MutableAttributes; events?: { name: string; attributes?: MutableAttributes }[] };
  writable.name = redactUrl(writable.name);
  redactInPlace(writable.attributes);
  for (const event of writable.events ?? []) redactInPlace(event.attributes);
}
