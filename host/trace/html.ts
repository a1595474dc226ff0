// Renders a recorded AT session (record.ts) as one self-contained HTML page: inline CSS, an inline SVG timeline
// (one lane per mail step, the steps' spans, every host command as a tick, counted-data runs, errors as red
// markers), then the session row by row: time in ms from the start, the host's commands on the left, the module's
// answers, URCs and data sizes on the right, grouped by mail step, errors highlighted. No script, no external file.
// Every text is escaped (module output can hold anything); non-printable bytes show as \xNN.

import { STEPS, isRun, type Step, type TraceEvent, type TraceItem, type TraceRun, type TraceStats } from './record';

/** The colours of the page: the test finds them in a screenshot. */
export const COLORS: Record<Step, string> & { error: string; errorBg: string; warn: string } = {
  'bring-up': '#5c6b7a',
  bearer: '#8e44ad',
  'smtp-settings': '#1f6fd1',
  body: '#0f9d8a',
  send: '#2e9e44',
  attachment: '#e67e22',
  'pop3-login': '#0096c7',
  retrieve: '#9c5b2e',
  logout: '#c2185b',
  error: '#d62828',
  errorBg: '#ffe1e1',
  warn: '#f1c40f',
};

export interface RenderOptions {
  title?: string;
  /** a line under the title (e.g. the command that ran) */
  subtitle?: string;
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes `s` (for text and attribute values). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

/** What a line of any bytes shows: printable ASCII as is, everything else as \xNN; at most `max` characters. */
export function printable(s: string, max = 200): string {
  let out = s.replace(/[^\x20-\x7e]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 256 ? '\\x' + n.toString(16).toUpperCase().padStart(2, '0') : '\\u' + n.toString(16).toUpperCase().padStart(4, '0');
  });
  if (out.length > max) out = out.slice(0, max) + ` ... (${out.length - max} more)`;
  return out;
}

const text = (s: string, max?: number) => esc(printable(s, max));
const ms = (t: number) => Math.round(t).toString();
const thousands = (n: number) => Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
const label = (s: Step) => STEPS.find((x) => x.id === s)!.label;

interface Phase {
  step: Step;
  t: number;
  t1: number;
  items: TraceItem[];
  commands: number;
  errors: number;
}

function itemEnd(i: TraceItem): number {
  return isRun(i) ? i.t1 : i.t1 ?? i.t;
}

function itemEvents(i: TraceItem): TraceEvent[] {
  return isRun(i) ? i.head.concat(i.tail) : [i];
}

/** Consecutive items of one step form a phase. */
function phases(items: TraceItem[]): Phase[] {
  const out: Phase[] = [];
  for (const i of items) {
    let p = out[out.length - 1];
    if (!p || p.step !== i.step) {
      p = { step: i.step, t: i.t, t1: itemEnd(i), items: [], commands: 0, errors: 0 };
      out.push(p);
    }
    p.items.push(i);
    p.t1 = Math.max(p.t1, itemEnd(i));
    if (isRun(i)) p.commands += i.commands;
    else if (i.kind === 'cmd') p.commands++;
    if (!isRun(i) && i.error) p.errors++;
  }
  return out;
}

/** Tick spacing for an axis of `span` ms: 1, 2 or 5 times a power of ten, about 10 ticks. */
function tickStep(span: number): number {
  const raw = Math.max(1, span / 10);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const k of [1, 2, 5, 10]) if (k * p >= raw) return k * p;
  return 10 * p;
}

