/**
 * The alert routing promises (infra/alertmanager/alertmanager.yml, infra/prometheus/prometheus.yml,
 * docker-compose.yml), read with ./yaml-subset: sev1 pages, sev2 goes to chat, a sev1 holds back
 * its service's sev2 alerts, and Prometheus reaches the Alertmanager and the blackbox exporter the
 * compose file runs. Alertmanager's own check is `amtool check-config` (docs/observability.md);
 * promtool checks prometheus.yml in alert-rules.integration.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, parseYamlSubset, type Yaml, type YamlMap } from './yaml-subset';

const ROOT = path.resolve(__dirname, '../../../..');
const load = (relative: string): YamlMap => {
  const parsed = parseYamlSubset(fs.readFileSync(path.join(ROOT, relative), 'utf8'));
  if (!isMap(parsed)) throw new Error(`${relative} must be a mapping`);
  return parsed;
};
const map = (value: Yaml | undefined): YamlMap => (isMap(value) ? value : {});
const list = (value: Yaml | undefined): Yaml[] => (Array.isArray(value) ? value : []);

const alertmanager = load('infra/alertmanager/alertmanager.yml');
const route = map(alertmanager.route);
const rules = fs.readFileSync(path.join(ROOT, 'infra/prometheus/alerts.yml'), 'utf8');

/** The receiver Alertmanager picks for these labels: the first child route whose matchers all match. */
function receiverFor(labels: Record<string, string>): string {
  const child = list(route.routes).map(map).find((r) =>
    list(r.matchers).every((m) => {
      const [, name, value] = /^(\w+)="([^"]*)"$/.exec(String(m)) ?? [];
      return name !== undefined && labels[name] === value;
    }),
  );
  return String((child ?? route).receiver);
}

describe('alertmanager.yml', () => {
  it('sends every severity the rules use to its receiver: sev1 pages, sev2 to chat', () => {
    const severities = new Set([...rules.matchAll(/^\s+severity: (\S+)$/gm)].map((m) => m[1]));
    expect([...severities].sort()).toEqual(['sev1', 'sev2']);
    expect(receiverFor({ severity: 'sev1', service: 'ingest-api' })).toBe('paging');
    expect(receiverFor({ severity: 'sev2', service: 'dispatcher' })).toBe('chat');
    const receivers = list(alertmanager.receivers).map((r) => map(r));
    expect(receivers.map((r) => r.name).sort()).toEqual(['chat', 'paging']);
    expect(receivers.find((r) => r.name === 'paging')).toHaveProperty('pagerduty_configs');
    expect(receivers.find((r) => r.name === 'chat')).toHaveProperty('slack_configs');
  });

  it('groups by alertname and tenant', () => {
    expect(route.group_by).toEqual(['alertname', 'tenant']);
  });

  it('holds back sev2 alerts while a sev1 of the same service fires, and every rule names its service', () => {
    expect(list(alertmanager.inhibit_rules).map(map)).toEqual([
      { source_matchers: ['severity="sev1"'], target_matchers: ['severity="sev2"'], equal: ['service'] },
    ]);
    const alerts = rules.split(/^\s+- alert: /m).slice(1);
    expect(alerts.length).toBeGreaterThan(10);
    expect(alerts.filter((block) => !/^\s+service: \S/m.test(block)).map((block) => block.split('\n')[0])).toEqual([]);
  });

  it('is the Alertmanager and blackbox exporter that Prometheus and docker-compose.yml name', () => {
    const prometheus = load('infra/prometheus/prometheus.yml');
    const services = map(load('docker-compose.yml').services);
    const targets = list(map(list(map(prometheus.alerting).alertmanagers)[0]).static_configs).flatMap((c) => list(map(c).targets));
    expect(targets).toEqual(['alertmanager:9093']);
    expect(list(map(services.alertmanager).ports)).toEqual(['127.0.0.1:9093:9093']);
    expect(list(map(services.alertmanager).volumes)).toContain('./infra/alertmanager:/etc/alertmanager:ro');

    const probe = list(prometheus.scrape_configs).map(map).find((job) => job.job_name === 'blackbox-health');
    expect(map(probe?.params).module).toEqual(['http_health']);
    expect(list(probe?.relabel_configs).map(map).find((r) => r.target_label === '__address__')?.replacement).toBe('blackbox:9115');
    expect(list(map(list(probe?.static_configs)[0]).targets)).toEqual(['http://ingest-api:8080/health']);
    expect(map(services.blackbox).image).toMatch(/^prom\/blackbox-exporter:v\d+\.\d+\.\d+$/);
    expect(Object.keys(map(map(load('infra/blackbox/blackbox.yml')).modules))).toContain('http_health');
  });
});
