// License Link (seed 000): a junction box relays Azure nodes to the on-premises license server over L2TP inside
// an encrypted IPv6 tunnel. The seed's own warnings become rules: keep the box out of the domain, use a local
// non-administrator relay account with dial-in permission, and make node setup a startup script because
// Azure re-services nodes and the manual VPN set-up decays over days.
import type { FindingDraft, Rule } from '../types';
import { ipVersion, isValidAddress } from '../../net/cidr';

export const junctionBoxDomainJoined: Rule = {
  id: 'LL001',
  name: 'junction-box-domain-joined',
  severity: 'warning',
  seeds: ['000'],
  title: 'The junction box is not joined to the domain',
  explanation:
    'The junction box faces the Azure nodes. Seed 000 strongly recommends keeping it out of the domain, so a compromised relay does not hand out enterprise network access.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.licenseLinks.forEach((ll) => {
      const jb = l.hosts.get(ll.junctionBox);
      if (jb?.value.domain.joined)
        out.push({
          message: `junction box "${jb.value.id}" is joined to ${jb.value.domain.name ?? 'the domain'}`,
          path: [...jb.path, 'domain', 'joined'],
          fix: 'use a standalone (workgroup) machine or VM for the junction box, with local accounts only',
        });
    });
    return out;
  },
};

export const relayAccount: Rule = {
  id: 'LL002',
  name: 'relay-account-privileges',
  severity: 'error',
  seeds: ['000'],
  title: 'The relay account is a local non-administrator with dial-in permission',
  explanation:
    'Every Azure node stores the relay credentials. An administrator account there gives any node admin on the junction box; without dial-in permission every node fails to connect with error 649.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.licenseLinks.forEach((ll, i) => {
      if (ll.relayAccount.administrator)
        out.push({
          message: `relay account "${ll.relayAccount.name}" of License Link "${ll.id}" is an administrator`,
          path: ['licenseLinks', i, 'relayAccount', 'administrator'],
          fix: 'set "administrator": false: the account needs only dial-in permission (seed 000: "non-administrator user account")',
        });
      if (!ll.relayAccount.dialInPermitted)
        out.push({
          message: `relay account "${ll.relayAccount.name}" of License Link "${ll.id}" has no dial-in permission`,
          path: ['licenseLinks', i, 'relayAccount', 'dialInPermitted'],
          fix: 'set "dialInPermitted": true (the generated script runs netsh ras set user ... dialin=PERMIT)',
        });
    });
    return out;
  },
};

export const nodeSetupDelivery: Rule = {
  id: 'LL003',
  name: 'node-vpn-not-startup-script',
  severity: 'error',
  seeds: ['000'],
  title: 'Node VPN setup is delivered as a node-template startup script that reconnects at boot',
  explanation:
    'Seed 000: "over the course of several days of a large deployment you\'ll see nodes gradually losing connectivity with the license server because they\'ve been serviced". Manual setup does not survive re-servicing, a stop/start, or a reboot.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.licenseLinks.forEach((ll, i) => {
      if (ll.nodeSetup.delivery !== 'startup-script')
        out.push({
          message: `License Link "${ll.id}" sets up the node VPN by hand: nodes re-serviced by Azure lose the license server`,
          path: ['licenseLinks', i, 'nodeSetup', 'delivery'],
          fix: 'set "delivery": "startup-script"; junction generate writes the startup script for the node template',
        });
      else if (!ll.nodeSetup.reconnectAtBoot)
        out.push({
          message: `License Link "${ll.id}" does not redial at boot: a rebooted node stays disconnected`,
          path: ['licenseLinks', i, 'nodeSetup', 'reconnectAtBoot'],
          fix: 'set "reconnectAtBoot": true (a scheduled task at startup runs rasdial)',
          severity: 'warning',
        });
      const group = l.hosts.get(ll.nodeGroup)?.value;
      if (group && ll.nodeSetup.delivery === 'startup-script' && !group.nodeTemplate)
        out.push({
          message: `node group "${group.id}" has no nodeTemplate, so the startup script has nowhere to go`,
          path: [...l.hosts.get(ll.nodeGroup)!.path, 'nodeTemplate'],
          fix: 'set nodeTemplate to the HPC node template the Azure nodes are deployed from',
        });
    });
    return out;
  },
};

export const ipv6Prefix: Rule = {
  id: 'LL004',
  name: 'ipv6-client-prefix',
  severity: 'error',
  seeds: ['000'],
  title: 'The RRAS IPv6 client prefix is a 48-bit prefix written with a trailing "::"',
  explanation:
    'RRAS prepends this prefix to the IPv4 traffic crossing the IPv6 tunnel; seed 000 asks for "3 octets and ending in 2 colons", e.g. 2011:1234:5678::. Anything else is refused by the RRAS dialog or netsh.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.licenseLinks.forEach((ll, i) => {
      const p = ll.ipv6Prefix;
      const groups = p.replace(/::$/, '').split(':');
      const ok =
        p.endsWith('::') &&
        isValidAddress(p) &&
        ipVersion(p) === 6 &&
        groups.length === 3 &&
        groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g));
      if (!ok)
        out.push({
          message: `IPv6 prefix "${p}" of License Link "${ll.id}" is not three groups followed by "::"`,
          path: ['licenseLinks', i, 'ipv6Prefix'],
          fix: 'write it like 2011:1234:5678:: (three hexadecimal groups, then "::")',
        });
    });
    return out;
  },
};

export const licensePathThroughJunction: Rule = {
  id: 'LL005',
  name: 'junction-box-off-license-network',
  severity: 'error',
  seeds: ['000'],
  title: "The junction box has an interface in the license server's site",
  explanation:
    'The junction box relays IPv4 between the tunnel and the license server; seed 000 has you pick "the network interface that the junction box will use to access the license server". Without one, nodes connect but licenses never check out.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    l.ws.licenseLinks.forEach((ll, i) => {
      const jb = l.hosts.get(ll.junctionBox)?.value;
      const ls = l.hosts.get(ll.licenseServer)?.value;
      if (!jb || !ls) return;
      const lsSites = new Set(ls.interfaces.map((n) => l.subnets.get(n.subnet)?.site).filter(Boolean));
      const jbSites = jb.interfaces.map((n) => l.subnets.get(n.subnet)?.site);
      if (lsSites.size > 0 && !jbSites.some((s) => s && lsSites.has(s)))
        out.push({
          message: `junction box "${jb.id}" has no interface in the license server's site (${[...lsSites].join(', ')})`,
          path: ['licenseLinks', i, 'junctionBox'],
          fix: `give "${jb.id}" an interface on a subnet of the license server's site`,
        });
    });
    return out;
  },
};

export const LICENSE_LINK_RULES: readonly Rule[] = [
  junctionBoxDomainJoined,
  relayAccount,
  nodeSetupDelivery,
  ipv6Prefix,
  licensePathThroughJunction,
];
