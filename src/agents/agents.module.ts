import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { traceAgentSet } from '../telemetry/traced';
import { AgentSet } from './agent';
import { LlmAgentSet } from './agent-set';
import { AuditAgent } from './audit.agent';
import { CopyAgent } from './copy.agent';
import { ShortCopyAgent } from './short-copy.agent';
import { VisualConceptAgent } from './visual-concept.agent';

/** The copy, short-copy, visual-concept and audit agents, exposed (traced) as the `AgentSet` port. */
@Module({
  imports: [LlmModule],
  providers: [
    CopyAgent,
    ShortCopyAgent,
    VisualConceptAgent,
    AuditAgent,
    LlmAgentSet,
    // Every agent execution is traced and measured, declared here once.
    { provide: AgentSet, inject: [LlmAgentSet], useFactory: (agents: LlmAgentSet) => traceAgentSet(agents) },
  ],
  exports: [AgentSet],
})
export class AgentsModule {}
