import { describe, expect, it } from 'vitest';
import { mediaChanges, type ReceivedSection, type ShownMedia } from './sfu-media-changes.js';

const nothingShown: ShownMedia = { camera: new Map(), screen: new Map() };
const section = (peerId: string, trackId: string, more: Partial<ReceivedSection> = {}): ReceivedSection => ({ peerId, trackId, screen: false, flowing: true, ...more });

describe('mediaChanges', () => {
  it('reports a screen section apart from the camera and microphone of the same person', () => {
    const changes = mediaChanges([section('ada', 'a-audio'), section('ada', 'a-cam'), section('ada', 'a-screen', { screen: true })], nothingShown);
    expect(changes.get('ada')).toEqual({ camera: ['a-audio', 'a-cam'], screen: 'a-screen' });
  });

  it('says "no screen" with the first media of someone who shares none (a mesh copy of a stopped share goes)', () => {
    expect(mediaChanges([section('bob', 'b-cam')], nothingShown).get('bob')).toEqual({ camera: ['b-cam'], screen: null });
  });

  it('keeps quiet about the screen while the SFU’s copy is on its way (the mesh’s stays on screen during the move)', () => {
    const changes = mediaChanges([section('ada', 'a-cam'), section('ada', 'a-screen', { screen: true, flowing: false })], nothingShown);
    expect(changes.get('ada')).toEqual({ camera: ['a-cam'] });
  });

  it('reports a screen that stops, and only the screen', () => {
    const shown: ShownMedia = { camera: new Map([['ada', ['a-cam']]]), screen: new Map([['ada', 'a-screen']]) };
    expect(mediaChanges([section('ada', 'a-cam')], shown)).toEqual(new Map([['ada', { screen: null }]]));
  });

  it('reports nothing when nothing changed, and "no screen" only once', () => {
    const shown: ShownMedia = { camera: new Map([['bob', ['b-cam']]]), screen: new Map([['bob', null]]) };
    expect(mediaChanges([section('bob', 'b-cam')], shown).size).toBe(0);
  });

  it('reports everything of someone no longer forwarded as gone', () => {
    const shown: ShownMedia = { camera: new Map([['cyd', ['c-cam']]]), screen: new Map([['cyd', 'c-screen']]) };
    expect(mediaChanges([], shown).get('cyd')).toEqual({ camera: null, screen: null });
  });
});
