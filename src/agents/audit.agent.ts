import { Injectable } from '@nestjs/common';
import type { AuditFlag, AuditRecommendation, AuditReport, AuditScores } from '@app/contracts';
import { LlmClient } from '../llm/llm-client';
import type { AgentContext, AgentOutcome, AuditInput, AuditSubject } from './agent';
import { applyRules, RuleFindings } from './audit-rules';
import { lowerScores, scoresFromFlags, verdictOf, weightedScore } from './audit-scoring';
import { AgentPrompt, LlmAgent } from './llm-agent';
import { AuditJudgement, auditJudgementSchema } from './output-schemas';
import { auditMessages } from './prompts';

type ModelReport = AuditJudgement['reports'][number];

/**
 * Audits artifacts: the deterministic rules always, combined with the model's judgement when the
 * LLM client gives one (not offline). Scores are the lower of the rules' and the model's in each
 * category; the verdict is computed here from the combined flags and score, never taken from the model.
 */
@Injectable()
export class AuditAgent extends LlmAgent<AuditInput, AuditReport[], AuditJudgement> {
  readonly type = 'audit';

  constructor(llm: LlmClient) {
    super(llm, 'audit_reports', auditJudgementSchema);
  }

  override async execute(input: AuditInput, context: AgentContext): Promise<AgentOutcome<AuditReport[]>> {
    if (!this.llm.judges) {
      return { output: this.finish({ reports: [] }, input), usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, calls: 0 };
    }
    return super.execute(input, context);
  }

  protected prompt(input: AuditInput): AgentPrompt {
    return { messages: auditMessages(input), context: input };
  }

  protected finish(answer: AuditJudgement, input: AuditInput): AuditReport[] {
    return input.subjects.map((subject) =>
      this.report(subject, input, applyRules(subject, input), answer.reports.find((r) => r.artifactType === subject.type)),
    );
  }

  private report(subject: AuditSubject, input: AuditInput, rules: RuleFindings, model?: ModelReport): AuditReport {
    const modelFlags: AuditFlag[] = (model?.flags ?? []).map((flag, i) => ({
      id: `llm:${i}`,
      category: flag.category,
      severity: flag.severity,
      description: flag.description,
      ...(flag.location ? { location: flag.location } : {}),
    }));
    const modelRecommendations: AuditRecommendation[] = (model?.recommendations ?? []).map((rec) => ({
      text: rec.text,
      priority: rec.priority,
      ...(rec.flagIndex !== null && rec.flagIndex < modelFlags.length ? { flagId: `llm:${rec.flagIndex}` } : {}),
    }));
    const flags = [...rules.flags, ...modelFlags];
    const ruleScores = scoresFromFlags(rules.flags);
    const scores: AuditScores = model ? lowerScores(ruleScores, model.scores) : ruleScores;
    const score = weightedScore(scores, input.weights);
    return {
      artifactType: subject.type,
      attempt: subject.attempt,
      scores,
      weightedScore: score,
      flags,
      recommendations: [...rules.recommendations, ...modelRecommendations],
      verdict: verdictOf(flags, score),
      basis: model ? 'rules+model' : 'rules',
      createdAt: new Date().toISOString(),
    };
  }
}
