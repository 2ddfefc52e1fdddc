// Gateway routes (seed 001): interface metrics, default-route metrics and persistent static routes, so the
// intended default route wins (front end 200 beats management 300), plus a check of the effective default route.
import type { Lookup } from '../../model/lookup';
import type { Host, HostInterface } from '../../model/schema';
import { contains } from '../../net/cidr';
import { hostTarget } from '../common';
import { psq, renderPs, say } from '../ps';
import type { StepDraft } from '../types';

interface RouteSpec {
  prefix: string;
  nextHop: string;
  alias: string;
  metric?: number;
  persistent: boolean;
}

function routesOf(l: Lookup, h: Host): RouteSpec[] {
  const out: RouteSpec[] = [];
  for (const i of h.interfaces)
    if (i.defaultGateway && i.routeMetric !== undefined)
      out.push({
        prefix: i.defaultGateway.includes(':') ? '::/0' : '0.0.0.0/0',
        nextHop: i.defaultGateway,
        alias: i.name,
        metric: i.routeMetric,
        persistent: true,
      });
  for (const r of h.staticRoutes) {
    const alias =
      r.interface ??
      h.interfaces.find((i) => {
        const s = l.subnets.get(i.subnet);
        return s ? contains(s.subnet.prefix, r.nextHop) : false;
      })?.name;
    if (alias)
      out.push({
        prefix: r.destination,
        nextHop: r.nextHop,
        alias,
        metric: r.metric,
        persistent: r.persistent,
      });
  }
  return out;
}

/**
 * The body of set-routes-and-metrics.ps1: the workspace's interfaces, metrics and routes as tables at the top, then
 * one loop per table. An admin reads (and a reviewer diffs) what will be set in a few lines, and the script grows by
 * one line per route instead of a block — at 10,000 hosts that was most of the generator's output and garbage.
 */
function setRoutesBody(h: Host, metrics: readonly HostInterface[], routes: readonly RouteSpec[]): string[] {
  const body: string[] = [
    '# What the workspace says. Persistent = $false: the route goes to the active store only and is gone after a restart.',
    `$interfaces = @(${h.interfaces.map((i) => psq(i.name)).join(', ')})`,
  ];
  if (metrics.length) {
    body.push('$metrics = @(');
    for (const i of metrics) body.push(`    @{ Alias = ${psq(i.name)}; Metric = ${i.interfaceMetric!} }`);
    body.push(')');
  }
  if (routes.length) {
    body.push('$routes = @(');
    for (const r of routes)
      body.push(
        `    @{ Prefix = ${psq(r.prefix)}; Alias = ${psq(r.alias)}; NextHop = ${psq(r.nextHop)}; Metric = ${r.metric ?? 256}; Persistent = $${r.persistent} }`,
      );
    body.push(')');
  }
  body.push(...INTERFACES_PRESENT);
  if (metrics.length) body.push(...SET_METRICS);
  if (routes.length) body.push(...SET_ROUTES);
  return body;
}

const INTERFACES_PRESENT = [
  '',
  'foreach ($alias in $interfaces) {',
  '    if (-not (Get-NetIPInterface -InterfaceAlias $alias -AddressFamily IPv4 -ErrorAction SilentlyContinue)) {',
  '        $script:ExitCode = 2',
  `        throw ('prerequisite missing: an interface named "' + $alias + '" (Rename-NetAdapter it first)')`,
  '    }',
  '}',
];

const SET_METRICS = [
  '',
  'foreach ($m in $metrics) {',
  '    $if = Get-NetIPInterface -InterfaceAlias $m.Alias -AddressFamily IPv4',
  "    if ($if.InterfaceMetric -eq $m.Metric -and $if.AutomaticMetric -eq 'Disabled') {",
  "        Write-Host ($m.Alias + ': interface metric already ' + $m.Metric)",
  '    } else {',
  "        if ($PSCmdlet.ShouldProcess($m.Alias, 'Set-NetIPInterface -InterfaceMetric ' + $m.Metric)) {",
  '            Set-NetIPInterface -InterfaceAlias $m.Alias -AddressFamily IPv4 -AutomaticMetric Disabled -InterfaceMetric $m.Metric',
  '        }',
  '    }',
  '}',
];

const SET_ROUTES = [
  '',
  'foreach ($r in $routes) {',
  '    $key = @{ DestinationPrefix = $r.Prefix; InterfaceAlias = $r.Alias; NextHop = $r.NextHop }',
  "    $label = $r.Prefix + ' via ' + $r.NextHop + ' on ' + $r.Alias",
  '    $route = Get-NetRoute @key -ErrorAction SilentlyContinue | Select-Object -First 1',
  '    if (-not $route) {',
  "        if ($PSCmdlet.ShouldProcess($label, 'New-NetRoute -RouteMetric ' + $r.Metric)) {",
  '            if ($r.Persistent) {',
  '                $null = New-NetRoute @key -RouteMetric $r.Metric',
  '            } else {',
  '                $null = New-NetRoute @key -RouteMetric $r.Metric -PolicyStore ActiveStore',
  '            }',
  '        }',
  '    } elseif ($route.RouteMetric -ne $r.Metric) {',
  "        if ($PSCmdlet.ShouldProcess($label, 'Set-NetRoute -RouteMetric ' + $r.Metric)) {",
  '            Set-NetRoute @key -RouteMetric $r.Metric',
  '        }',
  '    } else {',
  "        Write-Host ($label + ': already metric ' + $r.Metric)",
  '    }',
  '}',
];

