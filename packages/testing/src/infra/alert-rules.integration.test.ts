/**
 * The Prometheus configuration and alert rules (infra/prometheus/) checked by Prometheus' own
 * promtool, built from the Go module proxy by infra/tools/go-tool.sh (cached in
 * infra/tools/.bin): the config and rules load, and every rule's unit tests (alerts*.test.yml)
 * pass. Plus the promises promtool cannot check: each alert has a severity that routes
 * (sev1 pages, sev2 notifies: infra/alertmanager) and a service label, a runbook section that exists, unit tests that make it
 * fire and stay silent, and only metrics from the catalogue (docs/metrics.md). And, since
 * promtool is at hand, that every PromQL query of the Grafana dashboard parses.
 *
 * In the integration project because the first run builds promtool (a few minutes on a fresh
 * machine); later runs take a second.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { goToolPath, runGoTool } from './go-tools';

// The first build of promtool on a fresh 2-core machine takes minutes.
jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '../../../..');
const ALERTS = 'infra/prometheus/alerts.yml';
/** The unit test files, split by rule group (each under 500 lines). */
const ALERT_TESTS = ['infra/prometheus/alerts.test.yml', 'infra/prometheus/alerts-delivery.test.yml', 'infra/prometheus/alerts-ingest.test.yml'];
const CONFIG = 'infra/prometheus/prometheus.yml';

const read = (relative: string): string => fs.readFileSync(path.join(ROOT, relative), 'utf8');

interface AlertRule {
  name: string;
  expr: string;
  severity: string | undefined;
  service: string | undefined;
  runbookUrl: string | undefined;
  summary: string | undefined;
  description: string | undefined;
}

/**
 * Reads alerts.yml without a YAML library (none is a dependency): the file keeps a regular layout
 * (one `- alert:` per rule, `expr: |` block, `severity:` and annotation lines), and the rule count
 * is cross-checked against promtool's own parse below, so a rule this reader missed fails the test.
 */
