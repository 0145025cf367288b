/** The cluster benchmark's tables, targets and notes (index.ts measures). */
import type { BenchReport, Target } from '../support/benchmark.js';
import { fileLimit } from '../support/processes.js';
import { fmt, kib, mib } from '../support/stats.js';
import type { Side } from './index.js';

/** The targets: p99 within twice one instance's, and 30,000 idle connections held across the cluster. */
const P99_FACTOR = 2;
const IDLE_TARGET = 30_000;
/** "Kept up": delivered at least this share of what the paced clients offered. */
const KEPT_UP = 0.95;

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && b !== 0 ? a / b : null);
const x = (v: number | null) => (v == null ? '—' : `${fmt(v, 2)}×`);

export function report(single: Side, cluster: Side, o: Record<string, number>): BenchReport {
  const row = (s: Side) => [
    s.server,
    fmt(s.relay?.messagesPerSecond),
    fmt(s.relay?.p50Ms, 2),
    fmt(s.relay?.p99Ms, 2),
    fmt(s.relay?.serverCpuMicrosPerMessage, 1),
    fmt(s.idle?.held),
    fmt(s.idle?.rssPerConnectionBytes != null ? kib(s.idle.rssPerConnectionBytes) : null, 1),
  ];
  const c = cluster;
  const summary = {
    title: [
      `Cluster of ${c.instances} vs one instance, both behind HAProxy on PostgreSQL`,
      c.relay ? `${fmt(o.clients)} clients in meetings of ${o['meeting-size']} relaying for ${o.seconds} s` : null,
      c.idle ? `${fmt(c.idle.requested)} idle across the cluster, ${fmt(single.idle?.requested)} on one` : null,
    ]
      .filter(Boolean)
      .join(' — '),
    columns: ['server', 'msgs/s', 'p50 ms', 'p99 ms', 'CPU µs/msg', 'idle held', 'RSS/conn KiB'],
    rows: [
      row(single),
      row(c),
      [
        'cluster / one',
        x(ratio(c.relay?.messagesPerSecond, single.relay?.messagesPerSecond)),
        x(ratio(c.relay?.p50Ms, single.relay?.p50Ms)),
        x(ratio(c.relay?.p99Ms, single.relay?.p99Ms)),
        x(ratio(c.relay?.serverCpuMicrosPerMessage, single.relay?.serverCpuMicrosPerMessage)),
        x(ratio(c.idle?.held, single.idle?.held)),
        x(ratio(c.idle?.rssPerConnectionBytes, single.idle?.rssPerConnectionBytes)),
      ],
    ],
  };
  const detailRow = (s: Side) => [
    s.server,
    fmt(s.relay?.serverCpuPercent),
    fmt(s.relay?.clientCpuPercent),
    fmt(s.relay?.machineCpuPercent),
    fmt(s.relay?.maxMs, 1),
    s.relay ? `${fmt(s.relay.errors)} / ${fmt(s.relay.lost)}` : '—',
    s.idle ? s.idle.heldPerInstance.map((h) => fmt(h)).join(' + ') : '—',
    s.idle ? s.idle.rssAfterBytes.map((b) => fmt(mib(b))).join(' + ') : '—',
    fmt(s.idle?.openSeconds, 1),
    s.idle == null ? '—' : s.idle.pingMs != null ? fmt(s.idle.pingMs, 1) : 'no answer',
  ];
  const details = {
    title: 'Details',
    columns: ['server', 'server CPU %', 'client CPU %', 'machine CPU %', 'max ms', 'errors / lost', 'held per instance', 'RSS after MiB', 'open s', 'ping ms'],
    rows: [detailRow(single), detailRow(c)],
  };
  return {
    results: c as unknown as Record<string, unknown>,
    baseline: single as unknown as Record<string, unknown>,
    targets: targets(single, c),
    tables: [summary, details],
    notes: notes(single, c),
  };
}

function targets(single: Side, c: Side): Target[] {
  const out: Target[] = [];
  if (c.relay && single.relay) {
    const p99 = ratio(c.relay.p99Ms, single.relay.p99Ms);
    out.push({
      name: 'relay p99 latency, cluster vs one instance',
      required: `≤ ${fmt(P99_FACTOR, 2)}×`,
      measured: x(p99),
      pass: p99 != null && p99 <= P99_FACTOR,
    });
    const offered = c.relay.offeredPerSecond;
    if (offered != null) {
      out.push({
        name: 'cluster keeps up with the offered relay load',
        required: `≥ ${fmt(KEPT_UP * offered)} msgs/s`,
        measured: `${fmt(c.relay.messagesPerSecond)} msgs/s`,
        pass: c.relay.messagesPerSecond >= KEPT_UP * offered,
      });
    }
  }
  if (c.idle) {
    out.push({
      name: 'idle connections held across the cluster',
      required: `≥ ${fmt(IDLE_TARGET)}`,
      measured: fmt(c.idle.held),
      pass: c.idle.held >= IDLE_TARGET,
    });
    out.push({
      name: 'every instance answers ping while holding them',
      required: 'pong',
      measured: c.idle.pingMs != null ? `slowest pong ${fmt(c.idle.pingMs, 1)} ms` : (c.idle.pingError ?? 'no answer'),
      pass: c.idle.pingMs != null,
    });
  }
  return out;
}

function notes(single: Side, c: Side): string[] {
  const out: string[] = [];
  for (const s of [single, c]) {
    if (s.idle && s.idle.failed > 0) out.push(`${s.server}: ${fmt(s.idle.failed)} idle connections failed to open (first: ${s.idle.firstError})`);
    if (s.relay && s.relay.errors > 0) out.push(`${s.server}: ${s.relay.errors} error frames during the load (first: ${s.relay.firstError})`);
    if (s.relay && s.relay.closedDuringLoad > 0) out.push(`${s.server}: ${s.relay.closedDuringLoad} sockets closed during the load`);
  }
  if (c.relay) {
    out.push(
      'relay clients join through HAProxy (round robin), so a meeting of 4 has members on every instance; a signal between two members ' +
        'off the home crosses NATS twice. Plain ws between clients, HAProxy and instances (TLS would cost both sides alike). ' +
        'Server CPU is the instances\' sum; HAProxy, NATS and PostgreSQL are in machine CPU.',
    );
  }
  if (c.idle) {
    out.push(
      'idle connections go straight to the instances, one client process per instance: HAProxy needs two descriptors per ' +
        `connection and this machine's hard open-file limit is ${fmt(fileLimit()?.hard)}, so it alone could hold under half that.`,
    );
  }
  return out;
}
