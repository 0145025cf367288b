/**
 * Reading whose media each section of a subscriber's offer carries, from the
 * `streams` Janus 1.1 lists in `attached` and `updated` (fields as the
 * VideoRoom documentation gives them; the e2e SFU spec runs the real thing).
 */
import { describe, expect, it } from 'vitest';
import { publishedVideoMids, subscriberStreams } from './videoroom.js';
import { SfuError } from './sfu-error.js';

describe('subscriberStreams', () => {
  it('lists the audio and video sections that carry a feed, with their mids', () => {
    const data = {
      videoroom: 'attached',
      streams: [
        { type: 'audio', active: true, mindex: 0, mid: '0', ready: false, send: true, feed_id: 3, feed_mid: '0', codec: 'opus' },
        { type: 'video', active: true, mindex: 1, mid: '1', ready: false, send: true, feed_id: 3, feed_mid: '1', codec: 'vp8' },
        { type: 'audio', active: true, mindex: 2, mid: '2', feed_id: 5, feed_mid: '0' },
      ],
    };
    expect(subscriberStreams(data)).toEqual([
      { mid: '0', feed: 3, type: 'audio', feedMid: '0' },
      { mid: '1', feed: 3, type: 'video', feedMid: '1' },
      { mid: '2', feed: 5, type: 'audio', feedMid: '0' },
    ]);
  });

  it('leaves out sections of publishers who left (inactive) and the data section', () => {
    const data = {
      streams: [
        { type: 'audio', active: false, mid: '0' },
        { type: 'video', active: true, mid: '1', feed_id: 9 },
        { type: 'data', active: true, mid: '2', sources: 1 },
      ],
    };
    expect(subscriberStreams(data)).toEqual([{ mid: '1', feed: 9, type: 'video' }]);
  });

  it('has nothing to list when Janus lists nothing', () => {
    expect(subscriberStreams({ videoroom: 'updated' })).toEqual([]);
  });

  it('refuses a malformed list with a code, never guesses', () => {
    expect(() => subscriberStreams({ streams: 'all of them' })).toThrow(SfuError);
    expect(() => subscriberStreams({ streams: [{ type: 'video', mid: 7, feed_id: 1 }] })).toThrow(/malformed streams/);
  });
});

describe('publishedVideoMids', () => {
  it('lists the video sections Janus forwards after a publish, leaving out disabled ones and audio', () => {
    const data = {
      videoroom: 'event',
      configured: 'ok',
      streams: [
        { type: 'audio', mindex: 0, mid: '0', codec: 'opus' },
        { type: 'video', mindex: 1, mid: '1', codec: 'vp8', simulcast: true },
        { type: 'video', mindex: 2, mid: '2', disabled: true },
        { type: 'video', mindex: 3, mid: '3', codec: 'vp8' },
      ],
    };
    expect(publishedVideoMids(data)).toEqual(['1', '3']);
  });

  it('refuses a malformed list with a code', () => {
    expect(() => publishedVideoMids({ streams: [{ type: 'video', mid: 1 }] })).toThrow(/malformed published streams/);
  });
});
