import { toGatewaySpec } from '../../lib/model/normalize';
import { unknownStageMessage, unknownStages } from '../../lib/model/stages';
import { baseSpec } from '../helpers';

describe('stage lookup: one message wherever a stage is named outside the spec', () => {
  it('names the stage, the nearest one, and the list', () => {
    expect(unknownStageMessage('prd', ['dev', 'prod'])).toBe('stage "prd" is not in the spec (did you mean "prod"?); stages: dev, prod');
    expect(unknownStageMessage('qa', ['dev', 'prod'])).toBe('stage "qa" is not in the spec; stages: dev, prod');
  });

  it('finds only the stages the spec lacks, and no inherited property counts as a stage', () => {
    const s = baseSpec();
    s.stages = { dev: {}, prod: {} };
    const spec = toGatewaySpec(s);
    expect(unknownStages(spec, ['prod', 'qa', 'constructor']).map((u) => u.stage)).toEqual(['qa', 'constructor']);
  });
});
