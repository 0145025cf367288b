/**
 * Test-only instrumentation, injected into every page before the app's own
 * scripts (page.addInitScript). The product exposes no internals; the tests
 * still need to ask each RTCPeerConnection for its DTLS and SRTP state, so
 * RTCPeerConnection is wrapped here to remember every instance it creates.
 * The wrapper is a subclass: the app sees the real API, unchanged.
 */
declare global {
  interface Window {
    __e2ePeerConnections?: RTCPeerConnection[];
    /** support/media.ts's videoProgress: each video track it met, numbered. */
    __e2eTrackNumbers?: WeakMap<MediaStreamTrack, number>;
    __e2eTracksNumbered?: number;
  }
}

/** Serialized into the page by Playwright: must not close over anything. */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__e2ePeerConnections) return;
  const created: RTCPeerConnection[] = [];
  Object.defineProperty(window, '__e2ePeerConnections', { value: created, enumerable: false });
  class Recorded extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      created.push(this);
    }
  }
  window.RTCPeerConnection = Recorded;
}