function parseAlertRules(source: string): AlertRule[] {
  const lines = source.split('\n');
  const starts = lines.flatMap((line, i) => (/^\s*- alert:\s*\S/.test(line) ? [i] : []));
  return starts.map((start, k) => {
    const block = lines.slice(start, starts[k + 1] ?? lines.length);
    const field = (key: string): string | undefined => {
      const line = block.find((l) => new RegExp(`^\\s*${key}:\\s`).test(l));
      if (!line) return undefined;
      const value = line.slice(line.indexOf(':') + 1).trim();
      return value.startsWith('"') ? (JSON.parse(value) as string) : value;
    };
    const exprAt = block.findIndex((l) => /^\s*expr:/.test(l));
    let expr = exprAt >= 0 ? block[exprAt]!.replace(/^\s*expr:\s*/, '') : '';
    if (expr === '|' || expr === '|-' || expr === '>') {
      const indent = (l: string): number => l.length - l.trimStart().length;
      const exprIndent = indent(block[exprAt]!);
      const body: string[] = [];
      for (const l of block.slice(exprAt + 1)) {
        if (l.trim() !== '' && indent(l) <= exprIndent) break;
        body.push(l.trim());
      }
      expr = body.join('\n').trim();
    }
    return {
      name: field('- alert')!,
      expr,
      severity: field('severity'),
      service: field('service'),
      runbookUrl: field('runbook_url'),
      summary: field('summary'),
      description: field('description'),
    };
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'; plus explicit ids. */
function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = heading[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
      anchors.add(text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-'));
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

/** The metric names documented in docs/metrics.md (backquoted in the first column of its tables). */
function catalogue(): Set<string> {
  const names = new Set<string>();
  for (const match of read('docs/metrics.md').matchAll(/^\|\s*`((?:attribution|probe)_[a-z_]+)`\s*\|/gm)) names.add(match[1]!);
  return names;
}

/**
 * Metric names in a PromQL expression: `attribution_*`, the blackbox exporter's `probe_*` and
 * Prometheus' own `up`. A histogram's `_bucket` / `_count` / `_sum` series count as the histogram.
 */
function metricNames(expr: string): string[] {
  const series = [...(expr.match(/\b(?:attribution|probe)_[a-z_]+\b/g) ?? [])];
  const names = new Set<string>(series.map((name) => name.replace(/_(bucket|count|sum)$/, '')));
  if (/\bup\s*[{[(]/.test(expr) || /\bup\s*(==|!=|>|<)/.test(expr)) names.add('up');
  return [...names];
}

const rules = parseAlertRules(read(ALERTS));

describe('alert rules: promises promtool does not check', () => {
  const runbook = read('docs/runbook.md');
  const anchors = markdownAnchors(runbook);
  const documented = catalogue();

  it('has the alerts the runbook is written for', () => {
    expect(rules.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'IngestApiDown',
        'IngestServerErrorsHigh',
        'IngestLatencyHigh',
        'DestinationNeedsCredentials',
        'DeliveriesParked',
        'DatabaseUnreachable',
        'OutboxPublishStalled',
        'QueueBacklogHigh',
        'DispatchSuccessRateLow',
        'IngestAuthErrorsElevated',
        'MetaRejectionSpike',
        'ConsentAllBlocked',
        'PrunerNotRunRecently',
      ]),
    );
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
  });

  it.each(rules.map((r) => [r.name, r] as const))('%s has a routing severity, a service, a summary, a description and a runbook section', (_name, rule) => {
    expect(rule.severity).toMatch(/^(sev1|sev2)$/);
    // Inhibition compares `service`: a rule without it would hold back (or be held back by) every
    // other rule without it.
    expect(rule.service).toMatch(/^(ingest-api|dispatcher|pruner|monitoring|\{\{ \$labels\.job \}\})$/);
    expect(rule.summary).toBeTruthy();
    expect(rule.description).toBeTruthy();
    const url = /^docs\/runbook\.md#([a-z0-9_-]+)$/.exec(rule.runbookUrl ?? '');
    expect({ runbookUrl: rule.runbookUrl, wellFormed: url !== null }).toEqual({ runbookUrl: rule.runbookUrl, wellFormed: true });
    expect({ anchor: url![1], inRunbook: anchors.has(url![1]!) }).toEqual({ anchor: url![1], inRunbook: true });
    // The section is the alert's own (anchor = the alert name, as GitHub writes it).
    expect(url![1]).toBe(rule.name.toLowerCase());
  });

  it.each(rules.map((r) => [r.name, r] as const))('%s uses only metrics from docs/metrics.md (and up)', (_name, rule) => {
    const names = metricNames(rule.expr);
    expect(names.length).toBeGreaterThan(0);
    const unknown = names.filter((name) => name !== 'up' && !documented.has(name));
    expect(unknown).toEqual([]);
  });

  it('has unit tests that make every alert fire and stay silent', () => {
    const tests = ALERT_TESTS.map(read).join('\n');
    const cases = [...tests.matchAll(/alertname:\s*(\w+)\s*\n\s*exp_alerts:\s*([^\n]*)/g)].map((m) => ({
      name: m[1]!,
      silent: m[2]!.trim() === '[]',
    }));
    const missing = rules.flatMap((rule) => {
      const own = cases.filter((c) => c.name === rule.name);
      const gaps: string[] = [];
      if (!own.some((c) => !c.silent)) gaps.push(`${rule.name}: no case where it fires`);
      if (!own.some((c) => c.silent)) gaps.push(`${rule.name}: no near-miss case`);
      return gaps;
    });
    expect(missing).toEqual([]);
    // No test for an alert that does not exist (a renamed rule leaves silent cases that pass).
    expect(cases.map((c) => c.name).filter((name) => !rules.some((r) => r.name === name))).toEqual([]);
  });
});

describe('promtool', () => {
  let promtool: string;

  beforeAll(async () => {
    promtool = await goToolPath('promtool', { log: (line) => process.stderr.write(`[go-tool] ${line}\n`) });
  }, 15 * 60_000);

  it('is the pinned Prometheus 3 promtool', async () => {
    expect(fs.existsSync(promtool)).toBe(true);
    const version = await runGoTool('promtool', ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout + version.stderr).toMatch(/promtool, version 3\.\d+\.\d+/);
  });

  it('accepts prometheus.yml (and the rule files it names, relative to it)', async () => {
    const result = await runGoTool('promtool', ['check', 'config', CONFIG]);
    expect({ code: result.code, output: result.stdout + result.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(result.stdout + result.stderr).toContain('alerts.yml');
    expect(result.stdout + result.stderr).not.toMatch(/FAILED/);
  });

  it('accepts alerts.yml, and finds as many rules as this test read', async () => {
    const result = await runGoTool('promtool', ['check', 'rules', ALERTS]);
    const output = result.stdout + result.stderr;
    expect({ code: result.code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('parses every PromQL query of the Grafana dashboard', async () => {
    // Each query becomes a recording rule in a scratch rules file, with Grafana's variables
    // replaced by what Grafana would put there.
    const dashboard = JSON.parse(read('infra/grafana/dashboards/attribution.json')) as {
      panels: { id: number; targets?: { refId?: string; expr?: string }[]; panels?: { id: number; targets?: { refId?: string; expr?: string }[] }[] }[];
    };
    const queries = dashboard.panels
      .flatMap((p) => [p, ...(p.panels ?? [])])
      .flatMap((p) => (p.targets ?? []).map((t) => ({ record: `dashboard:panel_${p.id}_${t.refId ?? 'A'}`, expr: t.expr ?? '' })));
    expect(queries.length).toBeGreaterThan(10);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-promql-')), 'rules.yml');
    const rulesYaml = [
      'groups:',
      '  - name: dashboard',
      '    rules:',
      ...queries.flatMap((q) => [
        `      - record: ${q.record}`,
        `        expr: ${JSON.stringify(q.expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m').replace(/\$tenant\b/g, '.*'))}`,
      ]),
    ].join('\n');
    fs.writeFileSync(file, rulesYaml + '\n');
    try {
      const result = await runGoTool('promtool', ['check', 'rules', file]);
      const output = result.stdout + result.stderr;
      expect({ code: result.code, output }).toEqual({ code: 0, output: expect.stringContaining(`SUCCESS: ${queries.length} rules found`) });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('passes every unit test in alerts*.test.yml', async () => {
    expect(fs.readdirSync(path.join(ROOT, 'infra/prometheus')).filter((f) => f.endsWith('.test.yml')).map((f) => `infra/prometheus/${f}`).sort()).toEqual([...ALERT_TESTS].sort());
    const result = await runGoTool('promtool', ['test', 'rules', ...ALERT_TESTS]);
    const output = result.stdout + result.stderr;
    expect({ code: result.code, output }).toEqual({ code: 0, output: expect.stringMatching(/^\s*SUCCESS\s*$/m) });
    expect(output.match(/^\s*SUCCESS\s*$/gm)).toHaveLength(ALERT_TESTS.length);
    expect(output).not.toMatch(/FAILED/);
  });
});
