// Differential test: `ecslint simulate --format json` against @cloud-copilot/iam-simulate on random
// policies. Usage (not run in CI):
//   cd scripts/diff-iam-simulate && npm install @cloud-copilot/iam-simulate && \
//   cargo build && node diff.js [CASES] [SEED] [path/to/ecslint]
// Prints each disagreement (policy, request, both decisions) and a summary.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const CASES = Number(process.argv[2] || 2000);
let seed = Number(process.argv[3] || 1);
const BIN = process.argv[4] || path.join(__dirname, '../../target/debug/ecslint');
const ACCOUNT = '123456789012';

function rnd() { // mulberry32
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;

const REQUESTS = [
  ['ecr:GetAuthorizationToken', '*'],
  ['ecr:BatchGetImage', `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/app/web`],
  ['ecr:GetDownloadUrlForLayer', `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/app/web`],
  ['logs:CreateLogStream', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:log-stream:ecs/web/abc`],
  ['logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app:log-stream:ecs/web/abc`],
  ['ssm:GetParameters', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db/password`],
  ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`],
  ['kms:Decrypt', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
  ['s3:GetObject', 'arn:aws:s3:::my-bucket/path/file.env'],
  ['s3:GetBucketLocation', 'arn:aws:s3:::my-bucket'],
  ['s3:ListAllMyBuckets', '*'],
  ['sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/app-role`],
];
const OTHER_ACTIONS = ['iam:PassRole', 'ecr:PutImage', 'ssm:GetParameter', 'logs:CreateLogGroup', 's3:PutObject', 'kms:Encrypt', 'sts:TagSession'];

function mutateCase(s) {
  return s.split('').map((c) => (chance(0.3) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

function actionPattern(action) {
  const [svc, name] = action.split(':');
  switch (Math.floor(rnd() * 11)) {
    case 0: return '*';
    case 1: return `${svc}:*`;
    case 2: return mutateCase(action);
    case 3: return `${svc}:${name.slice(0, 1 + Math.floor(rnd() * name.length))}*`;
    case 4: { const i = Math.floor(rnd() * name.length); return `${svc}:${name.slice(0, i)}?${name.slice(i + 1)}`; }
    case 5: return pick(OTHER_ACTIONS);
    case 6: return `${svc}:*${name.slice(Math.floor(rnd() * name.length))}`;
    case 7: return `${svc}:${name}x`;
    case 8: { const i = Math.floor(rnd() * name.length); return `${svc}:${name.slice(0, i)}*${name.slice(i + 1 + Math.floor(rnd() * 3))}`; }
    default: return action;
  }
}

const OTHER_RESOURCES = [
  `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/other`,
  `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/other/*`,
  `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db`,
  `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/app`,
  `arn:aws:s3:::other-bucket/*`,
  `arn:aws:ecr:*:*:*`,
  'arn:aws:s3:::*',
  `arn:aws:kms:us-west-2:${ACCOUNT}:key/*`,
];

function resourcePattern(resource) {
  if (resource === '*' || chance(0.12)) return chance(0.5) ? '*' : pick(OTHER_RESOURCES);
  const segs = resource.split(':');
  const head = segs.slice(0, 5);
  const rest = segs.slice(5).join(':');
  switch (Math.floor(rnd() * 10)) {
    case 0: // wildcard region/account
      return [head[0], head[1], head[2], chance(0.5) ? '*' : head[3], chance(0.5) ? '*' : head[4], rest].join(':');
    case 1: { // truncate the resource part after its type and add *
      const cut = rest.indexOf('/') >= 0 || rest.indexOf(':') >= 0
        ? Math.max(rest.search(/[/:]/) + 1, Math.floor(rnd() * rest.length)) : rest.length;
      return head.join(':') + ':' + rest.slice(0, cut) + '*';
    }
    case 2: { // ? for one char of the resource part
      const i = Math.floor(rnd() * rest.length);
      if (i < rest.search(/[/:]/) + 1) return resource;
      return head.join(':') + ':' + rest.slice(0, i) + '?' + rest.slice(i + 1);
    }
    case 3: { // * in the middle of the resource part (after the type)
      const t = rest.search(/[/:]/) + 1;
      if (t <= 0) return resource;
      const i = t + Math.floor(rnd() * (rest.length - t));
      const j = i + Math.floor(rnd() * (rest.length - i + 1));
      return head.join(':') + ':' + rest.slice(0, i) + '*' + rest.slice(j);
    }
    case 4: return head.join(':') + ':' + rest + 'x';
    case 5: return [head[0], chance(0.5) ? '*' : 'aws-cn', head[2], head[3], head[4], rest].join(':');
    case 6: return head.join(':') + ':' + rest.replace(/[a-z]$/, (c) => c.toUpperCase());
    case 7: { // variable in the resource part
      const t = rest.search(/[/:]/) + 1;
      if (t <= 0) return resource;
      return head.join(':') + ':' + rest.slice(0, t) + '${aws:PrincipalTag/team}' + (chance(0.5) ? '*' : '');
    }
    default: return resource;
  }
}

const KEYS = {
  'aws:PrincipalTag/team': { type: 'string', values: ['a', 'b', 'A', 'app', 'x*'] },
  'aws:SourceVpc': { type: 'string', values: ['vpc-1', 'vpc-2'] },
  'aws:SourceIp': { type: 'ip', values: ['10.0.0.1', '192.168.1.5', '2001:db8::1'] },
  'aws:MultiFactorAuthAge': { type: 'numeric', values: ['100', '3600', '7200'] },
  'aws:MultiFactorAuthPresent': { type: 'bool', values: ['true', 'false'] },
  'aws:TokenIssueTime': { type: 'date', values: ['2024-06-01T00:00:00Z', '2023-01-01T12:30:00Z'] },
  'aws:PrincipalArn': { type: 'arn', values: [`arn:aws:iam::${ACCOUNT}:role/app-role`, `arn:aws:iam::${ACCOUNT}:role/other`] },
  'aws:CalledVia': { type: 'multi', values: ['athena.amazonaws.com', 'dynamodb.amazonaws.com', 'cloudformation.amazonaws.com'] },
};
const OPS = {
  string: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
  ip: ['IpAddress', 'NotIpAddress'],
  numeric: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
  bool: ['Bool'],
  date: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
  arn: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'StringLike'],
  multi: ['ForAnyValue:StringEquals', 'ForAllValues:StringEquals', 'ForAnyValue:StringLike', 'ForAllValues:StringNotEquals', 'ForAnyValue:StringNotLike'],
};
function policyValue(type, known) {
  switch (type) {
    case 'string': return pick([...known, 'a*', '?pp', '${aws:PrincipalTag/team}', 'vpc-*']);
    // Not `0.0.0.0/0` (iam-simulate's mask `-1 << 32` is all ones) nor a bare IPv4 address
    // under NotIpAddress with an IPv6 request (iam-simulate answers "no match").
    case 'ip': return pick(['10.0.0.0/8', '192.168.1.5/32', '192.168.0.0/24', '2001:db8::/32', '0.0.0.0/1', '128.0.0.0/1']);
    case 'numeric': return pick(['100', '3600', '500', '7200']);
    case 'bool': return pick(['true', 'false']);
    // No epoch numbers: iam-simulate compares epoch seconds with milliseconds.
    case 'date': return pick(['2024-06-01T00:00:00Z', '2024-01-01', '2023-06-01T00:00:00+02:00', '2023-01-01T12:30:00.000Z']);
    case 'arn': return pick([...known, `arn:aws:iam::${ACCOUNT}:role/*`, `arn:aws:iam::*:role/app-*`, 'arn:aws:iam::*:*']);
    case 'multi': return pick([...known, '*.amazonaws.com', 'athena*']);
  }
  return 'x';
}

const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};

// Disagreements that IAM.md documents as intentional (AWS's documented behaviour wins).
function knownDifference(policies, boundary, ctx) {
  const all = [...policies, ...(boundary ? [boundary] : [])];
  for (const p of all) for (const st of p.Statement) {
    // R59: in a negated operator an unresolved variable makes the value "not matched" (true);
    // iam-simulate fails the whole condition.
    if (!('aws:PrincipalTag/team' in ctx) && st.Condition) {
      for (const [op, keys] of Object.entries(st.Condition)) {
        if (/Not/.test(op) && JSON.stringify(keys).includes('${aws:PrincipalTag/team}')) return 'R59 negated operator with unresolved variable';
      }
    }
    for (const r of [].concat(st.Resource || st.NotResource || [])) {
      // R22: a `*` that does not end a segment does not cross `:` (iam-simulate lets it).
      const segs = r.split(':');
      // R59: a NotResource entry whose variable has no value excludes nothing.
      if (st.NotResource && r.includes('${aws:PrincipalTag/team}') && !('aws:PrincipalTag/team' in ctx)) return 'R59 NotResource variable without value';
      if (segs.some((seg, i) => seg.slice(0, -1).includes('*') && i >= 0 && segs.length > 1 && r !== '*')) return 'R22 non-final * crossing :';
    }
  }
  return null;
}

function condition(context) {
  const cond = {};
  const n = 1 + Math.floor(rnd() * 2);
  for (let i = 0; i < n; i++) {
    const key = pick(Object.keys(KEYS));
    const spec = KEYS[key];
    let op = pick(OPS[spec.type]);
    if (chance(0.1)) op = 'Null';
    else if (spec.type !== 'multi' && chance(0.2)) op += 'IfExists';
    const values = [];
    const nv = 1 + Math.floor(rnd() * 2);
    for (let j = 0; j < nv; j++) values.push(op === 'Null' ? pick(['true', 'false']) : policyValue(spec.type, spec.values));
    cond[op] = cond[op] || {};
    cond[op][key] = values.length === 1 ? values[0] : values;
  }
  return cond;
}

function statement(request) {
  const [action, resource] = request;
  const st = { Effect: chance(0.3) ? 'Deny' : 'Allow' };
  if (chance(0.3)) st.Sid = 'S' + Math.floor(rnd() * 100);
  const acts = [];
  for (let i = 0, n = 1 + Math.floor(rnd() * 2); i < n; i++) acts.push(actionPattern(action));
  st[chance(0.15) ? 'NotAction' : 'Action'] = acts.length === 1 ? acts[0] : acts;
  const res = [];
  for (let i = 0, n = 1 + Math.floor(rnd() * 2); i < n; i++) res.push(resourcePattern(resource));
  st[chance(0.15) ? 'NotResource' : 'Resource'] = res.length === 1 ? res[0] : res;
  if (chance(0.4)) st.Condition = condition();
  return st;
}

function policy(request) {
  const statements = [];
  for (let i = 0, n = 1 + Math.floor(rnd() * 3); i < n; i++) statements.push(statement(request));
  return { Version: '2012-10-17', Statement: statements };
}

function context() {
  const ctx = {};
  for (const [key, spec] of Object.entries(KEYS)) {
    if (!chance(0.6)) continue;
    if (spec.type === 'multi') {
      const vs = spec.values.filter(() => chance(0.6));
      if (vs.length >= 2) ctx[key] = vs;
    } else ctx[key] = pick(spec.values);
  }
  return ctx;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-iam-'));
  let agree = 0, disagree = 0, errors = 0, known = 0;
  const byKind = {};
  for (let c = 0; c < CASES; c++) {
    const request = pick(REQUESTS);
    const policies = [policy(request)];
    if (chance(0.3)) policies.push(policy(request));
    const boundary = chance(0.2) ? policy(request) : undefined;
    const ctx = context();
    const files = policies.map((p, i) => { const f = path.join(dir, `p${i}.json`); fs.writeFileSync(f, JSON.stringify(p, null, 1)); return f; });
    const args = ['simulate', '--format', 'json', '--action', request[0], '--resource', request[1]];
    for (const f of files) args.push('--policy', f);
    if (boundary) { const f = path.join(dir, 'b.json'); fs.writeFileSync(f, JSON.stringify(boundary, null, 1)); args.push('--boundary', f); }
    for (const [k, v] of Object.entries(ctx)) for (const x of [].concat(v)) args.push('--context', `${k}=${x}`);
    const out = spawnSync(BIN, args, { encoding: 'utf8' });
    let ours;
    try { ours = JSON.parse(out.stdout).decision; } catch { ours = `error(${out.status}): ${out.stderr}`; }
    let theirs;
    try {
      const r = await runSimulation({
        request: { principal: `arn:aws:iam::${ACCOUNT}:role/app-role`, action: request[0], resource: { resource: request[1], accountId: ACCOUNT }, contextVariables: ctx },
        identityPolicies: policies.map((p, i) => ({ name: `p${i}`, policy: p })),
        permissionBoundaryPolicies: boundary ? [{ name: 'b', policy: boundary }] : undefined,
        serviceControlPolicies: [], resourceControlPolicies: [],
        // ecslint simulate judges identity policies alone; give KMS the default key policy that
        // enables IAM policies (R40), so that both answer the same question.
        resourcePolicy: request[0].startsWith('kms:') ? KEY_POLICY : undefined,
      }, {});
      theirs = r.resultType === 'error' ? 'error' : r.result.analysis.result;
    } catch (e) { theirs = 'error'; }
    if (theirs === 'error') { errors++; continue; }
    const norm = { Allowed: 'allowed', ExplicitlyDenied: 'explicitly-denied', ImplicitlyDenied: 'implicitly-denied' }[theirs];
    if (norm === ours) agree++;
    else if (knownDifference(policies, boundary, ctx)) { known++; const k = knownDifference(policies, boundary, ctx); byKind[k] = (byKind[k] || 0) + 1; }
    else {
      disagree++;
      const k = `${ours} vs ${norm}`; byKind[k] = (byKind[k] || 0) + 1;
      if (disagree <= Number(process.env.SHOW || 10)) {
        console.log(`--- case ${c}: ecslint ${ours}, iam-simulate ${norm}`);
        console.log(JSON.stringify({ request, ctx, policies, boundary }));
      }
    }
  }
  console.log(`cases ${CASES}: agree ${agree}, known intentional differences ${known}, disagree ${disagree}, iam-simulate errors ${errors}`);
  console.log(byKind);
}
main();
