'use strict';
/**
 * Child process of the benchmark: the framework's ceiling on this machine, i.e. Express with
 * the same body parser answering 202 at once, with nothing behind it.
 */
const express = require('express');

const app = express();
app.disable('x-powered-by');
app.post('/v1/events', express.json({ limit: 1024 * 1024 }), (req, res) => {
  res.status(202).json({ accepted: 1, duplicates: 0 });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
});
process.on('message', (message) => {
  if (message?.type === 'stats') process.send({ type: 'stats' });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
