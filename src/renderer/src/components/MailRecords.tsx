// A mail run's records as parsed (the run's `details`): the SPF lookup tree with per-term counts,
// DMARC tags, DKIM keys per selector, MX hosts (against the expected ones), MTA-STS, TLS-RPT,
// DNSBL answers. Sections this view does not know (TLS per port, DNSSEC, DANE… as the audit grows)
// are rendered generically: objects as fields, lists of objects as tables. A known section whose
// shape changed falls back to the generic view rather than breaking.
import type React from 'react';
import { HEADER_KEYS, humanize, ORDER, spfTermCounts } from '../mailRecords';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';

export function MailRecords({ details, expectedMx }: { details: Obj | undefined; expectedMx: readonly string[] | null }): React.JSX.Element {
  if (!details) {
    return (
      <div className="panel empty" data-testid="mail-records" data-state="none">
        This run kept no parsed records.
      </div>
    );
  }
  // A null section is one that did not apply to this run (no linked host, no probe): left out.
  const keys = Object.keys(details).filter((k) => !HEADER_KEYS.has(k) && details[k] !== null && details[k] !== undefined);
  const ordered = [...ORDER.filter((k) => keys.includes(k)), ...keys.filter((k) => !ORDER.includes(k))];
  return (
    <div className="mail-records" data-testid="mail-records">
      <h2 className="section-title">Records as parsed</h2>
      <div className="record-grid">
        {ordered.map((k) => (
          <section key={k} className={`panel record-section record-${k}`} data-testid="record-section" data-section={k}>
            <h3>{humanize(k)}</h3>
            <Section name={k} value={details[k]} expectedMx={expectedMx} />
          </section>
        ))}
      </div>
    </div>
  );
}

function Section({ name, value, expectedMx }: { name: string; value: unknown; expectedMx: readonly string[] | null }): React.JSX.Element {
  switch (name) {
    case 'spf':
      if (isObj(value) && Array.isArray(value.records)) return <Spf spf={value} />;
      break;
    case 'dmarc':
      if (isObj(value) && 'tags' in value) return <Dmarc dmarc={value} />;
      break;
    case 'dkim':
      if (Array.isArray(value) && value.every((k) => isObj(k) && isStr(k.selector))) return <Dkim keys={value as Obj[]} />;
      break;
    case 'mx':
      if (isObj(value) && isStr(value.kind) && Array.isArray(value.hosts)) return <Mx mx={value} expected={expectedMx} />;
      break;
  }
  return <Value v={value} depth={0} />;
}

// ---- SPF ----------------------------------------------------------------------------------

function Spf({ spf }: { spf: Obj }): React.JSX.Element {
  const records = (spf.records as unknown[]).filter(isStr);
  const lookups = isNum(spf.lookups) ? spf.lookups : null;
  const limit = isNum(spf.lookupLimit) ? spf.lookupLimit : 10;
  const voids = isNum(spf.voidLookups) ? spf.voidLookups : null;
  const tree = isObj(spf.tree) ? spf.tree : null;
  if (records.length !== 1) {
    return (
      <p data-testid="spf-summary" className={records.length ? 'warn-text' : 'muted'}>
        {records.length === 0 ? 'No v=spf1 record.' : `${records.length} v=spf1 records (there must be exactly one): no lookup tree.`}
        {records.map((r) => (
          <code key={r} className="block mono small">
            {r}
          </code>
        ))}
      </p>
    );
  }
  const over = lookups !== null && lookups > limit;
  return (
    <>
      <p data-testid="spf-summary">
        <span className={`mono strong${over ? ' bad-text' : ''}`} data-testid="spf-lookups">
          {lookups ?? '?'} / {limit}
        </span>{' '}
        DNS lookups
        {voids !== null && (
          <>
            {' · '}
            <span className={`mono${voids > 2 ? ' bad-text' : ''}`} data-testid="spf-void-lookups">
              {voids}
            </span>{' '}
            void (at most 2)
          </>
        )}
      </p>
      {tree && (
        <ul className="spf-tree" data-testid="spf-tree">
          <SpfNode node={tree} />
        </ul>
      )}
    </>
  );
}

