import {
  parseAccessDelegation,
  withTableAccess,
  type DelegationMechanism,
  type DelegationProvider,
  type TableAccessRequest,
} from './index.js';

/** The provider for the first mechanism, in the client's order, that the server has. */
export function chooseProvider(
  mechanisms: DelegationMechanism[],
  providers: DelegationProvider[],
): DelegationProvider | undefined {
  for (const m of mechanisms) {
    const found = providers.find((p) => p.mechanism === m);
    if (found) return found;
  }
  return undefined;
}

/**
 * A load result with the grant the client's `X-Iceberg-Access-Delegation` header asks for, or
 * unchanged when it asks for none the server has (the spec lets the server ignore the header).
 */
export async function withDelegatedAccess(
  loadResultJson: string,
  header: string | string[] | undefined,
  providers: DelegationProvider[],
  request: () => TableAccessRequest,
): Promise<string> {
  const provider = chooseProvider(parseAccessDelegation(header), providers);
  if (!provider) return loadResultJson;
  return withTableAccess(loadResultJson, await provider.grant(request()));
}
