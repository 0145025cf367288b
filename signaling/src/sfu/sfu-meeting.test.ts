/**
 * Which stream is a person's screen, and what to ask Janus for when screens
 * come and go: the pure parts of SfuMeeting (the e2e SFU spec runs them
 * against a real Janus).
 */
import { describe, expect, it } from 'vitest';
import { streamsByPeer, subscriptionChange } from './sfu-meeting.js';

describe('streamsByPeer', () => {
  const members = [
    { peerId: 'ada', feed: 1, screenMid: '2' },
    { peerId: 'bob', feed: 2, screenMid: null },
  ];

  it('marks the section that forwards a publisher’s declared screen mid, and only that one', () => {
    const streams = streamsByPeer(
      [
        { mid: '0', feed: 1, type: 'audio', feedMid: '0' },
        { mid: '1', feed: 1, type: 'video', feedMid: '1' },
        { mid: '2', feed: 1, type: 'video', feedMid: '2' },
        { mid: '3', feed: 2, type: 'video', feedMid: '2' },
      ],
      members,
    );
    expect(streams).toEqual([
      { mid: '0', peerId: 'ada', kind: 'audio' },
      { mid: '1', peerId: 'ada', kind: 'video' },
      { mid: '2', peerId: 'ada', kind: 'video', screen: true },
      // Bob shares nothing: the same publisher mid on his feed is his camera.
      { mid: '3', peerId: 'bob', kind: 'video' },
    ]);
  });

  it('never marks audio, nor a section Janus gives no publisher mid for', () => {
    const streams = streamsByPeer(
      [
        { mid: '0', feed: 1, type: 'audio', feedMid: '2' },
        { mid: '1', feed: 1, type: 'video' },
      ],
      members,
    );
    expect(streams.some((s) => s.screen)).toBe(false);
  });

  it('leaves out feeds of people who are gone', () => {
    expect(streamsByPeer([{ mid: '0', feed: 9, type: 'video', feedMid: '1' }], members)).toEqual([]);
  });
});

describe('subscriptionChange', () => {
  it('adds and drops whole feeds (a feed added whole brings its screen)', () => {
    expect(subscriptionChange([1], new Map(), [2], new Map([[2, '2']]))).toEqual({ add: [{ feed: 2 }], drop: [{ feed: 1 }] });
  });

  it('adds a kept feed’s new screen by its publisher mid', () => {
    expect(subscriptionChange([1, 2], new Map(), [1, 2], new Map([[1, '2']]))).toEqual({ add: [{ feed: 1, mid: '2' }], drop: [] });
  });

  it('drops a kept feed’s screen when it stops, and replaces one that moved to another mid', () => {
    expect(subscriptionChange([1], new Map([[1, '2']]), [1], new Map())).toEqual({ add: [], drop: [{ feed: 1, mid: '2' }] });
    expect(subscriptionChange([1], new Map([[1, '2']]), [1], new Map([[1, '3']]))).toEqual({ add: [{ feed: 1, mid: '3' }], drop: [{ feed: 1, mid: '2' }] });
  });

  it('asks for nothing when nothing changed (the caller refuses such a request)', () => {
    expect(subscriptionChange([1], new Map([[1, '2']]), [1], new Map([[1, '2']]))).toEqual({ add: [], drop: [] });
  });
});
