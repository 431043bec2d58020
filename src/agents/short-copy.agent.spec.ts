import { DEFAULT_PLATFORM_LIMITS, ShortCopyOutput } from '@app/contracts';
import { ShortCopyAgent } from './short-copy.agent';
import { aGenerationInput, aVariant } from './testing/fixtures';
import { anAgentContext, ScriptedLlmClient } from './testing/scripted-llm.client';

const LONG_POST = `${'Fresh beans '.repeat(25)}😀`.trim();

/** The model's answer: every variant claims 5 characters and no overrun, whatever its text. */
function miscounted(texts: Record<'x' | 'linkedin', string[]>): ShortCopyOutput {
  return {
    platforms: (['x', 'linkedin'] as const).map((platform) => ({
      platform,
      variants: texts[platform].map((text) => aVariant({ text, characterCount: 5, overLimit: false })),
    })),
  };
}

describe(ShortCopyAgent.name, () => {
  it('recounts characters and sets overLimit from the real length, against each platform’s limit', async () => {
    const answer = miscounted({ x: [LONG_POST, 'Short one', 'Short two'], linkedin: [LONG_POST, 'Short one', 'Short two'] });
    const llm = new ScriptedLlmClient([{ json: answer }]);

    const { output } = await new ShortCopyAgent(llm).execute(aGenerationInput<'shortCopy'>(), anAgentContext());

    const [x, linkedin] = output.platforms;
    expect([...LONG_POST].length).toBe(301);
    expect(x.variants.map((v) => [v.characterCount, v.overLimit])).toEqual([[301, true], [9, false], [9, false]]);
    expect(linkedin.variants.map((v) => [v.characterCount, v.overLimit])).toEqual([[301, false], [9, false], [9, false]]);
  });

  it('never truncates a post over its limit', async () => {
    const answer = miscounted({ x: [LONG_POST, 'a', 'b'], linkedin: ['c', 'd', 'e'] });

    const { output } = await new ShortCopyAgent(new ScriptedLlmClient([{ json: answer }])).execute(aGenerationInput<'shortCopy'>(), anAgentContext());

    expect(output.platforms[0].variants[0].text).toBe(LONG_POST);
    expect(output.platforms[0].variants[0].hashtags).toEqual(answer.platforms[0].variants[0].hashtags);
  });

  it('clears an overLimit the model set on a post that fits, and uses the configured limits', async () => {
    const answer = miscounted({ x: ['a'.repeat(150), 'b', 'c'], linkedin: ['a'.repeat(150), 'e', 'f'] });
    answer.platforms[1].variants[0].overLimit = true;
    const input = aGenerationInput<'shortCopy'>({ platformLimits: { ...DEFAULT_PLATFORM_LIMITS, x: 100 } });

    const { output } = await new ShortCopyAgent(new ScriptedLlmClient([{ json: answer }])).execute(input, anAgentContext());

    expect(output.platforms[0].variants[0]).toEqual(expect.objectContaining({ characterCount: 150, overLimit: true }));
    expect(output.platforms[1].variants[0]).toEqual(expect.objectContaining({ characterCount: 150, overLimit: false }));
  });

  it('does not set overLimit on a post exactly at its platform limit, counting an emoji as one character', async () => {
    const atLimit = `${'a'.repeat(279)}😀`;
    const answer = miscounted({ x: [atLimit, 'a'.repeat(281), 'c'], linkedin: ['d', 'e', 'f'] });
    answer.platforms[0].variants[0].overLimit = true;

    const { output } = await new ShortCopyAgent(new ScriptedLlmClient([{ json: answer }])).execute(aGenerationInput<'shortCopy'>(), anAgentContext());

    expect(output.platforms[0].variants.slice(0, 2).map((v) => [v.characterCount, v.overLimit])).toEqual([[280, false], [281, true]]);
  });
});
