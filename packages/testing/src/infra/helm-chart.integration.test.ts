/**
 * The Helm chart (infra/helm/attribution): `helm lint --strict` passes, and every object that
 * `helm template` renders, with the default values and with infra/helm/values/keda-existing-secret.yaml
 * (KEDA on, existingSecret, HPA off), is valid against strict Kubernetes v1.33.13 JSON schemas
 * (kubeconform, local schemas from infra/helm/schemas: no network). A misspelt field in a copy of
 * a template fails that check. Plus what the schemas cannot say: only variables the apps read,
 * probes and scrape annotations on the ops ports, the real entry points, hooks and security.
 *
 * helm and kubeconform come from infra/tools/go-tool.sh, built beforehand by
 * scripts/setup-test-tools.sh: GO_TOOL_NO_BUILD makes a missing tool fail here instead of building.
 * In the integration project, beside the other Go-tool tests (alert-rules).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, parseYamlSubset, type Yaml, type YamlMap } from './yaml-subset';

const ROOT = path.resolve(__dirname, '../../../..');
const CHART = path.join(ROOT, 'infra/helm/attribution');
const SECOND_VALUES = path.join(ROOT, 'infra/helm/values/keda-existing-secret.yaml');
const SCHEMAS = path.join(ROOT, 'infra/helm/schemas');
const APPS = { 'ingest-api': 'ingest-api/src/env', dispatcher: 'dispatcher/src/env', pruner: 'pruner/src/env', console: 'console/src/env' } as const;

function tool(name: 'helm' | 'kubeconform'): string {
  const script = path.join(ROOT, 'infra/tools/go-tool.sh');
  return execFileSync('bash', [script, name], { env: { ...process.env, GO_TOOL_NO_BUILD: '1' }, encoding: 'utf8' }).trim();
}

const run = (bin: string, args: string[], input?: string) => spawnSync(bin, args, { input, encoding: 'utf8', cwd: ROOT });

function render(chart: string, values: string[] = [], set: string[] = []): string {
  const result = run(tool('helm'), ['template', 'prod', chart, ...values.flatMap((file) => ['-f', file]), ...set.flatMap((value) => ['--set', value])]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return result.stdout;
}

interface Kubeconform {
  code: number | null;
  output: string;
  summary: { valid: number; invalid: number; errors: number; skipped: number };
}

function kubeconform(manifests: string): Kubeconform {
  const locations = [`${SCHEMAS}/kubernetes-v1.33.13`, `${SCHEMAS}/crds`].flatMap((dir) => ['-schema-location', `${dir}/{{.ResourceKind}}{{.KindSuffix}}.json`]);
  const result = run(tool('kubeconform'), ['-strict', '-summary', '-output', 'json', ...locations, '-'], manifests);
  const report = JSON.parse(result.stdout) as { summary: Kubeconform['summary'] };
  return { code: result.status, output: result.stdout + result.stderr, summary: report.summary };
}

/** The rendered objects, each parsed (helm's output stays within the YAML subset). */
function objects(manifests: string): YamlMap[] {
  return manifests
    .split(/^---$/m)
    .map((doc) => parseYamlSubset(doc))
    .filter((doc): doc is YamlMap => isMap(doc));
}

function get(node: Yaml | undefined, ...keys: Array<string | number>): Yaml | undefined {
  let current = node;
  for (const key of keys) {
    if (typeof key === 'number') current = Array.isArray(current) ? current[key] : undefined;
    else current = isMap(current) ? current[key] : undefined;
  }
  return current;
}

