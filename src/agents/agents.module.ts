import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { AgentSet } from './agent';
import { LlmAgentSet } from './agent-set';
import { AuditAgent } from './audit.agent';
import { CopyAgent } from './copy.agent';
import { ShortCopyAgent } from './short-copy.agent';
import { VisualConceptAgent } from './visual-concept.agent';

/** The copy, short-copy, visual-concept and audit agents, exposed as the `AgentSet` port. */
@Module({
  imports: [LlmModule],
  providers: [CopyAgent, ShortCopyAgent, VisualConceptAgent, AuditAgent, { provide: AgentSet, useClass: LlmAgentSet }],
  exports: [AgentSet],
})
export class AgentsModule {}
