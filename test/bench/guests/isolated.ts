/**
 * Entry point of the guests measurement inside the loopback-only namespace
 * (netns.ts starts it, with the default route Firefox needs):
 * `isolated.ts RUNS WARMUP WEBROOT`. Progress goes to stderr; the samples, as
 * one JSON line, to stdout.
 */
import { loopbackOnly } from '../support/netns.js';
import { measureGuests } from './measure.js';

const [runs, warmup, webRoot] = process.argv.slice(2);
if (!loopbackOnly()) throw new Error('isolated.ts must run in a loopback-only network namespace');
const samples = await measureGuests(Number(runs), Number(warmup), webRoot!, (l) => process.stderr.write(`   ${l}\n`));
process.stdout.write(JSON.stringify(samples) + '\n');
