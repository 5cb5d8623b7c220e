import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningConsole } from '../../../src/console/index.js';
import { buildConsoleApp, SESSION_COOKIE } from '../../../src/console/server/index.js';
import { findFreePort } from '../../../src/lib/index.js';
import { dashboardQueries } from '../../../src/platform/observability/index.js';
import {
  alertmanagerLaunch,
  ensureAlertmanager,
  ensurePrometheus,
  prometheusLaunch,
  type LaunchSpec,
} from '../../../src/targets/local/observability/index.js';
import { consoleTokenFile } from '../../../src/targets/local/secrets.js';
import { cli } from '../../support/cli.js';
import { consoleDeps, startTestConsole } from '../../support/console.js';
import { rawGet } from '../../support/raw-http.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';

/**
 * The console's server over real HTTP: a real listening socket, the real Debian Prometheus and
 * Alertmanager (started here on free ports in a temporary directory), and `lakehouse console
 * serve` itself as a process for what only a process shows (its log, its token file).
 */

const SECRET = 'TOP-SECRET-OUTSIDE-DIST';
let dir: string;
let home: string;
let web: string;
let promPort: number;
let amPort: number;
let valuesFile: string;
let consoleApp: RunningConsole;
const children: { child: ChildProcess; forget: () => void }[] = [];

async function startChild(spec: LaunchSpec, what: string): Promise<void> {
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputBuffer();
  output.attach(child);
  children.push({ child, forget: killOnExit(child) });
  await waitUntilReady(child, async () => (await fetch(spec.healthUrl)).status === 200, {
    what,
    timeoutMs: 60_000,
    output,
  });
}

beforeAll(async () => {
  const say = (line: string): void => console.log(`[console] ${line}`);
  const prometheus = await ensurePrometheus({ onProgress: say });
  const alertmanager = await ensureAlertmanager({ onProgress: say });
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-console-'));
  home = join(dir, 'home');
  mkdirSync(home);
  promPort = await findFreePort();
  amPort = await findFreePort();

  // Prometheus scraping itself every second, so `up` has samples within a few seconds.
  const promConfig = join(dir, 'prometheus.yml');
  writeFileSync(
    promConfig,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: prometheus`,
      `    static_configs: [{ targets: ['127.0.0.1:${promPort}'] }]`,
      `  - job_name: nothing-here`,
      `    static_configs: [{ targets: ['127.0.0.1:${await findFreePort()}'] }]`,
    ].join('\n'),
  );
  await startChild(
    prometheusLaunch({
      binary: prometheus.binary,
      configFile: promConfig,
      dataDir: join(dir, 'prom-data'),
      port: promPort,
      retention: '1d',
    }),
    'prometheus',
  );
  const amConfig = join(dir, 'alertmanager.yml');
  writeFileSync(amConfig, 'route: { receiver: none }\nreceivers: [{ name: none }]\n');
  await startChild(
    alertmanagerLaunch({
      binary: alertmanager.binary,
      configFile: amConfig,
      dataDir: join(dir, 'am-data'),
      port: amPort,
    }),
    'alertmanager',
  );

  // The page as Vite builds it, and a file beside it that must never be served.
  web = join(dir, 'web', 'dist');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>Lakehouse console</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'console.log("page")');
  writeFileSync(join(web, '.env'), SECRET);
  writeFileSync(join(dir, 'web', 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'secret.txt'), SECRET);

  // Only observability runs: components nobody started are not probed on a user's ports.
  valuesFile = join(dir, 'values.yaml');
  writeFileSync(
    valuesFile,
    [
      'minio: { enabled: false }',
      'icebergCatalog: { enabled: false }',
      'trino: { enabled: false }',
      'airflow: { enabled: false }',
      `observability: { prometheus: { port: ${promPort}, scrapeInterval: 1s }, alertmanager: { port: ${amPort} }, nodeExporter: { enabled: false }, supervisorMetrics: { port: ${await findFreePort()} } }`,
      `console: { port: ${await findFreePort()} }`,
    ].join('\n'),
  );
  consoleApp = await startTestConsole({ stateDir: home, valuesFile, webRoot: web });
  // A few scrapes, so a range query ending now has samples before its end.
  const query = encodeURIComponent('count_over_time(up{job="prometheus"}[1m]) >= 3');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const r = (await (
      await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${query}`)
    ).json()) as { data: { result: unknown[] } };
    if (r.data.result.length > 0) break;
    await new Promise((res) => setTimeout(res, 500));
  }
});

