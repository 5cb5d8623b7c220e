import { describe, expect, it } from 'vitest';
import { confirmationDecision, isYes } from '../../../../src/ops/cleanup/index.js';

describe('cleanup confirmation', () => {
  it('--yes proceeds with or without a terminal', () => {
    expect(confirmationDecision({ yes: true, interactive: false })).toEqual({ action: 'proceed' });
    expect(confirmationDecision({ yes: true, interactive: true })).toEqual({ action: 'proceed' });
  });

  it('asks on a terminal, and refuses without one', () => {
    expect(confirmationDecision({ yes: false, interactive: true })).toEqual({ action: 'ask' });
    const refused = confirmationDecision({ yes: false, interactive: false });
    expect(refused.action).toBe('refuse');
    expect(refused.action === 'refuse' && refused.reason).toMatch(/--yes/);
  });

  it('only y or yes agree; the default (empty answer) is no', () => {
    for (const a of ['y', 'Y', 'yes', ' YES ', 'Yes']) expect(isYes(a), a).toBe(true);
    for (const a of ['', 'n', 'no', 'yep', 'y es', 'sure']) expect(isYes(a), a).toBe(false);
  });
});
