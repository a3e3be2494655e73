// Tables with an export button: every table the dashboard shows can be saved as CSV with raw
// values (numbers unformatted, so a spreadsheet reads them), cells neutralised against formula
// injection with internal/csvsafe's rule (OWASP: = + - @ tab CR gain a leading quote, plain
// numbers stay numbers).
import { el } from './dom.js';

// cols: [{label, get(row) → raw value, fmt(row) → shown text (default: get), num, title(row),
// link(row) → {list, title}: the cell is a button opening that customer list (a list field of
// the analysis JSON), or nothing}]
export function table(ctx, { name, cols, rows, onRow, caption, rowLabel }) {
  const t = ctx.i18n;
  const head = el('tr', null, cols.map(c => el('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)));
  const body = el('tbody', null, rows.map((r, i) => {
    const tr = el('tr', {
      class: onRow ? 'click' : null, tabindex: onRow ? '0' : null,
      title: onRow ? t.t('Show these customers') : null, dataset: { row: String(i) },
    }, cols.map(c => {
      let v = c.fmt ? c.fmt(r) : c.get(r);
      const l = c.link && c.link(r);
      if (l && l.list) {
        v = el('button', { type: 'button', class: 'link', dataset: { list: l.list }, title: t.t('Show these customers') }, v);
        v.addEventListener('click', ev => { ev.stopPropagation(); ctx.openList(l.list, l.title); });
      }
      return el('td', { class: [c.num ? 'num' : '', c.cls ? c.cls(r) : ''].join(' ').trim() || null, title: c.title ? c.title(r) : null }, v);
    }));
    if (onRow) {
      tr.addEventListener('click', () => onRow(r));
      tr.addEventListener('keydown', ev => { if (ev.key === 'Enter') onRow(r); });
    }
    return tr;
  }));
  const exp = el('button', { type: 'button', class: 'export', dataset: { export: name } }, t.t('Export CSV'));
  exp.addEventListener('click', () => download(`fidelis-${name}.csv`, toCSV(cols, rows)));
  return el('div', { class: 'table-wrap' },
    el('div', { class: 'table-tools' }, caption ? el('span', { class: 'muted' }, caption) : null, exp),
    el('div', { class: 'table-scroll' + (rows.length > 15 ? ' long' : '') },
      el('table', { 'aria-label': rowLabel || name }, el('thead', null, head), body)));
}

export function toCSV(cols, rows) {
  const line = cells => cells.map(field).join(',');
  return [line(cols.map(c => c.label)), ...rows.map(r => line(cols.map(c => raw(c.get(r)))))].join('\r\n') + '\r\n';
}

function raw(v) {
  if (v == null || (typeof v === 'number' && !isFinite(v))) return '';
  return String(v);
}

const triggers = '=+-@\t\r';

// cell is csvsafe.Cell: a risky cell gets a leading single quote.
export function cell(s) {
  const trimmed = s.replace(/^'+/, '');
  if (trimmed === '' || !triggers.includes(trimmed[0])) return s;
  if (trimmed.length === s.length && /^[+-]?[0-9.eE+-]+$/.test(s) && isFinite(Number(s))) return s;
  return "'" + s;
}

function field(v) {
  const s = cell(String(v));
  return /[",\r\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

export function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
