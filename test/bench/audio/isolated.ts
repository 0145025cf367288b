/**
 * Entry point of the audio measurement inside the loopback-only namespace
 * (netns.ts starts it): `isolated.ts MIX_WAV SECONDS WEBROOT`. Progress goes
 * to stderr; the samples, as one JSON line, to stdout.
 */
import { loopbackOnly } from '../support/netns.js';
import { measureAudio } from './measure.js';

const [mixPath, seconds, webRoot] = process.argv.slice(2);
if (!loopbackOnly()) throw new Error('isolated.ts must run in a loopback-only network namespace');
const samples = await measureAudio(mixPath!, Number(seconds), webRoot!, (l) => process.stderr.write(`   ${l}\n`));
process.stdout.write(JSON.stringify(samples) + '\n');