afterAll(async () => {
  await consoleApp?.close();
  for (const { child, forget } of children) {
    await terminate(child);
    forget();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, init?: RequestInit) => fetch(`${consoleApp.url}${path}`, init);

describe('the API over a real socket', () => {
  it('/healthz', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it('answers loopback names only: a rebound DNS name gets 421', async () => {
    for (const host of ['evil.example', 'evil.example:80', '10.0.0.1']) {
      const r = await rawGet(consoleApp.url, '/api/dashboards', { host });
      expect(r.status, host).toBe(421);
      expect(r.body).not.toContain('lakehouse-overview');
    }
    const port = new URL(consoleApp.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      expect((await rawGet(consoleApp.url, '/api/dashboards', { host })).status, host).toBe(200);
    }
  });

  it('lists every dashboard and serves each as a chart model', async () => {
    const list = (await (await get('/api/dashboards')).json()) as { uid: string; panels: number }[];
    expect(list.map((d) => d.uid).sort()).toEqual([
      'lakehouse-airflow',
      'lakehouse-catalog',
      'lakehouse-minio',
      'lakehouse-overview',
      'lakehouse-trino',
    ]);
    for (const summary of list) {
      const r = await get(`/api/dashboards/${summary.uid}`);
      expect(r.status).toBe(200);
      const d = (await r.json()) as { panels: unknown[] };
      expect(d.panels).toHaveLength(summary.panels);
    }
  });

  it('an unknown dashboard is a JSON 404; a hostile uid a 4xx', async () => {
    const r = await get('/api/dashboards/nope');
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(/no dashboard with uid "nope"/);
    for (const path of [
      '/api/dashboards/..%2f..%2fpackage.json',
      '/api/dashboards/%2e%2e',
      '/api/dashboards/..%252f..',
      `/api/dashboards/${'a'.repeat(41)}`,
      '/api/dashboards/a%00b',
    ]) {
      const raw = await rawGet(consoleApp.url, path);
      expect(raw.status, path).toBeGreaterThanOrEqual(400);
      expect(raw.status, path).toBeLessThan(500);
      expect(raw.body).not.toContain('"dependencies"');
    }
  });

  it('the overview: real alerts and scrape targets; what cannot be read is an error entry', async () => {
    // An alert as Prometheus would send it, with the annotations the platform's rules use.
    const post = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'PodDown', severity: 'critical', process: 'trino-coordinator' },
          annotations: {
            summary: 'Process trino-coordinator (trino) is down',
            description: 'Investigate with `lakehouse logs trino-coordinator`',
          },
        },
      ]),
    });
    expect(post.status).toBe(200);
    let overview: {
      alerts: { name: string; action: string; severity: string }[];
      targets: { job: string; health: string }[];
      errors: { part: string; message: string }[];
      components: { name: string; healthy: boolean }[];
    } = { alerts: [], targets: [], errors: [], components: [] };
    for (let i = 0; i < 50 && overview.alerts.length === 0; i++) {
      overview = (await (await get('/api/overview')).json()) as typeof overview;
      if (overview.alerts.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(overview.alerts).toEqual([
      {
        name: 'PodDown',
        severity: 'critical',
        summary: 'Process trino-coordinator (trino) is down',
        action: 'Investigate with `lakehouse logs trino-coordinator`',
        activeSince: expect.any(String),
      },
    ]);
    expect(overview.targets.map((t) => [t.job, t.health])).toEqual([
      ['nothing-here', 'down'],
      ['prometheus', 'up'],
    ]);
    // No supervisor runs in this state directory: said, not a 500.
    expect(overview.errors).toContainEqual({
      part: 'components',
      message: 'the supervisor is not running: `lakehouse up` starts it',
    });
    expect(overview.components.map((c) => c.name)).toEqual(['observability', 'console']);
  });
});

