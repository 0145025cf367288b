import { describe, expect, it } from 'vitest';
import type { Participant } from '../engine/call-state.js';
import { presenters, sharingText } from './share-text.js';

const p = (displayName: string, screen: MediaStream | null) => ({ displayName, screen }) as Participant;

describe('sharingText', () => {
  it('is empty when nobody shares', () => {
    expect(sharingText(false, [])).toBe('');
  });
  it('says who shares, yourself first', () => {
    expect(sharingText(true, [])).toBe('You are sharing your screen.');
    expect(sharingText(false, [p('Ada', null)])).toBe('Ada is sharing their screen.');
    expect(sharingText(true, [p('Ada', null), p('Bob', null)])).toBe('You are sharing your screen. Ada is sharing their screen. Bob is sharing their screen.');
  });
});

describe('presenters', () => {
  it('are the peers whose screen arrived, in meeting order', () => {
    const screen = {} as MediaStream;
    expect(presenters({ peers: [p('Ada', null), p('Bob', screen), p('Cy', screen)] }).map((x) => x.displayName)).toEqual(['Bob', 'Cy']);
  });
});
