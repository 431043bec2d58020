export * from './agents';
export * from './audit';
export * from './brief';
export * from './errors';
export * from './events';
export * from './orchestration';
export * from './records';