function SpfNode({ node }: { node: Obj }): React.JSX.Element {
  const record = isStr(node.record) ? node.record : null;
  const children = Array.isArray(node.children) ? node.children.filter(isObj) : [];
  const lookups = isNum(node.lookups) ? node.lookups : 0;
  return (
    <li data-testid="spf-node" data-domain={String(node.domain)} data-lookups={lookups}>
      <div className="spf-node-head">
        <span className="mono strong">{String(node.domain)}</span>
        {record ? (
          <>
            <span className="spf-count" title="DNS-querying terms of this record" data-testid="spf-node-lookups">
              {lookups} lookup{lookups === 1 ? '' : 's'}
            </span>
            {spfTermCounts(record).map(([t, n]) => (
              <span key={t} className="tag mono" data-testid="spf-term">
                {t} ×{n}
              </span>
            ))}
          </>
        ) : (
          <span className="bad-text small" data-testid="spf-node-problem">
            {isStr(node.problem) ? node.problem : 'no record'}
          </span>
        )}
      </div>
      {record && <code className="block mono small spf-record">{record}</code>}
      {children.length > 0 && (
        <ul>
          {children.map((c, i) => (
            <SpfNode key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

// ---- DMARC --------------------------------------------------------------------------------

function Dmarc({ dmarc }: { dmarc: Obj }): React.JSX.Element {
  const tags = isObj(dmarc.tags) ? dmarc.tags : null;
  const records = Array.isArray(dmarc.records) ? dmarc.records.filter(isStr) : [];
  const notes = Array.isArray(dmarc.notes) ? dmarc.notes.filter(isStr) : [];
  const asked = Array.isArray(dmarc.asked) ? dmarc.asked.filter(isStr) : [];
  return (
    <>
      <p className="small">
        {isStr(dmarc.foundAt) ? (
          <>
            Found at <span className="mono" data-testid="dmarc-found-at">{dmarc.foundAt}</span>
          </>
        ) : (
          <span className="warn-text">No DMARC record found</span>
        )}
        {asked.length > 0 && <span className="muted"> (asked {asked.join(', ')})</span>}
      </p>
      {records.map((r) => (
        <code key={r} className="block mono small">
          {r}
        </code>
      ))}
      {tags && (
        <table className="table compact" data-testid="dmarc-tags">
          <tbody>
            {Object.entries(tags).map(([k, v]) => (
              <tr key={k} data-testid="dmarc-tag" data-tag={k}>
                <th className="mono">{k}</th>
                <td className="mono">{Array.isArray(v) ? v.join(', ') || '—' : v === null ? <span className="muted">not set</span> : String(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notes.length > 0 && (
        <ul className="small notes">
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </>
  );
}

// ---- DKIM ---------------------------------------------------------------------------------

function Dkim({ keys }: { keys: Obj[] }): React.JSX.Element {
  if (keys.length === 0) return <p className="muted">No DKIM selector given for this domain (DNS cannot list them): add selectors to the domain.</p>;
  return (
    <table className="table compact" data-testid="dkim-keys">
      <thead>
        <tr>
          <th>Selector</th>
          <th>Key</th>
          <th className="num">Bits</th>
          <th>Notes</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const notes = [
            k.revoked === true ? 'revoked (p= empty)' : null,
            Array.isArray(k.flags) && k.flags.length ? `t=${k.flags.join(':')}` : null,
            Array.isArray(k.hashes) && k.hashes.length ? `h=${k.hashes.join(':')}` : null,
            ...(Array.isArray(k.errors) ? k.errors.filter(isStr) : []),
          ].filter(isStr);
          return (
            <tr key={String(k.selector)} data-testid="dkim-key" data-selector={String(k.selector)}>
              <td className="mono" title={isStr(k.name) ? k.name : undefined}>
                {String(k.selector)}
              </td>
              <td className="mono" data-testid="dkim-key-type">
                {isStr(k.keyType) ? k.keyType : <span className="muted">{isStr(k.found) ? k.found : '—'}</span>}
              </td>
              <td className="num mono" data-testid="dkim-key-bits">
                {isNum(k.bits) ? k.bits : '—'}
              </td>
              <td className="small">{notes.join('; ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// ---- MX -----------------------------------------------------------------------------------

function Mx({ mx, expected }: { mx: Obj; expected: readonly string[] | null }): React.JSX.Element {
  const hosts = (mx.hosts as unknown[]).filter(isObj);
  const names = hosts.map((h) => String(h.exchange).replace(/\.$/, '').toLowerCase());
  const missing = (expected ?? []).filter((e) => !names.includes(e));
  const unexpected = expected && expected.length ? names.filter((n) => !expected.includes(n)) : [];
  return (
    <>
      {mx.kind !== 'hosts' && (
        <p className={mx.kind === 'null-mx' ? '' : 'warn-text'} data-testid="mx-kind">
          {mx.kind === 'null-mx' ? 'Null MX: the domain receives no mail.' : mx.kind === 'none' ? 'No MX record.' : 'Unknown: the MX lookup failed.'}
        </p>
      )}
      {hosts.length > 0 && (
        <table className="table compact" data-testid="mx-hosts">
          <thead>
            <tr>
              <th className="num">Pref</th>
              <th>Exchange</th>
              <th>Addresses (PTR)</th>
            </tr>
          </thead>
          <tbody>
            {hosts.map((h, i) => {
              const addrs = Array.isArray(h.addresses) ? h.addresses.filter(isObj) : [];
              return (
                <tr key={i} data-testid="mx-host">
                  <td className="num mono">{String(h.preference)}</td>
                  <td className="mono">
                    {String(h.exchange)}
                    {isStr(h.cname) && <span className="warn-text small"> CNAME to {h.cname}</span>}
                  </td>
                  <td className="mono small">
                    {addrs.length === 0 && <span className="bad-text">{isStr(h.problem) ? h.problem : 'no address'}</span>}
                    {addrs.map((a) => (
                      <div key={String(a.address)}>
                        {String(a.address)}{' '}
                        <span className="muted">PTR {Array.isArray(a.ptr) && a.ptr.length ? a.ptr.join(', ') : '—'}</span>{' '}
                        {a.forwardConfirmed === true ? <span className="ok-text">FCrDNS ok</span> : <span className="warn-text">not forward-confirmed</span>}
                      </div>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {expected && expected.length > 0 && (
        <p className="small" data-testid="mx-expected">
          Expected {expected.join(', ')}:{' '}
          {missing.length === 0 && unexpected.length === 0 ? (
            <span className="ok-text">every expected MX is published, and no other.</span>
          ) : (
            <span className="bad-text">
              {missing.length > 0 && `missing ${missing.join(', ')}`}
              {missing.length > 0 && unexpected.length > 0 && '; '}
              {unexpected.length > 0 && `not expected ${unexpected.join(', ')}`}
            </span>
          )}
        </p>
      )}
    </>
  );
}

// ---- anything else ------------------------------------------------------------------------

function Value({ v, depth }: { v: unknown; depth: number }): React.JSX.Element {
  if (v === null || v === undefined) return <span className="muted">—</span>;
  if (typeof v === 'boolean') return <span className={v ? 'ok-text' : 'muted'}>{v ? 'yes' : 'no'}</span>;
  if (typeof v !== 'object') return <span className="mono generic-text">{String(v)}</span>;
  if (depth > 6) return <code className="mono small">{JSON.stringify(v)}</code>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <span className="muted">none</span>;
    if (v.every(isObj)) {
      const cols = [...new Set(v.flatMap((o) => Object.keys(o)))].slice(0, 10);
      return (
        <table className="table compact generic-table" data-testid="generic-table">
          <thead>
            <tr>
              {cols.map((c) => (
                <th key={c}>{humanize(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {v.map((o, i) => (
              <tr key={i}>
                {cols.map((c) => (
                  <td key={c}>
                    <Value v={o[c]} depth={depth + 1} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    return (
      <ul className="generic-list">
        {v.map((x, i) => (
          <li key={i}>
            <Value v={x} depth={depth + 1} />
          </li>
        ))}
      </ul>
    );
  }
  const entries = Object.entries(v as Obj);
  if (entries.length === 0) return <span className="muted">empty</span>;
  return (
    <dl className="generic-facts" data-testid="generic-facts">
      {entries.map(([k, x]) => (
        <div key={k} className="generic-row">
          <dt>{humanize(k)}</dt>
          <dd>
            <Value v={x} depth={depth + 1} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
