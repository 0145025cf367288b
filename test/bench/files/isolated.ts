/**
 * Entry point of the files measurement inside the loopback-only namespace
 * (support/netns.ts starts it): `isolated.ts MIB RUNS WEBROOT [PROFILE_DIR]`. Progress goes
 * to stderr; the samples, as one JSON line, to stdout.
 */
import { loopbackOnly } from '../support/netns.js';
import { measureFiles } from './measure.js';

const [mib, runs, webRoot, profileDir] = process.argv.slice(2);
if (!loopbackOnly()) throw new Error('isolated.ts must run in a loopback-only network namespace');
const samples = await measureFiles(Number(mib), Number(runs), webRoot!, (l) => process.stderr.write(`   ${l}\n`), profileDir || undefined);
process.stdout.write(JSON.stringify(samples) + '\n');
