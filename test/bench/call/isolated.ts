/**
 * Entry point of the call measurement inside the loopback-only namespace
 * (netns.ts starts it): `isolated.ts RUNS WARMUP WEBROOT RENDER_SECONDS`. Progress goes to
 * stderr; the samples, as one JSON line, to stdout.
 */
import { loopbackOnly } from '../support/netns.js';
import { measureCalls } from './measure.js';

const [runs, warmup, webRoot, renderSeconds] = process.argv.slice(2);
if (!loopbackOnly()) throw new Error('isolated.ts must run in a loopback-only network namespace');
const samples = await measureCalls(Number(runs), Number(warmup), webRoot!, (l) => process.stderr.write(`   ${l}\n`), Number(renderSeconds ?? 0));
process.stdout.write(JSON.stringify(samples) + '\n');
