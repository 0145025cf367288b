/**
 * How many bytes at the start of an encoded frame stay in clear, so the SFU
 * can still read what it must (ENVIRONMENT.md "Janus", measured): for VP8 the
 * payload header of RFC 6386 §9.1, 10 bytes on a keyframe (3-byte frame tag,
 * start code, width and height) and 3 otherwise (the frame tag); for Opus
 * the TOC byte. They are authenticated (sframe-cipher.ts), never secret.
 *
 * The receiver counts them from the same clear bytes it receives: the VP8
 * frame tag's lowest bit says whether the frame is a keyframe.
 */
import type { MediaKind } from './media-e2ee.js';

const VP8_KEYFRAME_CLEAR = 10;
const VP8_INTERFRAME_CLEAR = 3;
const OPUS_CLEAR = 1;

/** Codecs whose header layout this file knows; frames of any other codec are never sent. */
export function isSupportedCodec(kind: MediaKind, mimeType: string | undefined): boolean {
  if (mimeType === undefined) return true; // Firefox's metadata has no mimeType; the topology negotiates VP8 and Opus only.
  const m = mimeType.toLowerCase();
  return kind === 'video' ? m === 'video/vp8' : m === 'audio/opus';
}

/** The clear prefix length of this frame (never more than the frame holds). */
export function clearByteCount(kind: MediaKind, frame: Uint8Array): number {
  if (frame.length === 0) return 0;
  if (kind === 'audio') return Math.min(OPUS_CLEAR, frame.length);
  // RFC 6386 §9.1: bit 0 of the frame tag is 0 on a keyframe.
  const keyframe = (frame[0]! & 0x01) === 0;
  return Math.min(keyframe ? VP8_KEYFRAME_CLEAR : VP8_INTERFRAME_CLEAR, frame.length);
}
