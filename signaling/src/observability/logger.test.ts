import { describe, expect, it } from 'vitest';
import { REDACTED, REDACTED_KEYS, createLogger } from './logger.js';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, text: () => lines.join('') };
}

/** A value nobody would write by accident, so finding it in the output means it leaked. */
const leak = (where: string, key: string) => `LEAK-${where}-${key}-7f3a`;

describe('logger', () => {
  it('writes one JSON object per line with a level name, time and message', () => {
    const { logger, lines } = capture();
    logger.info({ event: 'peer_joined', meetingId: 'abc-defg-hjk' }, 'joined');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', event: 'peer_joined', meetingId: 'abc-defg-hjk', msg: 'joined' });
    expect(typeof entry.time).toBe('string');
  });

  it.each(REDACTED_KEYS)('never writes the value of %s at the top level or one or two levels down', (key) => {
    const { logger, text } = capture();
    logger.warn({ [key]: leak('top', key) });
    logger.warn({ outer: { [key]: leak('one', key) } });
    logger.warn({ conn: { message: { [key]: leak('two', key) } } });
    const out = text();
    expect(out).not.toContain('LEAK-');
    expect(out.split(REDACTED).length - 1).toBe(3);
  });

  it('redacts objects too, not only strings (a chat payload under data)', () => {
    const { logger, text } = capture();
    logger.info({ message: { type: 'signal', to: 'peer1', data: { sdp: 'v=0 LEAK-sdp', text: 'LEAK-chat' } } });
    expect(text()).not.toContain('LEAK-');
    expect(text()).toContain('"to":"peer1"');
  });

  it('leaves ordinary fields alone and does not change the caller’s object', () => {
    const { logger, text } = capture();
    const fields = { event: 'login_failed', username: 'alice', password: 'LEAK-pw' };
    logger.warn(fields);
    expect(text()).toContain('"username":"alice"');
    expect(fields.password).toBe('LEAK-pw');
  });

  it('drops entries below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
