import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const NOT_BUILT =
  'The console page is not built: run `npm run build:console` (it writes console/web/dist), then reload.\n';

/**
 * The built page: files from `root` only (dotfiles refused, `..` refused by send), index.html
 * for `/` and for any other non-API path the page's router owns. Unknown /api paths are a JSON
 * 404, never the page.
 */
export async function registerWebPage(app: FastifyInstance, root: string): Promise<void> {
  const built = (): boolean => existsSync(join(root, 'index.html'));
  await app.register(fastifyStatic, {
    root,
    dotfiles: 'deny',
    index: ['index.html'],
    // Vite names built assets by content hash: they may be cached for good; index.html never.
    setHeaders: (res, path) => {
      res.setHeader(
        'cache-control',
        path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/')) {
      return reply.code(404).send({ error: `no API route ${request.method} ${path}` });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return reply.code(405).send({ error: `${request.method} is not served here` });
    }
    if (!built()) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    // A path with a file extension was a file that does not exist: not the page.
    if (/\.[A-Za-z0-9]+$/.test(path)) return reply.code(404).type('text/plain').send('not found\n');
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
