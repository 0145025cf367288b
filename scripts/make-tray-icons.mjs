#!/usr/bin/env node
/**
 * Draws the tray icons, one per state (src/main/tray-menu.ts, TRAY_ICON_STATES),
 * at the sizes each OS wants, into build/tray/:
 *   mac/<state>Template.png  16 px, @2x 32 px  black on transparent (macOS tints template images)
 *   win/<state>.png          16 px, @2x 32 px  colour
 *   linux/<state>.png        24 px, @2x 48 px  colour
 * The picture: a dot (blue idle, green in a call), a red ring while sharing,
 * a red badge with a bar when muted (bottom right), a grey square badge when
 * the camera is off (bottom left). Shapes, not only colours, tell the states
 * apart (and are all a template image has).
 *
 * Pure Node (zlib for PNG); run `node scripts/make-tray-icons.mjs` after
 * changing a state; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'tray');

export const STATES = ['idle', 'call', 'call-muted', 'call-camera-off', 'call-muted-camera-off', 'sharing', 'sharing-muted'];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Layers, back to front: [inside(x, y) in 0..1 units, [r, g, b]]. */
function layers(state, template) {
  const inCall = state !== 'idle';
  const sharing = state.startsWith('sharing');
  const muted = state.includes('muted');
  const cameraOff = state.includes('camera-off');
  const black = [0, 0, 0];
  const c = (rgb) => (template ? black : rgb);
  const clear = null; // cuts a hole (template images: a shape inside a shape)
  const dist = (x, y, cx, cy) => Math.hypot(x - cx, y - cy);
  const out = [];
  if (sharing) out.push([(x, y) => dist(x, y, 0.5, 0.5) <= 0.5 && dist(x, y, 0.5, 0.5) >= 0.4, c([220, 38, 38])]);
  const r = sharing ? 0.3 : 0.42;
  out.push([(x, y) => dist(x, y, 0.5, 0.5) <= r, c(inCall ? [22, 163, 74] : [59, 110, 210])]);
  if (muted) {
    out.push([(x, y) => dist(x, y, 0.76, 0.76) <= 0.24, template ? clear : [220, 38, 38]]);
    out.push([(x, y) => dist(x, y, 0.76, 0.76) <= 0.19, c([220, 38, 38])]);
    out.push([(x, y) => Math.abs(y - 0.76) <= 0.045 && Math.abs(x - 0.76) <= 0.13, template ? clear : [255, 255, 255]]);
  }
  if (cameraOff) {
    out.push([(x, y) => x >= 0.0 && x <= 0.46 && y >= 0.54 && y <= 1.0, template ? clear : [255, 255, 255]]);
    out.push([(x, y) => x >= 0.04 && x <= 0.42 && y >= 0.58 && y <= 0.96, c([100, 100, 110])]);
  }
  return out;
}

export function draw(state, size, template) {
  const ss = 4;
  const rgba = Buffer.alloc(size * size * 4);
  const stack = layers(state, template);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size;
          const y = (py + (sy + 0.5) / ss) / size;
          let colour = undefined;
          for (const [inside, rgb] of stack) if (inside(x, y)) colour = rgb;
          if (colour === undefined || colour === null) continue;
          r += colour[0]; g += colour[1]; b += colour[2]; a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  return png(size, rgba);
}

const TARGETS = [
  { dir: 'mac', base: 16, template: true, name: (s) => `${s}Template` },
  { dir: 'win', base: 16, template: false, name: (s) => s },
  { dir: 'linux', base: 24, template: false, name: (s) => s },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const target of TARGETS) {
    mkdirSync(path.join(out, target.dir), { recursive: true });
    for (const state of STATES) {
      writeFileSync(path.join(out, target.dir, `${target.name(state)}.png`), draw(state, target.base, target.template));
      writeFileSync(path.join(out, target.dir, `${target.name(state)}@2x.png`), draw(state, target.base * 2, target.template));
    }
  }
  process.stdout.write(`tray icons written to ${path.relative(root, out)}/\n`);
}
