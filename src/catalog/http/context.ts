import type { FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError } from '../errors.js';
import {
  resolveWarehouse,
  type CatalogService,
  type IdempotencyContext,
} from '../service/index.js';
import type { DelegationSetup } from './delegation.js';

export interface RouteDeps {
  service: CatalogService;
  /** Access delegation the server offers: providers (maybe none) and the remote signer. */
  delegation: DelegationSetup;
}

const IDEMPOTENCY_KEY = /^[0-9A-Za-z][0-9A-Za-z-]{7,127}$/;

/** The request's Idempotency-Key, validated; undefined when absent. */
export function idempotencyOf(req: FastifyRequest): IdempotencyContext | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw new BadRequestError('Invalid Idempotency-Key header: use a UUID (UUIDv7 recommended)');
  }
  return { key: raw.toLowerCase() };
}

export function warehouseOf(deps: RouteDeps, req: FastifyRequest) {
  const prefix = (req.params as { prefix?: string }).prefix;
  return resolveWarehouse(deps.service.ctx.warehouses, prefix);
}

export function sendJsonText(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export type Params = Record<string, string | undefined>;
export type Query = Record<string, unknown>;
