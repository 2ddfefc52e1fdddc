// Offline reachability: the engine, its vocabulary and its text form.
export { reach, normaliseProtocol, type ReachOptions } from './engine';
export { formatReach } from './format';
export { resolveEndpoint, closeMatches, DESTINATION_TAGS } from './resolve';
export { hostRoutes, chooseHostRoute, describeRoute, routeCost, routeCostRange, type HostRoute, type HostRouteChoice } from './host-routing';
export * from './interface-metric';
export { effectiveRoutes, chooseAzureRoute, describeAzureRoute, type EffectiveRoute } from './azure-routing';
export * from './types';
