/* global window, document, Element, BUTTON_TEXT -- runs in the page (BUTTON_TEXT is filled in by first-frame.ts) */
// The benchmark's stopwatch, injected into the page as source text (first-frame.ts):
// plain JavaScript, so no transpiler helper can sneak into it. It starts at the
// click on the button whose name contains BUTTON_TEXT (the event's own timestamp)
// and stops at the first remote video frame: the first requestVideoFrameCallback
// on any `video[data-peer-id]`, or a non-zero videoWidth if that comes first.
(function arm(buttonText) {
  window.__benchFirstFrameMs = undefined;
  window.__benchClickedAt = undefined;
  let clickedAt;
  document.addEventListener(
    'click',
    (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const name = ((button && (button.getAttribute('aria-label') || button.textContent)) || '').trim();
      if (clickedAt === undefined && name.includes(buttonText)) clickedAt = window.__benchClickedAt = event.timeStamp;
    },
    { capture: true },
  );
  function stop(at) {
    if (clickedAt !== undefined && window.__benchFirstFrameMs === undefined) window.__benchFirstFrameMs = at - clickedAt;
  }
  const hooked = new WeakSet();
  (function scan() {
    if (window.__benchFirstFrameMs !== undefined) return;
    for (const video of document.querySelectorAll('video[data-peer-id]')) {
      if (video.videoWidth > 0) stop(performance.now());
      if (!hooked.has(video)) {
        hooked.add(video);
        video.requestVideoFrameCallback((now) => stop(now));
      }
    }
    setTimeout(scan, 4);
  })();
})(BUTTON_TEXT);
