import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const csrfCookieName = 'hookline_csrf';
export const csrfFieldName = 'csrf_token';

const noncePattern = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfGuardOptions {
  /** Keys the tokens; a form is only accepted by handlers holding the same secret. */
  secret: Uint8Array;
  /** The path the cookie is scoped to (the page's). */
  cookiePath: string;
  /** Origins besides the request's own whose forms are accepted. */
  allowedOrigins: readonly string[];
}

/** The browser's CSRF nonce and, when it had none, the `Set-Cookie` value that gives it one. */
export interface CsrfSession {
  token: string;
  setCookie: string | null;
}

function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) {
      return pair.slice(separator + 1).trim();
    }
  }
  return null;
}

/**
 * Signed double-submit tokens for the page's forms (OWASP's recommended stateless pattern): the
 * browser holds a random nonce in an HttpOnly, SameSite=Strict cookie, and each form carries the
 * HMAC of that nonce. Another site can neither read the cookie nor compute the HMAC, and a browser
 * does not send a Strict cookie on its requests; on top of that, a cross-origin `Origin` (or
 * `Sec-Fetch-Site`) is refused outright.
 */
export class CsrfGuard {
  readonly #secret: Uint8Array;
  readonly #cookiePath: string;
  readonly #allowedOrigins: ReadonlySet<string>;

  constructor(options: CsrfGuardOptions) {
    this.#secret = options.secret;
    this.#cookiePath = options.cookiePath;
    this.#allowedOrigins = new Set(options.allowedOrigins);
  }

  /** The token to put in this browser's forms, reusing its cookie when it has a valid one. */
  session(request: Request): CsrfSession {
    const existing = readCookie(request, csrfCookieName);
    if (existing && noncePattern.test(existing)) {
      return { token: this.#sign(existing), setCookie: null };
    }
    const nonce = randomBytes(32).toString('base64url');
    const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
    return {
      token: this.#sign(nonce),
      setCookie: `${csrfCookieName}=${nonce}; Path=${this.#cookiePath}; HttpOnly; SameSite=Strict${secure}`,
    };
  }

  /** Whether a form post came from this page in this browser. */
  verify(request: Request, submittedToken: unknown): boolean {
    if (!this.#sameOrigin(request)) return false;
    const nonce = readCookie(request, csrfCookieName);
    if (!nonce || !noncePattern.test(nonce) || typeof submittedToken !== 'string') return false;
    const expected = Buffer.from(this.#sign(nonce));
    const submitted = Buffer.from(submittedToken);
    return submitted.length === expected.length && timingSafeEqual(submitted, expected);
  }

  #sameOrigin(request: Request): boolean {
    const origin = request.headers.get('origin');
    if (origin !== null) {
      return origin === new URL(request.url).origin || this.#allowedOrigins.has(origin);
    }
    // Browsers that omit Origin still say where a request came from here; other clients send neither.
    const site = request.headers.get('sec-fetch-site');
    return site === null || site === 'same-origin';
  }

  #sign(nonce: string): string {
    return createHmac('sha256', this.#secret).update(nonce).digest('base64url');
  }
}
