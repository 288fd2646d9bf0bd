/**
 * The Azure import reads anygate's refusals before the credentials are checked in both forms:
 * one `when` or-ing them (what synth writes now) and a `choose` each (what earlier versions wrote,
 * still on services deployed with them).
 */
import { preCheckRefusals } from '../../lib/adopt/azure-expressions';

const repeated = (h: string) => `(context.Request.Headers.ContainsKey("${h}") && context.Request.Headers["${h}"].Length > 1)`;
const query = 'context.Request.Url.Query.GetValueOrDefault("subscription-key", "") != ""';
const KEYS = { header: 'x-api-key', query: 'subscription-key' };

it('reads the merged form: each refusal in parentheses, or-ed', () => {
  expect(preCheckRefusals(`@((${repeated('x-api-key')}) || (${query}) || (context.Subscription == null))`, KEYS)).toEqual({ repeated: true, undeclared: true, subscription: true });
  expect(preCheckRefusals(`@((${repeated('x-api-key')} || ${repeated('authorization')}) || (context.Subscription == null))`, KEYS)).toEqual({ repeated: true, undeclared: false, subscription: true });
});

it('reads the one-refusal forms earlier versions wrote', () => {
  expect(preCheckRefusals(`@(${repeated('authorization')})`, KEYS)).toEqual({ repeated: true, undeclared: false, subscription: false });
  expect(preCheckRefusals(`@(${repeated('authorization')} || ${repeated('x-api-key')})`, KEYS)).toEqual({ repeated: true, undeclared: false, subscription: false });
  expect(preCheckRefusals(`@(${query})`, KEYS)).toEqual({ repeated: false, undeclared: true, subscription: false });
  expect(preCheckRefusals('@(context.Subscription == null)', KEYS)).toEqual({ repeated: false, undeclared: false, subscription: true });
});

it('leaves any other condition to the caller', () => {
  expect(preCheckRefusals(`@((${repeated('x-api-key')}) || (context.Request.Headers.GetValueOrDefault("x-admin", "") == "1"))`, KEYS)).toBeUndefined();
  expect(preCheckRefusals('@(context.Request.Method == "DELETE")', KEYS)).toBeUndefined();
  expect(preCheckRefusals('context.Subscription == null', KEYS)).toBeUndefined();
});

it('reads a presented header or parameter other than the API\'s key names as the user\'s own rule, not anygate\'s', () => {
  expect(preCheckRefusals('@(context.Request.Headers.GetValueOrDefault("X-Internal-Only", "") != "")', KEYS)).toBeUndefined();
  expect(preCheckRefusals('@((context.Subscription == null) || (context.Request.Headers.GetValueOrDefault("X-Debug", "") != ""))', KEYS)).toBeUndefined();
  // The key header's name compares without case (HTTP header names); the query parameter's exactly.
  expect(preCheckRefusals('@(context.Request.Headers.GetValueOrDefault("X-Api-Key", "") != "")', KEYS)).toEqual({ repeated: false, undeclared: true, subscription: false });
});
