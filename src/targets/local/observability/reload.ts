/**
 * Makes a running Prometheus and Alertmanager read their re-rendered configuration (and
 * Prometheus its rule files) without a restart: `POST /-/reload`. Their process specs do not
 * change when only the file's content does, so the supervisor would not restart them.
 */
export interface ReloadResult {
  name: 'prometheus' | 'alertmanager';
  ok: boolean;
  /** What the server said when the reload failed (e.g. a rule file that does not parse). */
  error?: string;
}

export async function reloadConfig(
  name: ReloadResult['name'],
  port: number,
  timeoutMs = 30_000,
): Promise<ReloadResult> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/-/reload`, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) return { name, ok: true };
    return { name, ok: false, error: (await res.text()).trim() || `HTTP ${res.status}` };
  } catch (err) {
    return { name, ok: false, error: (err as Error).message };
  }
}
