/** Errors of the dev gateway and its commands: plain messages, never stack traces. */
import { AnygateError } from '../lib/model/errors';

/** A bad flag or argument (exit code 2). */
export class DevUsageError extends AnygateError {}

/** The spec asks for something the chosen profile's target would refuse (exit code 1). */
export class DevRefusedError extends AnygateError {}
