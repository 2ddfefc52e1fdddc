// NSG hygiene (seed 002 and Azure's rules): priorities in range and unique per direction, names unique, and no
// rule that a higher-priority rule makes dead.
import type { FindingDraft, Rule } from '../types';
import { ruleCovers } from '../../nsg/evaluate';

export const priorityRange: Rule = {
  id: 'NSG001',
  name: 'priority-out-of-range',
  severity: 'error',
  seeds: ['002'],
  title: 'Custom NSG rule priorities are between 100 and 4096',
  explanation:
    'Azure rejects the whole NSG when one rule has a priority outside 100–4096, so none of the intended rules apply.',
  sources: [
    {
      title: 'Azure network security groups overview: security rules',
      url: 'https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules',
    },
  ],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.azure.nsgs.forEach((n, i) =>
      n.rules.forEach((r, j) => {
        if (r.priority < 100 || r.priority > 4096)
          out.push({
            message: `rule "${r.name}" of NSG "${n.id}" has priority ${r.priority}`,
            path: ['azure', 'nsgs', i, 'rules', j, 'priority'],
            fix: 'use a priority from 100 (evaluated first) to 4096; 65000 and above are reserved for the default rules',
          });
      }),
    );
    return out;
  },
};

export const duplicatePriority: Rule = {
  id: 'NSG002',
  name: 'duplicate-priority',
  severity: 'error',
  seeds: ['002'],
  title: 'No two rules of one NSG share a priority and direction',
  explanation:
    'Azure refuses an NSG with two rules of the same priority in the same direction; the deployment fails.',
  sources: [
    {
      title: 'Azure network security groups overview: security rules',
      url: 'https://learn.microsoft.com/en-us/azure/virtual-network/network-security-groups-overview#security-rules',
    },
  ],
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.azure.nsgs.forEach((n, i) => {
      const seen = new Map<string, string>();
      n.rules.forEach((r, j) => {
        const key = `${r.direction}:${r.priority}`;
        const prev = seen.get(key);
        if (prev !== undefined)
          out.push({
            message: `rules "${prev}" and "${r.name}" of NSG "${n.id}" both have ${r.direction.toLowerCase()} priority ${r.priority}`,
            path: ['azure', 'nsgs', i, 'rules', j, 'priority'],
            fix: 'give each rule in a direction its own priority',
          });
        else seen.set(key, r.name);
      });
    });
    return out;
  },
};

export const duplicateRuleName: Rule = {
  id: 'NSG004',
  name: 'duplicate-rule-name',
  severity: 'error',
  seeds: ['002'],
  title: 'Rule names are unique within an NSG',
  explanation:
    'Rule names are ARM child resource names; a duplicate makes one rule silently replace the other on deployment.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.azure.nsgs.forEach((n, i) => {
      const seen = new Set<string>();
      n.rules.forEach((r, j) => {
        const key = r.name.toLowerCase();
        if (seen.has(key))
          out.push({
            message: `NSG "${n.id}" has more than one rule named "${r.name}"`,
            path: ['azure', 'nsgs', i, 'rules', j, 'name'],
            fix: 'rename one of the rules (names compare case-insensitively)',
          });
        seen.add(key);
      });
    });
    return out;
  },
};

export const shadowedRule: Rule = {
  id: 'NSG003',
  name: 'shadowed-rule',
  severity: 'warning',
  seeds: ['002'],
  title: 'No rule is made unreachable by a higher-priority rule',
  explanation:
    'NSG rules are evaluated by priority and the first match wins. A rule fully covered by an earlier one never applies: an allow placed after a broader deny (for example an AzureResourceManager allow after "deny Internet") silently does nothing.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.azure.nsgs.forEach((n, i) => {
      const ordered = n.rules.map((r, j) => ({ r, j })).sort((a, b) => a.r.priority - b.r.priority);
      ordered.forEach(({ r, j }, k) => {
        const by = ordered
          .slice(0, k)
          .find(({ r: earlier }) => earlier.priority < r.priority && ruleCovers(earlier, r));
        if (!by) return;
        const conflict = by.r.access !== r.access;
        out.push({
          message: conflict
            ? `rule "${r.name}" (${r.access}, priority ${r.priority}) never applies: "${by.r.name}" (${by.r.access}, priority ${by.r.priority}) matches all its traffic first`
            : `rule "${r.name}" (priority ${r.priority}) is redundant: "${by.r.name}" (priority ${by.r.priority}) already ${r.access.toLowerCase()}s all its traffic`,
          path: ['azure', 'nsgs', i, 'rules', j],
          fix: conflict
            ? `give "${r.name}" a priority below ${by.r.priority}, or narrow "${by.r.name}"`
            : `remove "${r.name}", or narrow "${by.r.name}"`,
          severity: conflict ? 'error' : 'warning',
        });
      });
    });
    return out;
  },
};

export const NSG_RULES: readonly Rule[] = [priorityRange, duplicatePriority, shadowedRule, duplicateRuleName];
