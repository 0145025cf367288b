import { describe, expect, it } from 'vitest';
import { createRecordingWatch, WITHHELD_GRACE_MS, type NoticeProblem } from './recording-watch.js';

const E1 = 'a'.repeat(22);
const E2 = 'b'.repeat(22);
const ON = { recording: true, everyoneMayRecord: false };
const OFF = { recording: false, everyoneMayRecord: false };

function watch() {
  const problems: NoticeProblem[] = [];
  return { w: createRecordingWatch((p) => problems.push(p)), problems };
}

describe('recording watch', () => {
  it('shows a recording from whichever authentic copy comes first, and the second copy changes nothing', () => {
    const { w, problems } = watch();
    expect(w.accept('ada', 'direct', { epoch: E1, seq: 1 }, ON, 0)).toBe(true);
    expect(w.recorders()).toEqual(['ada']);
    expect(w.accept('ada', 'server', { epoch: E1, seq: 1 }, ON, 10)).toBe(false);
    w.check(10 + WITHHELD_GRACE_MS);
    expect(problems).toEqual([]);
  });

  it('catches a server that holds back a notice the data channel carried', () => {
    const { w, problems } = watch();
    w.accept('ada', 'server', { epoch: E1, seq: 1 }, ON, 0);
    w.accept('ada', 'direct', { epoch: E1, seq: 1 }, ON, 0);
    // The stop reaches us only directly (the server drops it); repeats of it follow every second.
    expect(w.accept('ada', 'direct', { epoch: E1, seq: 2 }, OFF, 1_000)).toBe(true);
    expect(w.recorders()).toEqual([]);
    w.accept('ada', 'direct', { epoch: E1, seq: 2 }, OFF, 2_000);
    w.check(1_000 + WITHHELD_GRACE_MS - 1);
    expect(problems).toEqual([]);
    w.check(1_000 + WITHHELD_GRACE_MS);
    expect(problems).toEqual([{ kind: 'withheld', peerId: 'ada' }]);
    // Reported once, not at every repeat.
    w.accept('ada', 'direct', { epoch: E1, seq: 2 }, OFF, 5_000);
    w.check(20_000);
    expect(problems).toHaveLength(1);
  });

  it('does not blame a relay that arrives within the grace period', () => {
    const { w, problems } = watch();
    w.accept('ada', 'direct', { epoch: E1, seq: 1 }, ON, 0);
    w.accept('ada', 'server', { epoch: E1, seq: 1 }, ON, WITHHELD_GRACE_MS - 1);
    w.check(10 * WITHHELD_GRACE_MS);
    expect(problems).toEqual([]);
  });

  it('reports a forged or replayed relayed notice and keeps what the person said', () => {
    const { w, problems } = watch();
    w.refuse('ada', 'server');
    expect(w.recorders()).toEqual([]);
    w.accept('ada', 'direct', { epoch: E1, seq: 2 }, OFF, 0);
    w.accept('ada', 'server', { epoch: E1, seq: 2 }, OFF, 0);
    // The server plays back an old "recording" of Ada's.
    expect(w.accept('ada', 'server', { epoch: E1, seq: 1 }, ON, 10)).toBe(false);
    expect(w.recorders()).toEqual([]);
    expect(problems).toEqual([
      { kind: 'forged', peerId: 'ada' },
      { kind: 'forged', peerId: 'ada' },
    ]);
  });

  it('counts bad frames on the data channel without blaming the server', () => {
    const { w, problems } = watch();
    w.refuse('ada', 'direct');
    expect(w.dropped).toBe(1);
    expect(problems).toEqual([]);
  });

  it('takes a new epoch (the person rejoined) and never an epoch it replaced', () => {
    const { w, problems } = watch();
    w.accept('ada', 'server', { epoch: E1, seq: 5 }, ON, 0);
    expect(w.accept('ada', 'server', { epoch: E2, seq: 1 }, OFF, 0)).toBe(true);
    expect(w.recorders()).toEqual([]);
    expect(w.accept('ada', 'server', { epoch: E1, seq: 6 }, ON, 0)).toBe(false);
    expect(problems).toEqual([{ kind: 'forged', peerId: 'ada' }]);
  });

  it('forgets whoever left', () => {
    const { w } = watch();
    w.accept('ada', 'server', { epoch: E1, seq: 1 }, ON, 0);
    w.forget('ada');
    expect(w.recorders()).toEqual([]);
    expect(w.notice('ada')).toBeNull();
  });
});
