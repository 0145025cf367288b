import { describe, expect, it } from 'vitest';
import { iceServersFor } from './turn-credentials.js';

const none = { stunUrls: [], turnUrls: [], turnTtlSeconds: 3600 };

describe('iceServersFor', () => {
  it('gives nothing when no servers are configured', () => {
    expect(iceServersFor(none, '0123456789abcdef', Date.now())).toEqual([]);
  });

  it('lists STUN servers as one entry with no credentials', () => {
    const servers = iceServersFor({ ...none, stunUrls: ['stun:stun.example.org:3478', 'stun:[2001:db8::1]'] }, 'u', 0);
    expect(servers).toEqual([{ urls: ['stun:stun.example.org:3478', 'stun:[2001:db8::1]'] }]);
  });

  it('matches the TURN REST API known answer (computed with `openssl dgst -sha1 -hmac`)', () => {
    // echo -n "1700003600:0123456789abcdef" | openssl dgst -sha1 -hmac coturn-shared-secret -binary | base64
    const servers = iceServersFor(
      { ...none, turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], turnSecret: 'coturn-shared-secret' },
      '0123456789abcdef',
      1_700_000_000_500, // the half second is dropped, not rounded up
    );
    expect(servers).toEqual([
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: '1700003600:0123456789abcdef',
        credential: 'DCd2M2MM0fDwmmtZfnZs7oJoGH4=',
      },
    ]);
  });

  it('matches a second known answer with a different secret and lifetime', () => {
    // echo -n "1700086400:alice" | openssl dgst -sha1 -hmac s3cr3t -binary | base64
    const [turn] = iceServersFor({ ...none, turnUrls: ['turn:t'], turnSecret: 's3cr3t', turnTtlSeconds: 86_400 }, 'alice', 1_700_000_000_000);
    expect(turn).toEqual({ urls: ['turn:t'], username: '1700086400:alice', credential: 'dNSCPHB3o0CJC1PLZWszpF/AB/8=' });
  });

  it('puts STUN first, then TURN, and expires TURN credentials after the configured lifetime', () => {
    const now = 1_800_000_000_000;
    const servers = iceServersFor({ stunUrls: ['stun:s'], turnUrls: ['turn:t'], turnSecret: 'x', turnTtlSeconds: 600 }, 'p', now);
    expect(servers.map((s) => s.urls[0])).toEqual(['stun:s', 'turn:t']);
    expect(servers[1]!.username).toBe(`${now / 1000 + 600}:p`);
  });

  it('gives each participant a different credential', () => {
    const cfg = { ...none, turnUrls: ['turn:t'], turnSecret: 'x' };
    expect(iceServersFor(cfg, 'a', 0)[0]!.credential).not.toBe(iceServersFor(cfg, 'b', 0)[0]!.credential);
  });

  it('leaves TURN out rather than hand out an entry without credentials', () => {
    expect(iceServersFor({ ...none, turnUrls: ['turn:t'] }, 'p', 0)).toEqual([]);
  });

  it('does not share its arrays with the config', () => {
    const cfg = { ...none, stunUrls: ['stun:s'] };
    iceServersFor(cfg, 'p', 0)[0]!.urls.push('stun:evil');
    expect(cfg.stunUrls).toEqual(['stun:s']);
  });
});
