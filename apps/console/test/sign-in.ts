import type { Express } from 'express';
import request from 'supertest';
import { TEST_ADMIN_TOKEN } from './console-app';

/** The value of `name` in a response's Set-Cookie headers. */
export function cookieValue(setCookie: string[] | string | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1).split(';')[0]!) : undefined;
}

/** The hidden CSRF field of a page. */
export function csrfField(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1]!;
}

/** Signs in as a browser would: the form (and its cookie), then the token. Returns the session cookie header and CSRF token. */
export async function signIn(app: Express | string, token = TEST_ADMIN_TOKEN): Promise<{ cookie: string; csrf: string; response: request.Response }> {
  const form = await request(app).get('/sign-in');
  const formCookie = cookieValue(form.headers['set-cookie'], 'console_sign_in')!;
  const response = await request(app)
    .post('/sign-in')
    .set('cookie', `console_sign_in=${formCookie}`)
    .type('form')
    .send({ _csrf: csrfField(form.text), token });
  const session = cookieValue(response.headers['set-cookie'], 'console_session');
  const cookie = `console_session=${session ?? ''}`;
  const page = session ? await request(app).get('/nowhere').set('cookie', cookie).set('accept', 'text/html') : undefined;
  return { cookie, csrf: page ? csrfField(page.text) : '', response };
}
