import { describe, expect, it } from 'vitest';
import { ServerMetrics } from './metrics.js';

/** The sample line for a metric (with labels, if given) in Prometheus text format. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ServerMetrics', () => {
  it('renders every server metric in Prometheus text format', async () => {
    const { contentType, body } = await new ServerMetrics().render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'merimeet_connections_open',
      'merimeet_connections_total',
      'merimeet_connections_rejected_total',
      'merimeet_messages_in_total',
      'merimeet_messages_relayed_total',
      'merimeet_errors_sent_total',
      'merimeet_closes_total',
      'merimeet_meetings_live',
      'merimeet_participants',
      'merimeet_lobby_waiting',
      'merimeet_admission_failures_total',
      'merimeet_login_failures_total',
    ]) {
      expect(body).toContain(`# TYPE ${name} `);
    }
  });

  it('includes process metrics under the merimeet_ prefix', async () => {
    const { body } = await new ServerMetrics().render();
    expect(body).toContain('merimeet_process_cpu_user_seconds_total');
    expect(body).toContain('merimeet_nodejs_heap_size_total_bytes');
  });

  it('keeps per-frame counters exact across scrapes (batched, flushed on scrape)', async () => {
    const m = new ServerMetrics();
    m.messagesIn.inc('signal');
    m.messagesRelayed.inc();
    expect(sample((await m.render()).body, 'merimeet_messages_in_total{type="signal"}')).toBe(1);
    m.messagesIn.inc('signal');
    m.messagesIn.inc('signal');
    m.messagesRelayed.inc();
    const { body } = await m.render();
    expect(sample(body, 'merimeet_messages_in_total{type="signal"}')).toBe(3);
    expect(sample(body, 'merimeet_messages_relayed_total')).toBe(2);
    expect(sample((await m.render()).body, 'merimeet_messages_relayed_total')).toBe(2);
  });

  it('reflects increments, labels and gauges', async () => {
    const m = new ServerMetrics();
    m.connections.inc();
    m.connections.inc();
    m.connections.dec();
    m.connectionsTotal.inc(2);
    m.connectionsRejected.inc({ reason: 'per_address' });
    m.messagesIn.inc('room.join');
    m.messagesIn.inc('room.join');
    m.errorsSent.inc({ code: 'rate_limited' });
    m.closes.inc({ code: '4008' });
    m.participants.set(5);
    m.admissionFailures.inc();
    const { body } = await m.render();
    expect(sample(body, 'merimeet_connections_open')).toBe(1);
    expect(sample(body, 'merimeet_connections_total')).toBe(2);
    expect(sample(body, 'merimeet_connections_rejected_total{reason="per_address"}')).toBe(1);
    expect(sample(body, 'merimeet_messages_in_total{type="room.join"}')).toBe(2);
    expect(sample(body, 'merimeet_errors_sent_total{code="rate_limited"}')).toBe(1);
    expect(sample(body, 'merimeet_closes_total{code="4008"}')).toBe(1);
    expect(sample(body, 'merimeet_participants')).toBe(5);
    expect(sample(body, 'merimeet_admission_failures_total')).toBe(1);
    expect(sample(body, 'merimeet_login_failures_total')).toBe(0);
  });

  it('keeps two servers in one process apart', async () => {
    const a = new ServerMetrics();
    const b = new ServerMetrics();
    a.loginFailures.inc(3);
    expect(sample((await a.render()).body, 'merimeet_login_failures_total')).toBe(3);
    expect(sample((await b.render()).body, 'merimeet_login_failures_total')).toBe(0);
  });
});
