import path from 'node:path';
import { runMain, startTracing, toObservabilityConfig } from '@attribution/runtime';
import { loadStandaloneEnv } from './env';

runMain('attribution', async () => {
  const env = loadStandaloneEnv(process.env);
  const tracing = startTracing('attribution', toObservabilityConfig(env).tracing);
  // Loaded after tracing starts, so express, http and pg are instrumented.
  const [{ ensureDemoTenant }, { startEngine }, { CONSOLE_TOKEN_FILE }] = await Promise.all([import('./demo-tenant'), import('./engine'), import('./embedded-defaults')]);
  const engine = await startEngine(env);
  engine.lifecycle.add('tracing', () => tracing.shutdown(), 'telemetry');
  const demo = env.DEMO_TENANT ? await ensureDemoTenant(engine.db) : null;
  const lines = [
    '',
    `Attribution engine is running (${engine.embeddedDataDir ? `embedded PostgreSQL in ${engine.embeddedDataDir}` : 'external PostgreSQL'}, ${env.KAFKA_BROKERS ? 'Kafka' : 'in-process bus'})`,
    `  ingest-api  ${engine.ingestUrl}   (POST /v1/events, GET /<version>/tracking.js, GET /v1/openapi.json, GET /health, GET /ready)`,
    `      ops     ${engine.ingestOpsUrl}   (GET /metrics, GET /health, GET /ready)`,
    `  dispatcher  ${engine.dispatcherUrl}   (GET /metrics, GET /health, GET /ready)`,
    `  pruner      ${engine.prunerUrl}   (GET /metrics, GET /health, GET /ready)`,
    `  console     ${engine.consoleUrl}   (operator console: sign in with CONSOLE_ADMIN_TOKEN${env.CONSOLE_ADMIN_TOKEN ? '' : `, kept in ${path.join(env.DATA_DIR, CONSOLE_TOKEN_FILE)}`})`,
  ];
  if (engine.generatedConsoleToken) {
    lines.push('', 'Console token generated (CONSOLE_ADMIN_TOKEN was not set). It is shown only now:', `  console token: ${engine.generatedConsoleToken}`);
  }
  if (demo) {
    lines.push(
      '',
      'Demo tenant created. Its keys are shown only now:',
      `  public key: ${demo.publicKey}`,
      `  secret key: ${demo.secretKey}`,
      '',
      'Send an event:',
      `  curl -i ${engine.ingestUrl}/v1/events -H 'Authorization: Bearer ${demo.secretKey}' -H 'Content-Type: application/json' \\`,
      `    -d '{"event_id":"demo-1","event_name":"Purchase","event_time":'$(date +%s)',"action_source":"website","event_source_url":"https://shop.example/checkout","user_data":{"email":"jane@example.com"},"custom_data":{"currency":"EUR","value":42}}'`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
});
