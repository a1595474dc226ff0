// The same engine scenarios and properties through the linux bundle in the host sandbox (Espruino-shaped
// globals: no Map/Set/Symbol/Array.from, E.toUint8Array/E.toString), so the bundled code is what is tested.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineScenarios } from './scenarios';
import { propertyScenarios } from './properties';
import { bundleEngine, closeBundle } from './fake';
import { loadBundle } from '../../host/sandbox';

const api = suite('bundle exposes SIM900MAIL.at');
api('the AT API is in the bundle', () => {
  const sb = loadBundle({ board: 'linux' });
  const at = sb.lib.at;
  for (const k of ['AtEngine', 'quote', 'hexQuote', 'toHex', 'utf8Encode', 'intParam', 'atLine', 'checkLine', 'promptText', 'mailError'])
    assert.type(at[k], 'function', k);
  assert.is(at.MAX_LINE, 556);
  assert.is(at.quote('x', 5, 'v'), '"x"');
  assert.is(at.toHex(at.utf8Encode('é')), 'C3A9');
  try {
    at.quote('a"b', 5, 'subject');
    assert.unreachable();
  } catch (e: any) {
    assert.is(e.code, 'E_PARAM');
    assert.match(e.message, /^subject: /);
  }
  sb.close();
});
api.run();

engineScenarios('engine (bundle)', bundleEngine);
propertyScenarios('properties (bundle)', bundleEngine, 60);

const end = suite('bundle teardown');
end('close the shared sandbox', () => closeBundle());
end.run();
