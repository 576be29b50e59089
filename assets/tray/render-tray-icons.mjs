/**
 * Renders the tray icons (assets/tray/tray-<state>.png at 16 px and tray-<state>@2x.png at 32 px) from
 * assets/icon.svg with a coloured status dot in the lower right corner. Run by hand after changing the
 * icon: `node assets/tray/render-tray-icons.mjs` (needs Chromium; CHROMIUM=/path overrides).
 *
 * Chromium draws the SVG straight into a canvas at each target size, so the 16 px icon is rasterised
 * at 16 px (crisper than shrinking a big bitmap), and the dot is cut out of the icon with a transparent
 * ring so it stays readable on both light and dark panels.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = import.meta.dirname;
const svg = fs.readFileSync(path.join(here, '..', 'icon.svg'), 'utf8');
// Same colours as the renderer's status badges would use: green, blue, amber, red.
const states = { ok: '#2fb344', running: '#228be6', warning: '#f59f00', error: '#e03131' };
const sizes = { '': 16, '@2x': 32 };

const page = `<!doctype html><html><body><pre id="out"></pre><script>
const states = ${JSON.stringify(states)};
const sizes = ${JSON.stringify(sizes)};
const img = new Image();
img.onload = () => {
  const out = {};
  for (const [state, colour] of Object.entries(states)) {
    for (const [suffix, size] of Object.entries(sizes)) {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = size;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0, size, size);
      const r = size * 0.22, cx = size - r - size * 0.02, cy = cx;
      ctx.globalCompositeOperation = 'destination-out';
      ctx.beginPath(); ctx.arc(cx, cy, r + size * 0.08, 0, Math.PI * 2); ctx.fill();
      ctx.globalCompositeOperation = 'source-over';
      ctx.fillStyle = colour;
      ctx.beginPath(); ctx.arc(cx, cy, r, 0, Math.PI * 2); ctx.fill();
      out['tray-' + state + suffix + '.png'] = canvas.toDataURL('image/png');
    }
  }
  document.getElementById('out').textContent = JSON.stringify(out);
};
img.src = 'data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}';
</script></body></html>`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-tray-'));
try {
  const file = path.join(dir, 'render.html');
  fs.writeFileSync(file, page);
  const chromium = process.env.CHROMIUM ?? 'chromium';
  const dom = execFileSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--virtual-time-budget=5000',
      '--dump-dom',
      `file://${file}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 16 * 1024 * 1024 },
  );
  const json = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1];
  if (!json) throw new Error('Chromium did not render the icons.');
  const images = JSON.parse(json.replaceAll('&quot;', '"'));
  for (const [name, dataUrl] of Object.entries(images)) {
    fs.writeFileSync(path.join(here, name), Buffer.from(dataUrl.split(',')[1], 'base64'));
    console.log('wrote', path.join('assets/tray', name));
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
