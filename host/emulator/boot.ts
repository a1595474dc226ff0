// Power on, reset and power down: the boot URCs, and the state every one of them loses.

import type { Core } from './core';
import { abortSessions } from './sessions';
import { startRegistration } from './registration';

/** Powers the module on: the boot URCs follow, input is taken from RDY on. */
export function powerOn(m: Core): void {
  if (m.closed) return;
  m.mode = 'boot';
  startRegistration(m);
  const gen = m.generation;
  const steps: string[] = m.opts.bootUrcs ? ['RDY', '+CFUN: 1', '+CPIN: READY', 'Call Ready', 'SMS Ready'] : [];
  const run = (i: number) => {
    if (gen !== m.generation || m.closed) return;
    if (i === 0 && m.opts.bootGarbage) m.out.push(Buffer.from([0x00, 0x49, 0x49, 0x49, 0x49, 0xff, 0xff, 0xff, 0xff]));
    if (i < steps.length) m.urc(steps[i]);
    if (i === 0) {
      m.mode = 'cmd';
      m.events.emit('ready');
    }
    if (i + 1 < steps.length) m.later(m.rng.range(m.opts.bootDelayMs), () => run(i + 1));
    else m.events.emit('booted');
  };
  m.later(m.rng.range(m.opts.bootDelayMs), () => run(0));
}

/** The module dies: sessions end silently, every setting is lost, nothing is heard until the next boot. */
function die(m: Core): void {
  m.generation++;
  abortSessions(m, null);
  m.resetState();
}

/** Reset (brown-out, watchdog, AT+CFUN=1,1): output not yet sent is lost, the boot URCs follow. */
export function reset(m: Core): void {
  die(m);
  m.out.discard();
  m.events.emit('reset');
  powerOn(m);
}

/**
 * A reset in the middle of output: what is queued still goes out (it left the module before it died), then
 * the line is silent for gapMs, then the boot URCs.
 */
export function resetAfter(m: Core, gapMs: number): void {
  die(m);
  m.mode = 'off';
  m.events.emit('reset');
  const gen = m.generation;
  void m.out.idle().then(() => {
    if (gen === m.generation) m.later(gapMs, () => gen === m.generation && powerOn(m));
  });
}

/** AT+CPOWD: NORMAL POWER DOWN (normal) or silence (urgent), then deaf until powerOn(). */
export function powerDown(m: Core, normal: boolean): void {
  m.generation++;
  abortSessions(m, null);
  if (normal) m.unit('\r\nNORMAL POWER DOWN\r\n');
  m.resetState();
  m.mode = 'off';
  m.events.emit('powerdown');
}
