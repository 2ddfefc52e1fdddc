export * from './probes';
export * from './report';
export * from './collect-sh';
export * from './collect-ps1';
