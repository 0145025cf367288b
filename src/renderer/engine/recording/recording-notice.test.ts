import { describe, expect, it } from 'vitest';
import { newEpoch } from '../sealed-json.js';
import { deriveRecordingKey, openNotice, sealNotice } from './recording-notice.js';

async function key(): Promise<CryptoKey> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  return deriveRecordingKey(await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey', 'deriveBits']));
}

describe('recording notice', () => {
  const notice = { recording: true, everyoneMayRecord: false };
  const order = { epoch: newEpoch(), seq: 3 };

  it('opens for the meeting and the sender it was sealed for', async () => {
    const k = await key();
    const sealed = await sealNotice(k, 'meeting', 'ada', order, notice);
    expect(await openNotice(k, 'meeting', 'ada', sealed)).toEqual({ payload: notice, order });
  });

  it('does not open in another person’s name, in another meeting, or under another key', async () => {
    const k = await key();
    const sealed = await sealNotice(k, 'meeting', 'ada', order, notice);
    expect(await openNotice(k, 'meeting', 'bob', sealed)).toBeNull();
    expect(await openNotice(k, 'other', 'ada', sealed)).toBeNull();
    expect(await openNotice(await key(), 'meeting', 'ada', sealed)).toBeNull();
  });

  it('does not open with its sequence number changed (a server cannot make an old notice look new)', async () => {
    const k = await key();
    const sealed = JSON.parse(await sealNotice(k, 'meeting', 'ada', order, notice)) as { seq: number };
    sealed.seq = 99;
    expect(await openNotice(k, 'meeting', 'ada', JSON.stringify(sealed))).toBeNull();
  });
});
