/**
 * A structural reader for infra/main.bicep. No Bicep compiler is available offline (npm and Debian have none), so
 * the tests read the template as text. It understands only the conventional layout main.bicep keeps: one
 * declaration per line at column 0, decorators on the lines above a `param`, object variables written as
 * `var x = {` … `}` with one `KEY: value` per line, and app settings as `properties: union(a, b, …)` of such vars.
 */

/** A `param` of the template. */
export interface BicepParam {
  type: string;
  /** The default value's source text, or null when the parameter is required. */
  defaultSource: string | null;
  secure: boolean;
  allowed: string[];
}

/** A `resource` declaration with its body text. */
export interface BicepResource {
  symbol: string;
  type: string;
  apiVersion: string;
  body: string;
}

/** What the tests need to know about a Bicep file. */
export interface BicepFacts {
  params: Map<string, BicepParam>;
  /** Output name → its expression. */
  outputs: Map<string, string>;
  /** Object variables: name → (key → value source). */
  objectVars: Map<string, Map<string, string>>;
  resources: BicepResource[];
}

/** Reads params, outputs, object variables and resources out of Bicep source. */
export function readBicep(source: string): BicepFacts {
  const lines = source.split(/\r?\n/);
  const params = new Map<string, BicepParam>();
  const outputs = new Map<string, string>();
  const objectVars = new Map<string, Map<string, string>>();
  const resources: BicepResource[] = [];
  let decorators: string[] = [];

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.startsWith('@')) {
      // A multi-line decorator such as @allowed([ … ]) is gathered up to its closing bracket.
      let decorator = line;
      while (decorator.includes('([') && !decorator.includes('])') && i + 1 < lines.length) {
        i += 1;
        decorator += `\n${lines[i]}`;
      }
      decorators.push(decorator);
      continue;
    }
    const param = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line);
    if (param) {
      const allowedDecorator = decorators.find((d) => d.startsWith('@allowed('));
      params.set(param[1], {
        type: param[2],
        defaultSource: param[3] ?? null,
        secure: decorators.some((d) => d.startsWith('@secure()')),
        allowed: allowedDecorator ? [...allowedDecorator.matchAll(/'([^']*)'/g)].map((m) => m[1]) : [],
      });
      decorators = [];
      continue;
    }
    const output = /^output (\w+) \w+ = (.+)$/.exec(line);
    if (output) outputs.set(output[1], output[2]);
    const objectVar = /^var (\w+) = \{$/.exec(line);
    if (objectVar) {
      const entries = new Map<string, string>();
      for (i += 1; i < lines.length && lines[i] !== '}'; i += 1) {
        const entry = /^ {2}([A-Za-z_][A-Za-z0-9_]*): (.+)$/.exec(lines[i]);
        if (entry) entries.set(entry[1], entry[2]);
      }
      objectVars.set(objectVar[1], entries);
    }
    const resource = /^resource (\w+) '([^'@]+)@([^']+)' = /.exec(line);
    if (resource) {
      const body: string[] = [line];
      for (i += 1; i < lines.length && lines[i] !== '}'; i += 1) body.push(lines[i]);
      resources.push({ symbol: resource[1], type: resource[2], apiVersion: resource[3], body: body.join('\n') });
    }
    if (!line.startsWith('//')) decorators = [];
  }
  return { params, outputs, objectVars, resources };
}

/** The object variables the web app's `appsettings` config resource unions together, in order. */
export function appSettingsVars(facts: BicepFacts): string[] {
  const config = facts.resources.find(
    (resource) => resource.type === 'Microsoft.Web/sites/config' && /^\s*name: 'appsettings'$/m.test(resource.body),
  );
  if (!config) throw new Error("main.bicep has no Microsoft.Web/sites/config resource named 'appsettings'.");
  const properties = /^\s*properties: (.+)$/m.exec(config.body);
  if (!properties) throw new Error('The appsettings resource has no one-line properties expression.');
  const identifiers = [...properties[1].matchAll(/\b[A-Za-z_]\w*\b/g)].map((m) => m[0]);
  return [...new Set(identifiers.filter((name) => facts.objectVars.has(name)))];
}
