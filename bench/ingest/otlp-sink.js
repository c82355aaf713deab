'use strict';
// An OTLP/HTTP endpoint for the tracing benchmark: accepts span exports the way a collector
// does (200 to POST /v1/traces) and only counts them, so the figures are the app's own cost.
const { once } = require('node:events');
const { createServer } = require('node:http');

async function startOtlpSink() {
  const stats = { exports: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk) => (stats.bytes += chunk.length));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') stats.exports += 1;
      res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats,
    stop: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

module.exports = { startOtlpSink };
