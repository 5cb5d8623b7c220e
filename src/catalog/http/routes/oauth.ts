import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../auth.js';

function oauthError(error: string, description: string) {
  return { error, error_description: description };
}

/** OAuth2 client credentials (RFC 6749 §4.4) at the spec's token endpoint. */
export function oauthRoutes(app: FastifyInstance, auth: Authenticator): void {
  app.post('/v1/oauth/tokens', async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    let clientId = typeof form['client_id'] === 'string' ? form['client_id'] : undefined;
    let clientSecret =
      typeof form['client_secret'] === 'string' ? form['client_secret'] : undefined;
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1] && (!clientId || !clientSecret)) {
      const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(rest.join(':'));
    }
    if (form['grant_type'] !== 'client_credentials') {
      return reply
        .code(400)
        .send(
          oauthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported'),
        );
    }
    if (!clientId || !clientSecret) {
      return reply
        .code(400)
        .send(oauthError('invalid_request', 'client_id and client_secret are required'));
    }
    const token = auth.issue(clientId, clientSecret);
    if (!token)
      return reply.code(401).send(oauthError('invalid_client', 'Unknown client or wrong secret'));
    return {
      access_token: token,
      token_type: 'bearer',
      expires_in: auth.lifetimeSeconds,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    };
  });
}
