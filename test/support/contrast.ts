/** WCAG 2 contrast, for tests that check what people can read. */

/** Parses #rgb, #rrggbb, or #aarrggbb (the Adaptive Cards host config's alpha-first form) into 0–255 channels. */
export function parseHex(hex: string): { r: number; g: number; b: number; a: number } {
  let digits = hex.replace(/^#/, '').toLowerCase();
  if (digits.length === 3) digits = digits.split('').map((digit) => digit + digit).join('');
  const alpha = digits.length === 8 ? parseInt(digits.slice(0, 2), 16) / 255 : 1;
  const rgb = digits.length === 8 ? digits.slice(2) : digits;
  if (!/^[0-9a-f]{6}$/.test(rgb)) throw new Error(`not a hex colour: ${hex}`);
  return { r: parseInt(rgb.slice(0, 2), 16), g: parseInt(rgb.slice(2, 4), 16), b: parseInt(rgb.slice(4, 6), 16), a: alpha };
}

function over(foreground: string, background: string): { r: number; g: number; b: number } {
  const fg = parseHex(foreground);
  const bg = parseHex(background);
  const mix = (f: number, b: number) => f * fg.a + b * (1 - fg.a);
  return { r: mix(fg.r, bg.r), g: mix(fg.g, bg.g), b: mix(fg.b, bg.b) };
}

function luminance({ r, g, b }: { r: number; g: number; b: number }): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** The WCAG contrast ratio of text `foreground` (alpha blended) on an opaque `background`: 1 to 21. */
export function contrastRatio(foreground: string, background: string): number {
  const a = luminance(over(foreground, background));
  const b = luminance(over(background, '#ffffff'));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** WCAG 2 AA for normal-size text. */
export const AA_NORMAL_TEXT = 4.5;
