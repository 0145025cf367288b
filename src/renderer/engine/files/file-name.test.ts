import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME, sanitizeFileName } from './file-name.js';

describe('file names from other participants', () => {
  it('keeps ordinary names as they are', () => {
    expect(sanitizeFileName('Quarterly report (final).pdf')).toBe('Quarterly report (final).pdf');
    expect(sanitizeFileName('Zürich – été.txt')).toBe('Zürich – été.txt');
  });
  it('drops every directory, on either kind of separator', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Windows\\System32\\evil.dll')).toBe('evil.dll');
    expect(sanitizeFileName('/absolute/path.txt')).toBe('path.txt');
  });
  it('removes control, bidi-override and zero-width characters', () => {
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('a\u0000b\nc\u200B.txt')).toBe('abc.txt');
  });
  it('replaces characters Windows forbids', () => {
    expect(sanitizeFileName('what? <yes>|no*.txt')).toBe('what_ _yes__no_.txt');
  });
  it('refuses Windows device names, with or without an extension', () => {
    expect(sanitizeFileName('CON')).toBe('_CON');
    expect(sanitizeFileName('nul.txt')).toBe('_nul.txt');
    expect(sanitizeFileName('com1.tar.gz')).toBe('_com1.tar.gz');
    expect(sanitizeFileName('console.txt')).toBe('console.txt');
  });
  it('has no leading dots and no trailing dots or spaces', () => {
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('.bashrc')).toBe('bashrc');
    expect(sanitizeFileName('name. . ')).toBe('name');
  });
  it('is never empty', () => {
    for (const raw of ['', '   ', '/', '\u202E', '...']) expect(sanitizeFileName(raw)).toBe('file');
  });
  it('is bounded, keeping a short extension', () => {
    const long = sanitizeFileName(`${'x'.repeat(500)}.docx`);
    expect(long.length).toBeLessThanOrEqual(MAX_FILE_NAME);
    expect(long.endsWith('.docx')).toBe(true);
  });
});
