// The same engine scenarios and properties through the linux board's engine module (s9at) in the host sandbox
// (Espruino-shaped globals: no Map/Set/Symbol/Array.from, E.toUint8Array/E.toString), so the built code is what is
// tested.
import { suite } from 'uvu';
import { engineScenarios } from './scenarios';
import { propertyScenarios } from './properties';
import { bundleEngine, closeBundle } from './fake';

engineScenarios('engine (module)', bundleEngine);
propertyScenarios('properties (module)', bundleEngine, 60);

const end = suite('module teardown');
end('close the shared sandbox', () => closeBundle());
end.run();
