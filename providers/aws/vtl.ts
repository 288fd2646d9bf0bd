/**
 * The VTL context: API Gateway evaluates mapping templates as Velocity, where `$`, `#`, quotes and
 * backslashes are syntax. Every spec string that reaches a template goes through this module:
 * either as a base64 literal decoded at run time (no byte of it is ever parsed as VTL), or, for
 * values that must be compared as plain literals (CORS origins), after a strict grammar check.
 */
import { isOrigin } from '../../lib/capabilities/targets/aws-syntax';

/** A VTL expression that evaluates to `value`, whatever it holds. */
export function vtlString(value: string): string {
  return `$util.base64Decode("${Buffer.from(value, 'utf8').toString('base64')}")`;
}

// What may sit between single quotes in a VTL literal: no quote, `$`, `#` or backslash.
const SAFE_LITERAL = /^[A-Za-z0-9:/.\-[\]]*$/;

/** A single-quoted VTL literal; throws on anything outside a safe alphabet (callers validate first). */
export function vtlLiteral(value: string): string {
  if (!SAFE_LITERAL.test(value)) throw new Error(`internal: ${JSON.stringify(value)} is not a safe VTL literal`);
  return `'${value}'`;
}

/**
 * VTL that copies the request's Origin into the response's Access-Control-Allow-Origin when it is
 * one of `origins` (every one checked against the origin grammar), and adds nothing otherwise.
 */
export function vtlEchoAllowedOrigin(origins: readonly string[]): string {
  for (const o of origins) if (!isOrigin(o)) throw new Error(`internal: ${JSON.stringify(o)} is not an origin`);
  const test = origins.map((o) => `$origin == ${vtlLiteral(o)}`).join(' || ');
  return `#set($origin = $input.params().header.get('Origin'))\n#if(${test})\n#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n#end\n`;
}
