#!/usr/bin/env python3
# A stand-in `az` for tests: records its argv (one JSON line per call in FAKE_AZ_LOG) and answers the commands
# Junction's scripts use by the REST calls the real Azure CLI makes, against the local ARM emulator:
#   az account show --query id --output tsv
#   az rest --method get|put|delete --url <ARM path>[?api-version=...] [--body @file] [--query JMESPATH] [--output tsv|json|none]
#   az network vnet subnet update --ids <subnet id> [--network-security-group ID] [--route-table ID]
#                                 [--service-endpoints S...] [--address-prefixes P] [--output none]   (GET, modify, PUT)
# --query uses the jmespath package, the library az itself uses; tsv output follows az's rules for scalars and lists.
import json, os, ssl, sys, urllib.request, urllib.error
import jmespath

API = '2025-05-01'
argv = sys.argv[1:]
with open(os.environ['FAKE_AZ_LOG'], 'a') as log:
    log.write(json.dumps(argv) + '\n')

def opt(name, default=None, many=False):
    vals = []
    i = 0
    while i < len(argv):
        if argv[i] == name:
            j = i + 1
            while j < len(argv) and not argv[j].startswith('--'):
                vals.append(argv[j]); j += 1
                if not many: break
            i = j
        else:
            i += 1
    if many: return vals
    return vals[0] if vals else default

def http(method, url, body=None):
    if not url.startswith('/'): raise SystemExit('fake az: only ARM paths are supported: ' + url)
    if 'api-version=' not in url: url += ('&' if '?' in url else '?') + 'api-version=' + API
    ctx = ssl.create_default_context(cafile=os.environ['FAKE_AZ_CA'])
    req = urllib.request.Request(os.environ['FAKE_AZ_BASE'] + url, method=method.upper(), data=None if body is None else body.encode('utf-8'),
                                 headers={'Authorization': 'Bearer ' + os.environ['FAKE_AZ_TOKEN'], 'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(req, context=ctx) as r:
            text = r.read().decode('utf-8')
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        # az rest: "ERROR: <reason>(<response text>)" on stderr, exit 1
        sys.stderr.write('ERROR: %s(%s)\n' % (e.reason, e.read().decode('utf-8')))
        sys.exit(1)

def emit(value):
    q = opt('--query')
    if q: value = jmespath.search(q, value)
    out = opt('--output', 'json')
    if out == 'none': return
    if out == 'tsv':
        if value is None: return
        if isinstance(value, list): print('\t'.join('' if v is None else (json.dumps(v) if isinstance(v, (dict, list)) else str(v)) for v in value)); return
        if isinstance(value, bool): print('True' if value else 'False'); return
        print(value); return
    print(json.dumps(value, indent=2))

if argv[:2] == ['account', 'show']:
    emit({'id': os.environ['FAKE_AZ_SUB']}); sys.exit(0)

if argv[:1] == ['rest']:
    body = opt('--body')
    if body is not None and body.startswith('@'):
        # Where the body file lives and its mode, so a test can check it was private and is gone afterwards.
        with open(os.environ['FAKE_AZ_LOG'] + '.bodies', 'a') as bl:
            bl.write(json.dumps({'path': body[1:], 'mode': oct(os.stat(body[1:]).st_mode & 0o777), 'dir': oct(os.stat(os.path.dirname(body[1:])).st_mode & 0o777)}) + '\n')
        with open(body[1:], encoding='utf-8') as f: body = f.read()
    status, value = http(opt('--method', 'get'), opt('--url'), body)
    emit(value); sys.exit(0)

if argv[:4] == ['network', 'vnet', 'subnet', 'update']:
    sid = opt('--ids')
    _, sub = http('get', sid)
    p = sub.setdefault('properties', {})
    nsg = opt('--network-security-group')
    if nsg is not None: p['networkSecurityGroup'] = {'id': nsg}
    rt = opt('--route-table')
    if rt is not None: p['routeTable'] = {'id': rt}
    eps = opt('--service-endpoints', many=True)
    if eps: p['serviceEndpoints'] = [{'service': s} for s in eps]
    pre = opt('--address-prefixes', many=True)
    if pre:
        p.pop('addressPrefixes', None); p['addressPrefix'] = pre[0]
    for k in ('provisioningState', 'ipConfigurations'): p.pop(k, None)
    http('put', sid, json.dumps({'properties': p}))
    emit(None); sys.exit(0)

sys.stderr.write('fake az: unsupported command: %s\n' % ' '.join(argv))
sys.exit(2)
