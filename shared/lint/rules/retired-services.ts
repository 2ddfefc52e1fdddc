// Seeds 000 and 003 build on Azure services that no longer exist: HPC Pack's "Windows Azure nodes" were Cloud Services
// (classic) worker roles, Azure Connect was a Cloud Services feature, and the management certificate authenticated
// Azure Service Management (ASM). Cloud Services (classic) was retired on 31 August 2024 and ASM with it. Junction still
// generates what the seeds describe (an estate that is being migrated needs its runbook), but says so, with the path
// that works today (docs/migration.md).
import type { FindingDraft, Rule } from '../types';
import type { Host } from '../../model/schema';

const RETIRED = '31 August 2024';
const SOURCES = [
  {
    title: 'Azure Service Management cmdlet reference: "Cloud Services (classic) ... will be retired on August 31st, 2024 for all customers"',
    url: 'https://learn.microsoft.com/powershell/module/servicemanagement/azure/get-azureserviceextension',
  },
  {
    title: 'Troubleshooting Cloud Service (classic): Cloud Services (classic) retired on August 31st, 2024',
    url: 'https://learn.microsoft.com/troubleshoot/azure/cloud-services/classic/deploy/troubleshoot-mismatched-config',
  },
  {
    title: 'HPC Pack troubleshooting: Azure deployment settings for bursting to Azure IaaS nodes with a service principal or managed identity',
    url: 'https://learn.microsoft.com/troubleshoot/azure/hpc/pack/error-no-virtual-network-found',
  },
];

/** HPC Pack releases whose Azure nodes are Cloud Services worker roles (IaaS VM nodes arrived with 2016). */
const WORKER_ROLE_RELEASES = new Set(['2008R2-SP1', '2008R2-SP2', '2008R2-SP3', '2008R2-SP4', '2012', '2012-SP1', '2012-R2']);

const TODAY =
  'HPC Pack 2016/2019 Azure IaaS VM nodes in a virtual network, reaching the license server over the site-to-site VPN (see docs/migration.md and examples/modern-hybrid.junction.json)';

export const retiredAzureServices: Rule = {
  id: 'RET001',
  name: 'retired-azure-service',
  severity: 'warning',
  seeds: ['000', '003'],
  title: 'The workspace does not rely on Azure services retired on 31 August 2024',
  explanation:
    'Cloud Services (classic) was retired on 31 August 2024, and with it the worker roles HPC Pack 2008 R2-2012 R2 deploys as "Azure nodes", Azure Connect (a Cloud Services feature) and the subscription management certificates of Azure Service Management. Junction still generates the seed-era runbook, but nothing in it can be deployed in Azure today. Each finding names the retired service and the path that works now.',
  sources: SOURCES,
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    const hosts = [...l.hosts.values()];
    const azureSite = (h: Host) => l.sites.get(h.site)?.value.kind === 'azure';
    const oldHeads = hosts.filter(
      (e) => e.value.roles.includes('head-node') && WORKER_ROLE_RELEASES.has(e.value.hpcPackVersion ?? ''),
    );
    for (const e of hosts) {
      const h = e.value;
      if (!h.roles.includes('compute-node-group') || !azureSite(h)) continue;
      const workerRole = /worker role/i.test(h.os ?? '') || oldHeads.length > 0;
      if (!workerRole) continue;
      const why = /worker role/i.test(h.os ?? '')
        ? `its os is "${h.os}"`
        : `head node ${oldHeads[0]!.value.id} runs HPC Pack ${oldHeads[0]!.value.hpcPackVersion}, whose Azure nodes are worker roles`;
      out.push({
        message: `Azure node group "${h.id}" is a Cloud Services (classic) worker role deployment (${why}); Cloud Services (classic) was retired on ${RETIRED}`,
        path: [...e.path, 'os'],
        fix: `move to ${TODAY}: head node on HPC Pack 2016 Update 1 or later, "os" of the node group a Windows Server image (e.g. "Windows Server 2019")`,
      });
    }
    l.ws.licenseLinks.forEach((ll, i) => {
      if (ll.ipv6Transport === 'azure-connect')
        out.push({
          message: `License Link "${ll.id}" carries its tunnel over Azure Connect, a Cloud Services (classic) feature retired with it on ${RETIRED}`,
          path: ['licenseLinks', i, 'ipv6Transport'],
          fix: `drop the junction box: ${TODAY}, with an NSG rule allowing the node subnet to the license ports`,
        });
    });
    l.ws.certificates.forEach((c, i) => {
      c.placements.forEach((p, j) => {
        if (p.store === 'AzureSubscription')
          out.push({
            message: `certificate "${c.id}" is uploaded as a subscription management certificate; management certificates authenticated Azure Service Management, retired with Cloud Services (classic) on ${RETIRED}`,
            path: ['certificates', i, 'placements', j, 'store'],
            fix: 'give HPC Pack 2016/2019 an Azure service principal (Microsoft Entra application) or the head node a managed identity, with the Contributor role, in Cluster Manager > Azure Deployment Settings, instead of a management certificate',
          });
      });
    });
    return out;
  },
};

export const RETIRED_SERVICE_RULES: readonly Rule[] = [retiredAzureServices];
