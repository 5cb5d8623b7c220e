/**
 * The supervisor's timings. Defaults are the production values; environment knobs exist so the
 * integration tests can run a crash loop in seconds instead of minutes.
 */
import { DEFAULT_RESTART_POLICY, type RestartPolicyConfig } from './restart-policy.js';
import { DEFAULT_LOG_MAX_BYTES } from './rotating-log.js';

export interface SupervisorSettings {
  policy: RestartPolicyConfig;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  defaultStopTimeoutMs: number;
  defaultStartTimeoutMs: number;
  logMaxBytes: number;
}

export const SETTINGS_ENV = {
  backoffBaseMs: 'LAKEHOUSE_SUPERVISOR_BACKOFF_MS',
  backoffMaxMs: 'LAKEHOUSE_SUPERVISOR_BACKOFF_MAX_MS',
  healthIntervalMs: 'LAKEHOUSE_SUPERVISOR_HEALTH_INTERVAL_MS',
  resetAfterHealthyMs: 'LAKEHOUSE_SUPERVISOR_RESET_AFTER_HEALTHY_MS',
  logMaxBytes: 'LAKEHOUSE_SUPERVISOR_LOG_MAX_BYTES',
} as const;

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SupervisorSettings {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`${name} must be a positive number of milliseconds (or bytes), got "${raw}"`);
    }
    return value;
  };
  const healthIntervalMs = num(SETTINGS_ENV.healthIntervalMs, 1_000);
  return {
    policy: {
      ...DEFAULT_RESTART_POLICY,
      baseMs: num(SETTINGS_ENV.backoffBaseMs, DEFAULT_RESTART_POLICY.baseMs),
      maxMs: num(SETTINGS_ENV.backoffMaxMs, DEFAULT_RESTART_POLICY.maxMs),
      resetAfterHealthyMs: num(
        SETTINGS_ENV.resetAfterHealthyMs,
        DEFAULT_RESTART_POLICY.resetAfterHealthyMs,
      ),
    },
    healthIntervalMs,
    healthTimeoutMs: Math.max(500, Math.min(2_000, healthIntervalMs * 2)),
    defaultStopTimeoutMs: 20_000,
    defaultStartTimeoutMs: 120_000,
    logMaxBytes: num(SETTINGS_ENV.logMaxBytes, DEFAULT_LOG_MAX_BYTES),
  };
}
