// Characters Adaptive Card markdown (Teams and markdown-it) gives a meaning anywhere in a line.
const INLINE_SPECIALS = /[\\`*_[\]()#>~|<&]/g;
// Control and bidirectional-override characters: invisible, but able to reorder what the agent reads.
const INVISIBLE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text typed by people (customer and recipient names, comments, queue names) show literally in a
 * TextBlock or fact: markdown is escaped, and `{{` is broken because Teams expands `{{DATE(...)}}` functions.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(INVISIBLE_CONTROLS, '').split(/\r\n|\r|\n/).map(escapeLine).join('\n');
}

function escapeLine(line: string): string {
  const escaped = line
    .replace(INLINE_SPECIALS, '\\$&')
    // A backslash between the braces keeps `{{` from opening a Teams text function; markdown then drops it.
    .replace(/\{(?=\{)/g, '{\\');
  const indent = /^[ \t]*/.exec(escaped)?.[0] ?? '';
  // Four leading spaces would start a code block; non-breaking spaces keep the indent without the meaning.
  const start = '\u00a0'.repeat(indent.replace(/\t/g, '    ').length);
  const rest = escaped
    .slice(indent.length)
    .replace(/^[-+=]/, '\\$&')
    .replace(/^(\d+)\./, '$1\\.');
  return start + rest;
}
