/**
 * electron-builder.yml, checked without building (building needs an Electron
 * download): valid against electron-builder's own JSON schema, and carrying
 * what the issue asks for: AppImage+deb, NSIS, dmg, the merimeet protocol,
 * icons that exist, production fuses, native modules rebuilt and unpacked.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAY_ICON_STATES, trayIconFile } from '../../src/main/tray-menu.js';
import { ROOT } from './support/bridge-harness.js';

// electron-builder's own loader and validator (what `electron-builder` runs first), from app-builder-lib.
const require = createRequire(path.join(ROOT, 'node_modules', 'electron-builder', 'package.json'));
const builderConfig = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, unknown>>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const config = (await builderConfig.getConfig(ROOT, 'electron-builder.yml', null)) as Record<string, never>;

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation (its JSON schema and deprecation checks)', async () => {
    await expect(builderConfig.validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // …which does reject a wrong key, so passing means something.
    await expect(builderConfig.validateConfiguration({ ...config, linux: { targett: 'deb' } }, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('builds AppImage, deb, NSIS and dmg, registers merimeet://, and has icons that exist', async () => {
    expect(config).toMatchObject({
      linux: { target: ['AppImage', 'deb'], mimeTypes: ['x-scheme-handler/merimeet'] },
      win: { target: ['nsis'] },
      mac: { target: ['dmg'] },
      protocols: [{ schemes: ['merimeet'] }],
      npmRebuild: true,
      asarUnpack: ['**/*.node'],
    });
    const png = await readFile(path.join(ROOT, 'build/icon.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // The tray icons are loaded at run time from inside the app (index.ts), so they must be packaged.
    expect(JSON.stringify(config.files)).toContain('build/tray/**');
  });

  it('has a tray icon per state at the sizes each OS wants, at 1x and 2x', async () => {
    const sizes: Record<string, number> = { darwin: 16, win32: 16, linux: 24 };
    for (const [platform, size] of Object.entries(sizes)) {
      for (const state of TRAY_ICON_STATES) {
        const file = path.join(ROOT, 'build', 'tray', trayIconFile(platform, state));
        for (const [name, px] of [[file, size], [file.replace(/\.png$/, '@2x.png'), size * 2]] as const) {
          const image = await readFile(name);
          expect(image.subarray(1, 4).toString(), name).toBe('PNG');
          expect([image.readUInt32BE(16), image.readUInt32BE(20)], name).toEqual([px, px]);
        }
      }
    }
    // macOS tints template images itself: they must be named so.
    expect(trayIconFile('darwin', 'call-muted')).toMatch(/Template\.png$/);
  });

  it('publishes updates to a generic feed whose URL is set at build time', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.MERIMEET_UPDATE_URL}', useMultipleRangeRequest: false }]);
    expect(config).toMatchObject({ win: { verifyUpdateCodeSignature: true } });
  });

  it('sets the production fuses', () => {
    expect(config).toMatchObject({
      electronFuses: {
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        grantFileProtocolExtraPrivileges: false,
        enableCookieEncryption: true,
      },
    });
  });
});
