/**
 * `lakehouse alerts`: what Alertmanager says is firing now, with each alert's action text.
 */
export {
  AlertmanagerApiError,
  AlertmanagerClient,
  AlertmanagerUnreachableError,
  type AlertmanagerAlert,
  type AlertmanagerClientOptions,
  type AlertQuery,
} from './client.js';
export { ago, renderAlerts, toFiringAlerts, utcTime, wrap, type FiringAlert } from './render.js';
