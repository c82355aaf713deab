/**
 * The web APIs the pure rules may use: present in browsers and in Node alike, so the rules stay
 * testable without a DOM. Declared here because the rules project has no DOM library on purpose.
 */
declare class URLSearchParams {
  constructor(init?: string | Record<string, string>);
  get(name: string): string | null;
  toString(): string;
}
