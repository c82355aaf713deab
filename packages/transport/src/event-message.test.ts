import type { StoredEvent } from '@attribution/core';
import { decodeEventMessage, encodeEventMessage, InvalidMessageError } from './event-message';

const event = { id: '7', tenantId: 't', eventId: 'e', receivedAt: '2026-12-03T10:00:00.000Z' } as StoredEvent;
const value = (e: object) => Buffer.from(JSON.stringify({ v: 1, event: e }));

describe('decodeEventMessage', () => {
  it('reads back what encodeEventMessage wrote', () => {
    expect(decodeEventMessage({ value: Buffer.from(encodeEventMessage(event).value as string) })).toEqual(event);
  });

  it('refuses an event without a readable receipt time: its deliveries could not be recorded in any day partition', () => {
    for (const receivedAt of [undefined, 'yesterday']) {
      expect(() => decodeEventMessage({ value: value({ ...event, receivedAt }) })).toThrow(new InvalidMessageError('Message has no receipt time'));
    }
  });
});