describe('query_range proxied to the real Prometheus', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const range = (query: string, extra = '') =>
    `/api/metrics/query_range?query=${encodeURIComponent(query)}&start=${now() - 120}&end=${now()}&step=1${extra}`;

  it('answers with Prometheus’ matrix', async () => {
    const r = await get(range('up{job="prometheus"}'));
    expect(r.status).toBe(200);
    const body = (await r.json()) as {
      status: string;
      data: {
        resultType: string;
        result: { metric: Record<string, string>; values: [number, string][] }[];
      };
    };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('matrix');
    expect(body.data.result[0]?.metric['job']).toBe('prometheus');
    expect(body.data.result[0]?.values.at(-1)?.[1]).toBe('1');
  });

  it('every dashboard query runs as the page sends it (Grafana variables left in)', async () => {
    for (const q of dashboardQueries()) {
      const r = await get(range(q.rawExpr, '').replace('step=1', 'step=15'));
      const body = (await r.json()) as { status: string; error?: string };
      expect(body.error, `${q.dashboard} / ${q.panel}`).toBeUndefined();
      expect(r.status).toBe(200);
    }
  });

  it('a query Prometheus refuses comes back with its text and status', async () => {
    const direct = await fetch(
      `http://127.0.0.1:${promPort}/api/v1/query_range?query=${encodeURIComponent('sum(')}&start=${now() - 60}&end=${now()}&step=1`,
    );
    const expected = (await direct.json()) as { error: string };
    const r = await get(range('sum('));
    expect(r.status).toBe(direct.status);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ status: 'error', error: expected.error });
    expect(expected.error).toMatch(/parse error/);
  });

  it.each([
    ['no parameters', '/api/metrics/query_range'],
    ['words for numbers', '/api/metrics/query_range?query=up&start=yesterday&end=now&step=1'],
    ['end before start', '/api/metrics/query_range?query=up&start=200&end=100&step=1'],
    ['too many points', '/api/metrics/query_range?query=up&start=0&end=1000000&step=1'],
    ['a repeated parameter', '/api/metrics/query_range?query=up&query=up&start=1&end=2&step=1'],
    ['a huge query', `/api/metrics/query_range?query=${'x'.repeat(5000)}&start=1&end=2&step=1`],
  ])('refuses %s with a 4xx before Prometheus', async (_what, path) => {
    const r = await rawGet(consoleApp.url, path);
    expect(r.status).toBe(400);
    expect((JSON.parse(r.body) as { status: string }).status).toBe('error');
  });

  it('a URL too large for any query is refused', async () => {
    const r = await rawGet(consoleApp.url, `/api/metrics/query_range?query=${'x'.repeat(200_000)}`);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
  });
});

