import type { SendOutcome } from '../destination-adapter';

/** What one request to a platform came to, as its client classifies it (`requestId`: the platform's). */
export type RequestResult =
  | { kind: 'ok'; statusCode: number; requestId?: string }
  | { kind: 'retry' | 'auth'; statusCode: number | null; reason: string; requestId?: string }
  | { kind: 'rejected'; statusCode: number | null; reason: string; requestId?: string; badEvents?: ReadonlyMap<number, string> };

/**
 * For platforms that refuse a whole request for one bad event (Meta, TikTok, Google Ads): send
 * the batch; when it is refused, reject the events the platform named (`badEvents`, by index) and
 * resend the rest, or, when it named none, halve the batch and send both halves, recursively. The
 * valid events still go through and only the bad ones are rejected (about 2·log2(n) extra
 * requests per bad event when the platform does not say which). Each outcome carries the request
 * id of the request that decided it.
 */
export async function sendIsolating<T extends { pk: string }>(items: T[], post: (items: T[]) => Promise<RequestResult>): Promise<SendOutcome[]> {
  const result = await post(items);
  if (result.kind === 'rejected' && items.length > 1) {
    const named = [...(result.badEvents?.keys() ?? [])].filter((i) => i < items.length);
    if (named.length > 0 && named.length < items.length) {
      const rejected: SendOutcome[] = [];
      const rest: T[] = [];
      items.forEach((item, i) => {
        const why = result.badEvents!.get(i);
        if (why === undefined) rest.push(item);
        else rejected.push({ eventPk: item.pk, kind: 'rejected', statusCode: result.statusCode, reason: why.slice(0, 500), ...requestIdOf(result) });
      });
      return [...rejected, ...(await sendIsolating(rest, post))];
    }
    const middle = Math.ceil(items.length / 2);
    return [...(await sendIsolating(items.slice(0, middle), post)), ...(await sendIsolating(items.slice(middle), post))];
  }
  return items.map(({ pk }): SendOutcome => {
    if (result.kind === 'ok') return { eventPk: pk, kind: 'sent', statusCode: result.statusCode, ...requestIdOf(result) };
    return { eventPk: pk, kind: result.kind, statusCode: result.statusCode, reason: result.reason, ...requestIdOf(result) };
  });
}

function requestIdOf(result: RequestResult): { requestId?: string } {
  return result.requestId === undefined ? {} : { requestId: result.requestId };
}