function svgTimeline(items: TraceItem[], ph: Phase[], span: number): string {
  const W = 1160;
  const left = 160;
  const right = 16;
  const laneH = 22;
  const top = 28;
  const plotW = W - left - right;
  const H = top + STEPS.length * laneH + 10;
  const x = (t: number) => left + (Math.max(0, t) / span) * plotW;
  const lane = (s: Step) => top + STEPS.findIndex((q) => q.id === s) * laneH;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="timeline of the session by mail step">`);
  o.push(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#ffffff" fill-opacity="0.45"/></pattern></defs>`);
  // lanes and their labels
  STEPS.forEach((s, k) => {
    const y = top + k * laneH;
    o.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${laneH}" fill="${k % 2 ? '#f4f5f7' : '#fbfbfc'}"/>`);
    o.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end" class="lane">${esc(s.label)}</text>`);
  });
  // the time axis
  const step = tickStep(span);
  for (let t = 0; t <= span + 1e-6; t += step) {
    const xx = x(t).toFixed(1);
    o.push(`<line x1="${xx}" y1="${top - 4}" x2="${xx}" y2="${H - 10}" stroke="#d5d8dc" stroke-width="1"/>`);
    o.push(`<text x="${xx}" y="${top - 8}" text-anchor="middle" class="tick">${thousands(t)}</text>`);
  }
  o.push(`<text x="${left - 8}" y="${top - 8}" text-anchor="end" class="tick">ms</text>`);
  // the steps' spans (on whole pixels, at least 4 wide)
  const bar = (t0: number, t1: number) => {
    const x0 = Math.floor(x(t0));
    return { x0, w: Math.max(4, Math.round(x(t1)) - x0) };
  };
  // (a step lasts until the next one begins: the module's work between a command's OK and its result URC, e.g.
  // the SMTP dialogue after AT+SMTPSEND, belongs to the step that started it)
  ph.forEach((p, k) => {
    const b = bar(p.t, k + 1 < ph.length ? Math.max(p.t1, ph[k + 1].t) : p.t1);
    o.push(`<rect x="${b.x0}" y="${lane(p.step) + 3}" width="${b.w}" height="${laneH - 9}" fill="${COLORS[p.step]}"><title>${esc(label(p.step))}: ${ms(p.t)}-${ms(p.t1)} ms</title></rect>`);
  });
  // counted-data runs, hatched
  for (const i of items) {
    if (!isRun(i)) continue;
    const b = bar(i.t, i.t1);
    o.push(`<rect x="${b.x0}" y="${lane(i.step) + 3}" width="${b.w}" height="${laneH - 9}" fill="url(#hatch)"><title>${i.blocks} data blocks, ${i.bytes} bytes</title></rect>`);
  }
  // each host command a tick under its step's bar (at most 4000 of them)
  let ticks = 0;
  for (const i of items) {
    for (const e of itemEvents(i)) {
      if (e.kind !== 'cmd' || ticks++ > 4000) continue;
      const xx = Math.floor(x(e.t)) + 0.5;
      o.push(`<line x1="${xx}" y1="${lane(e.step) + laneH - 5}" x2="${xx}" y2="${lane(e.step) + laneH - 1}" stroke="#2c3440" stroke-width="1"/>`);
    }
  }
  // warnings and errors, across all lanes, and a dot in their own
  for (const i of items) {
    for (const e of itemEvents(i)) {
      if (!e.error && !e.warn) continue;
      const c = e.error ? COLORS.error : COLORS.warn;
      const xx = x(e.t);
      o.push(`<line x1="${xx.toFixed(1)}" y1="${top}" x2="${xx.toFixed(1)}" y2="${H - 10}" stroke="${c}" stroke-width="2"/>`);
      o.push(`<circle cx="${xx.toFixed(1)}" cy="${lane(e.step) + laneH / 2 - 1}" r="6" fill="${c}" stroke="#ffffff" stroke-width="1.5"><title>${ms(e.t)} ms: ${text(e.text, 80)}</title></circle>`);
    }
  }
  o.push('</svg>');
  return o.join('\n');
}

