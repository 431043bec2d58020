import type * as C from '@app/contracts';
import { valuesOf } from './mirror';

/** The values of the contract's string unions that have no list of their own in libs/contracts, checked complete at compile time. */
export const AGENT_TYPES = valuesOf<C.AgentType>()(['copy', 'shortCopy', 'visualConcept', 'audit']);
export const RUN_STATUSES = valuesOf<C.RunStatus>()(['queued', 'running', 'completed', 'partiallyCompleted', 'failed', 'cancelled']);
export const RESULT_STATUSES = valuesOf<C.OrchestrationResultStatus>()(['success', 'partialSuccess', 'failed', 'cancelled']);
