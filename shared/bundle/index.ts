export * from './paths';
export * from './sums';
export * from './manifest';
export * from './diff';
export * from './receipt';
export * from './runbook';
export * from './scripts';