function eventRow(e: TraceEvent): string {
  const cls: string[] = [e.dir, e.kind];
  if (e.error) cls.push('err');
  else if (e.warn) cls.push('warn');
  const when = e.t1 !== undefined && Math.round(e.t1) !== Math.round(e.t) ? `${ms(e.t)}<span class="to">-${ms(e.t1)}</span>` : ms(e.t);
  let body: string;
  if (e.kind === 'data') body = `<span class="tag data">DATA</span> ${text(e.text)}`;
  else if (e.kind === 'urc') body = `<span class="tag urc">URC</span> ${text(e.text)}`;
  else if (e.kind === 'prompt') body = `<span class="tag prompt">PROMPT</span> <code>${text(e.text)}</code>`;
  else if (e.kind === 'note') body = `<span class="tag note">EMULATOR</span> ${text(e.text)}`;
  else body = `<code>${text(e.text)}</code>`;
  if (e.error && !/^(ERROR|\+C[MS]E ERROR)/.test(e.text)) body = `<span class="tag error">ERROR</span> ${body}`;
  const host = e.dir === 'host' ? body : '';
  const mod = e.dir !== 'host' ? body : '';
  const arrow = e.dir === 'host' ? '&#8594;' : e.dir === 'module' ? '&#8592;' : '&#183;';
  return `<tr class="${cls.join(' ')}"><td class="t">${when}</td><td class="h">${host}</td><td class="a">${arrow}</td><td class="m">${mod}</td></tr>`;
}

function runBlock(r: TraceRun): string {
  const secs = (r.t1 - r.t) / 1000;
  const rate = secs > 0 ? `, ${(r.bytes / 1024 / secs).toFixed(1)} KB/s` : '';
  const what = r.run === 'smtpft' ? 'attachment data host &#8594; module' : '+POP3READ data module &#8594; host';
  const hidden = r.events - r.head.length - r.tail.length;
  const rows = r.head.map(eventRow);
  if (hidden > 0) rows.push(`<tr class="gap"><td class="t"></td><td colspan="3">... ${hidden} more event${hidden === 1 ? '' : 's'} of this run ...</td></tr>`);
  rows.push(...r.tail.map(eventRow));
  return (
    `<tr class="run"><td colspan="4"><details><summary><span class="tag data">DATA RUN</span> ${what}: ${r.blocks} blocks, ` +
    `${thousands(r.bytes)} bytes, ${ms(r.t)}-${ms(r.t1)} ms (${secs >= 1 ? secs.toFixed(1) + ' s' : ms(r.t1 - r.t) + ' ms'}${rate}), ${r.events} events</summary>` +
    `<table class="rows">${COLS}${rows.join('')}</table></details></td></tr>`
  );
}

const COLS = '<colgroup><col class="ct"><col class="ch"><col class="ca"><col class="cm"></colgroup>';

const CSS = `
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 20px; color: #1d2329; background: #ffffff; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.meta { margin: 0 0 10px; color: #4a545e; }
svg.timeline { display: block; margin: 6px 0 8px; }
svg text.lane { font: 12px system-ui, sans-serif; fill: #2c3440; }
svg text.tick { font: 10px system-ui, sans-serif; fill: #6b7580; }
ul.legend { list-style: none; padding: 0; margin: 0 0 14px; display: flex; flex-wrap: wrap; gap: 6px 14px; }
ul.legend li { display: flex; align-items: center; gap: 5px; }
ul.legend i { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
section.phase { margin: 0 0 8px; border-left: 6px solid #999999; padding: 0 0 0 8px; }
section.phase h2 { font-size: 13px; margin: 0 0 2px; font-weight: 600; }
section.phase h2 .chip { color: #ffffff; border-radius: 3px; padding: 1px 7px; margin-right: 6px; }
section.phase h2 .span { font-weight: 400; color: #5b6570; }
table.rows { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.rows td { padding: 1px 6px; vertical-align: top; overflow-wrap: anywhere; }
table.rows col.ct { width: 92px; }
table.rows col.ch { width: 46%; }
table.rows col.ca { width: 22px; }
table.rows td.t { text-align: right; color: #5b6570; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.rows td.t .to { color: #9aa3ab; }
table.rows td.h { text-align: right; }
table.rows td.a { text-align: center; color: #9aa3ab; }
table.rows td.m { text-align: left; }
tr.host code { color: #0b3d91; font-weight: 600; }
tr.module code { color: #1f5130; }
tr.final code { font-weight: 600; }
tr.urc { font-style: italic; }
tr.err td { background: ${COLORS.errorBg}; }
tr.err td.t { border-left: 4px solid ${COLORS.error}; }
tr.err code, tr.err { color: ${COLORS.error}; font-weight: 700; }
tr.warn td { background: #fff6d6; }
tr.gap td { color: #6b7580; font-style: italic; text-align: center; }
tr.run > td { padding: 2px 0; }
details summary { cursor: pointer; color: #3b434b; padding-left: 60px; }
code { font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
.tag { display: inline-block; font: 600 10px/1.5 system-ui, sans-serif; border-radius: 3px; padding: 0 4px; margin-right: 3px; vertical-align: 1px; font-style: normal; }
.tag.data { background: #fdebd3; color: #8a4b00; }
.tag.urc { background: #ece3f7; color: #5b2c83; }
.tag.prompt { background: #d9f2ee; color: #0a5c51; }
.tag.note { background: #fff1b8; color: #6b5500; }
.tag.error { background: ${COLORS.error}; color: #ffffff; }
`;

