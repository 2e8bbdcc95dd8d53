/** The strings typed into a form, to put back after a refusal so nothing typed is lost. */
export function typedInputs(data: unknown): Record<string, string> {
  if (typeof data !== 'object' || data === null) return {};
  return Object.fromEntries(Object.entries(data).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
