/**
 * cdk-nag's AwsSolutions pack, typed against `aws-cdk-lib/core`. cdk-nag's own declarations import
 * aws-cdk-lib's root, and one file importing the root makes the type check parse every module of
 * aws-cdk-lib (about 2,800 declaration files against about 1,100 for the ones anygate uses): a
 * third of `npm test`'s type-check time for one class.
 */
import type { IPolicyValidationPlugin } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';

/** The pack's constructor, as cdk-nag declares it (NagPack: scope and props optional). */
type AwsSolutionsChecksClass = new (scope?: IConstruct, props?: { verbose?: boolean }) => IPolicyValidationPlugin;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const AwsSolutionsChecks: AwsSolutionsChecksClass = require('cdk-nag').AwsSolutionsChecks;
