import { describe, expect, it } from 'vitest';
import { MAX_INVITE_LENGTH, formatInviteLink, parseInvite, readFragment } from './invite.js';

const ID = 'kfd-wxpq-bnt';
const PW = 'a2B3c4D5e6';

describe('invite links', () => {
  it('formats the password into the fragment only', () => {
    const link = formatInviteLink('https://meet.example.org:9443', ID, PW);
    expect(link).toBe(`https://meet.example.org:9443/#m=${ID}&p=${PW}`);
    const url = new URL(link);
    expect(url.search).toBe('');
    expect(url.pathname).toBe('/');
    expect(url.hash).toContain(PW);
  });

  it('round-trips, trailing slashes and all', () => {
    const link = formatInviteLink('https://h.example/', ID, PW);
    expect(parseInvite(link)).toEqual({ ok: true, invite: { meetingId: ID, password: PW, origin: 'https://h.example' } });
  });

  it('accepts a bare fragment, with or without #, and surrounding spaces', () => {
    expect(parseInvite(`  #m=${ID}&p=${PW}\n`)).toEqual({ ok: true, invite: { meetingId: ID, password: PW } });
    expect(parseInvite(`m=${ID}&p=${PW}`)).toEqual({ ok: true, invite: { meetingId: ID, password: PW } });
    expect(parseInvite(`p=${PW}&m=${ID}`)).toEqual({ ok: true, invite: { meetingId: ID, password: PW } });
  });

  it('normalises the meeting id case', () => {
    const r = parseInvite(`https://h/#m=KFD-WXPQ-BNT&p=${PW}`);
    expect(r.ok && r.invite.meetingId).toBe(ID);
  });

  it('keeps percent-encoded passwords intact', () => {
    const link = formatInviteLink('https://h', ID, 'a&b=c#d e');
    const r = parseInvite(link);
    expect(r.ok && r.invite.password).toBe('a&b=c#d e');
  });

  it.each([
    ['empty', ''],
    ['not a link', 'hello there'],
    ['javascript: url', `javascript:alert(1)//#m=${ID}&p=${PW}`],
    ['data: url', `data:text/html,<script>alert(1)</script>#m=${ID}&p=${PW}`],
    ['password in the query, not the fragment', `https://h/?m=${ID}&p=${PW}`],
    ['no password', `https://h/#m=${ID}`],
    ['no id', `https://h/#p=${PW}`],
    ['bad id', `https://h/#m=../../etc&p=${PW}`],
    ['id with look-alike letters', `https://h/#m=kfd-wxpq-bn1&p=${PW}`],
    ['duplicate id', `https://h/#m=${ID}&m=abc-defg-hjk&p=${PW}`],
    ['duplicate password', `https://h/#m=${ID}&p=${PW}&p=other`],
    ['control characters in the password', `https://h/#m=${ID}&p=ab%00cd`],
    ['bidi override in the password', `https://h/#m=${ID}&p=ab%E2%80%AEcd`],
    ['huge password', `https://h/#m=${ID}&p=${'x'.repeat(200)}`],
    ['huge input', `https://h/#m=${ID}&p=${PW}&x=${'y'.repeat(MAX_INVITE_LENGTH)}`],
    ['broken percent-encoding', `#m=${ID}&p=%E0%A4%A`],
  ])('refuses %s', (_name, input) => {
    const r = parseInvite(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  });

  it('reads a partial fragment from the address bar', () => {
    expect(readFragment(`#m=${ID}`)).toEqual({ meetingId: ID });
    expect(readFragment('')).toEqual({});
    expect(readFragment('#something-else')).toEqual({});
    expect(readFragment('#m=<img src=x>&p=')).toEqual({});
  });
});
