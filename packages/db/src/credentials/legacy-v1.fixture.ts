/**
 * Test fixture: a value sealed as releases before key ids wrote it (`v1:<iv>:<tag>:<ct>`, the
 * context alone as associated data), so the tests prove those rows still open.
 */
import { createCipheriv, randomBytes } from 'node:crypto';

export function sealV1(credentials: Record<string, unknown>, key: Buffer, context?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
}
