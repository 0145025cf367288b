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
    for (const icon of ['build/icon.png', 'build/tray.png']) {
      const png = await readFile(path.join(ROOT, icon));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
    // The tray icon is loaded at run time from inside the app (index.ts), so it must be packaged.
    expect(JSON.stringify(config.files)).toContain('build/tray.png');
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
