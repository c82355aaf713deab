/**
 * A platform's answer body as the JSON object it should be, or `{}` when it is not one: proxies
 * and load balancers answer with HTML, and the status code still tells enough. The fields are
 * the caller's to check (`T` only names what it may find).
 */
export function parseAnswer<T extends object>(text: string): Partial<T> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as Partial<T>) : {};
  } catch {
    return {};
  }
}
