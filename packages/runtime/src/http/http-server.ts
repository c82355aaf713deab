import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import Joi from 'joi';
import { field } from '../config/env-field';
import { integerField } from '../config/env-fields';

/**
 * Every listener of every app is made here, so one slow or hostile client cannot hold
 * connections open anywhere (slowloris), and every response carries the same security headers.
 */
export const httpEnvKeys = {
  /** A client must send its whole request head within this (slowloris: headers byte by byte). */
  HTTP_HEADERS_TIMEOUT_MS: integerField(1_000, 120_000, 10_000),
  /** The whole request, body included. */
  HTTP_REQUEST_TIMEOUT_MS: integerField(1_000, 300_000, 30_000),
  /** Idle keep-alive sockets close after this; behind a load balancer, set it above the LB's idle timeout. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: integerField(1_000, 600_000, 5_000),
  HTTP_MAX_HEADER_BYTES: integerField(1_024, 65_536, 16_384),
  /** Requests per keep-alive socket before the server asks the client to reconnect (0 = no limit). */
  HTTP_MAX_REQUESTS_PER_SOCKET: field<number>(Joi.number().integer().min(0).max(1_000_000).default(10_000)),
};

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxHeaderBytes: number;
  maxRequestsPerSocket: number;
}

export function toHttpLimits(env: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_MAX_HEADER_BYTES: number;
  HTTP_MAX_REQUESTS_PER_SOCKET: number;
}): HttpLimits {
  return {
    headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
    // Node rejects a request timeout shorter than the headers timeout.
    requestTimeoutMs: Math.max(env.HTTP_REQUEST_TIMEOUT_MS, env.HTTP_HEADERS_TIMEOUT_MS),
    keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxHeaderBytes: env.HTTP_MAX_HEADER_BYTES,
    maxRequestsPerSocket: env.HTTP_MAX_REQUESTS_PER_SOCKET,
  };
}

/**
 * On every response: nothing here is a page to frame, sniff or embed in a document, and no
 * referrer leaves. Cross-Origin-Resource-Policy is the caller's: the pixel is loaded by other
 * sites (cross-origin), the ops servers by nobody's browser (same-origin).
 */
export function securityHeaders(crossOriginResourcePolicy: 'same-origin' | 'cross-origin'): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': crossOriginResourcePolicy,
  };
}

/**
 * An HTTP server with the limits applied. Node checks the headers and request timeouts on a
 * timer (connectionsCheckingInterval, 30 s by default); it ticks at a fifth of the headers
 * timeout here so a slow client is cut off close to the limit, not up to 30 s later.
 */
export function createHttpServer(
  limits: HttpLimits,
  headers: Record<string, string>,
  handler: RequestListener<typeof IncomingMessage, typeof ServerResponse>,
): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: Math.max(250, Math.floor(limits.headersTimeoutMs / 5)),
    },
    (req, res) => {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      handler(req, res);
    },
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxHeadersCount = 100;
  return server;
}
