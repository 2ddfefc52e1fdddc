// Cytoscape styles from the theme's CSS variables, so the canvas follows light/dark like the rest of the UI.
import type { StylesheetJson } from 'cytoscape';
import { NODE_H, NODE_W } from './layout';
import type { NodeKind } from './graph';

export const KIND_LABEL: Record<NodeKind, string> = {
  site: 'Site',
  network: 'Network',
  subnet: 'Subnet',
  vnet: 'VNet',
  'azure-subnet': 'Azure subnet',
  host: 'Host',
  'vpn-gateway': 'VPN gateway',
  'local-gateway': 'Local network gateway',
  nsg: 'NSG',
  'route-table': 'Route table',
  'logical-network': 'Logical network',
  'vm-network': 'VM network',
  'hnv-gateway': 'HNV gateway',
  cyclecloud: 'CycleCloud',
};

/** Which CSS variable colours each kind (grouped so the legend stays short). */
export const KIND_VAR: Record<NodeKind, string> = {
  site: '--fg-muted',
  network: '--k-net',
  vnet: '--k-net',
  'logical-network': '--k-net',
  subnet: '--k-subnet',
  'azure-subnet': '--k-subnet',
  'vm-network': '--k-subnet',
  host: '--k-host',
  'vpn-gateway': '--k-gw',
  'local-gateway': '--k-gw',
  'hnv-gateway': '--k-gw',
  nsg: '--k-policy',
  'route-table': '--k-policy',
  cyclecloud: '--k-host',
};

export function topologyStyle(css: (name: string) => string): StylesheetJson {
  return [
    {
      selector: 'node',
      style: {
        shape: 'round-rectangle',
        width: NODE_W,
        height: NODE_H,
        'border-width': 1.5,
        label: 'data(display)',
        'text-wrap': 'wrap',
        'text-max-width': `${NODE_W - 14}px`,
        'text-valign': 'center',
        'text-halign': 'center',
        'font-size': 10.5,
        'font-family': css('--font-ui') || 'sans-serif',
        color: css('--fg'),
        'line-height': 1.25,
        'min-zoomed-font-size': 5,
        'border-color': 'data(color)',
        'background-color': css('--node-bg'),
      },
    },
    {
      // Site bands: plain nodes sized by the layout and inert; added first, so drawn underneath.
      selector: 'node[kind = "site"]',
      style: {
        shape: 'round-rectangle',
        width: 'data(w)',
        height: 'data(h)',
        'background-color': css('--site-bg'),
        'border-width': 1,
        'border-style': 'dashed',
        'border-color': css('--border-strong'),
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -6,
        'text-wrap': 'none',
        'text-max-width': '2000px',
        'font-size': 13,
        'font-weight': 600,
        color: css('--fg-muted'),
        'min-zoomed-font-size': 4,
        // Below the edges too, not only below the other nodes.
        'z-compound-depth': 'bottom',
        events: 'no',
      },
    },
    {
      selector: 'node[severity = "warning"]',
      style: {
        'border-color': css('--warning'),
        'border-width': 2.5,
        'background-color': css('--warning-bg'),
      },
    },
    {
      selector: 'node[severity = "error"]',
      style: { 'border-color': css('--error'), 'border-width': 2.5, 'background-color': css('--error-bg') },
    },
    {
      selector: 'edge',
      style: {
        'curve-style': 'haystack',
        'haystack-radius': 0,
        width: 1,
        'line-color': css('--edge'),
      },
    },
    {
      selector: 'edge[kind = "tunnel"]',
      style: {
        // Arc tunnels so they do not run through the nodes of the column they cross.
        'curve-style': 'unbundled-bezier',
        'control-point-distances': [90],
        'control-point-weights': [0.5],
        width: 2.5,
        'line-style': 'dashed',
        'line-dash-pattern': [7, 4],
        'line-color': css('--accent'),
        label: 'data(label)',
        'font-size': 9,
        color: css('--accent'),
        'text-background-color': css('--bg'),
        'text-background-opacity': 1,
        'text-background-padding': '2px',
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'edge[kind = "link"]',
      style: {
        'curve-style': 'straight',
        width: 1.5,
        'line-color': css('--k-gw'),
        label: 'data(label)',
        'font-size': 9,
        color: css('--fg-muted'),
        'min-zoomed-font-size': 7,
      },
    },
    {
      selector: 'edge[kind = "represents"]',
      style: { 'line-style': 'dotted', 'curve-style': 'straight', 'line-color': css('--k-gw') },
    },
    { selector: '.dim', style: { opacity: 0.18 } },
    { selector: 'node.match', style: { 'border-color': css('--accent'), 'border-width': 3 } },
    {
      selector: 'node:selected',
      style: { 'border-color': css('--accent'), 'border-width': 3.5, 'background-color': css('--accent-bg') },
    },
    { selector: 'edge:selected', style: { 'line-color': css('--accent'), width: 3 } },
  ];
}
