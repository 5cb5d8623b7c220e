/** `lakehouse cleanup`: removing the platform and its data, only after confirmation. */
export { confirmationDecision, isYes, type ConfirmationDecision } from './confirm.js';
