/**
 * schema/access-log.schema.json is the one access-log schema, generated from lib/observability's
 * field table (UPDATE_GOLDEN=1 rewrites it), and it accepts exactly the lines the docs promise.
 */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACCESS_LOG_FIELD_NAMES, accessLogJsonSchema, type AccessLogLine } from '../../lib/observability/access-log';

const FILE = path.join(__dirname, '..', '..', 'schema', 'access-log.schema.json');
if (process.env.UPDATE_GOLDEN) writeFileSync(FILE, accessLogJsonSchema());
const schema = JSON.parse(readFileSync(FILE, 'utf8'));
const validate = new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);

const line: AccessLogLine = {
  time: '2026-12-07T06:30:00.000Z', requestId: 'r-1', target: 'dev', gateway: 'shop', stage: 'prod', routeId: 'getPet', method: 'GET', path: '/pets/7', pathTemplate: '/pets/{id}',
  status: 429, latencyMs: 1.5, backendLatencyMs: null, consumer: 'acme', plan: 'gold', authOutcome: 'allowed', authReason: null, cacheHit: null, rateLimit: 'throttled',
  clientIp: '127.0.0.1', userAgent: 'curl/8', bytesIn: 0, bytesOut: 52, traceId: null,
};

describe('access-log schema', () => {
  it('the committed file is the generated one', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(accessLogJsonSchema());
  });

  it('lists every field once, in the documented order', () => {
    expect(Object.keys(schema.properties)).toEqual(ACCESS_LOG_FIELD_NAMES);
    expect(Object.keys(line)).toEqual(ACCESS_LOG_FIELD_NAMES);
    expect(schema.required).toEqual(['time', 'requestId', 'target', 'routeId', 'method', 'path', 'status', 'latencyMs', 'clientIp']);
  });

  it('accepts a full line and a minimal one, and refuses wrong types, unknown values and extra fields', () => {
    expect(validate(line)).toBe(true);
    const minimal = { time: line.time, requestId: 'x', target: 'aws', routeId: null, method: 'GET', path: '/', status: 404, latencyMs: 0, clientIp: '10.0.0.1' };
    expect(validate(minimal)).toBe(true);
    expect(validate({ ...line, status: '429' })).toBe(false);
    expect(validate({ ...line, rateLimit: 'slow' })).toBe(false);
    expect(validate({ ...line, extra: 1 })).toBe(false);
    const { clientIp: _, ...noIp } = line;
    expect(validate(noIp)).toBe(false);
  });
});
