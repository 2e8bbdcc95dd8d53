import { shownText } from '../../../domain/shownText';

// Characters Adaptive Card markdown (Teams and markdown-it) gives a meaning anywhere in a line.
const INLINE_SPECIALS = /[\\`*_[\]()#>~|<&]/g;

/**
 * Makes text typed by people (customer and recipient names, comments, queue names) show literally in a
 * TextBlock or fact: first the shared sanitiser (invisible and direction-changing characters dropped, URLs, host
 * names and addresses defanged, because Teams turns bare ones into links), then markdown is escaped, and `{{` is
 * broken because Teams expands `{{DATE(...)}}` functions.
 */
export function escapeMarkdown(text: string): string {
  return shownText(text).split('\n').map(escapeLine).join('\n');
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
