import { expect } from 'vitest';

/** A form as the browser posts it: one value, or several under one name (checkboxes). */
export type FormFields = Record<string, string | string[]>;

export type HttpClient = ReturnType<typeof httpClient>;

/** The visible text of a page, roughly: what a visitor reads, tags left out and spaces folded. */
export const visibleText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const csrfField = /name="_csrf" value="([^"]+)"/;

/**
 * A cookie-keeping client, as a browser without JavaScript: it keeps the
 * cookies it is given, follows no redirects (the test reads them), and posts
 * forms with the CSRF token of the last page it read.
 */
export function httpClient(baseUrl: string, options: { headers?: Record<string, string> } = {}) {
  const cookies = new Map<string, string>();
  let csrf = '';

  const request = async (path: string, init: RequestInit = {}) => {
    const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...options.headers, ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  };

  /** A page as the browser shows it; its form's CSRF token is the one the next post sends. */
  const page = async (path: string) => {
    const response = await request(path);
    const html = await response.text();
    csrf = csrfField.exec(html)?.[1] ?? csrf;
    return { status: response.status, html };
  };

  /** Posts a form, urlencoded or (given FormData, with files) multipart, the CSRF token first. */
  const post = (path: string, form: FormFields | FormData = {}) => {
    if (form instanceof FormData) {
      const body = new FormData();
      body.append('_csrf', csrf);
      form.forEach((value, name) => body.append(name, value));
      return request(path, { method: 'POST', body });
    }
    const body = new URLSearchParams({ _csrf: csrf });
    for (const [name, value] of Object.entries(form)) for (const one of [value].flat()) body.append(name, one);
    return request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  };

  /** A page with a form: as `page`, and the test fails when the page carries no CSRF token of this session. */
  const formPage = async (path: string) => {
    csrf = '';
    const read = await page(path);
    expect(csrf, `a CSRF token on ${path}`).not.toBe('');
    return read;
  };

  return {
    request,
    page,
    formPage,
    post,
    /** The value of a cookie the client keeps. */
    cookie: (name: string) => cookies.get(name),
    /** Every cookie as the Cookie header sends them. */
    cookieHeader: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    /** The CSRF token of the last page read. */
    csrfToken: () => csrf,
    /** Logs a staff member in through the login form; answers the login's own response (a 303). */
    async login(email: string, password: string) {
      await formPage('/staff/login?lang=en');
      const answer = await post('/staff/login', { email, password });
      expect(answer.status).toBe(303);
      // The session was regenerated at login: the token comes from a page of the new session.
      await formPage('/staff/jobs');
      return answer;
    },
  };
}
