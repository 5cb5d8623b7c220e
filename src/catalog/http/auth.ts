import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const authFileSchema = z
  .object({
    tokens: z
      .array(z.string().min(16, 'a static token must be at least 16 characters'))
      .default([]),
    clients: z
      .array(
        z.object({
          id: z.string().min(1),
          secret: z.string().min(16, 'a client secret must be at least 16 characters'),
        }),
      )
      .default([]),
    'token-lifetime-seconds': z.number().int().positive().default(3600),
  })
  .strict();

export type AuthConfig = z.infer<typeof authFileSchema>;

/** Reads the `--auth-tokens` file (YAML or JSON); the error names the file, the key and the fix. */
export function loadAuthFile(path: string): AuthConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read --auth-tokens file ${path}: ${(err as Error).message}`);
  }
  const parsed = authFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid --auth-tokens file ${path}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message}. ` +
        'Expected keys: tokens (list of static bearer tokens), clients (list of {id, secret} for OAuth2 client credentials), token-lifetime-seconds.',
    );
  }
  if (parsed.data.tokens.length === 0 && parsed.data.clients.length === 0) {
    throw new Error(
      `--auth-tokens file ${path} defines no tokens and no clients: nobody could call the catalog`,
    );
  }
  return parsed.data;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Bearer tokens: static ones from the file, and short-lived ones this server signs for OAuth2
 * client credentials. The signing key derives from the file's secrets, so issued tokens stay valid
 * across a restart but cannot be forged without the file.
 */
export class Authenticator {
  private readonly staticTokens: Buffer[];
  private readonly signingKey: Buffer;

  constructor(
    private readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.staticTokens = config.tokens.map(digest);
    this.signingKey = createHmac('sha256', 'lakehouse-catalog-token-key')
      .update(JSON.stringify(config))
      .digest();
  }

  get lifetimeSeconds(): number {
    return this.config['token-lifetime-seconds'];
  }

  /** Returns the client id of the issued token, or undefined when the credentials are wrong. */
  issue(clientId: string, clientSecret: string): string | undefined {
    const client = this.config.clients.find((c) => safeEqual(c.id, clientId));
    if (!client || !safeEqual(client.secret, clientSecret)) return undefined;
    const payload = Buffer.from(
      JSON.stringify({ sub: client.id, exp: Math.floor(this.now() / 1000) + this.lifetimeSeconds }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('base64url');
  }

  /** True when the token is a static token or an unexpired token this server issued. */
  verify(token: string): boolean {
    const hashed = digest(token);
    if (this.staticTokens.some((t) => timingSafeEqual(t, hashed))) return true;
    const [payload, signature] = token.split('.');
    if (!payload || !signature || !safeEqual(this.sign(payload), signature)) return false;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        exp?: number;
      };
      return typeof claims.exp === 'number' && claims.exp * 1000 > this.now();
    } catch {
      return false;
    }
  }
}
