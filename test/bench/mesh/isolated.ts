/**
 * Entry point of the mesh measurement inside the loopback-only namespace
 * (netns.ts starts it): `isolated.ts PEOPLE RUNS SECONDS WEBROOT`. Progress goes
 * to stderr; the samples, as one JSON line, to stdout.
 */
import { loopbackOnly } from '../support/netns.js';
import { measureMesh } from './measure.js';

const [people, runs, seconds, webRoot] = process.argv.slice(2);
if (!loopbackOnly()) throw new Error('isolated.ts must run in a loopback-only network namespace');
const samples = await measureMesh(Number(people), Number(runs), Number(seconds), webRoot!, (l) => process.stderr.write(`   ${l}\n`));
process.stdout.write(JSON.stringify(samples) + '\n');
