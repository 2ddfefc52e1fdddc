// Renders assets/icon.svg into the raster icons electron-builder and the windows use: icon.png (512 px, Linux and
// the window icon) and icon.ico (Windows: PNG-compressed entries at 256, 64, 48, 32 and 16 px, which Windows
// Vista and later read). Uses the same Debian Chromium as the browser tests, so no image tool is needed.
// Run by hand after editing the SVG: `node scripts/make-icons.mjs`; the outputs are committed.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const svg = readFileSync(`${root}assets/icon.svg`, 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.JUNCTION_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

async function render(size) {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
  await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
  const png = await page.screenshot({
    omitBackground: true,
    clip: { x: 0, y: 0, width: size, height: size },
  });
  await page.close();
  return png;
}

/** An ICO file whose entries are whole PNG files (the directory's width/height byte 0 means 256). */
function ico(entries) {
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type 1: icon
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach(({ size, png }, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at);
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt8(0, at + 2); // no palette
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...entries.map((e) => e.png)]);
}

writeFileSync(`${root}assets/icon.png`, await render(512));
const sizes = [256, 64, 48, 32, 16];
const entries = [];
for (const size of sizes) entries.push({ size, png: await render(size) });
writeFileSync(`${root}assets/icon.ico`, ico(entries));
await browser.close();
console.log(`assets/icon.png (512 px), assets/icon.ico (${sizes.join(', ')} px)`);
