/**
 * A malicious signaling server cannot lie about screen sharing. Everyone
 * connects through the hostile proxy (support/malicious-server.ts); once
 * Ada shares, it rewrites the `screen` claim of what Ada sends Bob: dropped
 * (hiding the share) or pointed at her camera's stream (passing her camera
 * off as her screen). The claim is under the SDP MAC, so Bob refuses those
 * descriptions, is told, shows no share stage, and keeps Ada's camera.
 */
import { hostileTest as test, expect } from './support/fixtures.js';
import { createMeeting } from './support/meetings.js';
import { expectVideoFlowing } from './support/media.js';
import { screenSenders, shareButton, shareStage } from './support/screen.js';
import { joinMeeting, peerIdOf } from './support/ui.js';

type Description = { kind: 'description'; description: { sdp: string }; screen?: string | null };
const isDescription = (m: Record<string, unknown>) => m.type === 'signal' && (m.data as { kind?: string } | undefined)?.kind === 'description';

/** The first `a=msid` stream id of an SDP: the camera's (its sections come first). */
const cameraStreamId = (sdp: string) => /a=msid:(\S+) /.exec(sdp)?.[1] ?? null;

const lies: [string, (d: Description) => void][] = [
  ['hides the share (drops the claim)', (d) => delete d.screen],
  ['passes the camera off as the screen', (d) => (d.screen = cameraStreamId(d.description.sdp))],
];

for (const [lie, rewrite] of lies) {
  test(`a server that ${lie} is refused; the viewer keeps the camera and shows no share`, async ({ server, evil, people }) => {
    let tampered = 0;
    evil.tamper = (m, to, proxy) => {
      if (!isDescription(m) || to.name !== 'Bob' || proxy.nameOf(m.from) !== 'Ada') return m;
      const data = structuredClone(m.data) as Description;
      if (typeof data.screen !== 'string') return m; // Ada has not shared yet
      rewrite(data);
      tampered++;
      return { ...m, data };
    };
    const meeting = await createMeeting(server);
    const ada = await people.open('Ada');
    const bob = await people.open('Bob');
    await joinMeeting(ada.page, meeting, 'Ada');
    await joinMeeting(bob.page, meeting, 'Bob');
    const adaId = await peerIdOf(bob.page, 'Ada');
    await expectVideoFlowing(bob.page, adaId);

    await shareButton(ada.page).click();
    await expect.poll(async () => (await screenSenders(ada.page)).some((s) => s.track?.kind === 'video')).toBe(true);
    await expect(bob.page.getByRole('alert').filter({ hasText: "in Ada's name" })).toBeVisible({ timeout: 20_000 });
    expect(tampered).toBeGreaterThan(0);
    await expect(shareStage(bob.page, 'Ada')).toHaveCount(0);
    await expect(bob.page.locator('video[data-screen-peer-id]')).toHaveCount(0);
    await expect(bob.page.getByRole('status').filter({ hasText: 'is sharing their screen' })).toHaveCount(0);
    await expectVideoFlowing(bob.page, adaId);
  });
}
