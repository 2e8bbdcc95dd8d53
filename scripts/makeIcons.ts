/**
 * Draws Doorman's Teams app icons (an open door) in pure code and writes them to `appPackage/`:
 * `color.png` 192×192 and `outline.png` 32×32, white on transparent. Run: `npm run icons`.
 * The PNGs are committed; a test re-renders them and compares pixels, so the drawing and the files cannot drift.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/** Doorman's accent colour: the colour icon's background and the manifest's `accentColor`. */
export const ACCENT_COLOR = '#2B5797';

type Point = readonly [number, number];

/** One part of the glyph in unit coordinates (0..1 across the glyph box); `cut` parts punch holes. */
interface Shape {
  inside(x: number, y: number): boolean;
  cut?: boolean;
}

const rect = (x0: number, y0: number, x1: number, y1: number, cut = false): Shape => ({
  inside: (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1,
  cut,
});

const circle = (cx: number, cy: number, r: number, cut = false): Shape => ({
  inside: (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r,
  cut,
});

/** Convex polygon, points clockwise in screen coordinates (y grows downwards). */
const polygon = (points: readonly Point[], cut = false): Shape => ({
  inside: (x, y) =>
    points.every(([ax, ay], i) => {
      const [bx, by] = points[(i + 1) % points.length];
      return (bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0;
    }),
  cut,
});

const grid = (shape: typeof rect, x0: number, y0: number, x1: number, y1: number): Shape =>
  shape(x0 / 32, y0 / 32, x1 / 32, y1 / 32);

/**
 * The door: a frame, a leaf swung half open (a trapezoid, its far edge shorter as if seen in perspective),
 * a knob cut out of the leaf and a threshold. The gap between leaf and frame is the "let in" of the name.
 */
const DOOR: readonly Shape[] = [
  // Coordinates are whole 32nds, so the 32×32 outline icon's straight edges fall on pixel boundaries and stay crisp.
  grid(rect, 6, 1, 26, 4), // lintel
  grid(rect, 6, 1, 9, 29), // left jamb
  grid(rect, 23, 1, 26, 29), // right jamb
  grid(rect, 2, 28, 30, 30), // threshold
  polygon([
    [9 / 32, 4 / 32],
    [19 / 32, 6.5 / 32],
    [19 / 32, 25.5 / 32],
    [9 / 32, 28 / 32],
  ]), // leaf, hinged on the left jamb
  circle(16 / 32, 16 / 32, 1.3 / 32, true), // knob
];

/** Fraction of a pixel covered by the glyph, by 4×4 supersampling so edges are anti-aliased. */
function coverage(px: number, py: number, boxX: number, boxY: number, boxSize: number): number {
  const samples = 4;
  let hits = 0;
  for (let sy = 0; sy < samples; sy += 1) {
    for (let sx = 0; sx < samples; sx += 1) {
      const x = (px + (sx + 0.5) / samples - boxX) / boxSize;
      const y = (py + (sy + 0.5) / samples - boxY) / boxSize;
      const filled = DOOR.some((shape) => !shape.cut && shape.inside(x, y));
      const holed = DOOR.some((shape) => shape.cut === true && shape.inside(x, y));
      if (filled && !holed) hits += 1;
    }
  }
  return hits / (samples * samples);
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/** The 192×192 colour icon: white door on the accent colour, kept inside the central area Teams leaves uncropped. */
export function renderColorIcon(): PNG {
  const size = 192;
  const png = new PNG({ width: size, height: size });
  const [r, g, b] = hexToRgb(ACCENT_COLOR);
  // Teams crops colour icons to a rounded square; a 120 px glyph box keeps the door clear of the corners.
  const boxSize = 120;
  const offset = (size - boxSize) / 2;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const a = coverage(x, y, offset, offset, boxSize);
      const i = (y * size + x) * 4;
      png.data[i] = Math.round(r + (255 - r) * a);
      png.data[i + 1] = Math.round(g + (255 - g) * a);
      png.data[i + 2] = Math.round(b + (255 - b) * a);
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** The 32×32 outline icon: only white pixels (anti-aliased by alpha) on a transparent background, as Teams requires. */
export function renderOutlineIcon(): PNG {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  const boxSize = 32;
  const offset = 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const alpha = Math.round(coverage(x, y, offset, offset, boxSize) * 255);
      const i = (y * size + x) * 4;
      // Fully transparent pixels are white too, so no tool that ignores alpha ever sees a dark fringe.
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = alpha;
    }
  }
  return png;
}

/** Encodes an icon as RGBA PNG bytes. */
export function encodeIcon(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 6 });
}

/** Writes `color.png` and `outline.png` into the given folder (default `appPackage/`). */
export function writeIcons(folder = join(__dirname, '..', 'appPackage')): string[] {
  const files = [
    { path: join(folder, 'color.png'), png: renderColorIcon() },
    { path: join(folder, 'outline.png'), png: renderOutlineIcon() },
  ];
  for (const file of files) writeFileSync(file.path, encodeIcon(file.png));
  return files.map((file) => file.path);
}

if (require.main === module) {
  for (const path of writeIcons()) console.log(`wrote ${path}`);
}
