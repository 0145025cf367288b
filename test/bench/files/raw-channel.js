/* global document, location, RTCPeerConnection, window -- a browser page, not Node */
// The floor meriMeet's file transfer is compared with: one RTCPeerConnection,
// one data channel, and a sender that writes the same 64 KiB messages as fast
// as the channel takes them, with the same backpressure thresholds meriMeet
// uses (pause above 1 MiB buffered, resume at 256 KiB). No encryption, no
// hashing, no disk: the receiver only counts bytes.
//
// ?room=NAME&role=send|receive&bytes=N. The receiver says "go" once the
// channel is open and times from then to the last byte: window.__rawResult.
const params = new URLSearchParams(location.search);
const role = params.get('role');
const total = Number(params.get('bytes'));
const CHUNK = 64 * 1024;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;

document.querySelector('button').addEventListener('click', () => {
  const ws = new WebSocket(`wss://${location.host}/relay?room=${encodeURIComponent(params.get('room'))}`);
  const pc = new RTCPeerConnection();
  const channel = pc.createDataChannel('bench', { negotiated: true, id: 0, ordered: true });
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = LOW_WATER;
  const signal = (message) => ws.send(JSON.stringify(message));
  pc.onicecandidate = ({ candidate }) => candidate && signal({ candidate });
  let queue = Promise.resolve();
  let offered = false;
  let greeted = false;
  ws.onmessage = ({ data }) => {
    queue = queue.then(async () => {
      const m = JSON.parse(data);
      if (m.hello && role === 'send' && !offered) {
        offered = true; // whoever came second, the sender offers exactly once
        await pc.setLocalDescription();
        signal({ description: pc.localDescription });
      } else if (m.hello && role === 'receive' && !greeted) {
        greeted = true;
        signal({ hello: true });
      } else if (m.description) {
        await pc.setRemoteDescription(m.description);
        if (m.description.type === 'offer') {
          await pc.setLocalDescription();
          signal({ description: pc.localDescription });
        }
      } else if (m.candidate) {
        await pc.addIceCandidate(m.candidate);
      }
    });
  };
  ws.onopen = () => signal({ hello: true });

  if (role === 'receive') {
    let received = 0;
    let started = 0;
    channel.onopen = () => {
      started = performance.now();
      channel.send('go');
    };
    channel.onmessage = ({ data }) => {
      received += data.byteLength;
      if (received >= total) window.__rawResult = { bytes: received, ms: performance.now() - started };
    };
  } else {
    const message = new Uint8Array(CHUNK);
    channel.onmessage = () => {
      let sent = 0;
      const pump = () => {
        while (sent < total && channel.bufferedAmount <= HIGH_WATER) {
          const n = Math.min(CHUNK, total - sent);
          channel.send(n === CHUNK ? message : message.subarray(0, n));
          sent += n;
        }
        if (sent < total) channel.addEventListener('bufferedamountlow', pump, { once: true });
      };
      pump();
    };
  }
  document.body.dataset.state = 'started';
});
