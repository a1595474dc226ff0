import { startDovecot, startSmtp } from '../../host/servers';
(async () => {
  const d: number[] = [], s: number[] = [], ds: number[] = [];
  for (let i = 0; i < (process.getuid!() === 0 ? 8 : 2); i++) {
    let t = process.hrtime.bigint();
    const dv = await startDovecot(); d.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    const sm = await startSmtp({ maildir: dv.maildir, maildirOwner: dv.mailOwner }); s.push(Number(process.hrtime.bigint() - t) / 1e6);
    await sm.stop();
    t = process.hrtime.bigint();
    await dv.stop(); ds.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const f = (a: number[]) => `min ${Math.min(...a).toFixed(1)} median ${a.slice().sort((x, y) => x - y)[a.length >> 1].toFixed(1)} max ${Math.max(...a).toFixed(1)} ms`;
  console.log('uid', process.getuid!(), 'dovecot start', f(d)); console.log('smtp start', f(s)); console.log('dovecot stop', f(ds));
})().catch((e) => { console.error(e); process.exit(1); });
