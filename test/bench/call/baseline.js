/* global document, location, RTCPeerConnection -- a browser page, not Node */
// A hand-written two-person WebRTC call, as small as it gets: camera and
// microphone first (like meriMeet's pre-join), then on "Start" one socket to a
// bare relay (baseline-server.ts) and one RTCPeerConnection. Whoever is already
// there offers when someone says hello. No keys, no MACs, no schemas: the floor
// meriMeet's join-to-first-frame is compared with.
const button = document.querySelector('button');
const room = new URLSearchParams(location.search).get('room');
const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
document.querySelector('video[data-local]').srcObject = stream;
button.disabled = false;
document.body.dataset.state = 'ready';

button.addEventListener('click', () => {
  button.disabled = true;
  const ws = new WebSocket(`wss://${location.host}/relay?room=${encodeURIComponent(room)}`);
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const send = (message) => ws.send(JSON.stringify(message));
  pc.onicecandidate = ({ candidate }) => candidate && send({ candidate });
  // The same User Timing marks as meriMeet's join trace (src/renderer/engine/join-trace.ts), for the bench's breakdown.
  const mark = (step) => performance.getEntriesByName(`merimeet.join.${step}`).length === 0 && performance.mark(`merimeet.join.${step}`);
  mark('join-called');
  pc.onconnectionstatechange = () => pc.connectionState === 'connected' && mark('connected');
  pc.ontrack = ({ streams }) => {
    mark('remote-stream');
    document.querySelector('video[data-peer-id]').srcObject = streams[0];
  };
  ws.onopen = () => {
    mark('socket-ready');
    send({ hello: true });
    document.body.dataset.state = 'in';
  };
  // One message at a time: a candidate must not overtake the description it belongs to.
  let queue = Promise.resolve();
  ws.onmessage = ({ data }) => {
    queue = queue.then(async () => {
      const m = JSON.parse(data);
      if (m.hello) mark('hello-received');
      if (m.description) mark('description-received');
      if (m.hello) {
        await pc.setLocalDescription();
        send({ description: pc.localDescription });
      } else if (m.description) {
        await pc.setRemoteDescription(m.description);
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          send({ description: pc.localDescription });
        }
      } else if (m.candidate) {
        await pc.addIceCandidate(m.candidate);
      }
    });
  };
});