describe('the proxy when Prometheus misbehaves (a loopback stand-in: only for error handling)', () => {
  let standIn: Server;
  let standInUrl: string;
  let answer: { status: number; body: string } = { status: 200, body: '' };

  beforeAll(async () => {
    standIn = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
    const a = standIn.address();
    standInUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((r) => standIn.close(() => r())));

  async function ask(prometheusUrl: string) {
    const app = await buildConsoleApp(
      consoleDeps({
        prometheus: async () => ({ url: prometheusUrl, scrapeIntervalSeconds: 15 }),
        webRoot: web,
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const a = app.server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      const r = await fetch(
        `http://127.0.0.1:${port}/api/metrics/query_range?query=up&start=1&end=100&step=1`,
      );
      return { status: r.status, body: (await r.json()) as { status: string; error: string } };
    } finally {
      await app.close();
    }
  }

  it('overloaded: its 503 and its text', async () => {
    answer = {
      status: 503,
      body: JSON.stringify({
        status: 'error',
        errorType: 'unavailable',
        error: 'too many queries',
      }),
    };
    expect(await ask(standInUrl)).toEqual({
      status: 503,
      body: { status: 'error', error: 'too many queries' },
    });
  });

  it('an answer that is not JSON: 502 saying so', async () => {
    answer = { status: 500, body: '<html>proxy error</html>' };
    const r = await ask(standInUrl);
    expect(r.status).toBe(502);
    expect(r.body.error).toMatch(/Prometheus answered 500 without JSON: <html>proxy error/);
  });

  it('not running: 502 naming the address', async () => {
    const r = await ask(`http://127.0.0.1:${await findFreePort()}`);
    expect(r.status).toBe(502);
    expect(r.body.error).toMatch(/cannot be reached \(ECONNREFUSED\)/);
  });
});

describe('the page: console/web/dist only', () => {
  it('index.html for / and for the page’s own routes; assets as files', async () => {
    for (const path of ['/', '/metrics', '/metrics/lakehouse-trino']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(await r.text()).toContain('<title>Lakehouse console</title>');
    }
    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/assets/missing.js')).status).toBe(404);
    const api = await get('/api/nothing');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'no API route GET /api/nothing' });
  });

  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/..%2fsecret.txt',
    '/..%2f..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '//etc/passwd',
    '/.env',
    '/assets/../.env',
    '/%2eenv',
    `/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd`,
  ])('never serves %s from outside dist', async (path) => {
    const r = await rawGet(consoleApp.url, path);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toContain('root:x:0');
    // Either refused, or the page itself (a path the router may own).
    if (r.status === 200) expect(r.body).toContain('<title>Lakehouse console</title>');
    else expect(r.status).toBeGreaterThanOrEqual(400);
  });

  it('without a built page: 503 saying how to build it', async () => {
    const app = await buildConsoleApp(consoleDeps({ webRoot: join(dir, 'not-built') }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const a = app.server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      const r = await fetch(`http://127.0.0.1:${port}/`);
      expect(r.status).toBe(503);
      expect(await r.text()).toMatch(/npm run build:console/);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('`lakehouse console serve` beyond loopback: the token', () => {
  let child: ChildProcess;
  let output: OutputBuffer;
  let base: string;
  let token: string;

  beforeAll(async () => {
    const port = await findFreePort('0.0.0.0');
    child = spawn(
      process.execPath,
      [cli, 'console', 'serve', '-f', valuesFile, '--host', '0.0.0.0', '--port', String(port)],
      { env: { ...process.env, LAKEHOUSE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    output = new OutputBuffer();
    output.attach(child);
    children.push({ child, forget: killOnExit(child) });
    base = `http://127.0.0.1:${port}`;
    await waitUntilReady(child, async () => (await fetch(`${base}/healthz`)).ok, {
      what: 'lakehouse console serve',
      timeoutMs: 30_000,
      output,
    });
    token = readFileSync(consoleTokenFile(home), 'utf8').trim();
  });

  it('generated once, 0600 in the 0700 secrets directory', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(consoleTokenFile(home)).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it('refuses the API and the page without it; /healthz stays open for the supervisor', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const api = await fetch(`${base}/api/overview`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: string }).error).toMatch(/needs its token/);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect(
      (await fetch(`${base}/api/dashboards`, { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401);
    // A token in an API URL is not accepted: it would end up in logs and histories.
    expect((await fetch(`${base}/api/dashboards?token=${token}`)).status).toBe(401);
  });

  it('a bearer token opens the API', async () => {
    const r = await fetch(`${base}/api/dashboards`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(r.status).toBe(200);
  });

  it('?token= once sets an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
    const r = await fetch(`${base}/metrics?token=${token}&range=1h`, { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/metrics?range=1h');
    const cookie = r.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]+; Path=/; HttpOnly; SameSite=Strict$`),
    );
    // The cookie is not the token itself.
    expect(cookie).not.toContain(token);
    const session = cookie.split(';')[0] ?? '';
    const api = await fetch(`${base}/api/dashboards`, { headers: { cookie: session } });
    expect(api.status).toBe(200);
    expect(
      (await fetch(`${base}/api/dashboards`, { headers: { cookie: `${SESSION_COOKIE}=forged` } }))
        .status,
    ).toBe(401);
  });

  it('never writes the token to its log', async () => {
    await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    await fetch(`${base}/?token=${token}x`);
    await new Promise((r) => setTimeout(r, 300));
    expect(output.toString()).toContain(`"url":"/"`);
    expect(output.toString()).not.toContain(token);
  });
});