export function routeSteps(l: Lookup): StepDraft[] {
  return l.ws.hosts.flatMap((h) => {
    if (h.roles.includes('compute-node-group')) return [];
    const routes = routesOf(l, h);
    const metrics = h.interfaces.filter((i) => i.interfaceMetric !== undefined);
    if (routes.length === 0 && metrics.length === 0) return [];
    const target = hostTarget(h);
    const runAs = 'a local Administrator (elevated PowerShell)';
    const defaults = h.interfaces.filter((i) => i.defaultGateway && !i.defaultGateway.includes(':'));
    // The winner Windows will pick among equal prefixes: lowest route metric + interface metric.
    const ranked = defaults
      .map((i) => ({
        alias: i.name,
        total: (i.routeMetric ?? 256) + (i.interfaceMetric ?? 0),
        automatic: i.interfaceMetric === undefined,
      }))
      .sort((a, b) => a.total - b.total || a.alias.localeCompare(b.alias));
    const expected = ranked[0];
    const apply: StepDraft = {
      scenario: 'gateway-routes',
      target,
      title: `Set interface metrics, default-route metrics and static routes on ${h.name}`,
      runAs,
      prerequisites: [
        'Interfaces renamed to the names in the workspace (' +
          h.interfaces.map((i) => i.name).join(', ') +
          ')',
      ],
      notes: [
        'Routes are persistent (no -PolicyStore: New-NetRoute -PolicyStore PersistentStore is not allowed); non-persistent ones go to ActiveStore only.',
      ],
      files: [
        {
          name: 'set-routes-and-metrics.ps1',
          kind: 'powershell',
          content: (ctx) =>
            renderPs({
              synopsis: `Makes ${h.name}'s routing table match the workspace: interface metrics, route metrics, static routes.`,
              description: [
                'Seed 001: a gateway VM with default gateways on two networks needs metrics (front end 200, management 300) and static routes.',
                'Each route is looked up first (Get-NetRoute) and only created or re-metered when it differs.',
              ],
              runsOn: target.label,
              runAs,
              prerequisites: ['Windows Server 2012 or later (NetTCPIP module)'],
              runbookStep: ctx.reference,
              workspace: l.ws.name,
              params: [],
              requiresAdmin: true,
              logName: 'gateway-routes-set',
              body: setRoutesBody(h, metrics, routes),
            }),
        },
      ],
      commands: (ctx) => [
        `.\\${ctx.names['set-routes-and-metrics.ps1']} -WhatIf`,
        `.\\${ctx.names['set-routes-and-metrics.ps1']}`,
      ],
    };
    const check: StepDraft = {
      scenario: 'gateway-routes',
      target,
      title: `Check the effective default route on ${h.name}${expected ? ` (expected: ${expected.alias})` : ''}`,
      runAs: 'any user',
      prerequisites: [],
      notes: expected?.automatic
        ? [
            'The expected winner relies on an automatic interface metric; set interfaceMetric to make it certain.',
          ]
        : [],
      files: [
        {
          name: 'check-default-route.ps1',
          kind: 'powershell',
          content: (ctx) =>
            renderPs({
              synopsis: `Prints ${h.name}'s IPv4 default routes, best first, and checks the winner${expected ? ` is ${expected.alias}` : ''}.`,
              description: [
                'Windows picks among 0.0.0.0/0 routes the lowest route metric + interface metric (seed 001: route print must show the front end).',
              ],
              runsOn: target.label,
              runAs: 'any user',
              prerequisites: [],
              runbookStep: ctx.reference,
              workspace: l.ws.name,
              params: [],
              requiresAdmin: false,
              logName: 'gateway-routes-check',
              body: [
                "$routes = @(Get-NetRoute -DestinationPrefix '0.0.0.0/0' -AddressFamily IPv4 -ErrorAction SilentlyContinue | Sort-Object -Property { $_.RouteMetric + $_.InterfaceMetric })",
                "$routes | Format-Table -AutoSize -Property 'InterfaceAlias', 'NextHop', 'RouteMetric', 'InterfaceMetric' | Out-String | Write-Host",
                "if ($routes.Count -eq 0) { Write-Warning -Message 'no IPv4 default route'; $script:ExitCode = 3 }",
                ...(expected
                  ? [
                      `elseif ($routes[0].InterfaceAlias -ne ${psq(expected.alias)}) { Write-Warning -Message ("default route goes through " + $routes[0].InterfaceAlias + ${psq(`, expected ${expected.alias}`)}); $script:ExitCode = 3 }`,
                      `else { ${say(`OK: the default route goes through ${expected.alias}`)} }`,
                    ]
                  : []),
              ],
            }),
        },
      ],
      commands: (ctx) => [`.\\${ctx.names['check-default-route.ps1']}`],
    };
    return [apply, check];
  });
}
