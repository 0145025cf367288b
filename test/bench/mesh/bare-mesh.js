/* global document, location, RTCPeerConnection -- a browser page, not Node */
// A hand-written full mesh, as small as it gets: the camera and microphone at
// the size given in the URL (the size meriMeet captures for this meeting
// size, capture-fit.ts), one socket to a bare relay (baseline-server.ts) and
// one RTCPeerConnection per other person, each sending camera and microphone
// under the same bitrate caps as meriMeet's policy (bitrate-policy.ts).
// Whoever is already there offers to whoever says hello. No keys, no MACs,
// no UI: the floor meriMeet's mesh is compared with.
const params = new URLSearchParams(location.search);
const num = (name) => Number(params.get(name));
const me = crypto.randomUUID();
const stream = await navigator.mediaDevices.getUserMedia({
  audio: true,
  video: { width: { ideal: num('width') }, height: { ideal: num('height') }, frameRate: { ideal: num('fps') } },
});
document.querySelector('video[data-local]').srcObject = stream;

const ws = new WebSocket(`wss://${location.host}/relay?room=${encodeURIComponent(params.get('room'))}`);
const send = (message) => ws.send(JSON.stringify({ from: me, ...message }));
/** Per person: their connection, and a chain so a candidate never overtakes its description. */
const peers = new Map();

async function capEncodings(pc) {
  for (const sender of pc.getSenders()) {
    const p = sender.getParameters();
    if (!p.encodings?.length) continue;
    for (const e of p.encodings) {
      e.maxBitrate = sender.track.kind === 'video' ? num('videoBitrate') : num('audioBitrate');
      if (sender.track.kind === 'video') e.maxFramerate = num('fps');
    }
    await sender.setParameters(p);
  }
}

function peer(id) {
  let p = peers.get(id);
  if (p) return p;
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  pc.onicecandidate = ({ candidate }) => candidate && send({ to: id, candidate });
  pc.onconnectionstatechange = () => pc.connectionState === 'connected' && void capEncodings(pc);
  pc.ontrack = ({ streams }) => {
    let video = document.querySelector(`video[data-peer-id="${id}"]`);
    if (!video) {
      video = document.createElement('video');
      Object.assign(video, { autoplay: true, playsInline: true });
      video.dataset.peerId = id;
      document.querySelector('[data-remotes]').append(video);
    }
    video.srcObject = streams[0];
  };
  p = { pc, chain: Promise.resolve() };
  peers.set(id, p);
  return p;
}

ws.onopen = () => send({ hello: true });
ws.onmessage = ({ data }) => {
  const m = JSON.parse(data);
  if (m.to !== undefined && m.to !== me) return;
  const p = peer(m.from);
  p.chain = p.chain.then(async () => {
    if (m.hello) {
      await p.pc.setLocalDescription();
      send({ to: m.from, description: p.pc.localDescription });
    } else if (m.description) {
      await p.pc.setRemoteDescription(m.description);
      if (m.description.type === 'offer') {
        await p.pc.setLocalDescription();
        send({ to: m.from, description: p.pc.localDescription });
      }
    } else if (m.candidate) {
      await p.pc.addIceCandidate(m.candidate);
    }
  });
};
document.body.dataset.state = 'ready';
