import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HealthCheck } from '../process-spec.js';

/**
 * One HTTP GET of a health endpoint: true when it answers with the expected status within the
 * timeout. A fresh connection each time (no agent), so a restarted server is seen at once.
 */
export function probeHealth(check: HealthCheck, timeoutMs: number): Promise<boolean> {
  const expect = check.expectStatus ?? 200;
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(check.url);
    } catch {
      resolve(false);
      return;
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === expect);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}
