/**
 * The Grafana dashboard (infra/grafana/dashboards/attribution.json) and its provisioning: valid
 * dashboard JSON, one panel per KPI, and PromQL that uses only metrics from the catalogue
 * (docs/metrics.md), so a renamed metric breaks this test rather than an empty panel in production.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const read = (relative: string): string => fs.readFileSync(path.join(ROOT, relative), 'utf8');

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; includeAll?: boolean; multi?: boolean }[] };
}

const dashboard = JSON.parse(read('infra/grafana/dashboards/attribution.json')) as Dashboard;
/** Every panel, including those inside collapsed rows. */
const panels: Panel[] = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = panels.filter((p) => p.type !== 'row');
const exprs = (panel: Panel): string[] => (panel.targets ?? []).map((t) => t.expr ?? '');

/** The metric names documented in docs/metrics.md, with the series a histogram exposes. */
function catalogue(): Set<string> {
  const names = new Set<string>();
  const doc = read('docs/metrics.md');
  for (const match of doc.matchAll(/^\|\s*`(attribution_[a-z_]+)`\s*\|\s*(\w+)\s*\|/gm)) {
    names.add(match[1]!);
    if (match[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(match[1]! + suffix);
  }
  return names;
}

/** Metric names in PromQL: `attribution_*` and Prometheus' own `up`. */
function metricNames(expr: string): string[] {
  const names = new Set<string>(expr.match(/\battribution_[a-z_]+\b/g) ?? []);
  if (/\bup\s*[{[(]/.test(expr)) names.add('up');
  return [...names];
}

/** The datasource uid the provisioning file gives the Prometheus datasource. */
function provisionedPrometheusUid(): string {
  const text = read('infra/grafana/provisioning/datasources/prometheus.yml');
  const block = text.split(/\n\s*- name:/).find((b) => /\n\s*type:\s*prometheus\b/.test(b)) ?? '';
  return /\n\s*uid:\s*(\S+)/.exec(block)?.[1] ?? '';
}

describe('infra/grafana/dashboards/attribution.json', () => {
  it('is a Grafana dashboard: uid, title, schema version, unique panel ids, a tenant variable', () => {
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.gridPos.w).toBeGreaterThan(0);
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
    const tenant = dashboard.templating.list.find((v) => v.name === 'tenant');
    expect(tenant).toMatchObject({ type: 'query', includeAll: true, multi: true });
    expect(JSON.stringify(tenant!.query)).toMatch(/label_values\(attribution_[a-z_]+, tenant\)/);
  });

  it('queries the provisioned Prometheus datasource from every panel', () => {
    const uid = provisionedPrometheusUid();
    expect(uid).not.toBe('');
    for (const p of queryPanels) {
      expect({ panel: p.title, uid: p.datasource?.uid }).toEqual({ panel: p.title, uid });
      expect(p.targets?.length ?? 0).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect({ panel: p.title, uid: t.datasource?.uid ?? uid }).toEqual({ panel: p.title, uid });
    }
  });

  it('uses only metrics from docs/metrics.md (and up) in every panel', () => {
    const documented = catalogue();
    const unknown = queryPanels.flatMap((p) =>
      exprs(p).flatMap((expr) => metricNames(expr).filter((name) => name !== 'up' && !documented.has(name)).map((name) => `${p.title}: ${name}`)),
    );
    expect(unknown).toEqual([]);
    for (const p of queryPanels) for (const expr of exprs(p)) expect({ panel: p.title, names: metricNames(expr).length > 0 }).toEqual({ panel: p.title, names: true });
  });

  it('filters by the tenant variable wherever the metric has a tenant label', () => {
    const perTenant = /attribution_(ingest_requests_total|ingest_events_total|consent_decisions_total|dispatch_deliveries_total|dispatch_auth_errors_total|pruner_rows_deleted_total)\{([^}]*)\}/g;
    for (const p of queryPanels) {
      for (const expr of exprs(p)) {
        for (const match of expr.matchAll(perTenant)) {
          // 401s are counted before authentication (tenant="unknown"): that panel is fleet-wide.
          if (/status="401"/.test(match[2]!)) continue;
          expect({ panel: p.title, selector: match[0], filtered: match[2]!.includes('tenant=~"$tenant"') }).toEqual({
            panel: p.title,
            selector: match[0],
            filtered: true,
          });
        }
      }
    }
  });

  // One panel per KPI: a panel whose queries, together, match every pattern.
  const KPIS: [string, RegExp[]][] = [
    ['requests per second per tenant', [/sum by \(tenant\) \(rate\(attribution_ingest_requests_total\b/]],
    ['p95 ingest latency', [/histogram_quantile\(0\.95, sum by \(le\) \(rate\(attribution_ingest_request_duration_seconds_bucket\[/]],
    ['5xx rate', [/rate\(attribution_ingest_requests_total\{status=~"5\.\."/]],
    ['payload size p50 and p95', [/histogram_quantile\(0\.5, .*attribution_ingest_payload_bytes_bucket/, /histogram_quantile\(0\.95, .*attribution_ingest_payload_bytes_bucket/]],
    ['outbox pending and oldest age', [/attribution_outbox_pending_events/, /attribution_outbox_oldest_pending_age_seconds/]],
    ['queue depth (consumer lag)', [/attribution_kafka_consumer_lag/]],
    ['dispatch success rate per destination', [/sum by \(destination\) \(rate\(attribution_dispatch_attempts_total\{outcome="sent"\}.*\/ sum by \(destination\) \(rate\(attribution_dispatch_attempts_total\[/]],
    ['consent block rate per tenant', [/sum by \(tenant\) \(rate\(attribution_consent_decisions_total\{decision="blocked".*\/ sum by \(tenant\) \(rate\(attribution_consent_decisions_total\{/]],
    ['dead letters and retries', [/attribution_dispatch_dead_letters_total/, /attribution_dispatch_retries_scheduled_total/]],
    ['destination latency p95', [/histogram_quantile\(0\.95, sum by \(le, destination\) \(rate\(attribution_destination_request_duration_seconds_bucket\[/]],
    ['pruner last success age', [/time\(\) - max\(attribution_pruner_last_success_timestamp_seconds\)/]],
    ['pruner rows deleted', [/attribution_pruner_rows_deleted_total/]],
  ];

  it.each(KPIS)('has a panel for %s', (_kpi, patterns) => {
    const match = queryPanels.find((p) => patterns.every((pattern) => exprs(p).some((expr) => pattern.test(expr))));
    expect(match?.title).toBeDefined();
  });
});

describe('infra/grafana/provisioning', () => {
  it('points the dashboard provider at the folder docker-compose.yml mounts the dashboards in', () => {
    const provider = read('infra/grafana/provisioning/dashboards/dashboards.yml');
    const folder = /\n\s*path:\s*(\S+)/.exec(provider)?.[1];
    expect(folder).toBeDefined();
    expect(read('docker-compose.yml')).toContain(`./infra/grafana/dashboards:${folder}:ro`);
    expect(read('docker-compose.yml')).toContain('./infra/grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  it('reaches Prometheus at the compose service name', () => {
    expect(read('infra/grafana/provisioning/datasources/prometheus.yml')).toMatch(/url:\s*http:\/\/prometheus:9090\b/);
  });
});