const named = (docs: YamlMap[], kind: string, name: string): YamlMap => {
  const found = docs.find((doc) => doc.kind === kind && get(doc, 'metadata', 'name') === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${docs.map((d) => `${d.kind}/${get(d, 'metadata', 'name')}`).join(', ')}`);
  return found;
};

async function envKeys(app: keyof typeof APPS): Promise<Set<string>> {
  const module = (await import(path.join(ROOT, 'apps', APPS[app]))) as Record<string, object>;
  const keys = Object.entries(module).find(([name]) => name.endsWith('EnvKeys'))?.[1];
  return new Set(Object.keys(keys ?? {}));
}

const byDefault = objects(render(CHART));
const second = objects(render(CHART, [SECOND_VALUES]));

describe('helm chart infra/helm/attribution', () => {
  it.each([
    ['default values', []],
    ['KEDA, existingSecret, no HPA', [SECOND_VALUES]],
  ])('passes helm lint --strict with %s', (_name, values: string[]) => {
    const result = run(tool('helm'), ['lint', '--strict', CHART, ...values.flatMap((file) => ['-f', file])]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each([
    ['default values', [], 14],
    ['KEDA, existingSecret, no HPA', [SECOND_VALUES], 12],
  ])('renders with %s objects that kubeconform finds valid against Kubernetes v1.33.13', (_name, values: string[], count: number) => {
    const manifests = render(CHART, values);
    const result = kubeconform(manifests);
    expect(result.summary).toEqual({ valid: count, invalid: 0, errors: 0, skipped: 0 });
    expect(objects(manifests)).toHaveLength(count);
    expect(result.code).toBe(0);
  });

  it.each([
    ['a misspelt container field', 'dispatcher-deployment.yaml', 'readinessProbe:', 'readinesProbe:', "additional properties 'readinesProbe' not allowed"],
    ['a number where the API wants a string', 'ingest-api-service.yaml', 'protocol: TCP', 'protocol: 6', 'protocol'],
    ['a misspelt ScaledObject field (the KEDA schema)', 'dispatcher-scaledobject.yaml', 'minReplicaCount:', 'minReplicasCount:', "additional properties 'minReplicasCount' not allowed"],
  ])('fails kubeconform on %s in a copy of the chart', (_what, template, from, to, message) => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-chart-'));
    try {
      fs.cpSync(CHART, copy, { recursive: true });
      const file = path.join(copy, 'templates', template);
      const source = fs.readFileSync(file, 'utf8');
      expect(source).toContain(from);
      fs.writeFileSync(file, source.replace(from, to));
      const result = kubeconform(render(copy, [SECOND_VALUES]));
      expect(result.code).not.toBe(0);
      expect(result.summary.invalid).toBe(1);
      expect(result.output).toContain(message);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('gives each app only variables its src/env.ts reads, from its ConfigMap and the Secret', async () => {
    for (const docs of [byDefault, second]) {
      for (const app of Object.keys(APPS) as Array<keyof typeof APPS>) {
        const known = await envKeys(app);
        const data = get(named(docs, 'ConfigMap', `prod-attribution-${app}`), 'data');
        expect(Object.keys(isMap(data) ? data : {}).filter((key) => !known.has(key))).toEqual([]);
        expect(known.has('DATABASE_URL')).toBe(true);
      }
    }
    expect(await envKeys('dispatcher')).toContain('CREDENTIALS_KEY');
  });

  it('probes /health and /ready on the ops ports, which Prometheus scrapes, and keeps /metrics out of the Service', () => {
    const ports = { 'ingest-api': '8083', dispatcher: '8081' };
    for (const [app, port] of Object.entries(ports)) {
      const deployment = named(byDefault, 'Deployment', `prod-attribution-${app}`);
      const container = get(deployment, 'spec', 'template', 'spec', 'containers', 0);
      const opsPort = (get(container, 'ports') as YamlMap[]).find((p) => p.name === 'ops');
      expect(opsPort?.containerPort).toBe(port);
      expect(get(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/health', port: 'ops' });
      expect(get(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/ready', port: 'ops' });
      expect(get(deployment, 'spec', 'template', 'metadata', 'annotations', 'prometheus.io/port')).toBe(port);
      expect(get(deployment, 'spec', 'template', 'metadata', 'annotations', 'prometheus.io/scrape')).toBe('true');
    }
    const service = named(byDefault, 'Service', 'prod-attribution-ingest-api');
    expect(get(service, 'spec', 'ports')).toEqual([{ name: 'http', port: '80', targetPort: 'http', protocol: 'TCP' }]);
    expect(get(named(byDefault, 'ConfigMap', 'prod-attribution-ingest-api'), 'data')).toMatchObject({ PORT: '8080', INGEST_OPS_PORT: '8083' });
  });

  it('runs the console as one replica, probed on its own port, behind a ClusterIP Service, its token from the Secret', () => {
    for (const docs of [byDefault, second]) {
      const deployment = named(docs, 'Deployment', 'prod-attribution-console');
      expect(get(deployment, 'spec', 'replicas')).toBe('1');
      const container = get(deployment, 'spec', 'template', 'spec', 'containers', 0);
      expect(get(container, 'ports')).toEqual([{ name: 'http', containerPort: '8084' }]);
      expect(get(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/health', port: 'http' });
      expect(get(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/ready', port: 'http' });
      expect((get(container, 'env') as YamlMap[]).map((e) => [e.name, get(e, 'valueFrom', 'secretKeyRef', 'key')])).toEqual([
        ['DATABASE_URL', 'DATABASE_URL'],
        ['CONSOLE_ADMIN_TOKEN', 'CONSOLE_ADMIN_TOKEN'],
      ]);
      expect(get(named(docs, 'Service', 'prod-attribution-console'), 'spec', 'type')).toBe('ClusterIP');
      expect(get(named(docs, 'ConfigMap', 'prod-attribution-console'), 'data')).toMatchObject({ CONSOLE_PORT: '8084', KAFKA_BROKERS: expect.any(String) });
    }
    expect(get(named(byDefault, 'Secret', 'prod-attribution'), 'stringData')).toHaveProperty('CONSOLE_ADMIN_TOKEN');
    expect(get(named(second, 'ConfigMap', 'prod-attribution-console'), 'data', 'JAEGER_UI_URL')).toBe('https://jaeger.internal.example');
    const without = objects(render(CHART, [], ['console.enabled=false']));
    expect(without.filter((doc) => get(doc, 'metadata', 'name') === 'prod-attribution-console')).toEqual([]);
    expect(get(named(without, 'Secret', 'prod-attribution'), 'stringData')).not.toHaveProperty('CONSOLE_ADMIN_TOKEN');
  });

  it('runs the pruner with --once on a schedule and the migrations as a pre-install/pre-upgrade hook', () => {
    const cron = named(byDefault, 'CronJob', 'prod-attribution-pruner');
    expect(get(cron, 'spec', 'concurrencyPolicy')).toBe('Forbid');
    expect(get(cron, 'spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'command')).toEqual(['node', 'apps/pruner/dist/main.js', '--once']);
    for (const docs of [byDefault, second]) {
      const job = named(docs, 'Job', 'prod-attribution-migrate');
      expect(get(job, 'metadata', 'annotations', 'helm.sh/hook')).toBe('pre-install,pre-upgrade');
      const container = get(job, 'spec', 'template', 'spec', 'containers', 0);
      expect(get(container, 'command')).toEqual(['node', 'packages/db/dist/bin/migrate.js']);
      expect(get(container, 'image')).toBe('attribution/ingest-api:0.1.0');
    }
    // Hooks run before the release's Secret exists: the job reads a hook Secret of its own, or the existing one.
    const hookSecret = named(byDefault, 'Secret', 'prod-attribution-migrate');
    expect(get(hookSecret, 'metadata', 'annotations', 'helm.sh/hook-weight')).toBe('-10');
    expect(get(named(second, 'Job', 'prod-attribution-migrate'), 'spec', 'template', 'spec', 'containers', 0, 'env', 0, 'valueFrom', 'secretKeyRef', 'name')).toBe('attribution-secrets');
  });

  it('with KEDA on, scales the dispatcher on both consumer groups and leaves its replica count to KEDA; no HPA, no chart Secret', () => {
    const scaled = named(second, 'ScaledObject', 'prod-attribution-dispatcher');
    const triggers = (get(scaled, 'spec', 'triggers') as YamlMap[]).map((t) => get(t, 'metadata') as YamlMap);
    expect(triggers.map((t) => [t.consumerGroup, t.topic])).toEqual([['prod.dispatcher', 'prod.events.ingested'], ['prod.dispatcher-retry', undefined]]);
    expect(get(named(second, 'Deployment', 'prod-attribution-dispatcher'), 'spec', 'replicas')).toBeUndefined();
    expect(get(named(second, 'Deployment', 'prod-attribution-ingest-api'), 'spec', 'replicas')).toBe('3');
    expect(second.filter((doc) => doc.kind === 'HorizontalPodAutoscaler' || doc.kind === 'Secret')).toEqual([]);
    expect(byDefault.filter((doc) => doc.kind === 'ScaledObject')).toEqual([]);
    expect(get(named(byDefault, 'Deployment', 'prod-attribution-ingest-api'), 'spec', 'replicas')).toBeUndefined();
  });

  it('runs every container as non-root with a read-only root filesystem and no capabilities', () => {
    const podSpecs = byDefault.flatMap((doc) => {
      const spec = get(doc, 'spec', 'template', 'spec') ?? get(doc, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
      return spec ? [spec] : [];
    });
    expect(podSpecs).toHaveLength(5);
    for (const spec of podSpecs) {
      expect(get(spec, 'securityContext', 'runAsNonRoot')).toBe('true');
      for (const container of get(spec, 'containers') as YamlMap[]) {
        expect(get(container, 'securityContext')).toEqual({ allowPrivilegeEscalation: 'false', readOnlyRootFilesystem: 'true', capabilities: { drop: ['ALL'] } });
        expect(get(container, 'resources', 'limits', 'memory')).toBeDefined();
      }
    }
  });

  it("takes appVersion from the apps' package.json version", () => {
    const chart = fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8');
    for (const app of Object.keys(APPS)) {
      const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'apps', app, 'package.json'), 'utf8')) as { version: string };
      expect(chart).toContain(`appVersion: "${version}"`);
    }
  });
});