/** The page for a recorded session. */
export function renderHtml(items: TraceItem[], stats: TraceStats, o: RenderOptions = {}): string {
  const title = o.title || 'SIM900 AT session';
  const span = Math.max(1, stats.duration);
  const ph = phases(items);
  const kb = (n: number) => `${thousands(n)} bytes`;
  const meta = [
    `started ${stats.started.toISOString()}`,
    `${(stats.duration / 1000).toFixed(1)} s`,
    `${stats.commands} commands`,
    `<b style="color:${stats.errors ? COLORS.error : 'inherit'}">${stats.errors} error${stats.errors === 1 ? '' : 's'}</b>`,
    stats.warnings ? `${stats.warnings} warnings` : '',
    `host &#8594; module ${kb(stats.hostBytes)} (data ${kb(stats.dataUp)} in ${stats.dataUpBlocks} blocks)`,
    `module &#8594; host ${kb(stats.moduleBytes)} (data ${kb(stats.dataDown)} in ${stats.dataDownBlocks} blocks)`,
    stats.dropped ? `${stats.dropped} early items dropped` : '',
  ].filter(Boolean);
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="en"><head><meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<style>${CSS}</style></head><body>`);
  out.push(`<h1>${esc(title)}</h1>`);
  if (o.subtitle) out.push(`<p class="meta">${text(o.subtitle, 400)}</p>`);
  out.push(`<p class="meta">${meta.join(' &#183; ')}</p>`);
  out.push(svgTimeline(items, ph, span));
  out.push('<ul class="legend">');
  for (const s of STEPS) out.push(`<li><i style="background:${COLORS[s.id]}"></i>${esc(s.label)}</li>`);
  out.push(`<li><i style="background:${COLORS.error}"></i>error</li><li><i style="background:${COLORS.warn}"></i>warning (reset, bearer lost)</li></ul>`);
  for (const p of ph) {
    const c = COLORS[p.step];
    const errs = p.errors ? ` &#183; <b style="color:${COLORS.error}">${p.errors} error${p.errors === 1 ? '' : 's'}</b>` : '';
    out.push(`<section class="phase step-${p.step}" style="border-left-color:${c}">`);
    out.push(`<h2><span class="chip" style="background:${c}">${esc(label(p.step))}</span><span class="span">${ms(p.t)}-${ms(p.t1)} ms &#183; ${p.commands} command${p.commands === 1 ? '' : 's'}${errs}</span></h2>`);
    out.push(`<table class="rows">${COLS}`);
    for (const i of p.items) out.push(isRun(i) ? runBlock(i) : eventRow(i));
    out.push('</table></section>');
  }
  if (!items.length) out.push('<p class="meta">(nothing recorded yet)</p>');
  out.push('</body></html>');
  return out.join('\n') + '\n';
}
