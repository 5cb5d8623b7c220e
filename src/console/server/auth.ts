import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The session cookie: set once from `?token=`, sent back by the browser on every request. */
export const SESSION_COOKIE = 'lakehouse_console';

/**
 * The cookie holds a value derived from the token, not the token: a leaked cookie jar does not
 * hand out what `Authorization: Bearer` accepts, and rotating the token ends every session.
 */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('lakehouse-console-session').digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The URL with `token` removed from its query, so the token never stays in the address bar. */
export function withoutToken(url: string): string {
  const u = new URL(url, 'http://console');
  u.searchParams.delete('token');
  const search = u.searchParams.toString();
  return `${u.pathname}${search ? `?${search}` : ''}`;
}

/** The supervisor's health probe carries no credentials; /healthz tells only "ok" and the version. */
const OPEN_PATHS = new Set(['/healthz']);

/**
 * Requires the console's token on every request but the health check: a bearer header (scripts),
 * the session cookie (the page), or `?token=` once on a page URL, which sets the cookie and
 * redirects to the same URL without it. HttpOnly: the page's scripts never see it; SameSite=
 * Strict: another site cannot make the browser send it.
 */
export function requireToken(app: FastifyInstance, token: string): void {
  const session = sessionValue(token);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    const auth = request.headers.authorization;
    if (auth?.startsWith('Bearer ') && same(auth.slice('Bearer '.length).trim(), token)) return;
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (cookie !== undefined && same(cookie, session)) return;

    const query = request.query as Record<string, unknown> | undefined;
    const given = typeof query?.['token'] === 'string' ? query['token'] : undefined;
    if (
      given !== undefined &&
      same(given, token) &&
      request.method === 'GET' &&
      !path.startsWith('/api/')
    ) {
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`)
        .header('cache-control', 'no-store')
        .redirect(withoutToken(request.url), 303);
    }
    const message =
      'this console needs its token: open it once as /?token=<token> (the token is in .lakehouse/secrets/console-token), or send Authorization: Bearer <token>';
    if (path.startsWith('/api/')) return reply.code(401).send({ error: message });
    return reply.code(401).type('text/plain; charset=utf-8').send(`${message}\n`);
  });
}

/** Host names that reach this machine's loopback: all a browser may call a loopback console. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The host name of a Host header, without the port (IPv6 keeps its brackets). */
export function hostName(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0] ?? '';
}

/**
 * Without a token, loopback is the only protection, and DNS rebinding gets around it: a web
 * page whose name re-resolves to 127.0.0.1 would read the API with the browser's help. Such a
 * request still carries the attacker's name in Host, so only loopback names are answered.
 */
export function requireLoopbackHost(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const name = hostName(request.headers.host);
    if (LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name)) return;
    return reply
      .code(421)
      .type('text/plain; charset=utf-8')
      .send('this console answers on loopback names only (127.0.0.1, localhost, [::1])\n');
  });
}
