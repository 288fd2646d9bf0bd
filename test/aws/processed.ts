import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Bytes of the processed template: the template plus every file AWS::Include pastes into it
 * (found in the cloud assembly by the asset hash in the include's S3 location), which is what
 * CloudFormation's 1 MB processed-template limit counts.
 */
export function processedTemplateBytes(template: Record<string, unknown>, outdir: string): number {
  let bytes = Buffer.byteLength(JSON.stringify(template));
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, any>;
      if (o['Fn::Transform']?.Name === 'AWS::Include') {
        const hash = /([0-9a-f]{64})/.exec(JSON.stringify(o['Fn::Transform'].Parameters))![1];
        bytes += Buffer.byteLength(readFileSync(path.join(outdir, `asset.${hash}.json`), 'utf8'));
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(template);
  return bytes;
}
