import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { encodeIcon, renderColorIcon, renderOutlineIcon } from '../../../scripts/makeIcons';
import { REPO_ROOT, iconProblems } from '../../../scripts/packageApp';

const colorBytes = readFileSync(join(REPO_ROOT, 'appPackage', 'color.png'));
const outlineBytes = readFileSync(join(REPO_ROOT, 'appPackage', 'outline.png'));

/** The PNG colour type byte of the IHDR chunk (6 = RGBA). */
const colorTypeOf = (bytes: Buffer) => bytes[25];

function pixels(png: PNG): { r: number; g: number; b: number; a: number }[] {
  const result = [];
  for (let i = 0; i < png.data.length; i += 4) {
    result.push({ r: png.data[i], g: png.data[i + 1], b: png.data[i + 2], a: png.data[i + 3] });
  }
  return result;
}

describe('app icons', () => {
  it('color.png is 192×192 and fully opaque', () => {
    const png = PNG.sync.read(colorBytes);
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(pixels(png).every((p) => p.a === 255)).toBe(true);
  });

  it('outline.png is 32×32 with an alpha channel', () => {
    const png = PNG.sync.read(outlineBytes);
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(colorTypeOf(outlineBytes)).toBe(6);
  });

  it('outline.png has only white or fully transparent pixels, and both kinds', () => {
    const all = pixels(PNG.sync.read(outlineBytes));
    const offending = all.filter((p) => p.a !== 0 && (p.r !== 255 || p.g !== 255 || p.b !== 255));
    expect(offending).toEqual([]);
    expect(all.filter((p) => p.a === 0).length).toBeGreaterThan(100);
    expect(all.filter((p) => p.a === 255).length).toBeGreaterThan(100);
  });

  it('are what scripts/makeIcons.ts draws (regenerate with `npm run icons`)', () => {
    expect(PNG.sync.read(colorBytes).data.equals(renderColorIcon().data)).toBe(true);
    expect(PNG.sync.read(outlineBytes).data.equals(renderOutlineIcon().data)).toBe(true);
  });

  it("pass the packager's icon check, which refuses a wrong size and a coloured outline pixel", () => {
    expect(iconProblems(colorBytes, outlineBytes)).toEqual([]);

    const tinted = renderOutlineIcon();
    const opaque = pixels(tinted).findIndex((p) => p.a === 255);
    tinted.data[opaque * 4] = 0;
    expect(iconProblems(colorBytes, encodeIcon(tinted))).toEqual([
      'outline.png has a pixel that is neither white nor transparent.',
    ]);
    expect(iconProblems(outlineBytes, outlineBytes)).toContain('color.png is 32×32; Teams needs 192×192.');
  });
});
